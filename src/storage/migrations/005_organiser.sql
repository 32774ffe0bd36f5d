-- reserved: identity, chains, late sales (helper "organiser")
SELECT 1;

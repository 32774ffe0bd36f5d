-- reserved: print_jobs schema (helper "print")
SELECT 1;

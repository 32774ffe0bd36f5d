-- A chain may have several keys, each from a seq on, as at the organiser's: a till provisioned again signs with a
-- new key from the chain's next entry, and the first copy's entries after that point no longer verify. For one seq
-- the range with the greatest from_seq at or before it signs. The single key each chain had becomes its first range.
ALTER TABLE chain_keys DROP CONSTRAINT chain_keys_pkey;
ALTER TABLE chain_keys ADD PRIMARY KEY (market, chain, from_seq);

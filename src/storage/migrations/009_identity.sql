-- Identity, second part: a database that does not know yet what it is, chain keys by range, re-provisioning.

-- 'none': a till laptop from before identities, or a copy restored without its identity. The till asks at start
-- which till it is (an organiser's PIN); the command line treats it as before (its own events on ORG).
CREATE TABLE identity_v9 (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'till', 'none')),
    till TEXT,
    provisioned_at TEXT,
    CHECK ((role = 'till') = (till IS NOT NULL))
);
INSERT INTO identity_v9 (id, role, till, provisioned_at) SELECT id, role, till, provisioned_at FROM identity;
DROP TABLE identity;
ALTER TABLE identity_v9 RENAME TO identity;
-- Taken for the organiser's by 005, a database that sold at a till but never merged a bundle nor provisioned a
-- till was a till laptop: it is asked which till it is rather than refused.
UPDATE identity SET role = 'none'
 WHERE role = 'organiser'
   AND EXISTS (SELECT 1 FROM shifts WHERE till <> 'ORG')
   AND NOT EXISTS (SELECT 1 FROM merges)
   AND NOT EXISTS (SELECT 1 FROM provisions);

-- A chain may have several keys, each from a seq on: a till provisioned again gets a new key from the chain's next
-- entry, and the first copy's entries after that point no longer verify. For one seq the greatest from_seq wins,
-- then the latest registered.
CREATE TABLE chain_keys_v9 (
    id INTEGER PRIMARY KEY,
    chain TEXT NOT NULL,
    public_key TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    registered_at TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('own', 'provisioned', 'bundle'))
);
INSERT INTO chain_keys_v9 (chain, public_key, from_seq, registered_at, origin)
    SELECT chain, public_key, from_seq, registered_at, origin FROM chain_keys ORDER BY chain;
DROP TABLE chain_keys;
ALTER TABLE chain_keys_v9 RENAME TO chain_keys;
CREATE INDEX chain_keys_chain ON chain_keys(chain, from_seq);
CREATE TRIGGER chain_keys_no_update BEFORE UPDATE ON chain_keys BEGIN SELECT RAISE(ABORT, 'chain_keys: append-only'); END;
CREATE TRIGGER chain_keys_no_delete BEFORE DELETE ON chain_keys BEGIN SELECT RAISE(ABORT, 'chain_keys: append-only'); END;

-- Which key each provisioned copy got, and from which seq of its chain it writes.
ALTER TABLE provisions ADD COLUMN public_key TEXT;
ALTER TABLE provisions ADD COLUMN from_seq INTEGER;

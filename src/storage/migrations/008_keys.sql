-- Ed25519 signatures. Each database holds its own key pair (the secret never leaves it: a copy provisioned for a
-- till gets a new one) and the public key of every chain it knows, from the entry where signing began.
CREATE TABLE signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chain TEXT NOT NULL,
    secret TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE chain_keys (
    chain TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    -- Entries from this seq on must carry a valid signature (earlier ones were written before keys existed).
    from_seq INTEGER NOT NULL,
    registered_at TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('own', 'provisioned', 'bundle'))
) WITHOUT ROWID;
CREATE TRIGGER chain_keys_no_update BEFORE UPDATE ON chain_keys BEGIN SELECT RAISE(ABORT, 'chain_keys: append-only'); END;
CREATE TRIGGER chain_keys_no_delete BEFORE DELETE ON chain_keys BEGIN SELECT RAISE(ABORT, 'chain_keys: append-only'); END;

ALTER TABLE journal ADD COLUMN signature TEXT NOT NULL DEFAULT '';

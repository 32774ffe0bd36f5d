-- Identity, one writer per chain, late sales.

-- What this database is: the organiser's, or the copy provisioned for one till (which then writes only its chain).
-- A database from before this version is taken to be the organiser's (`init` made it).
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'till')),
    till TEXT,
    provisioned_at TEXT,
    CHECK ((role = 'till') = (till IS NOT NULL))
);
INSERT INTO identity (id, role) VALUES (1, 'organiser');

-- The organiser's record of the copies it provisioned: which till, when, to which file.
CREATE TABLE provisions (
    id INTEGER PRIMARY KEY,
    till TEXT NOT NULL,
    at_utc TEXT NOT NULL,
    file TEXT NOT NULL
);
CREATE INDEX provisions_till ON provisions(till);

-- A ticket's series is its chain (the database that wrote it); `till` is the till that collected the money
-- (the same, except for paper sales entered at another database).
ALTER TABLE tickets RENAME COLUMN till TO chain;
ALTER TABLE tickets ADD COLUMN till TEXT NOT NULL DEFAULT '';
DROP TRIGGER tickets_no_update;
UPDATE tickets SET till = chain;
CREATE TRIGGER tickets_no_update BEFORE UPDATE ON tickets BEGIN SELECT RAISE(ABORT, 'tickets: append-only'); END;
DROP INDEX tickets_ref;
CREATE UNIQUE INDEX tickets_ref ON tickets(chain, till, ticket_ref) WHERE ticket_ref IS NOT NULL;
CREATE INDEX tickets_till_ref ON tickets(till, ticket_ref) WHERE ticket_ref IS NOT NULL;

-- When the bundle that brought a range was exported (the till's clock): phase close needs a bundle exported
-- after the phase's last day.
ALTER TABLE merges ADD COLUMN exported_at TEXT;

-- Tickets merged after their phase closed: settled in a complement of that phase, numbered from 1.
CREATE TABLE late_tickets (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
    phase INTEGER NOT NULL,
    complement INTEGER NOT NULL,
    merged_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX late_tickets_phase ON late_tickets(phase, complement);
CREATE TRIGGER late_no_update BEFORE UPDATE ON late_tickets BEGIN SELECT RAISE(ABORT, 'late_tickets: append-only'); END;
CREATE TRIGGER late_no_delete BEFORE DELETE ON late_tickets BEGIN SELECT RAISE(ABORT, 'late_tickets: append-only'); END;

-- Closed complements: the settlement of a phase's late tickets as closed.
CREATE TABLE complements (
    phase INTEGER NOT NULL,
    number INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    settlement_hash TEXT NOT NULL,
    settlement_json TEXT NOT NULL,
    PRIMARY KEY (phase, number)
) WITHOUT ROWID;

-- Shares' link to their ticket is checked at commit (DEFERRABLE INITIALLY DEFERRED): every writer inserts a
-- ticket before its shares in the same transaction, so the check still refuses any orphan, and a merge can then
-- write shares with multi-row statements that need no statement journal (an immediate foreign key makes every
-- multi-row insert abortable, and the shares' two covering indexes would copy about two pages per row to it).
-- Same columns, rows, indexes and append-only triggers.
DROP TRIGGER shares_no_update;
DROP TRIGGER shares_no_delete;
CREATE TABLE shares_new (
    ticket_id TEXT NOT NULL REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED,
    exhibitor_code TEXT NOT NULL,
    phase INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    till TEXT NOT NULL,
    collector TEXT NOT NULL,
    is_refund INTEGER NOT NULL,
    net INTEGER NOT NULL,
    cash INTEGER NOT NULL,
    card INTEGER NOT NULL,
    mobile INTEGER NOT NULL,
    other INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, exhibitor_code)
) WITHOUT ROWID;
INSERT INTO shares_new SELECT ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net, cash,
    card, mobile, other FROM shares;
DROP TABLE shares;
ALTER TABLE shares_new RENAME TO shares;
CREATE INDEX shares_settlement ON shares(phase, exhibitor_code, is_refund, collector, local_date, net, cash, card, mobile, other);
CREATE INDEX shares_day ON shares(local_date, exhibitor_code, till, is_refund, net, cash, card, mobile, other);
CREATE TRIGGER shares_no_update BEFORE UPDATE ON shares BEGIN SELECT RAISE(ABORT, 'shares: append-only'); END;
CREATE TRIGGER shares_no_delete BEFORE DELETE ON shares BEGIN SELECT RAISE(ABORT, 'shares: append-only'); END;

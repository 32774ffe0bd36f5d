-- Indexes a paper-sale import writes for nothing. Paper tickets have no shift: only tickets of a shift are
-- indexed by it (every query by shift asks `shift = ?`, which the partial index answers). The unique index on
-- paper references leads with (till, ticket_ref), so it also answers "this till's reference" lookups and the
-- duplicates' join, which had an index of their own.
DROP INDEX tickets_shift;
CREATE INDEX tickets_shift ON tickets(shift) WHERE shift IS NOT NULL;
DROP INDEX tickets_till_ref;
DROP INDEX tickets_ref;
CREATE UNIQUE INDEX tickets_ref ON tickets(till, ticket_ref, chain) WHERE ticket_ref IS NOT NULL;

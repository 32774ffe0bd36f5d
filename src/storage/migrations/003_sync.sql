-- Consolidation bookkeeping (souk export / souk merge). Never sales data: the journal stays the record.

-- What this database exported, so that `export --since-last` starts where the previous bundle ended.
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    bundle_sha TEXT NOT NULL,
    chain TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    exported_at TEXT NOT NULL,
    file TEXT NOT NULL
);
CREATE INDEX exports_chain ON exports(chain, to_seq);

-- The ranges each merged bundle brought (only what was new here).
CREATE TABLE merges (
    bundle_sha TEXT NOT NULL,
    chain TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    merged_at TEXT NOT NULL,
    file TEXT NOT NULL,
    PRIMARY KEY (bundle_sha, chain)
) WITHOUT ROWID;

-- ORG entries journalled on another laptop after its copy of the organiser's database forked from ours
-- (e.g. a paper-sales import done at a till). ORG is not merged: each laptop's ORG is its own chain; these are
-- kept, verified, as evidence, keyed by their hash so that merging again adds nothing.
CREATE TABLE org_witness (
    hash TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    at_utc TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    approver TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    amount INTEGER NOT NULL,
    grand_total INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    bundle_sha TEXT NOT NULL
) WITHOUT ROWID;

-- A region's markets, keyed by market uuid. Amounts in centimes, quantities in thousandths, as in SQLite.
CREATE TABLE markets (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organiser TEXT NOT NULL,
    city TEXT NOT NULL,
    currency TEXT NOT NULL,
    timezone TEXT NOT NULL,
    cash_rounding BIGINT
);
CREATE TABLE phases (
    market TEXT NOT NULL REFERENCES markets(uuid),
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    settlement_hash TEXT,
    settlement_json TEXT,
    closed_witness TEXT,
    PRIMARY KEY (market, number)
);
CREATE TABLE exhibitors (
    market TEXT NOT NULL REFERENCES markets(uuid),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    ice TEXT,
    commission_rate TEXT NOT NULL,
    stall_fee BIGINT NOT NULL,
    province TEXT,
    sector TEXT,
    women_led BOOLEAN,
    PRIMARY KEY (market, code)
);
CREATE INDEX exhibitors_ice ON exhibitors(ice) WHERE ice IS NOT NULL;
CREATE TABLE exhibitor_phases (
    market TEXT NOT NULL,
    exhibitor_code TEXT NOT NULL,
    phase INTEGER NOT NULL,
    PRIMARY KEY (market, exhibitor_code, phase),
    FOREIGN KEY (market, exhibitor_code) REFERENCES exhibitors(market, code)
);
CREATE TABLE tills (
    market TEXT NOT NULL REFERENCES markets(uuid),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    collector TEXT NOT NULL CHECK (collector IN ('organiser', 'exhibitor')),
    PRIMARY KEY (market, id)
);
CREATE TABLE chain_keys (
    market TEXT NOT NULL REFERENCES markets(uuid),
    chain TEXT NOT NULL,
    public_key TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    PRIMARY KEY (market, chain)
);
CREATE TABLE journal (
    market TEXT NOT NULL REFERENCES markets(uuid),
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at_utc TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    approver TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    amount BIGINT NOT NULL,
    grand_total BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (market, chain, seq)
);
CREATE TABLE tickets (
    market TEXT NOT NULL REFERENCES markets(uuid),
    id TEXT NOT NULL,
    chain TEXT NOT NULL,
    till TEXT NOT NULL,
    number BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
    refund_of TEXT,
    at_utc TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    phase INTEGER NOT NULL,
    cashier TEXT NOT NULL,
    shift TEXT,
    manual BOOLEAN NOT NULL,
    ticket_ref TEXT,
    total BIGINT NOT NULL,
    rounding BIGINT NOT NULL,
    journal_seq BIGINT NOT NULL,
    PRIMARY KEY (market, id),
    FOREIGN KEY (market, chain, journal_seq) REFERENCES journal(market, chain, seq)
);
CREATE TABLE ticket_lines (
    market TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    product_code TEXT,
    exhibitor_code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_ar TEXT,
    unit TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount BIGINT NOT NULL,
    vat_rate TEXT NOT NULL,
    total BIGINT NOT NULL,
    refund_of_line INTEGER,
    PRIMARY KEY (market, ticket_id, line_no),
    FOREIGN KEY (market, ticket_id) REFERENCES tickets(market, id)
);
CREATE TABLE payments (
    market TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other')),
    amount BIGINT NOT NULL,
    tendered BIGINT,
    change BIGINT NOT NULL,
    reference TEXT,
    PRIMARY KEY (market, ticket_id, pos),
    FOREIGN KEY (market, ticket_id) REFERENCES tickets(market, id)
);
CREATE TABLE shares (
    market TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    exhibitor_code TEXT NOT NULL,
    phase INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    till TEXT NOT NULL,
    collector TEXT NOT NULL,
    is_refund BOOLEAN NOT NULL,
    net BIGINT NOT NULL,
    cash BIGINT NOT NULL,
    card BIGINT NOT NULL,
    mobile BIGINT NOT NULL,
    other BIGINT NOT NULL,
    PRIMARY KEY (market, ticket_id, exhibitor_code),
    FOREIGN KEY (market, ticket_id) REFERENCES tickets(market, id)
);
CREATE INDEX shares_settlement ON shares(market, phase, exhibitor_code);
CREATE TABLE late_tickets (
    market TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    phase INTEGER NOT NULL,
    complement INTEGER NOT NULL,
    PRIMARY KEY (market, ticket_id),
    FOREIGN KEY (market, ticket_id) REFERENCES tickets(market, id)
);
-- What a push refused, for an operator to read: nothing of the refused chain was written.
CREATE TABLE refused (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    market TEXT NOT NULL,
    chain TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    reason TEXT NOT NULL
);

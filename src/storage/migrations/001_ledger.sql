-- souk ledger, version 1. Money in integer centimes, quantities in integer thousandths.
CREATE TABLE market (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    organiser TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'MAD',
    timezone TEXT NOT NULL DEFAULT 'Africa/Casablanca',
    cash_rounding INTEGER,
    created_at TEXT NOT NULL
);

CREATE TABLE phases (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    settlement_hash TEXT,
    -- The final settlement as closed (JSON), so that reports of a closed phase never change.
    settlement_json TEXT,
    -- The journal witness (hash of every chain head) at the close, printed on the closed phase's reports.
    closed_witness TEXT
);

CREATE TABLE tills (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    collector TEXT NOT NULL CHECK (collector IN ('organiser', 'exhibitor'))
);

CREATE TABLE exhibitors (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    ice TEXT,
    phone TEXT,
    commission_rate TEXT NOT NULL DEFAULT '0',
    stall_fee INTEGER NOT NULL DEFAULT 0,
    province TEXT,
    sector TEXT,
    women_led INTEGER
);

CREATE TABLE exhibitor_phases (
    exhibitor_code TEXT NOT NULL REFERENCES exhibitors(code),
    phase INTEGER NOT NULL REFERENCES phases(number),
    PRIMARY KEY (exhibitor_code, phase)
) WITHOUT ROWID;

CREATE TABLE products (
    code TEXT PRIMARY KEY,
    exhibitor_code TEXT NOT NULL REFERENCES exhibitors(code),
    barcode TEXT UNIQUE,
    name_fr TEXT NOT NULL,
    name_ar TEXT,
    unit TEXT NOT NULL CHECK (unit IN ('piece', 'kg', 'l')),
    price INTEGER NOT NULL CHECK (price >= 0),
    vat_rate TEXT NOT NULL DEFAULT '0'
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'organiser')),
    pin_hash TEXT NOT NULL,
    failed_pins INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    till TEXT NOT NULL,
    cashier TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opening_float INTEGER NOT NULL,
    closed_at TEXT,
    counted_cash INTEGER,
    expected_cash INTEGER,
    z_detail TEXT
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    till TEXT NOT NULL,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
    refund_of TEXT REFERENCES tickets(id),
    at_utc TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    phase INTEGER NOT NULL,
    cashier TEXT NOT NULL,
    shift TEXT,
    manual INTEGER NOT NULL DEFAULT 0,
    ticket_ref TEXT,
    total INTEGER NOT NULL,
    rounding INTEGER NOT NULL DEFAULT 0,
    journal_seq INTEGER NOT NULL,
    UNIQUE (till, number)
);
CREATE UNIQUE INDEX tickets_ref ON tickets(till, ticket_ref) WHERE ticket_ref IS NOT NULL;
CREATE INDEX tickets_shift ON tickets(shift);
CREATE INDEX tickets_refund_of ON tickets(refund_of) WHERE refund_of IS NOT NULL;

CREATE TABLE ticket_lines (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    line_no INTEGER NOT NULL,
    product_code TEXT,
    exhibitor_code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_ar TEXT,
    unit TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    vat_rate TEXT NOT NULL,
    total INTEGER NOT NULL,
    refund_of_line INTEGER,
    PRIMARY KEY (ticket_id, line_no)
) WITHOUT ROWID;

CREATE TABLE payments (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    pos INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other')),
    amount INTEGER NOT NULL,
    tendered INTEGER,
    change INTEGER NOT NULL DEFAULT 0,
    reference TEXT,
    PRIMARY KEY (ticket_id, pos)
) WITHOUT ROWID;

-- What the settlement needs, one row per ticket and exhibitor (signed: refunds negative), so that a covering
-- index answers a phase's settlement without touching lines or payments.
CREATE TABLE shares (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
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
CREATE INDEX shares_settlement ON shares(phase, exhibitor_code, is_refund, collector, local_date, net, cash, card, mobile, other);
CREATE INDEX shares_day ON shares(local_date, exhibitor_code, till, is_refund, net, cash, card, mobile, other);

CREATE TABLE abandoned_baskets (
    id INTEGER PRIMARY KEY,
    till TEXT NOT NULL,
    shift TEXT,
    at_utc TEXT NOT NULL,
    cashier TEXT NOT NULL,
    lines INTEGER NOT NULL,
    total INTEGER NOT NULL
);

-- One hash chain per till (and 'ORG' for the organiser's command line), append-only.
CREATE TABLE journal (
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at_utc TEXT NOT NULL,
    utc_offset INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    approver TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    amount INTEGER NOT NULL DEFAULT 0,
    grand_total INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
CREATE INDEX journal_subject ON journal(subject, kind);

CREATE TRIGGER tickets_no_update BEFORE UPDATE ON tickets BEGIN SELECT RAISE(ABORT, 'tickets: append-only'); END;
CREATE TRIGGER tickets_no_delete BEFORE DELETE ON tickets BEGIN SELECT RAISE(ABORT, 'tickets: append-only'); END;
CREATE TRIGGER lines_no_update BEFORE UPDATE ON ticket_lines BEGIN SELECT RAISE(ABORT, 'ticket_lines: append-only'); END;
CREATE TRIGGER lines_no_delete BEFORE DELETE ON ticket_lines BEGIN SELECT RAISE(ABORT, 'ticket_lines: append-only'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments: append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments: append-only'); END;
CREATE TRIGGER shares_no_update BEFORE UPDATE ON shares BEGIN SELECT RAISE(ABORT, 'shares: append-only'); END;
CREATE TRIGGER shares_no_delete BEFORE DELETE ON shares BEGIN SELECT RAISE(ABORT, 'shares: append-only'); END;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal: append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal: append-only'); END;

-- The basket in progress at each till: not a sale, no journal entry; offered back after a crash.
CREATE TABLE draft_baskets (
    till TEXT PRIMARY KEY,
    cashier TEXT NOT NULL,
    approver TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE draft_lines (
    till TEXT NOT NULL REFERENCES draft_baskets(till) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    product_code TEXT,
    exhibitor_code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_ar TEXT,
    unit TEXT NOT NULL CHECK (unit IN ('piece', 'kg', 'l')),
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    discount INTEGER NOT NULL DEFAULT 0,
    vat_rate TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (till, line_no)
);

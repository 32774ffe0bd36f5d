-- The payments typed on the payment screen of a basket in progress (a card already charged, notes counted):
-- kept with the draft, so that a crash before the sale commits never hides that a card was charged.
CREATE TABLE draft_payments (
    till TEXT NOT NULL REFERENCES draft_baskets(till) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other')),
    amount INTEGER NOT NULL,
    tendered INTEGER,
    reference TEXT,
    PRIMARY KEY (till, pos)
);

-- Closed complements (a phase's late tickets settled after its close), as the organiser froze them.
CREATE TABLE complements (
    market TEXT NOT NULL REFERENCES markets(uuid),
    phase INTEGER NOT NULL,
    number INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    settlement_hash TEXT NOT NULL,
    settlement_json TEXT NOT NULL,
    PRIMARY KEY (market, phase, number),
    FOREIGN KEY (market, phase) REFERENCES phases(market, number)
);
CREATE INDEX late_tickets_phase ON late_tickets(market, phase, complement);

//! The settlement recomputed with plain SQL from tickets, lines and payments — independently of the domain
//! code (its own largest-remainder split with window functions) — gives the same figures.
use crate::support::common::*;
use rust_decimal::Decimal;
use souk::domain::money::to_centimes;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db, catalogue};
use std::collections::BTreeMap;

fn ctx(till: &str, when: &str) -> SaleContext {
    SaleContext {
        till: till.into(),
        cashier: "test".into(),
        shift: None,
        at: Clock::market()
            .unwrap()
            .at_local(when.parse().unwrap())
            .unwrap(),
        manual: false,
        ticket_ref: None,
        approver: None,
    }
}

fn draft(db: &Db, code: &str, qty: Decimal) -> LineDraft {
    let p = catalogue::product(db.conn(), code).unwrap().unwrap();
    LineDraft {
        product_code: Some(p.code),
        exhibitor_code: p.exhibitor_code,
        name_fr: p.name_fr,
        name_ar: p.name_ar,
        unit: p.unit,
        quantity: qty,
        unit_price: p.price,
        discount: Decimal::ZERO,
        vat_rate: p.vat_rate,
    }
}

/// Split payments over several exhibitors, a ticket discount, and refunds in the same and a later phase.
pub fn busy_market(dir: &std::path::Path) -> std::path::PathBuf {
    let path = sample_market(dir, true);
    let mut db = Db::open(&path).unwrap();
    let q = |n: i64, s: u32| Decimal::new(n, s);
    let lines = vec![
        draft(&db, "E001-01", q(750, 3)),
        draft(&db, "E002-04", q(3, 0)),
        draft(&db, "E003-01", q(1, 0)),
    ];
    let total: Decimal = lines.iter().map(|l| l.total()).sum::<Decimal>() - q(5, 0);
    let pays = [
        PaymentDraft::new(PaymentMethod::Card, q(10001, 2)),
        PaymentDraft::new(PaymentMethod::Mobile, q(3333, 2)),
        PaymentDraft {
            method: PaymentMethod::Cash,
            amount: total - q(13334, 2),
            tendered: Some(q(500, 0)),
            reference: None,
        },
    ];
    let s = build_sale(&lines, q(5, 0), &pays, None).unwrap();
    let t1 = db
        .commit_sale(&ctx("T01", "2025-08-08T10:00:00"), &s)
        .unwrap();
    let lines = vec![
        draft(&db, "E001-02", q(2500, 3)),
        draft(&db, "E006-01", q(1, 0)),
    ];
    let total: Decimal = lines.iter().map(|l| l.total()).sum();
    let s = build_sale(
        &lines,
        Decimal::ZERO,
        &[
            PaymentDraft::new(PaymentMethod::Other, q(1, 2)),
            PaymentDraft::new(PaymentMethod::Cash, total - q(1, 2)),
        ],
        None,
    )
    .unwrap();
    let t2 = db
        .commit_sale(&ctx("T03", "2025-08-09T16:30:00"), &s)
        .unwrap();
    // a refund in the same phase, and one in phase 2 of a phase-1 sale
    let r1_amount = t1.lines[1].total;
    db.refund(
        &ctx("T01", "2025-08-09T11:00:00"),
        &t1.head.id,
        &[(2, q(3, 0))],
        &[PaymentDraft::new(PaymentMethod::Cash, r1_amount)],
    )
    .unwrap();
    let l1 = &t2.lines[0];
    let part = souk::domain::money::round_money(l1.total * q(1, 0) / l1.quantity);
    db.refund(
        &ctx("T02", "2025-08-12T09:00:00"),
        &t2.head.id,
        &[(1, q(1, 0))],
        &[PaymentDraft::new(PaymentMethod::Cash, part)],
    )
    .unwrap();
    path
}

const SQL: &str = "
WITH ex AS (SELECT ticket_id, exhibitor_code, SUM(total) AS w FROM ticket_lines GROUP BY ticket_id, exhibitor_code),
tw AS (SELECT ticket_id, SUM(w) AS tot FROM ex GROUP BY ticket_id),
base AS (SELECT p.ticket_id, p.pos, p.method, p.amount, ex.exhibitor_code,
         (p.amount * ex.w) / tw.tot AS fl, (p.amount * ex.w) % tw.tot AS rem
         FROM payments p JOIN ex ON ex.ticket_id = p.ticket_id JOIN tw ON tw.ticket_id = p.ticket_id),
ranked AS (SELECT *, amount - SUM(fl) OVER (PARTITION BY ticket_id, pos) AS leftover,
           ROW_NUMBER() OVER (PARTITION BY ticket_id, pos ORDER BY rem DESC, exhibitor_code) AS rn FROM base),
alloc AS (SELECT ticket_id, exhibitor_code, method, SUM(fl + (rn <= leftover)) AS share FROM ranked
          GROUP BY ticket_id, exhibitor_code, method)
SELECT ex.exhibitor_code,
  SUM(t.kind = 'sale'),
  SUM(CASE WHEN t.kind = 'sale' THEN ex.w ELSE 0 END),
  SUM(CASE WHEN t.kind = 'refund' THEN ex.w ELSE 0 END),
  SUM(CASE WHEN k.collector = 'organiser' THEN (CASE WHEN t.kind = 'sale' THEN ex.w ELSE -ex.w END) ELSE 0 END),
  SUM(CASE WHEN k.collector = 'exhibitor' THEN (CASE WHEN t.kind = 'sale' THEN ex.w ELSE -ex.w END) ELSE 0 END),
  (SELECT COALESCE(SUM(CASE WHEN t2.kind = 'sale' THEN a.share ELSE -a.share END), 0) FROM alloc a JOIN tickets t2 ON t2.id = a.ticket_id
     WHERE a.exhibitor_code = ex.exhibitor_code AND t2.phase = ?1 AND a.method = 'cash'),
  (SELECT COALESCE(SUM(CASE WHEN t2.kind = 'sale' THEN a.share ELSE -a.share END), 0) FROM alloc a JOIN tickets t2 ON t2.id = a.ticket_id
     WHERE a.exhibitor_code = ex.exhibitor_code AND t2.phase = ?1 AND a.method = 'card'),
  (SELECT COALESCE(SUM(CASE WHEN t2.kind = 'sale' THEN a.share ELSE -a.share END), 0) FROM alloc a JOIN tickets t2 ON t2.id = a.ticket_id
     WHERE a.exhibitor_code = ex.exhibitor_code AND t2.phase = ?1 AND a.method = 'mobile'),
  (SELECT COALESCE(SUM(CASE WHEN t2.kind = 'sale' THEN a.share ELSE -a.share END), 0) FROM alloc a JOIN tickets t2 ON t2.id = a.ticket_id
     WHERE a.exhibitor_code = ex.exhibitor_code AND t2.phase = ?1 AND a.method = 'other')
FROM ex JOIN tickets t ON t.id = ex.ticket_id JOIN tills k ON k.id = t.till
WHERE t.phase = ?1 GROUP BY ex.exhibitor_code ORDER BY ex.exhibitor_code";

#[test]
fn plain_sql_gives_the_same_settlement() {
    let dir = tempfile::tempdir().unwrap();
    let path = busy_market(dir.path());
    let db = Db::open(&path).unwrap();
    for phase in 1..=3u32 {
        let mut stmt = db.conn().prepare(SQL).unwrap();
        let sql: BTreeMap<String, [i64; 9]> = stmt
            .query_map([phase], |r| {
                Ok((
                    r.get(0)?,
                    [
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                    ],
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let rows = souk::storage::settlement::settle_phase(db.conn(), phase).unwrap();
        let c = |d: Decimal| to_centimes(d).unwrap();
        for r in &rows {
            let zero = [0; 9];
            let s = sql.get(&r.exhibitor_code).unwrap_or(&zero);
            let ours = [
                r.tickets as i64,
                c(r.gross),
                c(r.refunds),
                c(r.collected_by_organiser),
                c(r.collected_by_exhibitor),
                c(r.cash),
                c(r.card),
                c(r.mobile),
                c(r.other),
            ];
            assert_eq!(&ours, s, "phase {phase} exhibitor {}", r.exhibitor_code);
        }
        assert!(
            sql.keys()
                .all(|k| rows.iter().any(|r| &r.exhibitor_code == k)),
            "phase {phase}: an exhibitor with sales is missing"
        );
        // The TOTAL row counts distinct sale tickets, in plain SQL over lines.
        let distinct: i64 = db
            .conn()
            .query_row(
                "SELECT COUNT(DISTINCT t.id) FROM tickets t JOIN ticket_lines l ON l.ticket_id = t.id
                 WHERE t.phase = ?1 AND t.kind = 'sale'",
                [phase],
                |r| r.get(0),
            )
            .unwrap();
        let report = souk::storage::reports::settlement_report(db.conn(), phase).unwrap();
        assert_eq!(report.totals().tickets as i64, distinct, "phase {phase}");
    }
}

#[test]
fn invariants_hold_on_the_busy_market() {
    let dir = tempfile::tempdir().unwrap();
    let path = busy_market(dir.path());
    let db = Db::open(&path).unwrap();
    for phase in 1..=3u32 {
        let rows = souk::storage::settlement::settle_phase(db.conn(), phase).unwrap();
        let (takings, by_method): (i64, [i64; 4]) = db
            .conn()
            .query_row(
                "SELECT COALESCE(SUM(CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END), 0),
                 COALESCE(SUM(CASE WHEN p.method = 'cash' THEN (CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END) END), 0),
                 COALESCE(SUM(CASE WHEN p.method = 'card' THEN (CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END) END), 0),
                 COALESCE(SUM(CASE WHEN p.method = 'mobile' THEN (CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END) END), 0),
                 COALESCE(SUM(CASE WHEN p.method = 'other' THEN (CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END) END), 0)
                 FROM payments p JOIN tickets t ON t.id = p.ticket_id WHERE t.phase = ?1",
                [phase],
                |r| Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])),
            )
            .unwrap();
        let c = |d: Decimal| to_centimes(d).unwrap();
        assert_eq!(
            rows.iter().map(|r| c(r.net)).sum::<i64>(),
            takings,
            "phase {phase} net"
        );
        let ours = [
            rows.iter().map(|r| c(r.cash)).sum::<i64>(),
            rows.iter().map(|r| c(r.card)).sum::<i64>(),
            rows.iter().map(|r| c(r.mobile)).sum::<i64>(),
            rows.iter().map(|r| c(r.other)).sum::<i64>(),
        ];
        assert_eq!(ours, by_method, "phase {phase} by method");
    }
}

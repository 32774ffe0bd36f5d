//! Crash test: a child process commits tickets in a loop and reports each commit; it is killed with SIGKILL
//! at random moments. After every kill, every reported ticket is there, nothing is partial, verify passes.
use crate::support::common::*;
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Unit};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn line(code: &str, ex: &str, qty: i64, price: i64) -> LineDraft {
    LineDraft {
        product_code: Some(code.into()),
        exhibitor_code: ex.into(),
        name_fr: format!("Produit {code} é"),
        name_ar: Some("عسل".into()),
        unit: Unit::Piece,
        quantity: Decimal::from(qty),
        unit_price: Decimal::new(price, 2),
        discount: Decimal::ZERO,
        vat_rate: Decimal::ZERO,
    }
}

/// The child: commits forever, printing each committed ticket id once its transaction is durable.
#[test]
#[ignore = "run by crash_kills_never_lose_a_reported_ticket as a child process"]
fn crash_child() {
    let Ok(path) = std::env::var("SOUK_CRASH_DB") else {
        return;
    };
    let mut db = Db::open(std::path::Path::new(&path)).unwrap();
    let clock = Clock::market().unwrap();
    let lines = vec![
        line("E001-01", "E001", 1, 18220),
        line("E002-04", "E002", 3, 3773),
        line("E003-01", "E003", 2, 4999),
    ];
    let total: Decimal = lines.iter().map(|l| l.total()).sum();
    let settled = build_sale(
        &lines,
        Decimal::ZERO,
        &[PaymentDraft::new(PaymentMethod::Cash, total)],
        None,
    )
    .unwrap();
    loop {
        let ctx = SaleContext {
            till: "T01".into(),
            cashier: "crash".into(),
            shift: None,
            at: clock
                .at_local("2025-08-07T11:00:00".parse().unwrap())
                .unwrap(),
            manual: false,
            ticket_ref: None,
            approver: None,
        };
        let t = db.commit_sale(&ctx, &settled).unwrap();
        println!("{}", t.head.id);
    }
}

/// A small deterministic sequence of kill delays, spread from 1 to ~120 ms.
fn delays() -> impl Iterator<Item = u64> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    std::iter::from_fn(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Some(1 + x % 120)
    })
}

#[test]
fn crash_kills_never_lose_a_reported_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let mut reported: Vec<String> = Vec::new();
    for delay in delays().take(60) {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "ledger_crash::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SOUK_CRASH_DB", &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("T01-"))
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reported.extend(reader.join().unwrap());
        check_after_kill(&db, &reported);
    }
    assert!(
        reported.len() > 50,
        "the child committed too little to test anything: {}",
        reported.len()
    );
    let out = ok(&db, &["verify"]);
    assert!(out.contains("journal intègre"), "{out}");
}

fn check_after_kill(db: &std::path::Path, reported: &[String]) {
    let d = Db::open(db).unwrap();
    let c = d.conn();
    for id in reported {
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "reported ticket {id} lost");
    }
    let partial: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM tickets t WHERE (SELECT COUNT(*) FROM ticket_lines l WHERE l.ticket_id = t.id) != 3
             OR (SELECT COUNT(*) FROM payments p WHERE p.ticket_id = t.id) != 1
             OR NOT EXISTS (SELECT 1 FROM journal j WHERE j.subject = t.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(partial, 0, "a partial ticket exists");
    let v = souk::storage::verify::verify(c).unwrap();
    assert!(v.ok(), "verify after a kill: {:?}", v.breaks);
}

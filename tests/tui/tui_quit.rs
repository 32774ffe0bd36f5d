//! Quitting with a network printer that accepts and never answers: Ctrl+Q ends the till in under 2 s, and a
//! till started at once on the same database prints the waiting receipt once, as an original. A printer
//! that cannot confirm (`query_status = false`) gets the job as `sent`, which `souk printer status` lists.
use crate::support::pty::Till;
use souk::documents::sink::queue_receipt;
use souk::domain::sale::build_sale;
use souk::domain::{PaymentDraft, PaymentMethod};
use souk::storage::print_jobs::{self, JobState};
use souk::storage::tickets::SaleContext;
use souk::tui::MemorySink;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_souk");

/// A printer on the network that accepts connections and never reads nor answers.
struct Blackhole {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

fn blackhole() -> Blackhole {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for s in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(s);
        }
    });
    Blackhole { port, accepted }
}

/// The fixture market with one committed sale whose receipt waits in the queue.
fn market_with_a_waiting_receipt(path: &Path) {
    let mut db = souk::tui::fixture::create(path, 0).unwrap();
    let p = souk::tui::fixture::products()
        .into_iter()
        .find(|p| p.code == "ARG1")
        .unwrap();
    let line = souk::domain::LineDraft {
        product_code: Some(p.code.clone()),
        exhibitor_code: p.exhibitor_code.clone(),
        name_fr: p.name_fr.clone(),
        name_ar: p.name_ar.clone(),
        unit: p.unit,
        quantity: 1.into(),
        unit_price: p.price,
        discount: 0.into(),
        vat_rate: p.vat_rate,
    };
    let pay = [PaymentDraft::new(PaymentMethod::Card, line.total())];
    let settled = build_sale(&[line], 0.into(), &pay, None).unwrap();
    let ctx = SaleContext {
        till: "T01".into(),
        cashier: "Amina".into(),
        shift: None,
        at: souk::tui::fixture::now(),
        manual: false,
        ticket_ref: None,
        approver: None,
    };
    let mut sink = MemorySink::default();
    db.commit_sale_with(&ctx, &settled, |tx, t| queue_receipt(tx, t, &mut sink))
        .unwrap();
}

fn network_config(dir: &Path, port: u16, query_status: bool) -> PathBuf {
    let cfg = dir.join("reseau.toml");
    std::fs::write(
        &cfg,
        format!(
            "till = \"T01\"\n[printer]\ndriver = \"network\"\nhost = \"127.0.0.1\"\nport = {port}\n\
             query_status = {query_status}\ntimeout_ms = 5000\n"
        ),
    )
    .unwrap();
    cfg
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `.txt` renderings the file printer wrote.
fn printed(out: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn quit_is_quick_with_a_silent_printer_and_the_next_till_prints_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("market.db");
    market_with_a_waiting_receipt(&db);
    let printer = blackhole();
    let cfg = network_config(dir.path(), printer.port, true);
    let db_arg = db.to_str().unwrap();
    let mut till = Till::start_in(
        Some(dir.path()),
        &["--config", cfg.to_str().unwrap(), "--db", db_arg],
    );
    till.wait_for("Amina");
    // The worker is now waiting for a status answer that never comes.
    wait_until("the worker reached the printer", || {
        printer.accepted.load(Ordering::SeqCst) > 0
    });
    let took = till.quit();
    assert!(took < Duration::from_secs(2), "Ctrl+Q took {took:?}");

    let out = dir.path().join("papier");
    let mut next = Till::start_in(
        Some(dir.path()),
        &["--db", db_arg, "--printer-dir", out.to_str().unwrap()],
    );
    next.wait_for("Amina");
    wait_until("the waiting receipt printed", || !printed(&out).is_empty());
    next.quit();
    let texts = printed(&out);
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert!(texts[0].contains("T01-000001"), "{}", texts[0]);
    assert!(!texts[0].contains("DUPLICATA"), "{}", texts[0]);
}

#[test]
fn a_printer_that_cannot_confirm_gets_jobs_sent_not_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("market.db");
    market_with_a_waiting_receipt(&db);
    let printer = blackhole();
    let cfg = network_config(dir.path(), printer.port, false);
    let cfg = cfg.to_str().unwrap();
    let db_arg = db.to_str().unwrap();
    let mut till = Till::start_in(Some(dir.path()), &["--config", cfg, "--db", db_arg]);
    till.wait_for("Amina");
    till.wait_for("envoyé, non confirmé");
    let took = till.quit();
    assert!(took < Duration::from_secs(2), "Ctrl+Q took {took:?}");
    {
        let d = souk::storage::Db::open(&db).unwrap();
        let jobs = print_jobs::list(d.conn(), 5).unwrap();
        assert_eq!(jobs[0].state, JobState::Sent, "{jobs:?}");
    }
    let out = std::process::Command::new(BIN)
        .current_dir(dir.path())
        .args(["--config", cfg, "--db", db_arg, "printer", "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("1 envoyé sans confirmation de l'imprimante"),
        "{text}"
    );
    assert!(
        text.contains("T01-000001 (1 essai) : envoyé, non confirmé"),
        "{text}"
    );
    assert!(text.contains("état inconnu"), "{text}");
}

/// `souk printer status` lists the queue even when the printer does not answer (then exit 1, saying why).
#[test]
fn printer_status_lists_the_queue_when_the_printer_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("market.db");
    market_with_a_waiting_receipt(&db);
    let printer = blackhole();
    let cfg = network_config(dir.path(), printer.port, true);
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("timeout_ms = 5000", "timeout_ms = 300"),
    )
    .unwrap();
    let out = std::process::Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .args(["printer", "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(text.contains("1 en attente, 0 en échec"), "{text}");
    assert!(text.contains("T01-000001 (0 essai) : en attente"), "{text}");
    assert!(err.contains("pas de réponse de l'imprimante"), "{err}");
}

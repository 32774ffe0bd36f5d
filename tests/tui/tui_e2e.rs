//! The real binary in a pseudo-terminal: log in, open a shift, sell three products (barcode, weighed, Arabic
//! name), pay cash with change, refund one line with the supervisor PIN, close the shift; then check the
//! database, the receipt files and the Z report.
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_souk");

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }
    /// Waits until the screen shows `needle` (the till redraws after each key).
    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while !self.text().contains(needle) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waiting for {needle:?}; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }
    /// One key at a time, as a person or a scanner would.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }
    fn enter(&mut self) {
        self.send("\r");
    }
}

const F2: &str = "\x1bOQ";
const F3: &str = "\x1bOR";
const F6: &str = "\x1b[17~";
const F8: &str = "\x1b[19~";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";

type Till = (
    Screen,
    Box<dyn portable_pty::Child + Send + Sync>,
    Box<dyn portable_pty::MasterPty + Send>,
);

/// The real binary on the fixture market in a 80×24 pseudo-terminal.
fn start(db_path: &std::path::Path, out: &std::path::Path) -> Till {
    drop(souk::tui::fixture::create(db_path, 0).unwrap());
    spawn(db_path, out)
}

/// The real binary on an existing database.
fn spawn(db_path: &std::path::Path, out: &std::path::Path) -> Till {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    for a in [
        "--db",
        db_path.to_str().unwrap(),
        "--till",
        "T01",
        "--printer-dir",
        out.to_str().unwrap(),
    ] {
        cmd.arg(a);
    }
    cmd.env("SOUK_NOW", souk::tui::fixture::NOW);
    cmd.env("TERM", "xterm-256color");
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(24), nz(80), 0)));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let p = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let s = Screen {
        parser,
        writer: pty.master.take_writer().unwrap(),
    };
    (s, child, pty.master)
}

/// A laptop's terminal window closed mid-session (SIGHUP): the till leaves at once and frees the database.
#[test]
fn hanging_up_the_terminal_leaves_the_till() {
    let dir = tempfile::TempDir::new().unwrap();
    let db_path = dir.path().join("market.db");
    let (s, mut child, master) = start(&db_path, &dir.path().join("receipts"));
    s.wait_for("Amina");
    // What the kernel sends when the terminal goes away (the test's own reader keeps the pty open).
    let pid = child.process_id().expect("pid").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status();
    assert!(sent.unwrap().success());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the till is still running after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop((s, master));
    souk::storage::Db::open(&db_path).expect("database free again");
}

#[test]
fn a_day_at_the_till() {
    let dir = tempfile::TempDir::new().unwrap();
    let db_path = dir.path().join("market.db");
    let out = dir.path().join("receipts");
    let (mut s, mut child, _master) = start(&db_path, &out);

    s.wait_for("Amina");
    s.type_text("1234");
    s.enter();
    s.wait_for("fond de caisse");
    s.type_text("1"); // one 200 DH note
    s.enter();
    s.wait_for("Session T01-S0001 ouverte");
    s.type_text("6111234500031"); // barcode: argan oil, 120 DH
    s.enter();
    s.wait_for("Ajouté : Huile d'argan");
    s.type_text("0,750*MIEL1"); // weighed: 0.750 kg of honey at 250 DH/kg = 187.50
    s.enter();
    s.wait_for("Ajouté : Miel de thym");
    s.type_text("صابون"); // part of the Arabic name: savon beldi, 25 DH
    s.wait_for("SAVON1");
    s.enter();
    s.wait_for("Ajouté : Savon beldi");
    s.send(F2);
    s.wait_for("RESTE À PAYER");
    s.type_text("400");
    s.enter();
    s.wait_for("Entrée pour valider");
    s.enter();
    s.wait_for("Vente T01-000001 enregistrée");
    s.wait_for("MONNAIE À RENDRE");

    // The customer's receipt QR scanned back (a 2D scanner types it, then Enter): checked, nothing added.
    let qr = qr_payload(&out, "-sale-T01-000001.bin");
    s.type_text(&qr);
    s.enter();
    s.wait_for("Reçu conforme");
    s.send(ESC);
    s.wait_for("Panier (0 ligne)");
    s.type_text("SOUK1|T09-000001|1a2b3c4d|182.50");
    s.enter();
    s.wait_for("Ticket T09-000001 inconnu sur cette caisse");

    s.send(F3);
    s.wait_for("Historique");
    s.enter();
    s.wait_for("Ticket T01-000001");
    s.send(DOWN); // line 2: the honey
    s.send(" ");
    s.send(F3);
    s.wait_for("Accord d'un superviseur");
    s.type_text("9999");
    s.enter();
    s.wait_for("Remboursement T01-000002 enregistré");
    s.send("\x1b");
    s.wait_for("Rechercher");

    s.send(F6);
    s.wait_for("comptage");
    s.type_text("2"); // two 200 notes
    s.send(DOWN);
    s.send(DOWN);
    s.type_text("1"); // a 50 note
    s.enter();
    s.wait_for("Écart");
    s.enter();
    s.wait_for("Accord d'un superviseur");
    s.type_text("9999");
    s.enter();
    s.wait_for("Rapport Z");
    s.send("\x11"); // Ctrl+Q
    let status = child.wait().unwrap();
    assert!(status.success());
    // A clean exit leaves no WAL content: the next start opens without checking the whole file.
    let wal = db_path.with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "WAL left by a clean exit"
    );

    check_database(&db_path);
    check_files(&out);
}

/// What cashiers found (issue 13) through the real binary: a lower-case divers line, a double scan, two notes
/// for one cash payment, an already-refunded line, and a basket recovered after the till is killed (SIGKILL).
#[test]
fn a_cashier_s_surprises_and_a_power_cut() {
    let dir = tempfile::TempDir::new().unwrap();
    let db_path = dir.path().join("market.db");
    let out = dir.path().join("receipts");
    let (mut s, mut child, master) = start(&db_path, &out);
    s.wait_for("Amina");
    s.type_text("1234");
    s.enter();
    s.wait_for("fond de caisse");
    s.type_text("1");
    s.enter();
    s.wait_for("Session T01-S0001 ouverte");
    s.type_text("e017 45");
    s.wait_for("Divers de l'exposant E017");
    s.enter();
    s.wait_for("Ajouté : Divers");
    s.type_text("6111234500031");
    s.enter();
    s.wait_for("Ajouté : Huile d'argan");
    s.type_text("6111234500031");
    s.enter();
    s.wait_for("quantité 2");
    s.send(F2);
    s.wait_for("RESTE À PAYER");
    s.send(F8);
    s.send(F8);
    s.wait_for("remis 400,00 DH");
    s.enter();
    s.wait_for("Vente T01-000001 enregistrée");

    s.send(F3);
    s.wait_for("Historique");
    s.enter();
    s.wait_for("Ticket T01-000001");
    s.send(" "); // the divers line
    s.send(F3);
    s.wait_for("Rembourser 45,00 DH");
    s.type_text("9999");
    s.enter();
    s.wait_for("Remboursement T01-000002 enregistré");
    s.send(DOWN);
    s.enter();
    s.wait_for("remb.");
    s.send(" ");
    s.wait_for("Déjà remboursée : Divers");
    s.send(F3);
    s.wait_for("Déjà remboursée : Divers");
    s.send(ESC);
    s.send(ESC);
    s.wait_for("Rechercher");

    s.type_text("AMLOU1");
    s.enter();
    s.wait_for("Ajouté : Amlou");
    s.type_text("SAVON1");
    s.enter();
    s.wait_for("Ajouté : Savon");
    s.type_text("E031 10");
    s.enter();
    s.wait_for("Panier (3 lignes)");
    let pid = child.process_id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    assert!(killed.unwrap().success());
    child.wait().unwrap();
    drop((s, master));

    let (mut s, mut child, _master) = spawn(&db_path, &out);
    s.wait_for("Amina");
    s.type_text("1234");
    s.enter();
    s.wait_for("Panier récupéré : 3 lignes");
    s.wait_for("Savon beldi");
    s.send(F2);
    s.wait_for("RESTE À PAYER");
    s.enter();
    s.wait_for("Entrée pour valider");
    s.enter();
    s.wait_for("Vente T01-000003 enregistrée");
    s.send("\x11"); // Ctrl+Q
    assert!(child.wait().unwrap().success());

    let db = rusqlite_conn(&db_path);
    let conn = db.conn();
    let pays: Vec<(String, String, i64, i64, i64)> = conn
        .prepare(
            "SELECT ticket_id, method, amount, tendered, change FROM payments WHERE ticket_id = 'T01-000001'",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        pays,
        vec![("T01-000001".into(), "cash".into(), 28500, 40000, 11500)]
    );
    let lines: Vec<(i64, String, i64)> = conn
        .prepare("SELECT line_no, exhibitor_code, quantity FROM ticket_lines WHERE ticket_id = 'T01-000001'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        lines,
        vec![(1, "E017".into(), 1000), (2, "E023".into(), 2000)]
    );
    let refunds: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM tickets WHERE kind = 'refund'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(refunds, 1, "the refunded line was not refunded twice");
    let total: i64 = conn
        .query_row(
            "SELECT total FROM tickets WHERE id = 'T01-000003'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(total, 11500, "the recovered basket was sold whole");
    let drafts: i64 = conn
        .query_row("SELECT COUNT(*) FROM draft_baskets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0);
}

fn check_database(path: &std::path::Path) {
    let db = rusqlite_conn(path);
    let conn = db.conn();
    let tickets: Vec<(String, String, i64)> = {
        let mut st = conn
            .prepare("SELECT id, kind, total FROM tickets ORDER BY number")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        tickets,
        vec![
            ("T01-000001".into(), "sale".into(), 33250),
            ("T01-000002".into(), "refund".into(), 18750)
        ]
    );
    let (qty, of_line): (i64, i64) = conn
        .query_row(
            "SELECT quantity, refund_of_line FROM ticket_lines WHERE ticket_id = 'T01-000002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((qty, of_line), (750, 2));
    let (tendered, change): (i64, i64) = conn
        .query_row(
            "SELECT tendered, change FROM payments WHERE ticket_id = 'T01-000001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((tendered, change), (40000, 6750));
    let detail: String = conn
        .query_row(
            "SELECT detail FROM journal WHERE kind = 'shift_close'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // float 200 + sale 332.50 − refund 187.50 = 345.00 expected; 450.00 counted.
    assert!(detail.contains("expected=345.00"), "{detail}");
    assert!(
        detail.contains("counted=450.00") && detail.contains("difference=105.00"),
        "{detail}"
    );
}

fn rusqlite_conn(path: &std::path::Path) -> souk::storage::Db {
    souk::storage::Db::open(path).unwrap()
}

/// The file printer names each job `NNNNNN-<kind>-<subject>.txt` (raw ESC/POS beside it in `.bin`).
fn job_text(out: &std::path::Path, suffix: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = std::fs::read_dir(out).ok().and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(suffix))
        });
        if let Some(p) = found {
            let bin = p.with_extension("bin");
            assert!(
                bin.exists(),
                "raw ESC/POS bytes missing beside {}",
                p.display()
            );
            return std::fs::read_to_string(p).unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no printed job *{suffix} in {}",
            out.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The QR payload inside a printed receipt's ESC/POS bytes (`GS ( k … SOUK1|…`).
fn qr_payload(out: &std::path::Path, suffix: &str) -> String {
    job_text(out, &suffix.replace(".bin", ".txt"));
    let bin = std::fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .expect("receipt bytes");
    let bytes = std::fs::read(bin).unwrap();
    let start = bytes
        .windows(6)
        .position(|w| w == b"SOUK1|")
        .expect("a QR payload in the receipt");
    let end = bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_graphic())
        .map_or(bytes.len(), |n| start + n);
    String::from_utf8(bytes[start..end].to_vec()).unwrap()
}

fn check_files(out: &std::path::Path) {
    let sale = job_text(out, "-sale-T01-000001.txt");
    assert!(
        sale.contains("332,50 DH") && sale.contains("67,50 DH"),
        "{sale}"
    );
    let refund = job_text(out, "-refund-T01-000002.txt");
    assert!(
        refund.contains("REMBOURSEMENT") && refund.contains("187,50 DH"),
        "{refund}"
    );
    let z = job_text(out, "-Z-T01-S0001.txt");
    for needle in [
        "332,50 DH",
        "187,50 DH",
        "345,00 DH",
        "450,00 DH",
        "105,00 DH",
    ] {
        assert!(z.contains(needle), "{needle} missing in Z:\n{z}");
    }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero size")
}

//! `souk printer status` lists the print queue's failed jobs with their reason; `souk printer retry N` puts one
//! back; a wrong or missing number is refused with a clear message.
use souk::print::Rendered;
use souk::print::queue::{self, PrintJob};
use std::path::Path;
use std::process::{Command, Output};

fn souk(db: &Path, printer_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_souk"))
        .arg("--db")
        .arg(db)
        .arg("--printer-dir")
        .arg(printer_dir)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn status_lists_failed_jobs_and_retry_puts_one_back() {
    let dir = tempfile::TempDir::new().unwrap();
    let db_path = dir.path().join("m.db");
    let printer = dir.path().join("imprimante");
    let (printable, unprintable) = {
        let db = souk::tui::fixture::create(&db_path, 0).unwrap();
        let page = Rendered {
            bytes: b"\x1b@ticket\n".to_vec(),
            text: "ticket\n".into(),
        };
        let job = PrintJob {
            kind: "sale".into(),
            subject: "T01-000007".into(),
            original: page.clone(),
            duplicate: page,
        };
        let id = queue::enqueue(db.conn(), &job).unwrap();
        db.conn()
            .execute(
                "UPDATE print_jobs SET state = 'failed', attempts = 3, last_error = 'coupure en cours d''envoi' WHERE id = ?1",
                [id],
            )
            .unwrap();
        let bad =
            queue::record_unprintable(db.conn(), "sale", "T01-000008", "modèle illisible").unwrap();
        (id, bad)
    };

    let out = souk(&db_path, &printer, &["printer", "status"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("0 en attente, 2 en échec"), "{t}");
    assert!(
        t.contains("T01-000007 (3 essais) : coupure en cours d'envoi"),
        "{t}"
    );
    assert!(t.contains("T01-000008"), "{t}");
    assert!(t.contains("vente T01-000007"), "a kind in French: {t}");

    let out = souk(&db_path, &printer, &["printer", "retry", "abc"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("« abc » n'est pas un numéro de travail"),
        "{}",
        text(&out)
    );

    let out = souk(
        &db_path,
        &printer,
        &["printer", "retry", &printable.to_string()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = souk(&db_path, &printer, &["printer", "status"]);
    assert!(
        text(&out).contains("1 en attente, 1 en échec"),
        "{}",
        text(&out)
    );

    // Nothing to print again for a job that never rendered, nor for one that is not there.
    for id in [unprintable, 999] {
        let out = souk(&db_path, &printer, &["printer", "retry", &id.to_string()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("rien à remettre"), "{}", text(&out));
    }
    let out = souk(&db_path, &printer, &["printer", "retry"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("donnez le numéro"), "{}", text(&out));
}

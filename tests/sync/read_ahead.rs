//! Merge reads a bundle ahead on a thread of its own (parsing, hashing, decoding) while the connection's thread
//! checks and writes: with many batches in flight, a refusal is still the first problem in the file's order,
//! a damaged or truncated file is still reported as such before what its content breaks, and nothing changes.
use crate::support::sync::*;
use souk::domain::canonical::sha256_hex;
use souk::storage::Db;
use souk::sync::{Refusal, SyncError, export, merge};
use std::path::{Path, PathBuf};

/// Several of the reading thread's batches (256 records), a ticket and its entry each.
const TICKETS: usize = 600;

struct Market {
    dir: tempfile::TempDir,
    master: Db,
    text: String,
}

impl Market {
    fn new() -> Market {
        let dir = tempfile::tempdir().unwrap();
        let master = market(&dir.path().join("master.souk"), UUID, "Salon Ifrane 2025");
        let mut till = laptop(&master, &dir.path().join("T01.souk"));
        sell(&mut till, "T01", 2, TICKETS, 0);
        let bundle = dir.path().join("T01.bundle");
        export(&till, &bundle, None, false).unwrap();
        let text = bundle_text(&bundle);
        Market { dir, master, text }
    }

    fn organiser(&self, name: &str) -> Db {
        laptop(&self.master, &self.dir.path().join(name))
    }

    /// The bundle with `edit` applied to its body and the checksum put back, compressed, cut to `keep` of its
    /// compressed bytes when given.
    fn variant(&self, name: &str, edit: impl Fn(&str) -> String, keep: Option<f64>) -> PathBuf {
        let body_end = self.text.trim_end().rfind('\n').unwrap() + 1;
        let body = edit(&self.text[..body_end]);
        let text = format!("{body}SHA256 {}\n", sha256_hex(body.as_bytes()));
        let bytes = zstd::encode_all(text.as_bytes(), 3).unwrap();
        let len = keep.map_or(bytes.len(), |k| (bytes.len() as f64 * k) as usize);
        let path = self.dir.path().join(name);
        std::fs::write(&path, &bytes[..len]).unwrap();
        path
    }
}

fn refused(db: &mut Db, file: &Path) -> SyncError {
    let before = dump(db);
    let err = merge(db, &[file.to_path_buf()]).expect_err("the bundle must be refused");
    assert_eq!(dump(db), before, "a refused merge changes nothing");
    let text = err.to_string();
    err.downcast::<SyncError>()
        .unwrap_or_else(|e| panic!("not a SyncError: {text} / {e}"))
}

/// The first ticket's time edited: its text no longer matches its entry.
fn first_ticket_edited(body: &str) -> String {
    let at = body.find("\"t\":\"ticket\"").unwrap();
    let (head, tail) = body.split_at(at);
    format!("{head}{}", tail.replacen(":00Z|", ":01Z|", 1))
}

/// The line before the last record (far in the file, many batches after the first) made unreadable.
fn late_line_broken(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let n = lines.len() - 3;
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == n {
            "{\"t\":\"entry\",\"chain\":"
        } else {
            l
        });
        out.push('\n');
    }
    out
}

#[test]
fn the_first_problem_in_the_file_is_the_one_named_and_damage_comes_first() {
    let m = Market::new();
    let early = m.variant("early.bundle", first_ticket_edited, None);
    let e = refused(&mut m.organiser("a.souk"), &early);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
    assert!(e.to_string().contains("T01-000001"), "{e}");

    // Unreadable near the end: named by its line, after every batch before it was checked and written.
    let late = m.variant("late.bundle", late_line_broken, None);
    let e = refused(&mut m.organiser("b.souk"), &late);
    assert_eq!(e.refusal(), Some(Refusal::Malformed), "{e}");
    let line = m.text.lines().count() - 3;
    assert!(
        e.to_string().contains(&format!("ligne {line} illisible")),
        "{e}"
    );

    // Both: the edited ticket comes first in the file, so it is the one named.
    let both = m.variant(
        "both.bundle",
        |b| late_line_broken(&first_ticket_edited(b)),
        None,
    );
    let e = refused(&mut m.organiser("c.souk"), &both);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");

    // An edited ticket in a file cut short: the cut is what the organiser must hear about.
    let cut = m.variant("cut.bundle", first_ticket_edited, Some(0.9));
    let e = refused(&mut m.organiser("d.souk"), &cut);
    assert_eq!(e.refusal(), Some(Refusal::Truncated), "{e}");

    // Untouched, it merges whole.
    let sound = m.variant("sound.bundle", |b| b.to_string(), None);
    let mut org = m.organiser("e.souk");
    let merged = merge(&mut org, &[sound]).unwrap();
    assert_eq!(merged.new_tickets(), TICKETS as u64);
}

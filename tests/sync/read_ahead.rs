//! Merge reads a bundle ahead on a thread of its own (parsing, hashing, decoding) while the connection's thread
//! checks and writes: with many batches in flight, a refusal is still the first problem in the file's order,
//! a damaged or truncated file is still reported as such before what its content breaks, and nothing changes.
use crate::support::sync::*;
use souk::domain::canonical::sha256_hex;
use souk::sync::{Refusal, merge};

/// Several of the reading thread's batches (256 records), a ticket and its entry each.
const TICKETS: usize = 600;

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
    let m = OneTill::new(TICKETS);
    let early = m.variant("early.bundle", first_ticket_edited, None);
    let e = refused_bundle(&mut m.organiser("a.souk"), &early);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
    assert!(e.to_string().contains("T01-000001"), "{e}");

    // Unreadable near the end: named by its line, after every batch before it was checked and written.
    let late = m.variant("late.bundle", late_line_broken, None);
    let e = refused_bundle(&mut m.organiser("b.souk"), &late);
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
    let e = refused_bundle(&mut m.organiser("c.souk"), &both);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");

    // An edited ticket in a file cut short: the cut is what the organiser must hear about.
    let cut = m.variant("cut.bundle", first_ticket_edited, Some(0.9));
    let e = refused_bundle(&mut m.organiser("d.souk"), &cut);
    assert_eq!(e.refusal(), Some(Refusal::Truncated), "{e}");

    // Untouched, it merges whole.
    let sound = m.variant("sound.bundle", |b| b.to_string(), None);
    let mut org = m.organiser("e.souk");
    let merged = merge(&mut org, &[sound]).unwrap();
    assert_eq!(merged.new_tickets(), TICKETS as u64);
}

/// A provisioned till whose journal signs every entry (paper sales imported there: hundreds of signed entries,
/// several of the reading thread's batches). Signatures are checked hundreds at a time: the bundle merges with no
/// « non signées » note, and one signature that is not its key's, far in the file, is still found and named.
#[test]
fn signatures_checked_together_still_name_the_one_that_is_wrong() {
    use crate::support::common::{ok, run, sample_market};
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    let till = dir.path().join("t02.db");
    ok(
        &org,
        &["backup", "--out", till.to_str().unwrap(), "--till", "T02"],
    );
    let spare = dir.path().join("spare.db");
    std::fs::copy(&org, &spare).unwrap();
    let mut csv =
        String::from("ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n");
    for i in 1..=TICKETS {
        csv.push_str(&format!(
            "P{i:04},2025-08-08 10:{:02},T02,E001-01,1,,cash\n",
            i % 60
        ));
    }
    let sales = dir.path().join("sales.csv");
    std::fs::write(&sales, csv).unwrap();
    ok(&till, &["import", "sales", sales.to_str().unwrap()]);
    let bundle = dir.path().join("t02.souk");
    ok(&till, &["export", "--out", bundle.to_str().unwrap()]);

    // One entry's signature replaced by the next one's: a signature of the right key, for another hash.
    let text = bundle_text(&bundle);
    let body_end = text.trim_end().rfind('\n').unwrap() + 1;
    let mut lines: Vec<String> = text[..body_end].lines().map(String::from).collect();
    let signed: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i].contains("\"chain\":\"T02\"") && !lines[i].contains("\"signature\":\"\"")
        })
        .collect();
    assert!(signed.len() > TICKETS, "every entry of the till is signed");
    let (at, next) = (signed[signed.len() - 20], signed[signed.len() - 19]);
    let signature = |l: &str| l[l.find("\"signature\":").unwrap()..].to_string();
    let theirs = signature(&lines[next]);
    let mine = signature(&lines[at]);
    lines[at] = lines[at].replace(&mine, &theirs);
    let seq: String = {
        let l = &lines[at];
        let from = l.find("\"seq\":").unwrap() + 6;
        l[from..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    };
    let body = lines.join("\n") + "\n";
    let forged = dir.path().join("forged.souk");
    write_bundle(
        &forged,
        &format!("{body}SHA256 {}\n", sha256_hex(body.as_bytes())),
    );

    let before = crate::support::common::dump(&spare);
    let out = run(&spare, &["merge", forged.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a forged bundle merged:\n{err}");
    assert!(
        err.contains(&format!("caisse T02, entrée n°{seq}")) && err.contains("signature"),
        "{err}"
    );
    assert_eq!(
        crate::support::common::dump(&spare),
        before,
        "nothing merged"
    );

    let merged = ok(&spare, &["merge", bundle.to_str().unwrap()]);
    assert!(!merged.contains("non signées"), "{merged}");
    assert!(merged.contains(&format!("{TICKETS} tickets")), "{merged}");
}

/// A share row planted behind the program's back (sqlite3, foreign keys off) where a ticket of the bundle will
/// put its own: the merge skips nothing silently, it is refused and changes nothing.
#[test]
fn a_share_already_there_for_a_ticket_of_the_bundle_is_refused() {
    let m = OneTill::new(TICKETS);
    let mut org = m.organiser("planted.souk");
    let c = rusqlite::Connection::open(m.dir.path().join("planted.souk")).unwrap();
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for code in ["E01", "E02", "E03"] {
        c.execute(
            "INSERT INTO shares VALUES ('T01-000300', ?1, 1, '2025-07-02', 'T01', 'organiser', 0, 1, 1, 0, 0, 0)",
            [code],
        )
        .unwrap();
    }
    drop(c);
    let sound = m.variant("sound.bundle", |b| b.to_string(), None);
    let before = dump(&org);
    let e = merge(&mut org, &[sound]).expect_err("refused");
    assert!(format!("{e:#}").contains("parts par exposant"), "{e:#}");
    assert_eq!(dump(&org), before, "nothing merged");
}

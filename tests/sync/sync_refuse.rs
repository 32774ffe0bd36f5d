//! Bundles that must be refused, leaving the database exactly as it was.

use crate::support::sync::*;
use souk::domain::canonical::sha256_hex;
use souk::storage::Db;
use souk::sync::{Refusal, SyncError, export, merge};
use std::path::{Path, PathBuf};

fn refused(db: &mut Db, files: &[PathBuf]) -> SyncError {
    let before = dump(db);
    let err = merge(db, files).expect_err("the bundle must be refused");
    assert_eq!(dump(db), before, "a refused merge changes nothing");
    let text = err.to_string();
    err.downcast::<SyncError>()
        .unwrap_or_else(|e| panic!("not a SyncError: {text} / {e}"))
}

fn kind(db: &mut Db, file: &Path) -> Refusal {
    let e = refused(db, &[file.to_path_buf()]);
    assert!(e.to_string().contains(&file.display().to_string()), "{e}");
    e.refusal().unwrap_or_else(|| panic!("not a refusal: {e}"))
}

/// Rewrites a bundle's body with `edit`, puts a correct checksum back and compresses it again.
fn tamper(src: &Path, dst: &Path, edit: impl Fn(&str) -> String) {
    let text = bundle_text(src);
    let body_end = text.trim_end().rfind('\n').unwrap() + 1;
    let body = edit(&text[..body_end]);
    let out = format!("{body}SHA256 {}\n", sha256_hex(body.as_bytes()));
    write_bundle(dst, &out);
}

#[test]
fn damaged_truncated_and_foreign_bundles_are_refused() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles[..1]).unwrap();
    let bytes = std::fs::read(&fx.bundles[1]).unwrap();

    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x01;
    std::fs::write(fx.path("flipped.bundle"), &flipped).unwrap();
    assert_eq!(
        kind(&mut org, &fx.path("flipped.bundle")),
        Refusal::Checksum
    );

    std::fs::write(fx.path("cut.bundle"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_eq!(kind(&mut org, &fx.path("cut.bundle")), Refusal::Truncated);
    std::fs::write(fx.path("cut2.bundle"), &bytes[..bytes.len() - 5]).unwrap();
    assert_eq!(kind(&mut org, &fx.path("cut2.bundle")), Refusal::Truncated);

    std::fs::write(fx.path("notes.txt"), "liste des exposants\n").unwrap();
    assert_eq!(kind(&mut org, &fx.path("notes.txt")), Refusal::NotABundle);

    let other = market(
        &fx.path("other.souk"),
        "0190f1a2-ffff-7000-8000-00000000b002",
        "Salon Agadir",
    );
    export(&other, &fx.path("agadir.bundle"), None, false).unwrap();
    assert_eq!(
        kind(&mut org, &fx.path("agadir.bundle")),
        Refusal::OtherMarket
    );

    // A good bundle next to a bad one: nothing of either is merged.
    let e = refused(
        &mut org,
        &[fx.bundles[2].clone(), fx.path("flipped.bundle")],
    );
    assert_eq!(e.refusal(), Some(Refusal::Checksum));
}

#[test]
fn an_edited_ticket_with_a_recomputed_checksum_is_refused() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    let edited = fx.path("edited.bundle");
    // One line of argan oil (120 DH, qty 1): price and total raised by 1 DH.
    tamper(&fx.bundles[0], &edited, |body| {
        let (from, to) = (
            "|piece|1000|12000|0|0|12000|",
            "|piece|1000|12100|0|0|12100|",
        );
        assert!(body.contains(from));
        body.replacen(from, to, 1)
    });
    assert_eq!(kind(&mut org, &edited), Refusal::TicketMismatch);

    let dropped = fx.path("dropped.bundle");
    tamper(&fx.bundles[0], &dropped, |body| {
        let lines: Vec<&str> = body.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.starts_with("{\"t\":\"ticket\""))
            .unwrap();
        lines
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, l)| format!("{l}\n"))
            .collect()
    });
    assert_eq!(kind(&mut org, &dropped), Refusal::TicketMismatch);

    let entry = fx.path("entry.bundle");
    tamper(&fx.bundles[0], &entry, |body| {
        body.replacen("\"actor\":\"Amina\"", "\"actor\":\"Karim\"", 1)
    });
    assert_eq!(kind(&mut org, &entry), Refusal::BrokenChain);
}

#[test]
fn two_laptops_claiming_the_same_till_are_refused() {
    let fx = three_tills();
    let mut twin = laptop(&fx.master, &fx.path("twin.souk"));
    sell(&mut twin, "T01", 6, 4, 7);
    let twin_bundle = fx.path("twin.bundle");
    export(&twin, &twin_bundle, None, false).unwrap();

    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles[..1]).unwrap();
    match refused(&mut org, std::slice::from_ref(&twin_bundle)) {
        SyncError::Diverged { till, seq, .. } => assert_eq!((till.as_str(), seq), ("T01", 1)),
        e => panic!("{e}"),
    }
    let mut fresh = fx.organiser("fresh.souk");
    let e = refused(&mut fresh, &[fx.bundles[0].clone(), twin_bundle]);
    assert!(
        matches!(e, SyncError::Diverged { ref till, .. } if till == "T01"),
        "{e}"
    );
    assert!(e.to_string().contains("T01.bundle"), "{e}");
    // The refusal names the cause and the remedy.
    let text = e.to_string();
    assert!(text.contains("deux postes ont vendu comme T01"), "{text}");
    assert!(text.contains("souk import sales"), "{text}");
}

#[test]
fn since_last_bundles_chain_onto_earlier_ones() {
    let fx = three_tills();
    let mut t1 = Db::open(&fx.path("T01.souk")).unwrap();
    sell(&mut t1, "T01", 7, 5, 3);
    let second = fx.path("T01-2.bundle");
    let s = export(&t1, &second, Some("T01"), true).unwrap();
    assert_eq!((s.chains[0].from_seq, s.chains[0].to_seq), (14, 19));
    assert_eq!(s.tickets, 5);

    let mut org = fx.organiser("org.souk");
    assert_eq!(kind(&mut org, &second), Refusal::Gap);
    let m = merge(&mut org, &[second.clone(), fx.bundles[0].clone()]).unwrap();
    assert_eq!(m.new_tickets(), 17);
    assert_eq!(m.bundles[0].added, vec![("T01".to_string(), 14, 19)]);

    let mut stepwise = fx.organiser("stepwise.souk");
    merge(&mut stepwise, &fx.bundles[..1]).unwrap();
    merge(&mut stepwise, &[second]).unwrap();
    assert_eq!(sales_state(&stepwise), sales_state(&org));
    let empty = export(&t1, &fx.path("T01-3.bundle"), Some("T01"), true).unwrap();
    assert_eq!((empty.entries, empty.tickets), (0, 0));
}

/// A till that brings its bundle after the organiser closed the phase: nothing is dropped. Its tickets merge,
/// flagged late, into the phase's complement; the closed settlement stays as it was handed out.
#[test]
fn a_bundle_into_a_closed_phase_merges_as_late_sales() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles[..2]).unwrap();
    org.close_phase(1, "Karim", "Karim", &at(11, 18, 0))
        .unwrap();
    let closed = souk::storage::settlement::settle_phase(org.conn(), 1).unwrap();
    let m = merge(&mut org, &fx.bundles[2..]).unwrap();
    assert!(m.new_tickets() > 0);
    let late = souk::storage::late::late_tickets(org.conn()).unwrap();
    assert_eq!(late.len() as u64, m.new_tickets());
    assert!(late.iter().all(|t| t.phase == 1 && t.complement == 1));
    assert_eq!(
        souk::storage::settlement::settle_phase(org.conn(), 1).unwrap(),
        closed
    );
    let complement = souk::storage::late::current_complement(org.conn(), 1).unwrap();
    let tickets: u64 = complement.rows.iter().map(|r| r.tickets).sum();
    assert!(tickets > 0 && complement.rows.iter().all(|r| r.stall_fee.is_zero()));
    // Merging everything again is a no-op.
    let again = merge(&mut org, &fx.bundles).unwrap();
    assert_eq!(again.new_tickets(), 0);
}

#[test]
fn a_ticket_already_here_under_its_id_or_its_number_is_refused() {
    let fx = three_tills();
    // A row that no bundle wrote, holding first the id, then the number of T01's first ticket: the merge
    // learns it from the ticket's unique keys (it no longer asks before each insert).
    let squat = [("T01-000001", "ORG", 1), ("SQUAT-1", "T01", 1)];
    for (id, chain, number) in squat {
        let mut org = fx.organiser(&format!("org-{id}.souk"));
        org.conn()
            .execute(
                "INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier,
                 total, journal_seq) VALUES (?1, ?2, 'T01', ?3, 'sale', '2025-08-06T09:00:00Z', 0, '2025-08-06', 1,
                 'x', 100, 999)",
                rusqlite::params![id, chain, number],
            )
            .unwrap();
        let e = refused(&mut org, &fx.bundles[..1]);
        assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
        assert!(
            e.to_string().contains("existe déjà avec un autre contenu"),
            "{e}"
        );
    }
}

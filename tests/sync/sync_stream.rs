//! Streaming bundles: `export` writes zstd, `merge` reads compressed and older plain bundles alike, refuses a
//! damaged or truncated compressed file with nothing changed, and takes files in any order.
use crate::support::sync::*;
use souk::domain::canonical::sha256_hex;
use souk::storage::Db;
use souk::sync::{Refusal, SyncError, export, merge};
use std::path::{Path, PathBuf};

const ZSTD: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sync/fixtures")
        .join(name)
}

#[test]
fn export_writes_zstd_whose_text_is_the_bundle_and_carries_its_checksum() {
    let fx = three_tills();
    let bytes = std::fs::read(&fx.bundles[1]).unwrap();
    assert!(bytes.starts_with(&ZSTD), "a bundle is compressed");
    let text = bundle_text(&fx.bundles[1]);
    assert!(text.starts_with("SOUK-BUNDLE/1\n"), "{}", &text[..40]);
    let body_end = text.trim_end().rfind('\n').unwrap() + 1;
    let sha = sha256_hex(&text.as_bytes()[..body_end]);
    assert_eq!(&text[body_end..], format!("SHA256 {sha}\n"));
    assert!(
        bytes.len() * 3 < text.len(),
        "{} vs {}",
        bytes.len(),
        text.len()
    );
    // Each ticket right after its entry.
    let lines: Vec<&str> = text.lines().collect();
    for (i, _) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("\"t\":\"ticket\""))
    {
        let prev = lines[i - 1];
        assert!(
            prev.contains("\"t\":\"entry\"")
                && (prev.contains("\"kind\":\"sale\"") || prev.contains("\"kind\":\"refund\"")),
            "{prev}"
        );
    }
}

#[test]
fn a_plain_text_bundle_merges_like_its_compressed_copy_with_the_same_identity() {
    let fx = three_tills();
    let plain = fx.path("T02-plain.bundle");
    std::fs::write(&plain, bundle_text(&fx.bundles[1])).unwrap();
    let mut a = fx.organiser("a.souk");
    let mut b = fx.organiser("b.souk");
    let ma = merge(&mut a, &fx.bundles[1..2]).unwrap();
    let mb = merge(&mut b, std::slice::from_ref(&plain)).unwrap();
    assert_eq!(ma.bundles[0].sha, mb.bundles[0].sha);
    assert_eq!(ma.new_tickets(), 16);
    assert_eq!(sales_state(&a), sales_state(&b));
    // The same bundle, the other way round: already merged, nothing new.
    let again = merge(&mut a, &[plain]).unwrap();
    assert_eq!((again.new_entries(), again.new_tickets()), (0, 0));
    assert_eq!(again.bundles[0].skipped_entries, ma.bundles[0].new_entries);
}

/// Bundles written before compression (plain text, each chain's tickets after all its entries), kept as files
/// written by that code: they still merge, into the same sales as today's bundles of the same tills.
#[test]
fn bundles_of_the_older_plain_format_still_merge() {
    let fx = three_tills();
    let old = [fixture("v1-T02.bundle"), fixture("v1-T03.bundle")];
    let text = std::fs::read_to_string(&old[0]).unwrap();
    assert!(text.starts_with("SOUK-BUNDLE/1\n"));
    let mut from_old = fx.organiser("old.souk");
    let m = merge(&mut from_old, &old).unwrap();
    assert_eq!(m.new_tickets(), 16 + 18);
    assert_eq!(m.bundles[1].org_witness, 1);
    let mut from_new = fx.organiser("new.souk");
    merge(&mut from_new, &fx.bundles[1..]).unwrap();
    assert_eq!(sales_state(&from_old), sales_state(&from_new));
    let v = souk::storage::verify::verify(from_old.conn()).unwrap();
    assert!(v.ok(), "{v:?}");
}

fn db_hash(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap())
}

fn refused(db: &mut Db, file: &Path) -> Refusal {
    let before = dump(db);
    let e = merge(db, &[file.to_path_buf()]).expect_err("refused");
    assert_eq!(dump(db), before);
    let text = e.to_string();
    assert!(text.contains(&file.display().to_string()), "{text}");
    e.downcast::<SyncError>().unwrap().refusal().unwrap()
}

#[test]
fn damaged_or_truncated_compressed_bundles_are_refused_with_nothing_changed() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles[..1]).unwrap();
    let bytes = std::fs::read(&fx.bundles[2]).unwrap();
    // In the compressed blocks and zstd's own checksum (a flip in the frame header may leave the text intact).
    for at in [
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 10,
        bytes.len() - 1,
    ] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x10;
        let f = fx.path(&format!("flipped-{at}.bundle"));
        std::fs::write(&f, &flipped).unwrap();
        assert_eq!(
            refused(&mut org, &f),
            Refusal::Checksum,
            "byte {at} flipped"
        );
    }
    for len in [4, 30, bytes.len() / 2, bytes.len() - 4, bytes.len() - 1] {
        let f = fx.path(&format!("cut-{len}.bundle"));
        std::fs::write(&f, &bytes[..len]).unwrap();
        assert_eq!(refused(&mut org, &f), Refusal::Truncated, "cut at {len}");
    }
}

#[test]
fn the_binary_refuses_a_truncated_compressed_bundle_in_french_and_leaves_the_file_as_it_was() {
    let fx = three_tills();
    let org_path = fx.path("org.souk");
    drop(fx.organiser("org.souk"));
    let bytes = std::fs::read(&fx.bundles[0]).unwrap();
    let cut = fx.path("cut.bundle");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let before = db_hash(&org_path);
    let out = crate::support::common::run(&org_path, &["merge", cut.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cut.bundle") && err.contains("tronqué"),
        "{err}"
    );
    assert_eq!(db_hash(&org_path), before, "the database file is unchanged");
}

/// A till's second bundle (since the first) carries a refund of a ticket of its first: listed first, it waits
/// for the other and both merge.
#[test]
fn files_merge_in_any_order_even_a_refund_before_its_sale() {
    let fx = three_tills();
    let mut t1 = Db::open(&fx.path("T01.souk")).unwrap();
    refund(&mut t1, "T01", "T01-000003", 7);
    let second = fx.path("T01-2.bundle");
    export(&t1, &second, Some("T01"), true).unwrap();
    let mut org = fx.organiser("org.souk");
    let m = merge(&mut org, &[second.clone(), fx.bundles[0].clone()]).unwrap();
    assert_eq!(m.new_tickets(), 13);
    let mut stepwise = fx.organiser("stepwise.souk");
    merge(&mut stepwise, &fx.bundles[..1]).unwrap();
    merge(&mut stepwise, &[second]).unwrap();
    assert_eq!(sales_state(&stepwise), sales_state(&org));
}

//! A bundle written by an earlier build (before kinds were typed) still merges: the wire codes did not change.
//! Fixture made with that build: `souk init`, the ifrane-small imports, `backup --till T02` (org.sqlite is the
//! organiser's copy then), `import sales` on T02 and `export`.
use crate::support::common::*;
use std::path::Path;

#[test]
fn a_bundle_from_an_earlier_build_merges_and_verifies() {
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundle-v1");
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.db");
    std::fs::copy(fx.join("org.sqlite"), &org).unwrap();
    let bundle = fx.join("t02.souk");
    let bundle = bundle.to_str().unwrap();
    let out = ok(&org, &["merge", bundle]);
    assert!(out.contains("41 tickets ajoutés"), "{out}");
    ok(&org, &["verify"]);
    let c = rusqlite::Connection::open(&org).unwrap();
    let kinds: Vec<(String, i64)> = c
        .prepare(
            "SELECT kind, COUNT(*) FROM journal WHERE chain = 'T02' GROUP BY kind ORDER BY kind",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, [("import".into(), 1), ("sale".into(), 41)]);
    let again = ok(&org, &["merge", bundle]);
    assert!(
        again.contains("0 tickets ajoutés") || again.contains("déjà"),
        "{again}"
    );
}

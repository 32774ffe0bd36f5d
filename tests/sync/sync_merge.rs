//! Merging three tills' bundles into the organiser's database: any order, repeats, one call or several.

use crate::support::sync::*;
use souk::storage::{ORG_CHAIN, verify};
use souk::sync::{self, merge};
use std::path::PathBuf;

const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

#[test]
fn every_order_and_repeat_gives_the_same_sales() {
    let fx = three_tills();
    let mut states = Vec::new();
    for (n, order) in ORDERS.iter().enumerate() {
        let mut org = fx.organiser(&format!("org{n}.souk"));
        for &i in order {
            let s = merge(&mut org, &[fx.bundles[i].clone()]).unwrap();
            assert!(s.new_tickets() > 0);
            assert!(s.bundles[0].org_seq.is_some());
        }
        let before = dump(&org);
        let again = merge(&mut org, &fx.bundles).unwrap();
        assert_eq!(again.new_entries(), 0, "a repeat adds nothing");
        assert!(again.bundles.iter().all(|b| b.org_seq.is_none()));
        assert_eq!(dump(&org), before, "a repeat changes nothing");
        let v = verify::verify(org.conn()).unwrap();
        assert!(v.ok(), "{:?}", v.breaks);
        assert_eq!(v.tickets, 12 + 15 + 18 + 1);
        states.push(sales_state(&org));
    }
    let mut one_call = fx.organiser("one-call.souk");
    let all: Vec<PathBuf> = [2, 0, 1, 2, 0]
        .iter()
        .map(|&i| fx.bundles[i].clone())
        .collect();
    let s = merge(&mut one_call, &all).unwrap();
    assert_eq!(s.new_tickets(), 46);
    states.push(sales_state(&one_call));
    assert!(states.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn merged_journal_equals_each_tills_journal() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles).unwrap();
    for till in ["T01", "T02", "T03"] {
        let laptop = souk::storage::Db::open(&fx.path(&format!("{till}.souk"))).unwrap();
        let sql = format!("SELECT * FROM journal WHERE chain = '{till}'");
        assert_eq!(rows(&org, &sql), rows(&laptop, &sql));
        let sql = format!("SELECT * FROM shares WHERE till = '{till}'");
        assert_eq!(rows(&org, &sql), rows(&laptop, &sql));
    }
    let refunds = rows(&org, "SELECT id FROM tickets WHERE kind = 'refund'");
    assert_eq!(refunds, vec!["[Text(\"T02-000016\")]".to_string()]);
}

#[test]
fn org_chain_records_merges_and_keeps_foreign_org_entries_as_witnesses() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    let s = merge(&mut org, &fx.bundles).unwrap();
    let merges = rows(
        &org,
        "SELECT subject FROM journal WHERE chain = 'ORG' AND kind = 'merge'",
    );
    assert_eq!(merges.len(), 3);
    for b in &s.bundles {
        assert!(merges.iter().any(|m| m.contains(&b.sha)));
    }
    // T03's own ORG entry (a paper import there) is kept as a witness, not appended to our ORG.
    assert_eq!(s.bundles[2].org_witness, 1);
    let witness = rows(&org, "SELECT kind, detail FROM org_witness");
    assert_eq!(
        witness,
        vec!["[Text(\"import\"), Text(\"ventes-papier.csv\")]"]
    );
    let org_kinds = rows(
        &org,
        &format!("SELECT kind FROM journal WHERE chain = '{ORG_CHAIN}'"),
    );
    assert_eq!(org_kinds.len(), 1 + 3);
    assert!(verify::verify(org.conn()).unwrap().ok());
}

#[test]
fn till_status_reports_tickets_merges_and_exports() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    merge(&mut org, &fx.bundles[..2]).unwrap();
    let st = sync::till_status(&org).unwrap();
    let ids: Vec<&str> = st.iter().map(|s| s.till.as_str()).collect();
    assert_eq!(ids, ["T01", "T02", "T03"]);
    assert_eq!(st[0].tickets, 12);
    assert_eq!(st[0].last_ticket.as_deref(), Some("T01-000012"));
    assert_eq!(st[0].head_seq, 13);
    assert!(st[0].gaps.is_empty());
    assert!(st[0].last_merge_bundle.is_some());
    assert_eq!(st[1].tickets, 16);
    assert_eq!(st[2].tickets, 0);
    assert_eq!(st[2].last_merge_at, None);
    assert_eq!(sync::till_status_quick(org.conn()).unwrap(), st);

    // `souk verify` on the organiser's database says, per till, what was merged last and from which file.
    let org_path = org.path().to_path_buf();
    drop(org);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_souk"))
        .args(["--db", org_path.to_str().unwrap(), "verify"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let t01 = text
        .lines()
        .find(|l| l.starts_with("caisse T01"))
        .expect(&text);
    assert!(t01.contains("12 tickets, dernier T01-000012"), "{t01}");
    assert!(t01.contains("dernière fusion le"), "{t01}");
    assert!(t01.contains("T01.bundle"), "{t01}");
    let t03 = text
        .lines()
        .find(|l| l.starts_with("caisse T03"))
        .expect(&text);
    assert!(!t03.contains("fusion"), "{t03}");

    let laptop = souk::storage::Db::open(&fx.path("T01.souk")).unwrap();
    let st = sync::till_status(&laptop).unwrap();
    assert_eq!(st[0].last_exported_seq, Some(13));
}

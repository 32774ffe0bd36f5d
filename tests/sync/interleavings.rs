//! Random interleavings of the organiser's documented actions (provision, sell, paper import at the organiser
//! or at a till, export, merge, close): no bundle is ever unmergeable, and once everything is merged every
//! ticket sold anywhere is at the organiser, in exactly one settlement (its phase's, or a complement of it).
use crate::support::sync::*;
use proptest::prelude::*;
use souk::domain::{Phase, canonical::cents};
use souk::import::{Kind, import_bytes};
use souk::storage::settlement::{Scope, compute_scope, settle_phase};
use souk::storage::{Db, catalogue, identity};
use souk::sync::{export, merge};
use std::collections::BTreeSet;
use std::path::PathBuf;

const TILLS: [&str; 3] = ["T01", "T02", "T03"];

#[derive(Debug, Clone)]
enum Action {
    Provision(usize),
    Sell { till: usize, day: u8 },
    PaperAtOrganiser { till: usize, day: u8 },
    PaperAtTill { till: usize, day: u8 },
    Export(usize),
    Merge(usize),
    Close(u32),
}

fn action() -> impl Strategy<Value = Action> {
    let day = 2u8..19;
    prop_oneof![
        (0usize..3).prop_map(Action::Provision),
        (0usize..3, day.clone()).prop_map(|(till, day)| Action::Sell { till, day }),
        (0usize..3, day.clone()).prop_map(|(till, day)| Action::PaperAtOrganiser { till, day }),
        (0usize..3, day).prop_map(|(till, day)| Action::PaperAtTill { till, day }),
        (0usize..3).prop_map(Action::Export),
        (0usize..8).prop_map(Action::Merge),
        (1u32..3).prop_map(Action::Close),
    ]
}

struct World {
    dir: tempfile::TempDir,
    org: Db,
    tills: [Option<Db>; 3],
    bundles: Vec<PathBuf>,
    refs: usize,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let org = market(&dir.path().join("org.souk"), UUID, "Salon Ifrane 2025");
        let phase = Phase {
            number: 2,
            name: "Phase 2".into(),
            starts: jiff::civil::date(2025, 7, 11),
            ends: jiff::civil::date(2025, 7, 20),
            closed: false,
        };
        catalogue::upsert_phase(org.conn(), &phase).unwrap();
        org.conn()
            .execute_batch(
                "INSERT INTO exhibitor_phases (exhibitor_code, phase) SELECT code, 2 FROM exhibitors",
            )
            .unwrap();
        World {
            dir,
            org,
            tills: [None, None, None],
            bundles: vec![],
            refs: 0,
        }
    }

    fn paper(&mut self, till: usize, day: u8) -> Vec<u8> {
        self.refs += 1;
        format!(
            "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n\
             R{},2025-07-{day:02} 11:00,{},E02-P0,2,,cash\n",
            self.refs, TILLS[till]
        )
        .into_bytes()
    }

    fn apply(&mut self, a: &Action) {
        match *a {
            Action::Provision(i) if self.tills[i].is_none() => {
                let path = self.dir.path().join(format!("{}.souk", TILLS[i]));
                let at = at(1, 9, 0);
                self.org.backup_to(&path).unwrap();
                let db = Db::open(&path).unwrap();
                let public = identity::set_till(db.conn(), TILLS[i], &at.at_utc).unwrap();
                identity::record_provision(&mut self.org, TILLS[i], "copie", &public, "test", &at)
                    .unwrap();
                self.tills[i] = Some(db);
            }
            Action::Sell { till, day } => {
                // A till's copy provisioned after a close knows the phase is closed and does not sell in it.
                if let Some(db) = self.tills[till].as_mut().filter(|db| open_on(db, day)) {
                    sell(db, TILLS[till], day, 1, day as usize);
                }
            }
            Action::PaperAtOrganiser { till, day } => {
                let bytes = self.paper(till, day);
                // Refused only when the organiser has closed that phase (then nothing changes).
                let _ = import_bytes(&mut self.org, Kind::Sales, "papier.csv", &bytes, "test");
            }
            Action::PaperAtTill { till, day } => {
                let bytes = self.paper(till, day);
                if let Some(db) = self.tills[till].as_mut().filter(|db| open_on(db, day)) {
                    import_bytes(db, Kind::Sales, "papier.csv", &bytes, "test").unwrap();
                }
            }
            Action::Export(i) => {
                if let Some(db) = self.tills[i].as_ref() {
                    let out = self
                        .dir
                        .path()
                        .join(format!("b{}.bundle", self.bundles.len()));
                    export(db, &out, None, true).unwrap();
                    self.bundles.push(out);
                }
            }
            Action::Merge(k) if !self.bundles.is_empty() => {
                let b = self.bundles[k % self.bundles.len()].clone();
                let all_before: Vec<PathBuf> = self.bundles.clone();
                // A since-last bundle needs its predecessors: merging every bundle so far always succeeds.
                if merge(&mut self.org, &[b]).is_err() {
                    merge(&mut self.org, &all_before).expect("every bundle merges");
                }
            }
            Action::Close(p) => {
                let _ = if souk::storage::late::is_closed(self.org.conn(), p).unwrap() {
                    self.org
                        .close_complement(p, "Karim", "Karim", &at(20, 18, 0))
                        .map(|_| ())
                } else {
                    self.org
                        .close_phase(p, "Karim", "Karim", &at(20, 18, 0))
                        .map(|_| ())
                        .map_err(anyhow::Error::from)
                };
            }
            _ => {}
        }
    }

    /// Every till exports everything; all bundles merge at the organiser.
    fn finish(&mut self) {
        for (i, db) in self.tills.iter().enumerate() {
            if let Some(db) = db {
                let out = self.dir.path().join(format!("final-{i}.bundle"));
                export(db, &out, None, false).unwrap();
                self.bundles.push(out);
            }
        }
        merge(&mut self.org, &self.bundles).expect("every bundle merges");
    }
}

fn open_on(db: &Db, day: u8) -> bool {
    let date = format!("2025-07-{day:02}");
    souk::storage::phases::day_phase(db.conn(), &date).unwrap()
        == souk::storage::phases::DayPhase::Open(if day <= 10 { 1 } else { 2 })
}

fn ids(db: &Db, sql: &str) -> BTreeSet<String> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn no_bundle_is_unmergeable_and_no_ticket_is_lost_or_counted_twice(
        actions in prop::collection::vec(action(), 1..24)
    ) {
        let mut w = World::new();
        for a in &actions {
            w.apply(a);
        }
        w.finish();
        let mut sold = ids(&w.org, "SELECT id FROM tickets WHERE chain = 'ORG'");
        for (i, db) in w.tills.iter().enumerate() {
            if let Some(db) = db {
                sold.extend(ids(db, &format!("SELECT id FROM tickets WHERE chain = '{}'", TILLS[i])));
            }
        }
        prop_assert_eq!(&ids(&w.org, "SELECT id FROM tickets"), &sold);
        prop_assert!(souk::storage::verify::verify(w.org.conn()).unwrap().ok());
        for p in 1..=2u32 {
            let all = ids(&w.org, &format!("SELECT id FROM tickets WHERE phase = {p}"));
            let late = ids(&w.org, &format!("SELECT ticket_id FROM late_tickets WHERE phase = {p}"));
            prop_assert!(late.is_subset(&all));
            let closed = souk::storage::late::is_closed(w.org.conn(), p).unwrap();
            prop_assert!(closed || late.is_empty(), "late tickets only in a closed phase");
            // The phase's own settlement (stored at the close) is what the tickets merged in time add up to.
            let stored = settle_phase(w.org.conn(), p).unwrap();
            let recomputed = compute_scope(w.org.conn(), p, Scope::Phase).unwrap();
            prop_assert_eq!(&stored, &recomputed);
            // Late tickets are in exactly one complement.
            let mut in_complements = 0usize;
            let open = souk::storage::late::open_complement(w.org.conn(), p).unwrap();
            for n in 1..=open {
                let k = ids(&w.org, &format!(
                    "SELECT ticket_id FROM late_tickets WHERE phase = {p} AND complement = {n}"
                ));
                in_complements += k.len();
            }
            prop_assert_eq!(in_complements, late.len());
            let net: i64 = stored.iter().map(|r| cents(r.net)).sum();
            let sql_net: i64 = w.org.conn().query_row(
                &format!("SELECT COALESCE(SUM(CASE t.kind WHEN 'sale' THEN l.total ELSE -l.total END), 0)
                 FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id
                 WHERE t.phase = {p} AND t.id NOT IN (SELECT ticket_id FROM late_tickets)"),
                [], |r| r.get(0)).unwrap();
            prop_assert_eq!(net, sql_net);
        }
    }
}

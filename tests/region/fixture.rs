//! Markets for the region tests: an organiser's database, four tills provisioned from it by `souk backup
//! --till`, each selling on its own copy, their bundles merged by the organiser.
use crate::support::common::ok;
use crate::support::sync::{market, sell};
use souk::domain::{Collector, Till};
use souk::storage::{Db, catalogue};
use std::path::{Path, PathBuf};

pub const TILLS: [&str; 4] = ["T01", "T02", "T03", "T04"];

pub struct RegionMarket {
    pub organiser: PathBuf,
    pub tills: Vec<PathBuf>,
}

/// A market whose four tills sold `sales` tickets each (over several days), merged into the organiser's base.
pub fn build(dir: &Path, uuid: &str, name: &str, sales: usize, seed: usize) -> RegionMarket {
    let organiser = dir.join(format!("{name}.souk"));
    {
        let mut db = market(&organiser, uuid, name);
        let tx = db.write_tx().unwrap();
        let t = Till {
            id: "T04".into(),
            name: "Caisse T04".into(),
            collector: Collector::Exhibitor,
        };
        catalogue::upsert_till(&tx, &t).unwrap();
        tx.commit().unwrap();
    }
    let mut tills = Vec::new();
    let mut bundles = Vec::new();
    for (i, till) in TILLS.into_iter().enumerate() {
        let path = dir.join(format!("{name}-{till}.souk"));
        ok(
            &organiser,
            &["backup", "--out", path.to_str().unwrap(), "--till", till],
        );
        let mut db = Db::open(&path).unwrap();
        let mut left = sales;
        let mut day = 2;
        while left > 0 {
            let n = left.min(600);
            sell(&mut db, till, day, n, seed + i);
            left -= n;
            day += 1;
        }
        let bundle = dir.join(format!("{name}-{till}.bundle"));
        souk::sync::export(&db, &bundle, None, false).unwrap();
        bundles.push(bundle);
        tills.push(path);
    }
    let mut args = vec!["merge"];
    args.extend(bundles.iter().map(|b| b.to_str().unwrap()));
    ok(&organiser, &args);
    RegionMarket { organiser, tills }
}

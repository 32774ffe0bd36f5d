//! An organiser's week on the real binary: a market set up, four tills provisioned (T01 the organiser's own
//! central desk), sales every day on each till and on paper at the organiser and at a till, bundles merged
//! daily in shuffled orders with repeats, a close refused then forced, a late bundle settled in the complement,
//! the next phase closed normally. Every ticket sold anywhere is in exactly one settlement, verify passes on
//! every database, and each settlement equals a computation in plain SQL over the ticket lines.
use crate::organiser::{SALES_HEADER, add_organiser, close, provision, s, write};
use crate::support::common::*;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TILLS: &str = "id,name,collector\nT01,Caisse centrale (organisateur),organiser\n\
T02,Caisse centrale B,organiser\nT03,Stand Tifawin,exhibitor\nT04,Stand Al Amal,exhibitor\n";
const PRODUCTS: [&str; 4] = ["E001-03", "E002-01", "E003-01", "E004-01"];

/// Two tickets (one of two lines) sold at `till` on `day`, as its own `import sales` records them.
fn day_sales(till: &str, day: u32, seed: usize) -> String {
    let p = |i: usize| PRODUCTS[(seed + i) % PRODUCTS.len()];
    let date = format!("2025-08-{day:02}");
    format!(
        "{SALES_HEADER}{till}-{day}-a,{date} 10:{m:02},{till},{},1,,cash\n\
         {till}-{day}-a,{date} 10:{m:02},{till},{},2,,cash\n\
         {till}-{day}-b,{date} 16:{m:02},{till},{},1,,card\n",
        p(0),
        p(1),
        p(2),
        m = seed % 60
    )
}

struct Market {
    dir: PathBuf,
    org: PathBuf,
    tills: BTreeMap<&'static str, PathBuf>,
    bundles: Vec<PathBuf>,
}

impl Market {
    /// Each till sells on `day` (paper sales through its own import) and exports what is new.
    fn sell_and_export(&mut self, day: u32, tills: &[&'static str]) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (i, till) in tills.iter().enumerate() {
            let db = &self.tills[till];
            let f = write(
                &self.dir,
                "sales.csv",
                &day_sales(till, day, i + day as usize),
            );
            ok(db, &["import", "sales", s(&f)]);
            let bundle = self.dir.join(format!("{till}-{day}.bundle"));
            ok(db, &["export", "--out", s(&bundle), "--since-last"]);
            out.push(bundle);
        }
        self.bundles.extend(out.iter().cloned());
        out
    }

    /// Merges today's bundles in a shuffled order, with yesterday's again (repeats change nothing).
    fn merge_day(&self, today: &[PathBuf], day: u32) {
        let mut files: Vec<&PathBuf> = today.iter().collect();
        let turn = day as usize % files.len().max(1);
        files.rotate_left(turn);
        files.reverse();
        let older: Vec<&PathBuf> = self
            .bundles
            .iter()
            .filter(|b| !today.contains(b))
            .rev()
            .take(2)
            .collect();
        for f in files.iter().chain(older.iter()) {
            ok(&self.org, &["merge", s(f)]);
        }
    }
}

fn settlement(org: &Path, phase: u32, complement: bool) -> BTreeMap<String, (i64, u64)> {
    let p = phase.to_string();
    let mut args = vec!["report", "settlement", "--phase", &p, "--format", "csv"];
    if complement {
        args.push("--complement");
    }
    let csv = ok(org, &args);
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let cents = (f[6].parse::<f64>().unwrap() * 100.0).round() as i64;
            (f[1].to_string(), (cents, f[3].parse().unwrap()))
        })
        .filter(|(_, (net, n))| *net != 0 || *n != 0)
        .collect()
}

/// Net and sale tickets per exhibitor from the ticket lines, for the phase's tickets that are late or not.
fn plain_sql(org: &Path, phase: u32, late: bool) -> BTreeMap<String, (i64, u64)> {
    let c = Connection::open(org).unwrap();
    let sql = format!(
        "SELECT l.exhibitor_code,
                SUM(CASE t.kind WHEN 'sale' THEN l.total ELSE -l.total END),
                COUNT(DISTINCT CASE t.kind WHEN 'sale' THEN t.id END)
         FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id
         WHERE t.phase = ?1 AND t.id {} (SELECT ticket_id FROM late_tickets)
         GROUP BY l.exhibitor_code",
        if late { "IN" } else { "NOT IN" }
    );
    let mut stmt = c.prepare(&sql).unwrap();
    stmt.query_map([phase], |r| {
        Ok((r.get(0)?, (r.get(1)?, r.get::<_, i64>(2)? as u64)))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn ids(db: &Path, sql: &str) -> BTreeSet<String> {
    let c = Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_organisers_week() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let org = sample_market(&dir, false);
    let tills_csv = write(&dir, "tills.csv", TILLS);
    ok(&org, &["import", "tills", s(&tills_csv)]);
    add_organiser(&org);
    let mut m = Market {
        tills: ["T01", "T02", "T03", "T04"]
            .into_iter()
            .map(|t| (t, provision(&org, t)))
            .collect(),
        dir,
        org,
        bundles: vec![],
    };
    // Phase 1 (6–10 August): T04 sells only on the last day and its bundle comes late.
    for day in 6..=10 {
        let today = m.sell_and_export(day, &["T01", "T02", "T03"]);
        let paper = write(
            &m.dir,
            "paper.csv",
            &format!("{SALES_HEADER}O-{day},2025-08-{day:02} 12:00,T02,E001-03,3,,cash\n"),
        );
        ok(&m.org, &["import", "sales", s(&paper)]);
        m.merge_day(&today, day);
    }
    let late_bundle = m.sell_and_export(10, &["T04"]);
    let refused = close(&m.org, "1", false);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("T04"), "{err}");
    let forced = close(&m.org, "1", true);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let closed = ok(
        &m.org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    for b in late_bundle.iter().chain(m.bundles.iter()) {
        ok(&m.org, &["merge", s(b)]);
    }
    assert_eq!(
        ok(
            &m.org,
            &["report", "settlement", "--phase", "1", "--format", "csv"]
        ),
        closed
    );
    let out = close(&m.org, "1", false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Phase 2 (11–13 August): everyone sells, a paper sheet entered at till T03 too, then a normal close.
    for day in 11..=13 {
        let today = m.sell_and_export(day, &["T04", "T03", "T02", "T01"]);
        m.merge_day(&today, day);
    }
    let t03 = m.tills["T03"].clone();
    let sheet = write(
        &m.dir,
        "sheet.csv",
        &format!("{SALES_HEADER}F-1,2025-08-13 18:00,T03,E002-01,2,,mobile\n"),
    );
    ok(&t03, &["import", "sales", s(&sheet)]);
    let last = m.dir.join("T03-final.bundle");
    ok(&t03, &["export", "--out", s(&last), "--since-last"]);
    for b in m.bundles.iter().chain([&last]) {
        ok(&m.org, &["merge", s(b)]);
    }
    let out = close(&m.org, "2", false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Every ticket sold anywhere is at the organiser, in exactly one settlement.
    let mut sold = ids(&m.org, "SELECT id FROM tickets WHERE chain = 'ORG'");
    for (till, db) in &m.tills {
        ok(db, &["verify"]);
        sold.extend(ids(
            db,
            &format!("SELECT id FROM tickets WHERE chain = '{till}'"),
        ));
    }
    ok(&m.org, &["verify"]);
    let here = ids(&m.org, "SELECT id FROM tickets");
    assert_eq!(here, sold, "the organiser has every ticket, and only those");
    // 5 paper at the organiser, 3 tills × 5 days × 2, T04 × 2 late, 4 tills × 3 days × 2, 1 sheet at T03.
    assert_eq!(sold.len(), 5 + 5 * 3 * 2 + 2 + 3 * 4 * 2 + 1);
    let late = ids(&m.org, "SELECT ticket_id FROM late_tickets");
    assert_eq!(late, ["T04-000001", "T04-000002"].map(String::from).into());
    // Settlements (phase, complement, next phase) equal plain SQL over the lines.
    assert_eq!(settlement(&m.org, 1, false), plain_sql(&m.org, 1, false));
    assert_eq!(settlement(&m.org, 1, true), plain_sql(&m.org, 1, true));
    assert_eq!(settlement(&m.org, 2, false), plain_sql(&m.org, 2, false));
    let counted: u64 = [(1, false), (1, true), (2, false)]
        .iter()
        .map(|&(p, c)| ids_in(&m.org, p, c))
        .sum();
    assert_eq!(
        counted as usize,
        sold.len(),
        "no ticket counted twice or missing"
    );
}

/// Tickets a settlement scope covers.
fn ids_in(org: &Path, phase: u32, late: bool) -> u64 {
    let c = Connection::open(org).unwrap();
    c.query_row(
        &format!(
            "SELECT COUNT(*) FROM tickets WHERE phase = ?1 AND id {} (SELECT ticket_id FROM late_tickets)",
            if late { "IN" } else { "NOT IN" }
        ),
        [phase],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as u64
}

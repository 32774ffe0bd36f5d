//! Late sales in the region report: a phase's complements (tickets merged after its close) read back from
//! PostgreSQL are the organiser's own `report settlement --complement`, shown apart, and counted in the totals.
use crate::cluster::Cluster;
use crate::fixture::{RegionMarket, build};
use crate::support::common::ok;
use crate::support::sync::{at, sell};
use rust_decimal::Decimal;
use souk::storage::Db;
use std::path::Path;

const A: &str = "0190f1a2-0000-7000-8000-00000000aa01";

/// A till sells `n` more tickets in phase 1 on `day`; its bundle is merged by the organiser.
fn late_sales(dir: &Path, m: &RegionMarket, till: usize, day: u8, n: usize) {
    let mut db = Db::open(&m.tills[till]).unwrap();
    sell(&mut db, &format!("T0{}", till + 1), day, n, 7 + till);
    let bundle = dir.join(format!("late-{till}-{day}.bundle"));
    souk::sync::export(&db, &bundle, None, false).unwrap();
    ok(&m.organiser, &["merge", bundle.to_str().unwrap()]);
}

fn net(csv: &str) -> Decimal {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "net").unwrap();
    lines
        .map(|l| l.split(',').nth(col).unwrap().parse::<Decimal>().unwrap())
        .sum()
}

fn settlement(m: &RegionMarket, url: &str, complement: bool) -> (String, String) {
    let mut own = vec!["report", "settlement", "--phase", "1", "--format", "csv"];
    let mut region = vec![
        "region", "report", "--from", url, "--market", A, "--phase", "1", "--format", "csv",
    ];
    if complement {
        own.push("--complement");
        region.push("--complement");
    }
    (ok(&m.organiser, &own), ok(&m.organiser, &region))
}

#[test]
fn complements_are_shown_apart_and_counted_in_the_totals() {
    let Some(pg) = Cluster::start("complements_are_shown_apart_and_counted_in_the_totals") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 4, 0);
    let url = pg.url("late");
    Db::open(&m.organiser)
        .unwrap()
        .close_phase(1, "Karim", "Karim", &at(9, 18, 0))
        .unwrap();
    // Complement 1: two tills' late sales, closed by the organiser.
    late_sales(dir.path(), &m, 0, 8, 3);
    late_sales(dir.path(), &m, 2, 8, 2);
    Db::open(&m.organiser)
        .unwrap()
        .close_complement(1, "Karim", "Karim", &at(12, 18, 0))
        .unwrap();
    ok(&m.organiser, &["push", "--to", &url]);
    let (own_phase, region_phase) = settlement(&m, &url, false);
    assert_eq!(region_phase, own_phase, "phase 1 read back from PostgreSQL");
    let (own_c1, region_c1) = settlement(&m, &url, true);
    assert_eq!(region_c1, own_c1, "closed complement 1 read back");
    // Complement 2, still open: more late sales.
    late_sales(dir.path(), &m, 1, 9, 4);
    ok(&m.organiser, &["push", "--to", &url]);
    let (own_c2, region_c2) = settlement(&m, &url, true);
    assert_eq!(region_c2, own_c2, "open complement 2 read back");
    assert_ne!(own_c2, own_c1);
    assert_eq!(
        settlement(&m, &url, false).1,
        own_phase,
        "phase 1 unchanged"
    );

    let csv = ok(
        &m.organiser,
        &["region", "report", "--from", &url, "--format", "csv"],
    );
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let of =
        |section: &str| -> Vec<&Vec<&str>> { rows.iter().filter(|r| r[0] == section).collect() };
    let (phases, complements) = (of("phase"), of("complement"));
    assert_eq!(phases.len(), 1, "{csv}");
    let keys: Vec<&str> = complements.iter().map(|r| r[4]).collect();
    assert_eq!(keys, ["1", "2"], "{csv}");
    let figure = |r: &Vec<&str>| r[7].parse::<Decimal>().unwrap();
    assert_eq!(figure(phases[0]), net(&own_phase));
    assert_eq!(figure(complements[0]), net(&own_c1));
    assert_eq!(figure(complements[1]), net(&own_c2));
    // Late tickets: 3 + 2 in complement 1, 4 in complement 2; the phase's own 4 × 4.
    let tickets: Vec<&str> = [phases[0], complements[0], complements[1]]
        .iter()
        .map(|r| r[6])
        .collect();
    assert_eq!(tickets, ["16", "5", "4"], "{csv}");
    // Provinces, sectors and cooperatives count the late sales too.
    let total = net(&own_phase) + net(&own_c1) + net(&own_c2);
    let coops: Decimal = of("cooperative").iter().map(|r| figure(r)).sum();
    assert_eq!(coops, total);
    xlsx_reads_back(&m, &url, &rows, total);
    let text = ok(&m.organiser, &["region", "report", "--from", &url]);
    assert!(text.contains("complément 2 (ventes tardives)"), "{text}");
    assert!(
        text.contains("dont compléments (ventes tardives)"),
        "{text}"
    );
}

/// The workbook read back with calamine: one row per phase and complement with the CSV's figures, a TOTAL that
/// is the region's net (late sales included), and the cooperatives' sheet.
fn xlsx_reads_back(m: &RegionMarket, url: &str, csv: &[Vec<&str>], total: Decimal) {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let out = crate::support::common::run(
        &m.organiser,
        &["region", "report", "--from", url, "--format", "xlsx"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(out.stdout)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Marchés et phases", "Provinces", "Secteurs", "Coopératives"]
    );
    let money = |d: Option<&Data>| match d {
        Some(Data::Float(f)) => Decimal::try_from(*f).unwrap().round_dp(2),
        other => panic!("not a number: {other:?}"),
    };
    let text = |d: Option<&Data>| d.map(|d| d.to_string()).unwrap_or_default();
    let sheet = wb.worksheet_range("Marchés et phases").unwrap();
    assert_eq!(text(sheet.get_value((0, 7))), "Net");
    let lines: Vec<&Vec<&str>> = csv
        .iter()
        .filter(|r| r[0] == "phase" || r[0] == "complement")
        .collect();
    for (i, r) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(text(sheet.get_value((row, 1))), r[1]);
        assert_eq!(text(sheet.get_value((row, 3))), r[4], "complement number");
        assert_eq!(
            money(sheet.get_value((row, 7))),
            r[7].parse::<Decimal>().unwrap()
        );
    }
    let last = lines.len() as u32 + 1;
    assert_eq!(text(sheet.get_value((last, 0))), "TOTAL");
    assert_eq!(money(sheet.get_value((last, 7))), total);
    let coops = wb.worksheet_range("Coopératives").unwrap();
    let n = csv.iter().filter(|r| r[0] == "cooperative").count() as u32;
    assert_eq!(text(coops.get_value((n + 1, 0))), "TOTAL");
    assert_eq!(money(coops.get_value((n + 1, 2))), total);
}

/// A server at schema version 1 (before complements) is upgraded in place by `souk region init`.
#[test]
fn a_version_1_server_is_upgraded() {
    let Some(pg) = Cluster::start("a_version_1_server_is_upgraded") else {
        return;
    };
    let url = pg.url("old");
    let mut client = pg.client("old");
    client
        .batch_execute(include_str!("../../src/region/migrations/001_region.sql"))
        .unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, major INTEGER NOT NULL,
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
             INSERT INTO schema_version (version, major) VALUES (1, 1);",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::common::sample_market(dir.path(), false);
    let out = ok(&db, &["region", "init", "--to", &url]);
    assert!(out.contains("version 3"), "{out}");
    let n: i64 = client
        .query_one("SELECT COUNT(*) FROM complements", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

//! Reports and phase close through the real binary, on the contract's sample market.
use crate::support::common::*;
use std::collections::BTreeMap;

fn csv_rows(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["exhibitor_code"].clone(), row)
        })
        .collect()
}

/// The same comparison as the contract's check, without Python: every figure equal as a decimal.
#[test]
fn settlement_csv_matches_the_contract_sample() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    for phase in 1..=3 {
        let out = dir.path().join(format!("s{phase}.csv"));
        ok(
            &db,
            &[
                "report",
                "settlement",
                "--phase",
                &phase.to_string(),
                "--format",
                "csv",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let got_text = std::fs::read_to_string(&out).unwrap();
        assert!(got_text.starts_with("phase,exhibitor_code,exhibitor_name,tickets,gross,refunds,net,cash,card,mobile,other,commission,stall_fee,collected_by_organiser,collected_by_exhibitor,due_to_exhibitor\n"));
        let want = csv_rows(
            &std::fs::read_to_string(fixtures().join(format!("expected-phase-{phase}.csv")))
                .unwrap(),
        );
        let got = csv_rows(&got_text);
        assert_eq!(
            want.keys().collect::<Vec<_>>(),
            got.keys().collect::<Vec<_>>(),
            "phase {phase} exhibitors"
        );
        for (code, w) in &want {
            for (col, v) in w {
                if ["exhibitor_name", "exhibitor_code", "phase"].contains(&col.as_str()) {
                    continue;
                }
                let a: rust_decimal::Decimal = v.parse().unwrap();
                let b: rust_decimal::Decimal = got[code][col]
                    .parse()
                    .unwrap_or_else(|e| panic!("phase {phase} {code}.{col} {:?}: {e}", got[code]));
                assert_eq!(a, b, "phase {phase} {code}.{col}");
            }
        }
    }
}

#[test]
fn a_closed_phase_is_frozen_and_its_reports_never_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    run_with(
        &db,
        &["people", "add", "Khadija", "--role", "supervisor"],
        &[("SOUK_PIN", "432100")],
    );
    run_with(
        &db,
        &["people", "add", "Ali", "--role", "cashier"],
        &[("SOUK_PIN", "1111")],
    );
    // a cashier may not close, a wrong PIN may not either
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "Ali"],
        &[("SOUK_PIN", "1111")],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "Khadija"],
        &[("SOUK_PIN", "0000")],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("code incorrect"));
    let before: Vec<Vec<u8>> = renders(&db, dir.path(), "a");
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "Khadija"],
        &[("SOUK_PIN", "432100")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = renders(&db, dir.path(), "b");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = renders(&db, dir.path(), "c");
    assert_eq!(
        first, second,
        "reports of a closed phase differ between runs"
    );
    assert_eq!(
        before[1], first[1],
        "closing changed the settlement figures"
    );
    // a sale dated in the closed phase goes to its complément; the phase's reports stay as they were
    let f = dir.path().join("late.csv");
    std::fs::write(&f, "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\nL1,2025-08-07 10:00,T01,E001-01,1,,cash\n").unwrap();
    let out = ok(&db, &["import", "sales", f.to_str().unwrap()]);
    assert!(out.contains("complément 1 de la phase 1"), "{out}");
    let third = renders(&db, dir.path(), "d");
    assert_eq!(
        first[1], third[1],
        "a late sale changed the closed settlement"
    );
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "Khadija"],
        &[("SOUK_PIN", "432100")],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("complément 1 clôturé"));
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "Khadija"],
        &[("SOUK_PIN", "432100")],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("déjà clôturée"));
    let text = ok(&db, &["report", "settlement", "--phase", "1"]);
    assert!(
        text.contains("Khadija") || text.contains("clôtur"),
        "{text}"
    );
    ok(&db, &["verify"]);
}

fn renders(db: &std::path::Path, dir: &std::path::Path, tag: &str) -> Vec<Vec<u8>> {
    ["text", "csv", "xlsx", "pdf"]
        .iter()
        .map(|f| {
            let out = dir.join(format!("{tag}.{f}"));
            ok(
                db,
                &[
                    "report",
                    "settlement",
                    "--phase",
                    "1",
                    "--format",
                    f,
                    "--out",
                    out.to_str().unwrap(),
                ],
            );
            std::fs::read(out).unwrap()
        })
        .collect()
}

#[test]
fn day_report_and_totals() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let day = ok(
        &db,
        &["report", "day", "--date", "2025-08-07", "--format", "csv"],
    );
    assert!(day.contains("E001"), "{day}");
    let t1 = ok(
        &db,
        &["report", "day", "--date", "2025-08-07", "--till", "T03"],
    );
    assert!(t1.contains("T03"), "{t1}");
    let totals = ok(&db, &["report", "totals", "--phase", "1"]);
    assert!(totals.contains("2.905,96"), "{totals}");
    let french = ok(
        &db,
        &["report", "day", "--date", "07/08/2025", "--format", "csv"],
    );
    assert_eq!(french, day, "JJ/MM/AAAA and ISO name the same day");
    let out = run(&db, &["report", "day", "--date", "32/13/2025"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(
        &db,
        &["report", "settlement", "--phase", "1", "--format", "pdf"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}

/// In an 80-column terminal the day and settlement reports fit: the wide tables come in two narrower ones.
#[test]
fn text_reports_fit_an_80_column_terminal() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = sample_market(dir.path(), true);
    for args in [
        &["report", "settlement", "--phase", "1"][..],
        &["report", "day", "--date", "2025-08-07"][..],
        &["report", "totals", "--phase", "1"][..],
    ] {
        let out = souk()
            .env("COLUMNS", "80")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {text}");
        for l in text.lines() {
            assert!(
                l.chars().count() <= 80,
                "{args:?}: {} columns: {l}",
                l.chars().count()
            );
        }
        assert!(text.contains("TOTA"), "{text}");
    }
    let wide = ok(&db, &["report", "settlement", "--phase", "1"]);
    assert!(
        wide.lines()
            .any(|l| l.contains("Dû expo.") && l.contains("Brut"))
    );
}

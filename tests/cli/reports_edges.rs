//! Reports at their edges on the real binary: the region's totals include a closed phase's late sales (and say
//! how much came in compléments), `--complement N` picks a complément, a closed statement is printed with its
//! printing time next to its closing time, an unknown till is refused, people's roles read in French.
use crate::organiser::{add_organiser, close, ok_env, provision, refused, s, write};
use crate::support::common::*;
use std::path::Path;

const SALES: &str = "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n";

/// The cells of the text line that starts with `first`.
fn line_cells(text: &str, first: &str) -> Vec<String> {
    text.lines()
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no line {first:?} in\n{text}"))
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// Net column summed over a settlement CSV (column 7, `net`).
fn csv_net(csv: &str) -> f64 {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap())
        .sum()
}

/// Phase 1 of the sample closed with T03 undelivered; T03's ticket of two exhibitors (E001 2 × 23,98 and E002
/// 1 × 19,94 = 67,90) then merged late, into complément 1.
fn closed_with_a_late_ticket(dir: &Path) -> std::path::PathBuf {
    let org = sample_market(dir, false);
    add_organiser(&org);
    let t02 = provision(&org, "T02");
    let t03 = provision(&org, "T03");
    let f = write(
        dir,
        "t02.csv",
        &format!("{SALES}A,2025-08-09 10:00,T02,E001-03,1,,cash\n"),
    );
    ok(&t02, &["import", "sales", s(&f)]);
    let f = write(
        dir,
        "t03.csv",
        &format!(
            "{SALES}B,2025-08-09 11:00,T03,E001-03,2,,cash\nB,2025-08-09 11:00,T03,E002-01,1,,cash\n"
        ),
    );
    ok(&t03, &["import", "sales", s(&f)]);
    let b02 = dir.join("t02.bundle");
    ok(&t02, &["export", "--out", s(&b02)]);
    ok(&org, &["merge", s(&b02)]);
    assert!(close(&org, "1", true).status.success());
    let b03 = dir.join("t03.bundle");
    ok(&t03, &["export", "--out", s(&b03)]);
    ok(&org, &["merge", s(&b03)]);
    org
}

#[test]
fn totals_include_late_sales_and_say_how_much_came_in_complements() {
    let dir = tempfile::tempdir().unwrap();
    let org = closed_with_a_late_ticket(dir.path());
    let settled = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    let complement = ok(
        &org,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--complement",
            "--format",
            "csv",
        ],
    );
    let (closed_net, late_net) = (csv_net(&settled), csv_net(&complement));
    assert!((closed_net - 23.98).abs() < 0.001, "{settled}");
    assert!((late_net - 67.90).abs() < 0.001, "{complement}");
    let totals = ok(&org, &["report", "totals", "--phase", "1"]);
    assert!(
        totals.contains("Tickets : 2") && totals.contains("Ventes nettes : 91,88 DH"),
        "closed settlement + complément = totals:\n{totals}"
    );
    assert!(
        totals.contains("Dont compléments (ventes tardives) : 1 ticket, 67,90 DH"),
        "{totals}"
    );
    // Both tickets are cooperatives' (E001, E002): 2 tickets, not 3 rows.
    assert_eq!(line_cells(&totals, "Coopérative")[2], "2", "{totals}");
    let csv = ok(
        &org,
        &["report", "totals", "--phase", "1", "--format", "csv"],
    );
    assert!(csv.contains("1,total,late,,,,,1,,,67.90"), "{csv}");
    assert!(csv.contains("1,total,net,,,,6,2,,,91.88"), "{csv}");
}

#[test]
fn complement_statements_count_distinct_tickets_and_take_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let org = closed_with_a_late_ticket(dir.path());
    // The late ticket has two exhibitors: one ticket in the complément's TOTAL.
    let latest = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--complement"],
    );
    assert!(latest.contains("complément 1"), "{latest}");
    assert_eq!(line_cells(&latest, "TOTAL")[1], "1", "{latest}");
    let first = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--complement", "1"],
    );
    assert_eq!(
        first.lines().skip(5).collect::<Vec<_>>(),
        latest.lines().skip(5).collect::<Vec<_>>()
    );
    refused(
        &org,
        &["report", "settlement", "--phase", "1", "--complement", "2"],
        &["phase 1 : pas de complément 2 (compléments : 1)"],
    );
    // Closed, complément 1 is still reported by its number, as stored.
    assert!(close(&org, "1", false).status.success());
    let closed = ok(
        &org,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--complement",
            "1",
            "--format",
            "csv",
        ],
    );
    assert!((csv_net(&closed) - 67.90).abs() < 0.001, "{closed}");
    refused(
        &org,
        &["report", "settlement", "--phase", "2", "--complement", "1"],
        &["phase 2 : aucune vente tardive"],
    );
}

#[test]
fn a_closed_statement_shows_its_closing_time_and_its_printing_time() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), true);
    add_organiser(&org);
    assert!(close(&org, "1", true).status.success());
    let closed_at: String = rusqlite::Connection::open(&org)
        .unwrap()
        .query_row("SELECT closed_at FROM phases WHERE number = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (day, time) = closed_at.split_once(' ').unwrap();
    let d: Vec<&str> = day.split('-').collect();
    let closing = format!("Clôturée le {}/{}/{} {time} par Karim", d[2], d[1], d[0]);
    let figures = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    let text = String::from_utf8(
        ok_env(
            &org,
            &["report", "settlement", "--phase", "1"],
            &[("SOUK_NOW", "2027-01-02 10:00")],
        )
        .stdout,
    )
    .unwrap();
    assert!(text.contains(&closing), "{closing}\n{text}");
    assert!(text.contains("Édité le 02/01/2027 10:00"), "{text}");
    assert_eq!(
        ok(
            &org,
            &["report", "settlement", "--phase", "1", "--format", "csv"]
        ),
        figures,
        "the settlement's figures do not change"
    );
    ok(&org, &["verify"]);
}

#[test]
fn a_day_report_of_an_unknown_till_is_refused_naming_the_tills() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), true);
    refused(
        &org,
        &["report", "day", "--date", "2025-08-07", "--till", "T09"],
        &["caisse inconnue : T09 (caisses : T01, T02, T03)"],
    );
    let t01 = ok(
        &org,
        &["report", "day", "--date", "2025-08-07", "--till", "T01"],
    );
    assert!(t01.contains("caisse T01"), "{t01}");
}

#[test]
fn people_roles_read_in_french_and_are_typed_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    ok(&db, &["init", "--market", "Test"]);
    let add = ok_env(
        &db,
        &["people", "add", "Amina", "--role", "organiser"],
        &[("SOUK_PIN", "432187")],
    );
    let said = String::from_utf8(add.stdout).unwrap();
    assert!(
        said.contains("Amina : organisateur enregistré(e)"),
        "{said}"
    );
    let by = [("SOUK_PIN", "1234"), ("SOUK_BY_PIN", "432187")];
    let add = ok_env(
        &db,
        &[
            "people", "add", "Youssef", "--role", "caissier", "--by", "Amina",
        ],
        &by,
    );
    assert!(String::from_utf8_lossy(&add.stdout).contains("Youssef : caissier·ère enregistré(e)"));
    let by = [("SOUK_PIN", "654321"), ("SOUK_BY_PIN", "432187")];
    ok_env(
        &db,
        &[
            "people",
            "add",
            "Salma",
            "--role",
            "supervisor",
            "--by",
            "Amina",
        ],
        &by,
    );
    let list = ok(&db, &["people", "list"]);
    assert_eq!(line_cells(&list, "Amina")[1], "organisateur", "{list}");
    assert_eq!(line_cells(&list, "Youssef")[1], "caissier·ère", "{list}");
    assert_eq!(line_cells(&list, "Salma")[1], "superviseur", "{list}");
    assert!(
        !list.contains("cashier") && !list.contains("organiser"),
        "{list}"
    );
    refused(
        &db,
        &["people", "add", "Ali", "--role", "chef", "--by", "Amina"],
        &["rôle inconnu « chef »", "caissier"],
    );
}

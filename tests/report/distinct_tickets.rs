//! A total over exhibitors counts distinct tickets (DESIGN, settlement): one ticket of two cooperatives is one
//! ticket in the TOTAL row of every format, and one ticket in each breakdown group of the phase totals.
use crate::report_pdf::{pages_text, squash};
use crate::report_xlsx::{num, open};
use crate::support::common::*;
use calamine::Reader;
use std::path::{Path, PathBuf};

/// Two cooperatives of phase 1 and one paper ticket buying from both (100 + 10 DH, cash, at T01).
fn one_ticket_two_cooperatives(dir: &Path) -> PathBuf {
    let db = dir.join("d.db");
    ok(&db, &["init", "--market", "Test"]);
    let files = [
        (
            "phases",
            "number;name;starts;ends\n1;Phase 1;01/10/2025;05/10/2025\n",
        ),
        (
            "tills",
            "id;name;collector\nT01;Caisse;organiser\nT02;Stand B;organiser\n",
        ),
        (
            "exhibitors",
            "code;name;kind;ice;phone;commission_rate;stall_fee;phases\n\
             E001;Coop A;cooperative;;;0,1;0;1\nE002;Coop B;cooperative;;;0;0;1\n",
        ),
        (
            "products",
            "exhibitor_code;code;barcode;name_fr;name_ar;unit;price;vat_rate\n\
             E001;P01;;Miel;;kg;100;0\nE002;P02;;Savon;;piece;10;0\n",
        ),
        (
            "sales",
            "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n\
             001;02/10/2025 10:00;T01;P01;1;;cash\n001;02/10/2025 10:00;T01;P02;1;;cash\n",
        ),
    ];
    for (kind, body) in files {
        let f = dir.join(format!("{kind}.csv"));
        std::fs::write(&f, body).unwrap();
        ok(&db, &["import", kind, f.to_str().unwrap()]);
    }
    db
}

/// The cells of the text line that starts with `first`.
fn line_cells(text: &str, first: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no line {first:?} in\n{text}"));
    line.split_whitespace().map(String::from).collect()
}

#[test]
fn settlement_total_counts_a_ticket_of_two_exhibitors_once_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_ticket_two_cooperatives(dir.path());
    let text = ok(&db, &["report", "settlement", "--phase", "1"]);
    assert_eq!(line_cells(&text, "E001")[3], "1", "{text}");
    assert_eq!(line_cells(&text, "E002")[3], "1", "{text}");
    assert_eq!(line_cells(&text, "TOTAL")[1], "1", "{text}");
    assert_eq!(line_cells(&text, "TOTAL")[4], "110,00", "{text}");

    let pdf = dir.path().join("s.pdf");
    ok(
        &db,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let summary = squash(&pages_text(&std::fs::read(&pdf).unwrap())[0]);
    assert!(summary.contains("TOTAL1110,00"), "{summary}");

    let xlsx = dir.path().join("s.xlsx");
    ok(
        &db,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    let mut wb = open(std::fs::read(&xlsx).unwrap());
    // Règlement: two exhibitors, TOTAL on row 3; Journalier: one row per exhibitor and day, TOTAL on row 3.
    for (sheet, col) in [("Règlement", 5), ("Journalier", 3)] {
        let range = wb.worksheet_range(sheet).unwrap();
        assert_eq!(num(&range, 1, col) + num(&range, 2, col), 2.0, "{sheet}");
        assert_eq!(num(&range, 3, col), 1.0, "{sheet}: TOTAL tickets");
        let formulas = wb.worksheet_formula(sheet).unwrap();
        let f = formulas
            .get_value((3, col as u32))
            .cloned()
            .unwrap_or_default();
        assert!(
            !f.contains("SUM"),
            "{sheet}: a SUM of tickets overcounts: {f}"
        );
    }
    let synth = wb.worksheet_range("Synthèse").unwrap();
    let row = synth
        .rows()
        .find(|r| r[0] == "Tickets")
        .expect("Tickets in Synthèse")
        .to_vec();
    assert_eq!(row[1].to_string(), "1");

    // The CSV is the contract's: one row per exhibitor, no total row.
    let csv = ok(
        &db,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(!csv.contains("TOTAL"), "{csv}");
}

#[test]
fn totals_breakdowns_count_each_ticket_once_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_ticket_two_cooperatives(dir.path());
    let text = ok(&db, &["report", "totals", "--phase", "1"]);
    assert!(text.contains("Tickets : 1"), "{text}");
    // Coopérative: 2 exhibitors, 1 ticket, 110,00.
    assert_eq!(
        line_cells(&text, "Coopérative")[1..4],
        ["2", "1", "110,00"],
        "{text}"
    );
    let csv = ok(
        &db,
        &["report", "totals", "--phase", "1", "--format", "csv"],
    );
    let kind = csv
        .lines()
        .find(|l| l.starts_with("1,kind,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(kind.ends_with(",2,1,,,110.00"), "{kind}");
}

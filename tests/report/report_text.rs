//! Terminal renderings: snapshots of the sample, 120-column limit.

use souk::report::{Format, render_day, render_phase_totals, render_settlement, sample};

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

fn assert_fits(out: &str) {
    for line in out.lines() {
        assert!(line.chars().count() <= 120, "line over 120 columns: {line}");
    }
}

#[test]
fn settlement_text_closed() {
    let out = text(render_settlement(&sample::settlement(), Format::Text).unwrap());
    assert_fits(&out);
    assert!(out.contains("Empreinte du journal : 9f2c4e7a"));
    assert!(out.contains("-104,60"));
    insta::assert_snapshot!(out);
}

#[test]
fn settlement_text_provisional() {
    let mut report = sample::settlement();
    report.phase.closed_at = None;
    report.phase.closed_by = None;
    report.generated_at = "2025-05-06 12:00".into();
    let out = text(render_settlement(&report, Format::Text).unwrap());
    assert_fits(&out);
    assert!(out.contains("PROVISOIRE"));
    insta::assert_snapshot!(out);
}

#[test]
fn settlement_text_large_amounts_still_fit() {
    let mut report = sample::settlement();
    for row in &mut report.rows {
        row.figures.gross *= rust_decimal::Decimal::from(1000);
        row.figures.due_to_exhibitor *= rust_decimal::Decimal::from(1000);
    }
    let out = text(render_settlement(&report, Format::Text).unwrap());
    assert_fits(&out);
    assert!(out.contains("12.480.000,00"));
}

#[test]
fn day_text() {
    let out = text(render_day(&sample::day(), Format::Text).unwrap());
    assert_fits(&out);
    insta::assert_snapshot!(out);
}

#[test]
fn phase_totals_text() {
    let out = text(render_phase_totals(&sample::phase_totals(), Format::Text).unwrap());
    assert_fits(&out);
    insta::assert_snapshot!(out);
}

/// At 80 columns the settlement and the day come in narrower tables; no line is wider.
#[test]
fn settlement_and_day_at_80_columns() {
    use souk::report::{TextReport, render_text};
    let settlement = render_text(TextReport::Settlement(&sample::settlement()), 80);
    let day = render_text(TextReport::Day(&sample::day()), 80);
    for l in settlement.lines().chain(day.lines()) {
        assert!(l.chars().count() <= 80, "{l}");
    }
    insta::assert_snapshot!("settlement_text_80", settlement);
    insta::assert_snapshot!("day_text_80", day);
}

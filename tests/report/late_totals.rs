//! The region's totals of a phase with late sales say, in every format and on the till's slip, how much of them
//! came in compléments; without late sales nothing is added.
use crate::report_pdf::{pages_text, squash};
use crate::report_xlsx::open;
use calamine::Reader;
use rust_decimal::dec;
use souk::documents::sink::Renderer;
use souk::documents::slips;
use souk::print::{Profile, Templates};
use souk::report::{Format, LateShare, PhaseTotals, render_phase_totals, sample};

fn with_late() -> PhaseTotals {
    let mut p = sample::phase_totals();
    p.late = LateShare {
        tickets: 3,
        net: dec!(190.00),
    };
    p
}

fn text(p: &PhaseTotals, f: Format) -> String {
    String::from_utf8(render_phase_totals(p, f).unwrap()).unwrap()
}

#[test]
fn totals_name_their_late_part_in_every_format() {
    let p = with_late();
    let line = "Dont compléments (ventes tardives) : 3 tickets, 190,00 DH";
    assert!(text(&p, Format::Text).contains(line));
    let pdf = pages_text(&render_phase_totals(&p, Format::Pdf).unwrap()).concat();
    assert!(squash(&pdf).contains(&squash(line)), "{pdf}");
    assert!(text(&p, Format::Csv).contains("1,total,late,,,,,3,,,190.00"));
    let mut wb = open(render_phase_totals(&p, Format::Xlsx).unwrap());
    let synth = wb.worksheet_range("Synthèse").unwrap();
    let pairs: Vec<(String, String)> = synth
        .rows()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert!(pairs.contains(&("Dont tickets tardifs (compléments)".into(), "3".into())));
    assert!(pairs.contains(&("Dont ventes tardives (compléments)".into(), "190".into())));
    let renderer = Renderer {
        profile: Profile::embedded("generic-80").unwrap(),
        templates: Templates::embedded(),
        drawer: false,
    };
    let slip = slips::phase_totals(&p)
        .job(&renderer)
        .unwrap()
        .original
        .text;
    assert!(slip.contains("Dont compléments (3 t.)"), "{slip}");
    assert!(slip.contains("190,00"), "{slip}");

    // Without late sales: no line anywhere.
    let none = sample::phase_totals();
    for f in [Format::Text, Format::Csv] {
        assert!(!text(&none, f).contains("late") && !text(&none, f).contains("tardive"));
    }
    let slip = slips::phase_totals(&none)
        .job(&renderer)
        .unwrap()
        .original
        .text;
    assert!(!slip.contains("Dont compléments"), "{slip}");
}

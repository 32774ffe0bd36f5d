//! PDF read back with lopdf: one page per exhibitor plus the summary,
//! names and figures extractable as text; stable bytes.

use lopdf::Document;
use souk::report::numbers::fmt_fr;
use souk::report::{Format, render_day, render_phase_totals, render_settlement, sample};

/// lopdf 0.38 parses only `/CIDSystemInfo`, `/CMapName` and `/CMapType`
/// in a ToUnicode CMap header and rejects the (valid) `/CMapVersion` and
/// `/WMode` lines krilla writes: drop them before extracting text.
fn strip_cmap_extras(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        let Ok(stream) = object.as_stream_mut() else {
            continue;
        };
        let Ok(content) = stream.decompressed_content() else {
            continue;
        };
        if !content.windows(9).any(|w| w == b"begincmap") {
            continue;
        }
        let text = String::from_utf8_lossy(&content);
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("/CMapVersion") && !l.starts_with("/WMode"))
            .collect();
        stream.set_plain_content((kept.join("\n") + "\n").into_bytes());
    }
}

pub(crate) fn pages_text(bytes: &[u8]) -> Vec<String> {
    let mut doc = Document::load_mem(bytes).unwrap();
    strip_cmap_extras(&mut doc);
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&p| doc.extract_text(&[p]).unwrap())
        .collect()
}

/// Extracted text may break lines anywhere: compare without whitespace.
pub(crate) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn one_statement_page_per_exhibitor_plus_summary() {
    let report = sample::settlement();
    let bytes = render_settlement(&report, Format::Pdf).unwrap();
    let pages = pages_text(&bytes);
    assert_eq!(pages.len(), report.rows.len() + 1);
    let summary = squash(&pages[0]);
    assert!(summary.contains("RÈGLEMENTDESEXPOSANTS"), "{summary}");
    assert!(summary.contains(&squash("14.194,62 DH")), "{summary}");
    for (row, page) in report.rows.iter().zip(&pages[1..]) {
        let page = squash(page);
        let name = squash(&row.exhibitor_name);
        let shown = name.chars().take(40).collect::<String>();
        assert!(
            page.contains(&shown),
            "{} missing from\n{page}",
            row.exhibitor_name
        );
        assert!(
            page.contains(&squash(&format!("{} DH", fmt_fr(row.net)))),
            "{page}"
        );
        assert!(
            page.contains("L'exposant") && page.contains("L'organisateur"),
            "{page}"
        );
        assert!(page.contains(&squash(sample::CHAIN_HEAD)), "{page}");
    }
    assert!(squash(&pages[1]).contains("Coopérative"));
    assert!(
        squash(&pages[2]).contains("Soldedûparl'exposant104,60DH"),
        "{}",
        pages[2]
    );
    assert!(
        squash(&pages[3]).contains("Économique"),
        "long name wrapped, not lost: {}",
        pages[3]
    );
}

#[test]
fn provisional_statement_says_so() {
    let mut report = sample::settlement();
    report.phase.closed_at = None;
    let pages = pages_text(&render_settlement(&report, Format::Pdf).unwrap());
    assert!(pages.iter().all(|p| p.contains("PROVISOIRE")));
}

#[test]
fn pdfs_are_byte_identical_across_runs() {
    let report = sample::settlement();
    let a = render_settlement(&report, Format::Pdf).unwrap();
    let b = render_settlement(&report, Format::Pdf).unwrap();
    assert!(a == b, "settlement pdf differs between runs");
    let totals = sample::phase_totals();
    assert!(
        render_phase_totals(&totals, Format::Pdf).unwrap()
            == render_phase_totals(&totals, Format::Pdf).unwrap()
    );
}

#[test]
fn day_and_totals_pdfs_render() {
    let day = pages_text(&render_day(&sample::day(), Format::Pdf).unwrap());
    assert_eq!(day.len(), 1);
    assert!(squash(&day[0]).contains("12.025,50"), "{}", day[0]);
    let totals = pages_text(&render_phase_totals(&sample::phase_totals(), Format::Pdf).unwrap());
    assert!(
        squash(&totals.concat()).contains("Huiled'argan"),
        "{}",
        totals.concat()
    );
}

#[test]
fn many_exhibitors_paginate_the_summary() {
    let mut report = sample::settlement();
    let template = report.rows[0].clone();
    report.rows = (0..120)
        .map(|i| {
            let mut r = template.clone();
            r.figures.exhibitor_code = format!("E{i:03}");
            r
        })
        .collect();
    report.daily.clear();
    let pages = Document::load_mem(&render_settlement(&report, Format::Pdf).unwrap())
        .unwrap()
        .get_pages()
        .len();
    assert!(pages > 121, "summary spans pages: {pages}");
}

#[test]
#[ignore = "writes sample PDFs to the temp dir for a look"]
fn dump() {
    std::fs::write(
        std::env::temp_dir().join("souk_settlement.pdf"),
        render_settlement(&sample::settlement(), Format::Pdf).unwrap(),
    )
    .unwrap();
    std::fs::write(
        std::env::temp_dir().join("souk_totals.pdf"),
        render_phase_totals(&sample::phase_totals(), Format::Pdf).unwrap(),
    )
    .unwrap();
}

/// The TOTAL row of the summary is the figure people sign: it prints whole, however large (a figure wider
/// than its column is set smaller, never cut with "…").
#[test]
fn the_total_row_is_never_cut() {
    let mut report = sample::settlement();
    let template = report.rows[0].clone();
    report.rows = (0..40)
        .map(|i| {
            let mut r = template.clone();
            r.figures.exhibitor_code = format!("E{i:03}");
            r.figures.net = rust_decimal::Decimal::new(998_725, 2);
            r.figures.collected_by_organiser = rust_decimal::Decimal::new(998_725, 2);
            r
        })
        .collect();
    report.daily.clear();
    let bytes = render_settlement(&report, Format::Pdf).unwrap();
    let summary = squash(&pages_text(&bytes)[..2].concat());
    assert!(summary.contains("399.490,00"), "{summary}");
    assert!(!summary.contains("…"), "{summary}");
}

/// The edition date is market time: the PDF says its offset (+01'00 at Ifrane in May), not UTC.
#[test]
fn the_pdf_date_carries_the_market_offset() {
    let report = sample::settlement();
    let bytes = render_settlement(&report, Format::Pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let at = raw.find("/CreationDate").expect("a creation date");
    let date: String = raw[at..].chars().take(40).collect();
    assert!(
        date.contains("+01'00"),
        "{date} (edited {})",
        report.generated_at
    );
}

/// A market without organiser or city: no empty "Organisateur :", no dangling "—"; a phase named
/// "Phase 1" is not repeated as « Phase 1 ».
#[test]
fn a_bare_market_prints_no_empty_headings() {
    let mut report = sample::settlement();
    report.market.organiser = String::new();
    report.market.city = String::new();
    report.phase.name = format!("Phase {}", report.phase.number);
    let pages = pages_text(&render_settlement(&report, Format::Pdf).unwrap());
    let all = pages.concat();
    assert!(!all.contains("Organisateur"), "{}", pages[0]);
    assert!(
        !squash(&all).contains(&squash(&format!("{} —", report.market.name))),
        "{}",
        pages[0]
    );
    assert!(!all.contains("« Phase"), "{}", pages[0]);
}

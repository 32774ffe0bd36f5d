//! Arabic names through the printer's CP864 code page (`arabic = "codepage"`):
//! golden bytes, the `ESC t` switches around each name, and the bytes read back.

use crate::support::print::*;
use souk::print::decode::{transcript, transcript_with_arabic};
use souk::print::*;

/// The bytes between `ESC t 37` and the LF that ends the line.
fn arabic_runs(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut runs = Vec::new();
    let mut rest = bytes;
    while let Some(i) = rest.windows(3).position(|w| w == [0x1B, b't', 37]) {
        let after = &rest[i + 3..];
        let end = after.iter().position(|&b| b == 0x0A).unwrap_or(after.len());
        runs.push(after[..end].to_vec());
        rest = &after[end..];
    }
    runs
}

#[test]
fn golden_bytes_of_the_arabic_names() {
    let p = arabic_codepage_profile("generic-80");
    let r = render_sale(&sale(true), &p, &Templates::embedded()).unwrap();
    let runs = arabic_runs(&r.bytes);
    // Worked out by hand from the CP864 chart, in visual order (right to
    // left reversed): ن ا ك ر لأ ا ␠ ت ي ز, final/medial forms the page
    // lacks replaced by isolated/initial ones.
    assert_eq!(
        runs,
        [
            vec![0xF2, 0xA8, 0xE3, 0xD1, 0x99, 0xC7, 0x20, 0xAA, 0xEA, 0xD2],
            cp864::encode_line("أملو باللوز"),
            cp864::encode_line("عسل الزعتر"),
        ]
    );
    // أملو باللوز by hand, visual order: ز و ل(medial→initial) ل(initial)
    // ا(final) ب(initial) ␠ و ل(medial→initial) م(initial) أ. No lam-alef
    // ligature: here the alef comes before the lams.
    assert_eq!(
        runs[1],
        [
            0xD2, 0xE8, 0xE4, 0xE4, 0xA8, 0xC8, 0x20, 0xE8, 0xE4, 0xE5, 0xC3
        ]
    );
    let names: Vec<String> = runs.iter().map(|b| cp864::read_back(b)).collect();
    assert_eq!(names, ["زيت الأركان", "أملو باللوز", "عسل الزعتر"]);
    // No raster image for the names (the QR is in firmware at 80 mm).
    assert!(
        !transcript(&r.bytes, p.codepage)
            .iter()
            .any(|l| l.starts_with("GS v 0"))
    );
}

#[test]
fn code_page_switches_back_after_each_name() {
    let p = arabic_codepage_profile("generic-58");
    let r = render_sale(&sale(true), &p, &Templates::embedded()).unwrap();
    let tr = transcript_with_arabic(&r.bytes, p.codepage, Some(37));
    let switches: Vec<&String> = tr.iter().filter(|l| l.starts_with("ESC t")).collect();
    // Latin page first, then for each of the 3 names: Arabic, back to Latin.
    assert_eq!(switches.len(), 1 + 3 * 2, "{tr:#?}");
    for (i, l) in tr.iter().enumerate() {
        if l == "ESC t 37" {
            assert!(tr[i + 1].starts_with("TEXT CP864 "), "{}", tr[i + 1]);
            assert_eq!(tr[i + 2], "ESC t 19");
        }
    }
    // French text around the names still decodes through PC858.
    assert!(tr.iter().any(|l| l.contains("Coopérative")), "{tr:#?}");
    insta::assert_snapshot!("sale_arabic_cp864_generic-58_bytes", tr.join("\n"));
    // The plain-text rendering is the same as with raster names.
    let raster = render_sale(&sale(true), &profile("generic-58"), &Templates::embedded()).unwrap();
    assert_eq!(r.text, raster.text);
}

#[test]
fn long_names_wrap_and_odd_letters_never_leak_utf8() {
    let mut p = arabic_codepage_profile("generic-58");
    p.columns = 16;
    let mut s = sale(true);
    // Darija ڭ, harakat, Latin and digits inside the name.
    s.lines[0].name_ar = Some("أَمْلُو تاڭونيت بالزيت 250 ml".into());
    let r = render_sale(&s, &p, &Templates::embedded()).unwrap();
    let runs = arabic_runs(&r.bytes);
    assert!(runs.len() >= 4, "wrapped over several lines: {runs:02X?}");
    for run in &runs {
        assert!(run.len() <= 16, "{run:02X?}");
        assert!(
            std::str::from_utf8(run).is_err() || run.is_ascii(),
            "{run:02X?}"
        );
        assert!(
            !run.contains(&b'?'),
            "every letter has a CP864 form: {run:02X?}"
        );
    }
    // Harakat dropped, ڭ printed as ك (the page has no Darija g).
    assert_eq!(cp864::read_back(&runs[0]), "أملو تاكونيت");
    assert!(runs.iter().any(|r| contains(r, b"250")));
}

#[test]
fn codepage_names_cost_far_fewer_bytes_than_images() {
    let t = Templates::embedded();
    for name in ["generic-58", "generic-80"] {
        let raster = render_sale(&sale(true), &profile(name), &t)
            .unwrap()
            .bytes
            .len();
        let cp = render_sale(&sale(true), &arabic_codepage_profile(name), &t)
            .unwrap()
            .bytes
            .len();
        let french = render_sale(&sale(false), &profile(name), &t)
            .unwrap()
            .bytes
            .len();
        assert!(cp < french + 120, "{name}: {cp} vs {french}");
        assert!(raster > cp + 1000, "{name}: raster {raster}, codepage {cp}");
    }
}

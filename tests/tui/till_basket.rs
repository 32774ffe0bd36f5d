//! Issue 13 point 4: the basket uses the width. Long French + Arabic names are shown whole when they fit (on
//! two or three rows when needed), the price and line total always in view, at 80, 100 and 120 columns.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use souk::domain::Unit;
use souk::storage::catalogue;
use souk::tui::app::App;
use souk::tui::fixture::{self, enter, open_shift, product, type_text};
use tempfile::TempDir;

const LONG: [(&str, &str, &str, &str, i64); 3] = [
    (
        "E017",
        "MIELEUC",
        "Miel d'eucalyptus de la forêt de la Maâmora, pot de 500 g",
        "عسل الكاليتوس من غابة المعمورة",
        18000,
    ),
    (
        "E023",
        "ARGBIO",
        "Huile d'argan alimentaire bio pressée à froid 250 ml",
        "زيت أركان غذائي",
        16500,
    ),
    (
        "E031",
        "COUSC",
        "Couscous d'orge aux herbes",
        "كسكس الشعير",
        4500,
    ),
];

fn selling_long_names(dir: &TempDir) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    for (ex, code, fr, ar, price) in LONG {
        catalogue::upsert_product(
            db.conn(),
            &product(ex, code, None, fr, ar, Unit::Piece, price),
        )
        .unwrap();
    }
    let mut app = fixture::app(db, "fr").unwrap();
    open_shift(&mut app);
    for code in ["MIELEUC", "ARGBIO", "COUSC", "SAVON1"] {
        type_text(&mut app, code);
        enter(&mut app);
    }
    assert_eq!(app.basket.lines.len(), 4, "{:?}", app.status);
    app
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| souk::tui::draw(f, app)).unwrap();
    format!("{}", t.backend())
}

#[test]
fn long_names_are_shown_whole_with_price_and_total() {
    let dir = TempDir::new().unwrap();
    let app = selling_long_names(&dir);
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let text = screen(&app, w, h);
        insta::assert_snapshot!(format!("basket_long_names_{w}x{h}"), text);
        for total in ["180,00", "165,00", "45,00", "25,00"] {
            assert!(text.contains(total), "{total} missing at {w}x{h}:\n{text}");
        }
        // Each word of each name, French and Arabic, is on screen (never cut at these widths).
        for (_, _, fr, ar, _) in LONG {
            for word in fr.split(' ').chain(ar.split(' ')) {
                assert!(
                    text.contains(word) && !text.contains('…'),
                    "{word:?} of {fr:?} cut at {w}x{h}:\n{text}"
                );
            }
        }
    }
    // At 120 columns a long name takes two rows at most, its Arabic name the next.
    let wide = screen(&app, 120, 40);
    assert!(wide.contains("Huile d'argan alimentaire bio"), "{wide}");
    assert!(wide.contains("pressée à froid 250 ml"), "{wide}");
}

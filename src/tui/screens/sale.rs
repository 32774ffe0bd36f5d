//! The sale screen: a search field that matches as you type, the ranked results, the basket.
//! On Enter the field's text is read as `[qty*]` + a barcode, a product code, `E017 45` (a divers line),
//! or else the selected result.
use crate::domain::Product;
use crate::domain::money::{format_qty, parse_human_amount, parse_human_quantity};
use crate::tui::app::*;
use crate::tui::basket::{Entry, classify, divers_line, split_quantity};
use crate::tui::keys::{self, Hint};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rust_decimal::Decimal;
use tui_input::Input;

pub use super::sale_rules::day_refusal;
use super::sale_rules::{divers_exhibitor, refusal};
pub use super::sale_view::draw;

pub fn key(app: &mut App, mut st: SaleState, k: KeyEvent) -> Screen {
    if let Some(p) = st.prompt.take() {
        return prompt_key(app, st, p, k);
    }
    if let Some(next) = function_key(app, &mut st, k) {
        return next;
    }
    // A scanned receipt QR is checked, never read as a product or a divers line.
    if st.focus == Focus::Search
        && k.code == KeyCode::Enter
        && super::scan::is_witness(st.input.value())
    {
        let text = st.input.value().to_string();
        clear_field(app, &mut st);
        return super::scan::open(app, &text, true).unwrap_or(Screen::Sale(st));
    }
    match st.focus {
        Focus::Search => search_key(app, &mut st, k),
        Focus::Basket => basket_key(app, &mut st, k),
    }
    Screen::Sale(st)
}

/// Keys that work whatever the focus.
fn function_key(app: &mut App, st: &mut SaleState, k: KeyEvent) -> Option<Screen> {
    let basket = !app.basket.is_empty();
    Some(match k.code {
        KeyCode::F(2) if basket => Screen::Payment(PayState {
            payments: app.basket.payments.clone(),
            ..PayState::default()
        }),
        KeyCode::F(3) => super::history::open(app),
        KeyCode::F(4) => super::report::x_report(app),
        KeyCode::F(5) => super::coop::open(app),
        KeyCode::F(10) => super::menu::open(app),
        KeyCode::Char('t') if k.modifiers.contains(KeyModifiers::CONTROL) => {
            app.overlay = Some(super::approved::approval(Pending::Drawer));
            return None;
        }
        KeyCode::F(6) if basket => {
            app.error(app.tr.t("close-basket-open"));
            return None;
        }
        KeyCode::F(6) => Screen::Close(CountState::default()),
        KeyCode::F(7) => super::lock::lock(Screen::Sale(std::mem::take(st))),
        KeyCode::F(8) if basket => {
            app.overlay = Some(Overlay::ConfirmAbandon);
            return None;
        }
        KeyCode::F(9) => {
            app.arabic = app.arabic.toggled();
            return None;
        }
        KeyCode::Tab if basket => {
            st.focus = match st.focus {
                Focus::Search => Focus::Basket,
                Focus::Basket => Focus::Search,
            };
            st.line = st.line.min(app.basket.lines.len() - 1);
            return None;
        }
        _ => return None,
    })
}

fn search_key(app: &mut App, st: &mut SaleState, k: KeyEvent) {
    match k.code {
        KeyCode::Enter => submit(app, st),
        KeyCode::Esc => {
            st.input.reset();
            app.catalog.search("");
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            keys::nav(&mut st.sel, app.catalog.results.len(), k);
        }
        _ => {
            if keys::edit(&mut st.input, k) {
                app.last_change = None;
                let rest = split_quantity(st.input.value()).map(|(_, r)| r.to_string());
                let rest = rest.unwrap_or_default();
                // A divers entry being typed shows what it will add, never a product Entrée would take.
                match entry(app, &rest) {
                    _ if super::scan::is_witness(st.input.value()) => app.catalog.search(""),
                    Entry::Quick { .. } => app.catalog.search(""),
                    _ => app.catalog.search(&rest),
                }
                st.sel = 0;
            }
        }
    }
}

fn basket_key(app: &mut App, st: &mut SaleState, k: KeyEvent) {
    let n = app.basket.lines.len();
    let open = |kind| {
        Some(Prompt {
            kind,
            input: Input::default(),
        })
    };
    match k.code {
        KeyCode::Esc => st.focus = Focus::Search,
        KeyCode::Delete | KeyCode::Backspace if n > 0 => {
            app.basket.lines.remove(st.line);
            st.line = st.line.min(app.basket.lines.len().saturating_sub(1));
            if app.basket.is_empty() {
                st.focus = Focus::Search;
            }
        }
        KeyCode::Char('q' | '*') => st.prompt = open(PromptKind::Quantity),
        KeyCode::Char('r' | '%') => st.prompt = open(PromptKind::Discount),
        KeyCode::Char('p') => st.prompt = open(PromptKind::Price),
        // Anything else typed (a barcode, a receipt's QR) goes to the search field, as if it had the focus.
        KeyCode::Char(_) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
            st.focus = Focus::Search;
            search_key(app, st, k);
        }
        _ => {
            keys::nav(&mut st.line, n, k);
        }
    }
}

/// What the field's text (without its quantity prefix) means.
pub(super) fn entry(app: &App, rest: &str) -> Entry {
    classify(
        rest,
        |c| app.catalog.has_exhibitor(c),
        |c| app.catalog.by_code(c).is_some(),
    )
}

fn submit(app: &mut App, st: &mut SaleState) {
    let text = st.input.value().to_string();
    let (qty, rest) = match split_quantity(&text) {
        Ok(v) => v,
        Err(bad) => return app.error(app.tr.a("bad-quantity", &[("text", &bad)])),
    };
    let found: Option<Product> = match entry(app, rest) {
        Entry::Quick { price, .. } if price.is_zero() => {
            return app.error(app.tr.t("divers-zero"));
        }
        Entry::Quick { exhibitor, price } => {
            return match divers_exhibitor(app, &exhibitor) {
                Ok(code) => {
                    let label = app.tr.t("divers");
                    let line = divers_line(&code, &label, qty.unwrap_or(Decimal::ONE), price);
                    added(app, st, line)
                }
                Err(refusal) => {
                    clear_field(app, st);
                    app.error(refusal)
                }
            };
        }
        Entry::Digits(d) => {
            let p = app
                .catalog
                .by_barcode(&d)
                .or_else(|| app.catalog.by_code(&d))
                .cloned();
            if p.is_none() {
                // The next scan must not be glued to these digits.
                clear_field(app, st);
                return app.error(app.tr.a("unknown-barcode", &[("code", &d)]));
            }
            p
        }
        Entry::Text(t) => app
            .catalog
            .by_code(&t)
            .or_else(|| app.catalog.result(st.sel))
            .cloned(),
    };
    match found {
        Some(p) => add_product(app, st, &p, qty),
        None if !rest.is_empty() => app.error(app.tr.a("no-product", &[("text", rest)])),
        None => {}
    }
}

fn clear_field(app: &mut App, st: &mut SaleState) {
    st.input.reset();
    st.sel = 0;
    app.catalog.search("");
}

/// Weighed goods without a typed quantity ask for it; pieces default to 1.
fn add_product(app: &mut App, st: &mut SaleState, p: &Product, qty: Option<Decimal>) {
    let Some(q) = qty else {
        if p.unit.allows_fraction() {
            let idx = app
                .catalog
                .products
                .iter()
                .position(|x| x.code == p.code)
                .unwrap_or(0);
            st.prompt = Some(Prompt {
                kind: PromptKind::Weight(idx),
                input: Input::default(),
            });
            return;
        }
        return added(app, st, crate::tui::basket::line_for(p, Decimal::ONE));
    };
    if !p.unit.allows_fraction() && q.fract() != Decimal::ZERO {
        return app.error(app.tr.a("piece-fraction", &[("name", &p.name_fr)]));
    }
    added(app, st, crate::tui::basket::line_for(p, q));
}

fn added(app: &mut App, st: &mut SaleState, line: crate::domain::LineDraft) {
    if let Some(refusal) = refusal(app, &line) {
        clear_field(app, st);
        return app.error(refusal);
    }
    clear_field(app, st);
    app.last_change = None;
    // The same piece scanned or chosen again adds to its line: two scans, quantity 2.
    let same = line.product_code.as_ref().and_then(|code| {
        app.basket.lines.iter().position(|l| {
            l.product_code.as_ref() == Some(code)
                && l.unit_price == line.unit_price
                && l.discount.is_zero()
                && !l.unit.allows_fraction()
        })
    });
    if let Some(i) = same {
        let before = app.basket.lines[i].quantity;
        set_line(app, i, |l| l.quantity += line.quantity);
        let now = app.basket.lines[i].quantity;
        if now != before {
            st.line = i;
            app.info(app.tr.a(
                "line-more",
                &[("name", &line.name_fr), ("qty", &format_qty(now))],
            ));
        }
        return;
    }
    app.info(app.tr.a("line-added", &[("name", &line.name_fr)]));
    app.basket.lines.push(line);
    st.line = app.basket.lines.len() - 1;
}

fn prompt_key(app: &mut App, mut st: SaleState, mut p: Prompt, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => {}
        KeyCode::Enter => apply_prompt(app, &mut st, p),
        _ => {
            keys::edit(&mut p.input, k);
            st.prompt = Some(p);
        }
    }
    Screen::Sale(st)
}

fn apply_prompt(app: &mut App, st: &mut SaleState, p: Prompt) {
    let text = p.input.value();
    let bad = |app: &mut App| app.error(app.tr.a("bad-value", &[("text", text)]));
    match p.kind {
        PromptKind::Weight(i) => match parse_human_quantity(text) {
            Ok(q) => {
                let prod = app.catalog.products[i].clone();
                add_product(app, st, &prod, Some(q));
            }
            Err(_) => bad(app),
        },
        PromptKind::Quantity => match parse_human_quantity(text) {
            Ok(q) => set_line(app, st.line, |l| l.quantity = q),
            Err(_) => bad(app),
        },
        PromptKind::Discount => match parse_human_amount(text) {
            Ok(d) if refused(app, st.line, |l| l.discount = d) => {}
            Ok(d) if super::approved::needs_approval(app, st.line, d) => {
                app.overlay = Some(super::approved::approval(Pending::Discount {
                    line: st.line,
                    amount: d,
                }))
            }
            Ok(d) => set_line(app, st.line, |l| l.discount = d),
            Err(_) => bad(app),
        },
        PromptKind::Price => match parse_human_amount(text) {
            Ok(price) if refused(app, st.line, |l| l.unit_price = price) => {}
            Ok(price) if app.user_role().can_approve() => {
                let me = app.user_name();
                super::approved::override_price(app, st.line, price, &me);
            }
            Ok(price) => {
                app.overlay = Some(super::approved::approval(Pending::PriceOverride {
                    line: st.line,
                    price,
                }))
            }
            Err(_) => bad(app),
        },
    }
}

/// Changes a line, refusing what the domain would refuse (fractional pieces, discount above the amount).
pub(super) fn set_line(
    app: &mut App,
    i: usize,
    change: impl FnOnce(&mut crate::domain::LineDraft),
) {
    match line_refusal(app, i, change) {
        Some(Ok(new)) => app.basket.lines[i] = new,
        Some(Err(e)) => app.error(e),
        None => {}
    }
}

/// Line `i` once changed, or what the domain refuses in it, named by its place in the basket; `None` when
/// there is no such line. Checked before a supervisor is asked, so an approval never serves a refused value.
pub(super) fn line_refusal(
    app: &App,
    i: usize,
    change: impl FnOnce(&mut crate::domain::LineDraft),
) -> Option<Result<crate::domain::LineDraft, String>> {
    let mut lines = app.basket.lines.clone();
    let line = lines.get_mut(i)?;
    change(line);
    let new = line.clone();
    let total: Decimal = lines.iter().map(|l| l.total()).sum();
    let checked = crate::domain::sale::build_sale(
        &lines,
        Decimal::ZERO,
        &[crate::domain::PaymentDraft::new(
            crate::domain::PaymentMethod::Other,
            total,
        )],
        None,
    );
    Some(match checked {
        Err(e) if !matches!(e, crate::domain::TicketError::BadPayment(_)) => Err(e.to_string()),
        _ => Ok(new),
    })
}

/// Shows what the domain refuses in a changed line; `true` when it refuses.
fn refused(app: &mut App, i: usize, change: impl FnOnce(&mut crate::domain::LineDraft)) -> bool {
    match line_refusal(app, i, change) {
        Some(Err(e)) => {
            app.error(e);
            true
        }
        _ => false,
    }
}

pub fn hints(st: &SaleState) -> Vec<Hint> {
    if st.prompt.is_some() {
        return vec![("key-enter", "hint-confirm"), ("key-esc", "hint-cancel")];
    }
    let mut h: Vec<Hint> = match st.focus {
        Focus::Search => vec![
            ("key-enter", "hint-add"),
            ("F2", "hint-pay"),
            ("key-tab", "hint-basket"),
            ("3*", "hint-qty-prefix"),
            ("E017 45", "hint-quick-entry"),
            ("key-arrows", "hint-choose-result"),
        ],
        Focus::Basket => vec![
            ("q", "hint-edit-qty"),
            ("r", "hint-discount"),
            ("p", "hint-price"),
            ("key-del", "hint-remove-line"),
            ("F2", "hint-pay"),
            ("key-tab", "hint-search"),
        ],
    };
    h.extend([
        ("F3", "hint-history"),
        ("F4", "hint-x-report"),
        ("F5", "hint-coop"),
        ("F6", "hint-close"),
        ("F7", "hint-lock"),
        ("F8", "hint-abandon"),
        ("F9", "hint-arabic"),
        ("F10", "hint-reports"),
        ("QR", "hint-scan-receipt"),
        ("Ctrl+T", "hint-drawer"),
        ("F1", "hint-help"),
        ("Ctrl+Q", "hint-quit"),
    ]);
    h
}

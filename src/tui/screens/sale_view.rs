//! Drawing the sale screen: search field and results, the basket with exhibitor codes, the total in big digits.
use crate::domain::money::{format_dh, format_fr, format_qty};
use crate::tui::app::{App, Focus, PromptKind, SaleState};
use crate::tui::widgets::{big_lines, big_width, block, centered, selected};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table, TableState};
use rust_decimal::Decimal;

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &SaleState) {
    let results_rows = (app.catalog.results.len() as u16).clamp(1, 6) + 2;
    let (input, results, basket, total) = if area.width >= 100 {
        // The basket wraps its names whole beside its numbers; the list keeps room for names and prices.
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let [i, r] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(left);
        let [b, t] = Layout::vertical([Constraint::Min(3), Constraint::Length(6)]).areas(right);
        (i, r, b, t)
    } else {
        let [i, r, b, t] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(results_rows),
            Constraint::Min(3),
            Constraint::Length(5),
        ])
        .areas(area);
        (i, r, b, t)
    };
    draw_input(f, input, app, st);
    draw_results(f, results, app, st);
    draw_basket(f, basket, app, st);
    draw_total(f, total, app);
    if st.prompt.is_some() {
        draw_prompt(f, basket, app, st);
    }
}

fn draw_input(f: &mut Frame, area: Rect, app: &App, st: &SaleState) {
    let refusal = app
        .basket
        .is_empty()
        .then(|| app.day_refusal().map(str::to_string))
        .flatten();
    let long = app.tr.t("sale-search");
    let title = if long.chars().count() + 4 <= usize::from(area.width) {
        long
    } else {
        app.tr.t("sale-search-short")
    };
    let mut b = block(title);
    if st.focus == Focus::Search && st.prompt.is_none() {
        b = b.border_style(Style::new().fg(Color::Yellow));
    }
    if let Some(r) = refusal {
        // Said before the first line, not at F2: this till cannot sell today.
        b = block(r).border_style(Style::new().fg(Color::Red).bold());
    }
    let inner = b.inner(area);
    let scroll = st
        .input
        .visual_scroll(inner.width.saturating_sub(1) as usize);
    f.render_widget(
        Paragraph::new(st.input.value())
            .scroll((0, scroll as u16))
            .block(b),
        area,
    );
    if st.focus == Focus::Search && st.prompt.is_none() {
        let x = st.input.visual_cursor().saturating_sub(scroll) as u16;
        f.set_cursor_position((inner.x + x, inner.y));
    }
}

fn draw_results(f: &mut Frame, area: Rect, app: &App, st: &SaleState) {
    let b = block(app.tr.a(
        "sale-results",
        &[("n", &app.catalog.results.len().to_string())],
    ));
    let visible = area.height.saturating_sub(2) as usize;
    let skip = st.sel.saturating_sub(visible.saturating_sub(1));
    // Name on the left, price and unit always on the right, whatever the width.
    let inner = area.width.saturating_sub(3) as usize;
    let items: Vec<ListItem> = app
        .catalog
        .results
        .iter()
        .skip(skip)
        .take(visible)
        .map(|i| {
            let p = &app.catalog.products[*i];
            let unit = app.tr.t(&format!("unit-{}", p.unit.as_str()));
            let price = format!(" {}/{unit}", format_dh(p.price));
            let mut name = format!("{} {:<8} {}", p.exhibitor_code, p.code, p.name_fr);
            // The Arabic name whole or not at all: half a word reads as another word.
            if let Some(ar) = &p.name_ar {
                let with = format!("{name} {}", app.arabic.apply(ar));
                if unicode_width::UnicodeWidthStr::width(with.as_str()) + price.chars().count()
                    <= inner
                {
                    name = with;
                }
            }
            ListItem::new(fit_left_right(&name, &price, inner))
        })
        .collect();
    if items.is_empty() {
        let help = divers_preview(app, st).unwrap_or_else(|| app.tr.t("sale-search-help"));
        f.render_widget(
            Paragraph::new(help)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .dim()
                .block(b),
            area,
        );
        return;
    }
    let mut ls = ListState::default().with_selected(Some(st.sel - skip));
    f.render_stateful_widget(
        List::new(items)
            .block(b)
            .highlight_style(selected())
            .highlight_symbol("▶"),
        area,
        &mut ls,
    );
}

/// `left` cut to leave room for `right`, padded so that `right` ends at `width` (in terminal cells).
fn fit_left_right(left: &str, right: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let room = width.saturating_sub(right.width());
    let mut out = String::new();
    let mut used = 0;
    for c in left.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    format!("{out}{}{right}", " ".repeat(room - used))
}

/// What Entrée will add while a divers entry (`E017 45`) is typed, or that it will check a scanned receipt.
fn divers_preview(app: &App, st: &SaleState) -> Option<String> {
    if super::scan::is_witness(st.input.value()) {
        return Some(app.tr.t("scan-preview"));
    }
    let (_, rest) = crate::tui::basket::split_quantity(st.input.value()).ok()?;
    match super::sale::entry(app, rest) {
        crate::tui::basket::Entry::Quick { exhibitor, price } => Some(app.tr.a(
            "divers-preview",
            &[("code", &exhibitor), ("amount", &format_dh(price))],
        )),
        _ => None,
    }
}

fn draw_basket(f: &mut Frame, area: Rect, app: &App, st: &SaleState) {
    let mut b = block(
        app.tr
            .a("sale-basket", &[("n", &app.basket.lines.len().to_string())]),
    );
    if st.focus == Focus::Basket {
        b = b.border_style(Style::new().fg(Color::Yellow));
    }
    // The name takes whatever the numbers leave: they are as wide as their widest value (the discount column
    // only when a line has one).
    let any_discount = app.basket.lines.iter().any(|l| !l.discount.is_zero());
    let nums = NumberWidths::of(app);
    let numbers = 5
        + nums.qty
        + nums.price
        + nums.total
        + 4
        + if any_discount { nums.discount + 1 } else { 0 };
    let name_w = usize::from(b.inner(area).width.saturating_sub(numbers).max(8));
    let rows: Vec<Row> = app
        .basket
        .lines
        .iter()
        .map(|l| {
            let name = basket_name(app, l, name_w);
            let height = name.len() as u16;
            let disc = if l.discount.is_zero() {
                String::new()
            } else {
                format!("-{}", format_fr(l.discount))
            };
            let mut cells = vec![
                Cell::from(l.exhibitor_code.clone()),
                Cell::from(name.into_iter().map(Line::from).collect::<Vec<_>>()),
                Cell::from(Line::from(format_qty(l.quantity)).right_aligned()),
                Cell::from(Line::from(format_fr(l.unit_price)).right_aligned()),
            ];
            if any_discount {
                cells.push(Cell::from(Line::from(disc).right_aligned()));
            }
            cells.push(Cell::from(Line::from(format_fr(l.total())).right_aligned()));
            Row::new(cells).height(height)
        })
        .collect();
    let mut header = vec!["col-exhibitor", "col-product", "col-qty", "col-price"];
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Length(nums.qty),
        Constraint::Length(nums.price),
    ];
    if any_discount {
        header.push("col-discount");
        widths.push(Constraint::Length(nums.discount));
    }
    header.push("col-total");
    widths.push(Constraint::Length(nums.total));
    let header = Row::new(header.into_iter().enumerate().map(|(i, id)| {
        // Numbers' headers sit over their right-aligned values.
        let line = Line::from(app.tr.t(id));
        Cell::from(if i >= 2 { line.right_aligned() } else { line })
    }))
    .bold();
    let sel = (st.focus == Focus::Basket).then_some(st.line);
    let mut ts = TableState::default().with_selected(sel);
    let table = Table::new(rows, widths)
        .header(header)
        .block(b)
        .row_highlight_style(selected());
    f.render_stateful_widget(table, area, &mut ts);
}

/// The basket's number columns, each as wide as its header or widest value (amounts keep room for
/// `9.999,99`, so a usual basket's columns do not move as lines come).
struct NumberWidths {
    qty: u16,
    price: u16,
    discount: u16,
    total: u16,
}

impl NumberWidths {
    fn of(app: &App) -> NumberWidths {
        use unicode_width::UnicodeWidthStr;
        let head = |id: &str| app.tr.t(id).width() as u16;
        let widest = |f: &dyn Fn(&crate::domain::LineDraft) -> String, min: u16| {
            app.basket
                .lines
                .iter()
                .map(|l| f(l).width() as u16)
                .fold(min, u16::max)
        };
        NumberWidths {
            qty: widest(&|l| format_qty(l.quantity), head("col-qty")),
            price: widest(&|l| format_fr(l.unit_price), head("col-price").max(8)),
            discount: widest(
                &|l| format!("-{}", format_fr(l.discount)),
                head("col-discount"),
            ),
            total: widest(&|l| format_fr(l.total()), head("col-total").max(8)),
        }
    }
}

/// A basket line's name in `width` cells: French and Arabic side by side when they fit, else each wrapped on
/// its own rows (at most three for the French, two for the Arabic); the price and total stay in view beside it.
fn basket_name(app: &App, l: &crate::domain::LineDraft, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut rows = wrap_at_most(&l.name_fr, width, 3);
    if let Some(ar) = &l.name_ar {
        let last = rows.last_mut().expect("one row");
        let whole = app.arabic.apply(ar);
        if last.width() + 1 + whole.width() <= width {
            last.push(' ');
            last.push_str(&whole);
        } else {
            // Wrapped in reading order, each row then shaped for the terminal.
            let room = 5usize.saturating_sub(rows.len()).min(2);
            rows.extend(
                wrap_at_most(ar, width, room)
                    .iter()
                    .map(|r| app.arabic.apply(r)),
            );
        }
    }
    rows
}

/// `text` wrapped on at most `max` rows of `width` cells; what does not fit ends in `…`.
fn wrap_at_most(text: &str, width: usize, max: usize) -> Vec<String> {
    use crate::tui::widgets::{cut_to, wrap_words};
    use unicode_width::UnicodeWidthStr;
    let mut rows = wrap_words(text, width);
    if rows.len() > max {
        let rest = rows.split_off(max - 1).join(" ");
        let mut last = cut_to(&rest, width.saturating_sub(1));
        if last.width() < rest.width() {
            last.push('…');
        }
        rows.push(last);
    }
    rows
}

/// The total (or, after a sale, the change to give back) in big digits.
pub fn draw_total(f: &mut Frame, area: Rect, app: &App) {
    let (label, amount) = match app.last_change {
        Some(c) if app.basket.is_empty() => (app.tr.t("change-label"), c),
        _ => (app.tr.t("total-label"), app.basket.total()),
    };
    draw_big_amount(f, area, &label, amount);
}

pub fn draw_big_amount(f: &mut Frame, area: Rect, label: &str, amount: Decimal) {
    let b = block(label.to_string()).border_style(Style::new().fg(Color::Green));
    let inner = b.inner(area);
    f.render_widget(b, area);
    let text = format_fr(amount);
    if big_width(&text) + 4 <= inner.width && inner.height >= 3 {
        let mut lines = big_lines(&text);
        lines[2].push_span(" DH");
        f.render_widget(Paragraph::new(lines).green().bold().right_aligned(), inner);
    } else {
        f.render_widget(
            Paragraph::new(format_dh(amount))
                .green()
                .bold()
                .right_aligned(),
            inner,
        );
    }
}

fn draw_prompt(f: &mut Frame, area: Rect, app: &App, st: &SaleState) {
    let Some(p) = &st.prompt else { return };
    let id = match p.kind {
        PromptKind::Quantity => "prompt-quantity",
        PromptKind::Discount => "prompt-discount",
        PromptKind::Price => "prompt-price",
        PromptKind::Weight(i) => match app.catalog.products[i].unit {
            crate::domain::Unit::Litre => "prompt-weight-l",
            _ => "prompt-weight-kg",
        },
    };
    let mut title = app.tr.t(id);
    if let PromptKind::Weight(i) = p.kind {
        title = format!("{title} — {}", app.catalog.products[i].name_fr);
    }
    let r = centered(area, 50, 3);
    f.render_widget(Clear, r);
    let b = block(title).border_style(Style::new().fg(Color::Yellow));
    let inner = b.inner(r);
    f.render_widget(Paragraph::new(p.input.value()).block(b), r);
    f.set_cursor_position((inner.x + p.input.visual_cursor() as u16, inner.y));
}

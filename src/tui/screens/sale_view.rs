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
    let mut b = block(app.tr.t("sale-search"));
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
            if let Some(ar) = &p.name_ar {
                name = format!("{name} {}", app.arabic.apply(ar));
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
    let rows: Vec<Row> = app
        .basket
        .lines
        .iter()
        .map(|l| {
            let mut name = l.name_fr.clone();
            if let Some(ar) = &l.name_ar {
                name = format!("{name} {}", app.arabic.apply(ar));
            }
            let disc = if l.discount.is_zero() {
                String::new()
            } else {
                format!("-{}", format_fr(l.discount))
            };
            Row::new(vec![
                Cell::from(l.exhibitor_code.clone()),
                Cell::from(name),
                Cell::from(Line::from(format_qty(l.quantity)).right_aligned()),
                Cell::from(Line::from(format_fr(l.unit_price)).right_aligned()),
                Cell::from(Line::from(disc).right_aligned()),
                Cell::from(Line::from(format_fr(l.total())).right_aligned()),
            ])
        })
        .collect();
    let header = Row::new(
        [
            "col-exhibitor",
            "col-product",
            "col-qty",
            "col-price",
            "col-discount",
            "col-total",
        ]
        .map(|id| app.tr.t(id)),
    )
    .bold();
    // The name takes whatever the numbers leave; the discount column only when a line has one.
    let any_discount = app.basket.lines.iter().any(|l| !l.discount.is_zero());
    let widths = [
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Length(if any_discount { 7 } else { 0 }),
        Constraint::Length(10),
    ];
    let sel = (st.focus == Focus::Basket).then_some(st.line);
    let mut ts = TableState::default().with_selected(sel);
    let table = Table::new(rows, widths)
        .header(header)
        .block(b)
        .row_highlight_style(selected());
    f.render_stateful_widget(table, area, &mut ts);
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

//! Paper sales written during an outage: one ticket per ticket_ref, numbered in file order in the series of the
//! database that imports them (one writer per chain), collected by the till the file names, flagged manual, its
//! reference kept so that a file imported twice never doubles sales.
use super::codes::{self, Known};
use super::reader::{Cursor, Table, finish, refused_lines, single};
use super::summary::Counts;
use crate::domain::bounds;
use crate::domain::labels;
use crate::domain::money::format_fr;
use crate::domain::parse::{amount, parse_datetime, quantity};
use crate::domain::sale::build_sale;
use crate::domain::{LineDraft, PaymentDraft, PaymentMethod, Product, Settled, TicketKind};
use crate::storage::journal::Signing;
use crate::storage::tickets::{Batch, SaleContext};
use crate::storage::{Clock, LocalTime, catalogue as store};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

pub(super) const COLUMNS: &[&str] = &[
    "ticket_ref",
    "datetime",
    "till",
    "product_code",
    "quantity",
    "unit_price",
    "payment_method",
];

pub(super) struct PaperTicket {
    pub(super) first_line: u64,
    pub(super) reference: String,
    pub(super) datetime: jiff::civil::DateTime,
    pub(super) till: String,
    pub(super) method: PaymentMethod,
    pub(super) lines: Vec<LineDraft>,
    /// The file's line (row) of each of `lines`.
    pub(super) rows: Vec<u64>,
}

impl PaperTicket {
    /// A ticket begun by its first row (line `first_line` of the file) and that row's parts.
    pub(super) fn begun(
        first_line: u64,
        (reference, datetime, till, method, line): RowParts,
    ) -> Self {
        PaperTicket {
            first_line,
            reference,
            datetime,
            till,
            method,
            lines: vec![line],
            rows: vec![first_line],
        }
    }

    /// Adds the line read on the file's line (row) `row`.
    pub(super) fn push(&mut self, row: u64, line: LineDraft) {
        self.lines.push(line);
        self.rows.push(row);
    }
}

pub fn sales(
    conn: &Connection,
    t: &Table,
    clock: &Clock,
    chain: &str,
    actor: &str,
    signing: Signing,
    counts: &mut Counts,
) -> Result<()> {
    t.require(COLUMNS)?;
    let products = known_products(conn)?;
    let tills: Vec<String> = store::tills(conn)?.into_iter().map(|t| t.id).collect();
    let mut issues = Vec::new();
    let mut tickets: Vec<PaperTicket> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let now = clock.now()?;
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let Some((reference, datetime, till, method, line)) =
            read_row(&mut c, &products, &tills, &now)
        else {
            continue;
        };
        match index.get(&(till.clone(), codes::key(&reference).to_string())) {
            Some(&i) if tickets[i].reference != reference => {
                let tk = &tickets[i];
                c.issue(
                    "ticket_ref",
                    format!(
                        "« {reference} » et « {} » ligne {} : même référence (zéros en tête mis à part) \
                         pour deux tickets",
                        tk.reference, tk.first_line
                    ),
                );
            }
            Some(&i) => {
                let tk = &mut tickets[i];
                if tk.datetime != datetime || tk.method != method {
                    c.issue(
                        "ticket_ref",
                        format!(
                            "le ticket {reference} a une autre date ou un autre paiement ligne {}",
                            tk.first_line
                        ),
                    );
                }
                tk.push(row.line, line);
            }
            None => {
                let key = codes::key(&reference).to_string();
                index.insert((till.clone(), key), tickets.len());
                let parts = (reference, datetime, till, method, line);
                tickets.push(PaperTicket::begun(row.line, parts));
            }
        }
    }
    counts.refused = refused_lines(&issues);
    counts.added = tickets.len();
    finish(t, issues)?;
    let mut w = Writer {
        conn,
        table: t,
        clock,
        chain,
        actor,
        imported: imported_refs(conn)?,
        batch: Batch::new(signing).accepting_late(&now),
        tills: Default::default(),
    };
    for tk in &tickets {
        w.commit(tk)?;
    }
    counts.tills = std::mem::take(&mut w.tills);
    counts.late = w.batch.late_counts();
    w.batch.finish(conn)
}

pub(super) type RowParts = (
    String,
    jiff::civil::DateTime,
    String,
    PaymentMethod,
    LineDraft,
);

pub(super) fn read_row(
    c: &mut Cursor,
    products: &Known<Product>,
    tills: &[String],
    now: &crate::storage::LocalTime,
) -> Option<RowParts> {
    let reference = c.required("ticket_ref");
    let datetime = c.parse("datetime", |s| {
        let at = parse_datetime(s)?;
        if at > now.local {
            return Err(format!(
                "vente datée du {}, dans le futur (il est {}) : vérifiez la date",
                at.strftime("%d/%m/%Y %H:%M"),
                now.local.strftime("%d/%m/%Y %H:%M")
            ));
        }
        Ok(at)
    });
    let till = c.parse("till", |s| {
        tills
            .iter()
            .any(|t| t == s)
            .then(|| s.to_string())
            .ok_or(format!("caisse « {s} » inconnue"))
    });
    let product = c.parse("product_code", |s| {
        products
            .resolve(s)?
            .map(|(_, p)| p)
            .ok_or(format!("produit « {s} » inconnu"))
    });
    let quantity = c.parse("quantity", |s| {
        let q = quantity(s)?;
        bounds::check_quantity(q).map(|_| q)
    });
    let unit_price = c.parse("unit_price", |s| {
        if s.is_empty() {
            Ok(None)
        } else {
            let p = amount(s)?;
            bounds::check_amount("prix unitaire", p).map(|_| Some(p))
        }
    });
    let method = c.parse("payment_method", labels::payment_method);
    let (product, quantity) = (product?, quantity?);
    if !product.unit.allows_fraction() && quantity.fract() != rust_decimal::Decimal::ZERO {
        c.issue(
            "quantity",
            format!(
                "« {} » se vend à la pièce : quantité entière attendue",
                product.name_fr
            ),
        );
        return None;
    }
    let line = LineDraft {
        product_code: Some(product.code.clone()),
        exhibitor_code: product.exhibitor_code.clone(),
        name_fr: product.name_fr.clone(),
        name_ar: product.name_ar.clone(),
        unit: product.unit,
        quantity,
        unit_price: unit_price?.unwrap_or(product.price),
        discount: rust_decimal::Decimal::ZERO,
        vat_rate: product.vat_rate,
    };
    line_amount(c, &line)?;
    Some((reference?, datetime?, till?, method?, line))
}

/// A line's amount within bounds and not nil, said on the cell to correct: the unit price when it is nil, the
/// quantity otherwise (a price is checked on its own when read).
fn line_amount(c: &mut Cursor, l: &LineDraft) -> Option<()> {
    let q = l.quantity.normalize().to_string().replace('.', ",");
    let p = format_fr(l.unit_price);
    if let Err(e) = bounds::check_amount("montant de la ligne", l.gross()) {
        c.issue("quantity", format!("{q} × {p} DH : {e}"));
        return None;
    }
    if l.unit_price.is_zero() {
        let from = if c.get("unit_price").is_empty() {
            " (prix du catalogue)"
        } else {
            ""
        };
        c.issue(
            "unit_price",
            format!("prix unitaire nul{from} : une vente papier a un montant"),
        );
        return None;
    }
    if l.total() <= rust_decimal::Decimal::ZERO {
        c.issue(
            "quantity",
            format!("{q} × {p} DH font 0,00 DH une fois arrondi au centime : montant nul"),
        );
        return None;
    }
    Some(())
}

/// The catalogue's products, looked up by code (a digit-only code modulo leading zeros).
pub(super) fn known_products(conn: &Connection) -> Result<Known<Product>> {
    Ok(Known::new(
        store::products(conn)?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect(),
    ))
}

/// The paper tickets already imported, read in one pass: (till, reference's key) → reference as stored, so
/// that `1` read from a spreadsheet finds the `001` of the CSV imported before.
pub(super) fn imported_refs(conn: &Connection) -> Result<HashMap<(String, String), String>> {
    let mut stmt =
        conn.prepare("SELECT till, ticket_ref FROM tickets WHERE ticket_ref IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (till, reference) = row?;
        out.insert((till, codes::key(&reference).to_string()), reference);
    }
    Ok(out)
}

/// Writes the paper tickets of one file, in one transaction.
pub(super) struct Writer<'a> {
    pub(super) conn: &'a Connection,
    pub(super) table: &'a Table,
    pub(super) clock: &'a Clock,
    pub(super) chain: &'a str,
    pub(super) actor: &'a str,
    pub(super) imported: HashMap<(String, String), String>,
    pub(super) batch: Batch,
    /// Per till, the tickets written and their total.
    pub(super) tills: std::collections::BTreeMap<String, (usize, rust_decimal::Decimal)>,
}

impl Writer<'_> {
    fn commit(&mut self, tk: &PaperTicket) -> Result<()> {
        self.refuse_imported(tk)?;
        let (settled, at) = prepare(self.table, self.clock, tk)?;
        self.add(tk, &settled, at)
    }

    /// Writes a ticket made by [`prepare`], refused when its reference was imported before.
    pub(super) fn write(
        &mut self,
        tk: &PaperTicket,
        settled: &Settled,
        at: LocalTime,
    ) -> Result<()> {
        self.refuse_imported(tk)?;
        self.add(tk, settled, at)
    }

    fn refuse_imported(&self, tk: &PaperTicket) -> Result<()> {
        let (conn, t) = (self.conn, self.table);
        let key = (tk.till.clone(), codes::key(&tk.reference).to_string());
        let Some(stored) = self.imported.get(&key) else {
            return Ok(());
        };
        let existing: Option<String> = conn
            .prepare_cached("SELECT id FROM tickets WHERE till = ?1 AND ticket_ref = ?2")?
            .query_row([&tk.till, stored], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            let msg = if *stored == tk.reference {
                format!(
                    "le ticket papier {} de la caisse {} est déjà importé ({id})",
                    tk.reference, tk.till
                )
            } else {
                format!(
                    "le ticket papier {} de la caisse {} est déjà importé sous la référence {stored} ({id}) : \
                     le tableur a pu ôter ses zéros en tête",
                    tk.reference, tk.till
                )
            };
            return Err(single(t, tk.first_line, 1, "ticket_ref", msg).into());
        }
        Ok(())
    }

    fn add(&mut self, tk: &PaperTicket, settled: &Settled, at: LocalTime) -> Result<()> {
        let t = self.table;
        let ctx = SaleContext {
            till: tk.till.clone(),
            cashier: self.actor.to_string(),
            shift: None,
            at,
            manual: true,
            ticket_ref: Some(tk.reference.clone()),
            approver: None,
        };
        self.batch
            .add(self.conn, self.chain, &ctx, settled, TicketKind::Sale, None)
            .map_err(|e| refusal(t, tk, &e))?;
        let till = match self.tills.get_mut(&tk.till) {
            Some(v) => v,
            None => self.tills.entry(tk.till.clone()).or_default(),
        };
        till.0 += 1;
        till.1 += settled.total;
        Ok(())
    }
}

/// Where a ticket refused when written is to be corrected: the product's cell of the exhibitor outside its
/// phase, the ticket's date outside any open phase, its first line otherwise.
fn refusal(t: &Table, tk: &PaperTicket, e: &anyhow::Error) -> super::ImportError {
    use crate::storage::Error as E;
    let at = |line: u64, field: &str, msg: String| {
        single(
            t,
            line,
            0,
            field,
            format!("ticket {} : {msg}", tk.reference),
        )
    };
    match e.downcast_ref::<E>() {
        Some(E::NotInPhase { exhibitor, phase }) => {
            let i = tk.lines.iter().position(|l| l.exhibitor_code == *exhibitor);
            let row = i.map_or(tk.first_line, |i| tk.rows[i]);
            let msg = format!(
                "l'exposant {exhibitor} ne participe pas à la phase {phase} : vente refusée \
                 (ajoutez {phase} à ses phases dans le fichier des exposants)"
            );
            at(row, "product_code", msg)
        }
        Some(E::NoPhase { date }) => at(
            tk.first_line,
            "datetime",
            format!(
                "aucune phase ne contient la date {} : vente refusée",
                date_fr(date)
            ),
        ),
        Some(E::PhaseClosed { phase, date }) => at(
            tk.first_line,
            "datetime",
            format!(
                "la phase {phase} est clôturée : plus aucune vente datée du {}",
                date_fr(date)
            ),
        ),
        _ => at(tk.first_line, "", e.to_string()),
    }
}

/// `2026-10-03` → `03/10/2026`, as people read dates (any other text as it is).
pub(super) fn date_fr(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// A paper ticket's sale and local time, before anything is written: no database needed.
pub(super) fn prepare(t: &Table, clock: &Clock, tk: &PaperTicket) -> Result<(Settled, LocalTime)> {
    let fail =
        |column: usize, field: &str, msg: String| single(t, tk.first_line, column, field, msg);
    let mut total = rust_decimal::Decimal::ZERO;
    for (l, row) in tk.lines.iter().zip(&tk.rows) {
        total += l.total();
        if let Err(e) = bounds::check_amount("ticket", total) {
            let msg = format!("ticket {} : {e} à cette ligne", tk.reference);
            return Err(single(t, *row, 0, "quantity", msg).into());
        }
    }
    let payment = PaymentDraft::new(tk.method, total);
    let settled = build_sale(&tk.lines, rust_decimal::Decimal::ZERO, &[payment], None)
        .map_err(|e| fail(0, "", format!("ticket {} : {e}", tk.reference)))?;
    let at = clock
        .at_local(tk.datetime)
        .map_err(|e| fail(2, "datetime", e.to_string()))?;
    Ok((settled, at))
}

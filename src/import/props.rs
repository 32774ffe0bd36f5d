//! Property: a table of exhibitors and products gives the same database whether it comes as CSV (`,` or `;`, LF or
//! CRLF, BOM or not, decimal dot or comma, quoted when it is the separator) or as XLSX (numbers as number cells, an ICE as a number).
use super::{Kind, import_bytes};
use crate::storage::{Db, catalogue};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Ex {
    name: String,
    kind: &'static str,
    ice: Option<u64>,
    rate: u32,
    fee: u32,
    phases: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Prod {
    exhibitor: usize,
    name: String,
    unit: &'static str,
    price: u32,
    vat: u32,
}

fn text() -> impl Strategy<Value = String> {
    // Accents, Arabic, separators, quotes and line breaks inside a value.
    proptest::collection::vec(
        prop_oneof![
            Just("Miel"),
            Just("é"),
            Just("عسل"),
            Just(","),
            Just(";"),
            Just("\""),
            Just("\n"),
            Just(" "),
            Just("12,50"),
            Just("x")
        ],
        1..6,
    )
    .prop_map(|parts| format!("N{}", parts.concat()))
}

fn exhibitor() -> impl Strategy<Value = Ex> {
    (
        text(),
        prop::sample::select(vec!["cooperative", "Coopérative", "association", "GIE", ""]),
        prop::option::of(1u64..999_999_999_999_999),
        0u32..=10_000,
        0u32..100_000,
        prop::sample::subsequence(vec![1u32, 2], 0..=2),
    )
        .prop_map(|(name, kind, ice, rate, fee, phases)| Ex {
            name,
            kind,
            ice,
            rate,
            fee,
            phases,
        })
}

fn product() -> impl Strategy<Value = Prod> {
    (
        0usize..4,
        text(),
        prop::sample::select(vec!["kg", "pièce", "piece", "L", "litre", "pce"]),
        1u32..10_000_000,
        0u32..=2_000,
    )
        .prop_map(|(exhibitor, name, unit, price, vat)| Prod {
            exhibitor,
            name,
            unit,
            price,
            vat,
        })
}

/// `n` hundredths (or ten-thousandths) as typed with the given decimal mark.
fn decimal(n: u32, places: u32, mark: char) -> String {
    let d = rust_decimal::Decimal::new(n.into(), places).normalize();
    d.to_string().replace('.', &mark.to_string())
}

fn quote(s: &str, sep: char) -> String {
    if s.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const EX_HEADER: [&str; 8] = [
    "code",
    "name",
    "kind",
    "ice",
    "phone",
    "commission_rate",
    "stall_fee",
    "phases",
];
const PR_HEADER: [&str; 8] = [
    "exhibitor_code",
    "code",
    "barcode",
    "name_fr",
    "name_ar",
    "unit",
    "price",
    "vat_rate",
];

fn ex_cells(i: usize, e: &Ex, mark: char) -> Vec<String> {
    let phases: Vec<String> = e.phases.iter().map(u32::to_string).collect();
    vec![
        format!("E{i}"),
        e.name.clone(),
        e.kind.into(),
        e.ice.map(|n| format!("{n:015}")).unwrap_or_default(),
        String::new(),
        decimal(e.rate, 4, mark),
        decimal(e.fee, 2, mark),
        phases.join(";"),
    ]
}

fn pr_cells(i: usize, p: &Prod, n_ex: usize, mark: char) -> Vec<String> {
    vec![
        format!("E{}", p.exhibitor % n_ex),
        format!("P{i}"),
        String::new(),
        p.name.clone(),
        String::new(),
        p.unit.into(),
        decimal(p.price, 2, mark),
        decimal(p.vat, 4, mark),
    ]
}

fn csv(header: &[&str], rows: &[Vec<String>], sep: char, crlf: bool, bom: bool) -> Vec<u8> {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = String::from(if bom { "\u{feff}" } else { "" });
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| quote(c, sep))
            .collect::<Vec<_>>()
            .join(&sep.to_string())
    };
    out += &line(header.iter().map(|s| s.to_string()).collect());
    out += end;
    for r in rows {
        out += &line(r.clone());
        out += end;
    }
    out.into_bytes()
}

/// Numbers as number cells, the ICE as a number (its leading zeros dropped, as a spreadsheet does).
fn xlsx(header: &[&str], rows: &[Vec<String>], sheet: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            let numeric = ["ice", "commission_rate", "stall_fee", "price", "vat_rate"]
                .contains(&header[c as usize]);
            match v.parse::<f64>() {
                Ok(n) if numeric => ws.write_number(r, c, n).map(|_| ()),
                _ if v.is_empty() => Ok(()),
                _ => ws.write_string(r, c, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Imports into a new market and returns the reference data as text.
fn imported(dir: &std::path::Path, name: &str, files: [(&str, Vec<u8>); 2]) -> String {
    let path = dir.join(format!("{name}.db"));
    let mut db = Db::create(&path).unwrap();
    catalogue::insert_market(db.conn(), &crate::demo::market(), "2025-08-06T08:00:00Z").unwrap();
    let phases =
        b"number,name,starts,ends\n1,Un,2025-08-06,2025-08-10\n2,Deux,2025-08-11,2025-08-15\n";
    import_bytes(&mut db, Kind::Phases, "phases.csv", phases, "t").unwrap();
    let [(ef, eb), (pf, pb)] = files;
    import_bytes(&mut db, Kind::Exhibitors, ef, &eb, "t").unwrap();
    import_bytes(&mut db, Kind::Products, pf, &pb, "t").unwrap();
    let dump = |sql: &str| -> String {
        let mut stmt = db.conn().prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        rows.map(|r| r.unwrap().join("|"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    [
        "SELECT * FROM exhibitors ORDER BY code",
        "SELECT * FROM exhibitor_phases ORDER BY 1, 2",
        "SELECT * FROM products ORDER BY code",
    ]
    .map(dump)
    .join("\n--\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn csv_dialects_and_xlsx_give_the_same_database(
        exs in proptest::collection::vec(exhibitor(), 1..4),
        prods in proptest::collection::vec(product(), 0..12),
        variants in proptest::collection::vec((any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()), 2),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let n = exs.len();
        let rows = |mark: char| -> (Vec<Vec<String>>, Vec<Vec<String>>) {
            (
                exs.iter().enumerate().map(|(i, e)| ex_cells(i, e, mark)).collect(),
                prods.iter().enumerate().map(|(i, p)| pr_cells(i, p, n, mark)).collect(),
            )
        };
        let (ex_dot, pr_dot) = rows('.');
        let reference = imported(dir.path(), "xlsx", [
            ("e.xlsx", xlsx(&EX_HEADER, &ex_dot, "Exposants")),
            ("p.xlsx", xlsx(&PR_HEADER, &pr_dot, "Produits")),
        ]);
        for (k, (semicolon, comma, crlf, bom)) in variants.into_iter().enumerate() {
            let sep = if semicolon { ';' } else { ',' };
            let mark = if comma { ',' } else { '.' };
            let (ex, pr) = rows(mark);
            let got = imported(dir.path(), &format!("csv{k}"), [
                ("e.csv", csv(&EX_HEADER, &ex, sep, crlf, bom)),
                ("p.csv", csv(&PR_HEADER, &pr, sep, crlf, bom)),
            ]);
            prop_assert_eq!(&got, &reference, "sep {} mark {} crlf {} bom {}", sep, mark, crlf, bom);
        }
    }
}

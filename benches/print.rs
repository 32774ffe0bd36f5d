//! Rendering cost, size and wire time of typical receipts, 58 and 80 mm:
//! the 5-line French sale with its QR, and the same sale with 3 Arabic names
//! printed as raster images (default) or through CP864 (`arabic = "codepage"`).
//!
//! Figures go to stderr as a table. The operations of each receipt are also
//! written as JSON to `target/print-bench/`, so `benches/print_escpos.py`
//! can replay the same receipt through python-escpos's Dummy printer and
//! compare byte counts.
//!
//! Measured 2026-11 (2 cores, release; times vary ±15 % run to run):
//!
//! | receipt            | bytes | 9600 baud | 115200 | render | python-escpos |
//! |--------------------|------:|----------:|-------:|-------:|--------------:|
//! | 58 mm French + QR  |  3380 |    3.52 s | 0.29 s | 439 µs | 3324 (0.98×)  |
//! | 58 mm 3 Arabic img |  5280 |    5.50 s | 0.46 s | 680 µs | 5215 (0.99×)  |
//! | 58 mm 3 Arabic 864 |  3450 |    3.59 s | 0.30 s | 402 µs | —             |
//! | 80 mm French + QR  |  1521 |    1.58 s | 0.13 s |  89 µs | 1718 (1.13×)  |
//! | 80 mm 3 Arabic img |  3421 |    3.56 s | 0.30 s | 299 µs | 3609 (1.06×)  |
//! | 80 mm 3 Arabic 864 |  1591 |    1.66 s | 0.14 s |  85 µs | —             |
//!
//! The 58 mm QR is a 2252-byte image (firmware QR at 80 mm); without images
//! python-escpos sends 1.18× (58 mm) and 1.13× (80 mm) our bytes. The three
//! Arabic names cost 1900 bytes as images, 70 through CP864 (27× fewer).

#[path = "../tests/support/print.rs"]
mod print_support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use print_support::{arabic_codepage_profile, profile, sale};
use serde_json::{Value, json};
use souk::print::ops::{Align, PrintOp};
use souk::print::{Profile, SaleReceipt, Templates, render_ops, render_sale};

/// Seconds on the wire: 10 bits per byte (start, 8 data, stop), no flow
/// control pauses. A pty pair does not pace bytes at the set baud, so this
/// is computed rather than measured.
fn wire(bytes: usize, baud: u32) -> f64 {
    bytes as f64 * 10.0 / baud as f64
}

fn align(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// The operations as JSON for the python-escpos replay (images as hex).
fn ops_json(ops: &[PrintOp], p: &Profile) -> Value {
    let list: Vec<Value> = ops
        .iter()
        .map(|op| match op {
            PrintOp::Line { text, style } => json!({"op": "line", "text": text,
                "bold": style.bold, "double": style.double, "align": align(style.align)}),
            PrintOp::Qr(payload) => json!({"op": "qr", "payload": payload}),
            PrintOp::Raster {
                image, align: a, ..
            } => json!({"op": "raster",
                "width": image.width, "height": image.height, "align": align(*a),
                "hex": image.data.iter().map(|b| format!("{b:02x}")).collect::<String>()}),
            PrintOp::Arabic { alt, .. } => json!({"op": "arabic", "text": alt}),
            PrintOp::Feed(n) => json!({"op": "feed", "n": n}),
            PrintOp::Cut => json!({"op": "cut"}),
            PrintOp::Drawer => json!({"op": "drawer"}),
        })
        .collect();
    json!({"profile": p.name, "dots": p.dots, "firmware_qr": p.firmware_qr,
           "qr_module": p.qr_module, "cutter": p.cutter, "drawer": p.drawer.is_some(),
           "ops": list})
}

/// Bytes spent on Arabic name images (`GS v 0` headers and data); a raster
/// QR is encoded from `PrintOp::Qr` and not counted here.
fn raster_bytes(ops: &[PrintOp]) -> usize {
    ops.iter()
        .map(|op| match op {
            PrintOp::Raster { image, .. } => 8 + image.data.len(),
            _ => 0,
        })
        .sum()
}

struct Case {
    name: String,
    profile: Profile,
    doc: SaleReceipt,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for width in ["generic-58", "generic-80"] {
        let mm = &width[8..];
        out.push(Case {
            name: format!("{mm}mm_french"),
            profile: profile(width),
            doc: sale(false),
        });
        out.push(Case {
            name: format!("{mm}mm_arabic_raster"),
            profile: profile(width),
            doc: sale(true),
        });
        out.push(Case {
            name: format!("{mm}mm_arabic_cp864"),
            profile: arabic_codepage_profile(width),
            doc: sale(true),
        });
    }
    out
}

fn report(t: &Templates) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/print-bench");
    let _ = std::fs::create_dir_all(&dir);
    eprintln!(
        "{:<22} {:>7} {:>8} {:>10} {:>11}",
        "receipt", "bytes", "ar. img", "9600 baud", "115200 baud"
    );
    for c in cases() {
        let Ok(ops) = render_ops(&c.doc, &c.profile, t) else {
            eprintln!("{}: rendu impossible", c.name);
            continue;
        };
        let Ok(r) = render_sale(&c.doc, &c.profile, t) else {
            continue;
        };
        let n = r.bytes.len();
        eprintln!(
            "{:<22} {n:>7} {:>8} {:>9.2}s {:>10.3}s",
            c.name,
            raster_bytes(&ops),
            wire(n, 9600),
            wire(n, 115_200)
        );
        let _ = std::fs::write(
            dir.join(format!("{}.json", c.name)),
            ops_json(&ops, &c.profile).to_string(),
        );
        let _ = std::fs::write(dir.join(format!("{}.bin", c.name)), &r.bytes);
    }
}

fn bench(c: &mut Criterion) {
    let t = Templates::embedded();
    report(&t);
    let mut g = c.benchmark_group("render_sale");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for case in cases() {
        g.bench_function(&case.name, |b| {
            b.iter(|| render_sale(black_box(&case.doc), &case.profile, &t))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Rendering cost and wire time of typical receipts (80 mm, QR in firmware).

#[path = "../tests/print_support/mod.rs"]
mod print_support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use print_support::{profile, sale};
use souk::print::{Templates, render_sale};

/// Seconds on the wire: 10 bits per byte (start, 8 data, stop).
fn wire(bytes: usize, baud: u32) -> f64 {
    bytes as f64 * 10.0 / baud as f64
}

fn bench(c: &mut Criterion) {
    let p = profile("generic-80");
    let t = Templates::embedded();
    for (name, doc) in [
        ("french_5_lines_qr", sale(false)),
        ("with_3_arabic_names", sale(true)),
    ] {
        let n = render_sale(&doc, &p, &t).unwrap().bytes.len();
        eprintln!(
            "{name}: {n} bytes; wire {:.2} s at 9600 baud, {:.3} s at 115200 baud",
            wire(n, 9600),
            wire(n, 115_200)
        );
        c.bench_function(name, |b| {
            b.iter(|| render_sale(black_box(&doc), &p, &t).unwrap())
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

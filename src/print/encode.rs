//! Operations to ESC/POS bytes for a profile. Every byte is emitted here (not
//! through the escpos crate's text path, which sends unknown characters as
//! UTF-8, maps `-` to a soft hyphen and truncates the drawer pulse).

use qrcode::{Color, EcLevel, QrCode};

use super::ops::{Align, PrintOp, Raster, Style};
use super::profile::{DrawerPulse, Profile};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const LF: u8 = 0x0A;

/// Printer state we track so each command is sent only when it changes.
#[derive(Default)]
struct State {
    align: Align,
    bold: bool,
    double: bool,
}

pub fn encode(ops: &[PrintOp], profile: &Profile) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    out.extend([ESC, b'@', ESC, b't', profile.codepage_number]);
    let mut st = State::default();
    for op in ops {
        match op {
            PrintOp::Line { text, style } => {
                set_style(&mut out, &mut st, *style);
                out.extend(profile.codepage.encode(text));
                out.push(LF);
            }
            PrintOp::Qr(payload) => {
                set_align(&mut out, &mut st, Align::Center);
                if profile.firmware_qr {
                    qr_firmware(&mut out, payload, profile.qr_module);
                } else if let Some(img) = qr_raster(payload, profile.qr_module) {
                    raster(&mut out, &img);
                }
            }
            PrintOp::Raster { image, align, .. } => {
                set_align(&mut out, &mut st, *align);
                raster(&mut out, image);
            }
            PrintOp::Arabic { bytes, .. } => {
                set_style(
                    &mut out,
                    &mut st,
                    Style {
                        align: Align::Right,
                        ..Style::default()
                    },
                );
                // Only for this line: the rest of the receipt stays in the
                // Latin page. A profile without the number never gets here
                // (`Profile::parse` refuses it); 37 is Epson's PC864.
                out.extend([ESC, b't', profile.arabic_codepage_number.unwrap_or(37)]);
                out.extend(bytes);
                out.push(LF);
                out.extend([ESC, b't', profile.codepage_number]);
            }
            PrintOp::Feed(n) => out.extend([ESC, b'd', *n]),
            PrintOp::Cut if profile.cutter => out.extend([GS, b'V', 66, 0]),
            PrintOp::Cut => out.extend([ESC, b'd', 4]),
            PrintOp::Drawer => {
                if let Some(pulse) = profile.drawer {
                    out.extend(drawer_bytes(pulse));
                }
            }
        }
    }
    set_style(&mut out, &mut st, Style::default());
    out
}

/// `ESC p m t1 t2`, all five bytes (e.g. `1B 70 00 19 FA`).
pub fn drawer_bytes(p: DrawerPulse) -> [u8; 5] {
    [ESC, b'p', p.pin, p.on, p.off]
}

fn set_align(out: &mut Vec<u8>, st: &mut State, align: Align) {
    if st.align != align {
        let n = match align {
            Align::Left => 0,
            Align::Center => 1,
            Align::Right => 2,
        };
        out.extend([ESC, b'a', n]);
        st.align = align;
    }
}

fn set_style(out: &mut Vec<u8>, st: &mut State, style: Style) {
    set_align(out, st, style.align);
    if st.bold != style.bold {
        out.extend([ESC, b'E', u8::from(style.bold)]);
        st.bold = style.bold;
    }
    if st.double != style.double {
        out.extend([GS, b'!', if style.double { 0x11 } else { 0 }]);
        st.double = style.double;
    }
}

/// `GS ( k`: model 2, module size, error correction M, store, print.
fn qr_firmware(out: &mut Vec<u8>, payload: &str, module: u8) {
    let fun = |out: &mut Vec<u8>, body: &[u8]| {
        let len = body.len() + 1;
        out.extend([GS, b'(', b'k', (len & 0xFF) as u8, (len >> 8) as u8, 49]);
        out.extend(body);
    };
    fun(out, &[65, 50, 0]);
    fun(out, &[67, module.clamp(1, 16)]);
    fun(out, &[69, 49]);
    let mut store = vec![80, 48];
    store.extend(payload.bytes());
    fun(out, &store);
    fun(out, &[81, 48]);
    out.push(LF);
}

/// The QR as an image, for printers without `GS ( k`.
pub(crate) fn qr_raster(payload: &str, module: u8) -> Option<Raster> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let (n, m, quiet) = (code.width() as u32, module.max(1) as u32, 2u32);
    let side = (n + 2 * quiet) * m;
    let mut img = Raster::new(side as u16, side as u16);
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (cx, cy) = ((i as u32 % n + quiet) * m, (i as u32 / n + quiet) * m);
            for dy in 0..m {
                for dx in 0..m {
                    img.set(cx + dx, cy + dy);
                }
            }
        }
    }
    Some(img)
}

/// `GS v 0 0 xL xH yL yH data`.
fn raster(out: &mut Vec<u8>, img: &Raster) {
    let xb = img.width / 8;
    out.extend([GS, b'v', b'0', 0]);
    out.extend(xb.to_le_bytes());
    out.extend(img.height.to_le_bytes());
    out.extend(&img.data);
}

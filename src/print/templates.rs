//! Receipt templates (minijinja), loaded from a directory at run time so an
//! organiser can edit them, with the shipped `receipts/*.j2` embedded as the
//! fallback for any file the directory lacks.
//!
//! Templates render to the line markup of `ops.rs`. Values printed with
//! `{{ }}` are escaped: newlines become spaces and `@` cannot start a directive.
//! Helpers (all return markup):
//! - `lr(left, right, width=cols)`: two columns padded to the width;
//! - `center(t)`, `right(t)`, `bold(t)`, `double(t)`: one styled line;
//! - `rule(c="-")`, `qr(payload)`, `arabic(t)`, `feed(n)`, `cut()`, `drawer()`;
//! - filters `ljust(w)` / `rjust(w)`: pad or cut to `w` characters.

use std::fmt::Write as _;
use std::path::PathBuf;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State};

use super::PrintError;
use super::ops::{AT_SENTINEL, wrap};

const EMBEDDED: &[(&str, &str)] = &[
    ("_header.j2", include_str!("../../receipts/_header.j2")),
    ("sale.j2", include_str!("../../receipts/sale.j2")),
    ("refund.j2", include_str!("../../receipts/refund.j2")),
    ("report.j2", include_str!("../../receipts/report.j2")),
    (
        "settlement.j2",
        include_str!("../../receipts/settlement.j2"),
    ),
    ("day_slip.j2", include_str!("../../receipts/day_slip.j2")),
    (
        "stall_slip.j2",
        include_str!("../../receipts/stall_slip.j2"),
    ),
    (
        "phase_summary.j2",
        include_str!("../../receipts/phase_summary.j2"),
    ),
    (
        "phase_totals.j2",
        include_str!("../../receipts/phase_totals.j2"),
    ),
    ("tills.j2", include_str!("../../receipts/tills.j2")),
    ("_phase.j2", include_str!("../../receipts/_phase.j2")),
    ("test_page.j2", include_str!("../../receipts/test_page.j2")),
];

/// The template set used to render documents.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Only the templates built into the binary.
    pub fn embedded() -> Templates {
        Self::build(None)
    }

    /// Files of `dir` (e.g. `receipts/`) first, embedded ones for the rest;
    /// a missing directory simply gives the embedded set.
    pub fn from_dir(dir: impl Into<PathBuf>) -> Templates {
        Self::build(Some(dir.into()))
    }

    fn build(dir: Option<PathBuf>) -> Templates {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_loader(move |name| {
            if let Some(path) = dir.as_ref().map(|d| d.join(name)).filter(|p| p.is_file()) {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Error::new(
                        ErrorKind::TemplateNotFound,
                        format!("{}: {e}", path.display()),
                    )
                })?;
                return Ok(Some(text));
            }
            Ok(EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string()))
        });
        env.set_formatter(|out, _state, value| {
            if value.is_none() || value.is_undefined() {
                return Ok(());
            }
            let text = value.to_string();
            let text = if value.is_safe() { text } else { escape(&text) };
            out.write_str(&text)
                .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
        });
        add_helpers(&mut env);
        Templates { env }
    }

    /// Renders template `name` to markup.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, PrintError> {
        let tmpl = self.env.get_template(name).map_err(template_error)?;
        tmpl.render(ctx).map_err(template_error)
    }
}

fn template_error(e: Error) -> PrintError {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        let _ = write!(msg, " : {s}");
        src = s.source();
    }
    PrintError::Template(msg)
}

/// Data may not inject lines nor directives.
fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            '@' => AT_SENTINEL,
            c => c,
        })
        .collect()
}

fn safe(s: String) -> Value {
    Value::from_safe_string(s)
}

fn cols(state: &State) -> usize {
    state
        .lookup("cols")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(48)
}

fn text_of(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        String::new()
    } else {
        escape(&v.to_string())
    }
}

/// `left ........ right`; a long left side wraps, the right goes on the last line.
fn lr(state: &State, left: Value, right: Value, width: Option<usize>) -> Value {
    let width = width.unwrap_or_else(|| cols(state));
    let (left, right) = (text_of(&left), text_of(&right));
    let rlen = right.chars().count();
    let mut lines = wrap(&left, width);
    let last = lines.pop().unwrap_or_default();
    let llen = last.chars().count();
    if llen + 1 + rlen <= width {
        lines.push(format!("{last}{}{right}", " ".repeat(width - llen - rlen)));
    } else {
        lines.push(last);
        lines.push(format!("{}{right}", " ".repeat(width.saturating_sub(rlen))));
    }
    safe(lines.join("\n"))
}

fn fit(v: Value, w: usize, right: bool) -> Value {
    let s: String = text_of(&v).chars().take(w).collect();
    let pad = " ".repeat(w - s.chars().count());
    safe(if right { pad + &s } else { s + &pad })
}

fn add_helpers(env: &mut Environment<'static>) {
    env.add_function("lr", lr);
    for name in ["center", "right", "bold", "double", "arabic", "qr"] {
        env.add_function(name, move |v: Value| {
            safe(format!("@{name} {}", text_of(&v)))
        });
    }
    env.add_function("rule", |c: Option<String>| {
        safe(format!("@rule {}", c.unwrap_or_else(|| "-".into())))
    });
    env.add_function("feed", |n: Option<u8>| {
        safe(format!("@feed {}", n.unwrap_or(1)))
    });
    env.add_function("cut", || safe("@cut".into()));
    env.add_function("drawer", || safe("@drawer".into()));
    // Text with Arabic letters prints as an image: the printer's code page has none.
    env.add_test("arabic", |v: Value| {
        v.as_str()
            .is_some_and(|s| s.chars().any(super::arabic::is_arabic))
    });
    env.add_filter("ljust", |v: Value, w: usize| fit(v, w, false));
    env.add_filter("rjust", |v: Value, w: usize| fit(v, w, true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn helpers_and_escaping() {
        let t = Templates::embedded();
        let mut env = t.env.clone();
        env.add_template(
            "t",
            "{{ lr('Total', x) }}\n{{ evil }}\n{{ 'ab'|rjust(4) }}|",
        )
        .unwrap();
        let out = env
            .get_template("t")
            .unwrap()
            .render(context! { cols => 20, x => "12,00 DH", evil => "a\n@cut" })
            .unwrap();
        assert_eq!(out, "Total       12,00 DH\na \u{E040}cut\n  ab|");
    }
}

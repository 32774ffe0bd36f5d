//! Shared helpers of the integration tests: run the real binary, build the sample market.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn souk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_souk"));
    c.env_remove("SOUK_PIN")
        .env_remove("SOUK_NOW")
        .env("SOUK_USER", "test");
    c
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    souk()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run souk")
}

/// `souk --db DB ARGS…` with a PIN in SOUK_PIN (and more variables, e.g. SOUK_NOW).
pub fn run_with(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = souk();
    c.arg("--db").arg(db).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run souk")
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "souk {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ifrane-small")
}

/// The small Ifrane market of the contract's sample, without its sales unless asked.
pub fn sample_market(dir: &Path, with_sales: bool) -> PathBuf {
    let db = dir.join("m.db");
    ok(&db, &["init", "--market", "Marché itinérant ESS Ifrane"]);
    let kinds: &[&str] = if with_sales {
        &["phases", "tills", "exhibitors", "products", "sales"]
    } else {
        &["phases", "tills", "exhibitors", "products"]
    };
    for k in kinds {
        let f = fixtures().join(format!("{k}.csv"));
        ok(&db, &["import", k, f.to_str().unwrap()]);
    }
    db
}

/// A fingerprint of every table's content, to show that a refused command changed nothing.
pub fn dump(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push_str(&t);
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("|{v:?}"));
            }
            out.push('\n');
        }
    }
    out
}

//! The command line speaks French (`--help`, usage errors), and the till started without a terminal says it
//! needs one and exits 1, without a panic.
use crate::support::common::*;
use std::process::Stdio;

fn help(args: &[&str]) -> String {
    let out = souk().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn help_is_french_throughout() {
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["report", "settlement", "--help"],
        vec!["people", "add", "--help"],
        vec!["printer", "--help"],
    ] {
        let text = help(&args);
        assert!(text.contains("Utilisation : souk"), "{args:?}\n{text}");
        assert!(text.contains("Options :"), "{args:?}\n{text}");
        assert!(text.contains("-h, --help"), "{args:?}\n{text}");
        assert!(text.contains("Afficher l'aide"), "{args:?}\n{text}");
        for english in [
            "Usage",
            "Print help",
            "Print version",
            "possible values",
            "[default",
        ] {
            assert!(!text.contains(english), "{args:?}: {english}\n{text}");
        }
    }
    assert!(help(&["--help"]).contains("Commandes :"));
    assert!(help(&["--help"]).contains("Afficher la version"));
    assert!(help(&["import", "--help"]).contains("<FICHIER>"));
}

#[test]
fn a_usage_error_is_french_and_exits_2() {
    let out = souk().arg("--bogus").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("erreur : argument inattendu"), "{err}");
    assert!(!err.contains("Usage"), "{err}");
}

#[test]
fn the_till_without_a_terminal_says_so_and_exits_1() {
    let dir = tempfile::TempDir::new().unwrap();
    let org = sample_market(dir.path(), false);
    let db = dir.path().join("t01.db");
    ok(
        &org,
        &["backup", "--out", db.to_str().unwrap(), "--till", "T01"],
    );
    let out = souk()
        .arg("--db")
        .arg(&db)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("la caisse a besoin d'un terminal"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

//! Dispatch of the command line. Exit 0 ok, 1 error (one-line reason first on stderr), 2 usage.
pub mod args;
mod check;
mod open_till;
mod phase;
mod pin;
mod refund;
mod region;
mod report;
mod setup;
mod tills;

use crate::config::Config;
use crate::storage::Db;
use anyhow::Result;
use args::{Cli, Command};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};
use std::path::PathBuf;

/// Who is named in the journal for command-line actions.
pub fn cli_actor() -> String {
    std::env::var("SOUK_USER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "organisateur (ligne de commande)".into())
}

pub fn main() -> i32 {
    let parsed = french(Cli::command(), true)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return clap_exit(&e),
    };
    let db_hint = cli.db.clone();
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            report_error(&e, db_hint.as_deref());
            1
        }
    }
}

/// One line in French first; a full or read-only disk is named as such, with the raw cause after it.
fn report_error(e: &anyhow::Error, db: Option<&std::path::Path>) {
    let text = format!("{e:#}");
    let config_db = crate::config::Config::default().database;
    let paths: Vec<&std::path::Path> = db.into_iter().chain([config_db.as_path()]).collect();
    let mut lines = text.lines();
    if let Some(hint) = e
        .downcast_ref::<crate::storage::Error>()
        .and_then(refusal_hint)
    {
        eprintln!("souk : {}", lines.next().unwrap_or("erreur"));
        eprintln!("  {hint}");
        return;
    }
    match crate::files::explain::explain(e, &paths) {
        Some(sentence) => {
            eprintln!("souk : {sentence}");
            eprintln!("  (détail : {})", lines.collect::<Vec<_>>().join(" "));
        }
        None => {
            eprintln!("souk : {}", lines.next().unwrap_or("erreur"));
            for l in lines {
                eprintln!("  {l}");
            }
        }
    }
}

/// What to do about a refusal of storage's, said under its message.
fn refusal_hint(e: &crate::storage::Error) -> Option<&'static str> {
    use crate::storage::Error as E;
    Some(match e {
        E::PhaseClosed { .. } => {
            "une phase clôturée ne reçoit plus rien : datez dans une phase ouverte (souk phase)"
        }
        E::NoPhase { .. } => {
            "importez ou corrigez les dates des phases (souk import phases FICHIER)"
        }
        E::Locked { .. } => {
            "une caisse ou une commande souk utilise cette base : fermez-la puis recommencez"
        }
        E::NotSouk { .. } => "indiquez la base du marché avec --db BASE",
        E::Corrupt { .. } => {
            "lancez « souk verify » et appelez l'organisateur ; ne vendez pas sur cette base"
        }
        _ => return None,
    })
}

/// Help in French: headings, usage line, the help and version flags, on every subcommand.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

pub fn french(cmd: clap::Command, root: bool) -> clap::Command {
    let mut cmd = cmd
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .help("Afficher l'aide")
                .action(ArgAction::Help),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .help("Afficher la version")
                .action(ArgAction::Version),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        if let Some(name) = value_name(&id) {
            cmd = cmd.mut_arg(&id, |a| a.value_name(name));
        }
    }
    cmd.mut_subcommands(|sc| french(sc, false))
}

/// The placeholder shown for a value (`--out <FICHIER>`), in French.
fn value_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "config" | "file" | "out" => "FICHIER",
        "files" => "FICHIERS",
        "db" => "BASE",
        "till" | "only_till" | "till_id" => "CAISSE",
        "printer_dir" | "dir" => "DOSSIER",
        "kind" => "TYPE",
        "number" | "phase" | "job" => "N",
        "by" | "market" | "name" => "NOM",
        "organiser" => "ORGANISATEUR",
        "city" => "VILLE",
        "cash_rounding" => "PAS",
        "date" => "DATE",
        "ticket" => "TICKET",
        "witness" => "TÉMOIN",
        "role" => "RÔLE",
        "pin" => "CODE",
        _ => return None,
    })
}

/// clap's own words that still reach the screen (value lists, usage errors), in French.
const CLAP_WORDS: &[(&str, &str)] = &[
    ("[possible values: ", "[valeurs possibles : "),
    ("Possible values:", "Valeurs possibles :"),
    ("[default: ", "[par défaut : "),
    ("Usage: ", "Utilisation : "),
    ("Commandes:", "Commandes :"),
    ("Options:", "Options :"),
    ("Arguments:", "Arguments :"),
    ("error: ", "erreur : "),
    ("unexpected argument '", "argument inattendu '"),
    ("unrecognized subcommand '", "sous-commande inconnue '"),
    ("' found", "'"),
    ("invalid value '", "valeur invalide '"),
    ("' for '", "' pour '"),
    ("a value is required for '", "une valeur est requise pour '"),
    ("but none was supplied", "mais aucune n'a été donnée"),
    (
        "the following required arguments were not provided:",
        "arguments obligatoires manquants :",
    ),
    ("tip: ", "astuce : "),
    (
        "a similar subcommand exists",
        "une sous-commande proche existe",
    ),
    ("a similar argument exists", "un argument proche existe"),
    ("to pass '", "pour passer '"),
    ("' as a value, use '", "' comme valeur, utilisez '"),
    (
        "For more information, try '--help'.",
        "Pour en savoir plus : souk --help",
    ),
];

/// Prints clap's help, version or usage error in French; exit 0 for help and version, 2 for a usage error.
fn clap_exit(e: &clap::Error) -> i32 {
    let mut text = e.render().to_string();
    for (en, fr) in CLAP_WORDS {
        text = text.replace(en, fr);
    }
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    e.exit_code()
}

pub struct Ctx {
    pub config: Config,
    pub db_path: PathBuf,
}

impl Ctx {
    pub fn open(&self) -> Result<Db> {
        Ok(Db::open(&self.db_path)?)
    }

    /// For commands that only read: nothing written, works on a read-only copy and beside a running till.
    pub fn open_read(&self) -> Result<Db> {
        Ok(Db::open_read(&self.db_path)?)
    }

    /// What an `--out` file may replace: never this database.
    pub fn out_rules(&self, force: bool) -> crate::files::OutRules<'_> {
        crate::files::OutRules::new(&self.db_path, force)
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(t) = cli.till {
        config.till = Some(t);
    }
    if let Some(d) = cli.printer_dir {
        config.printer_dir = d;
    }
    let db_path = cli.db.clone().unwrap_or_else(|| config.database.clone());
    let ctx = Ctx { config, db_path };
    match cli.command {
        None => setup::open_till(&ctx, None),
        Some(Command::Demo(a)) => setup::demo(&ctx, &a, cli.db.is_some()),
        Some(Command::Init(a)) => setup::init(&ctx, &a),
        Some(Command::Import {
            kind,
            file,
            dry_run,
        }) => setup::import(&ctx, kind, &file, dry_run),
        Some(Command::Verify) => setup::verify(&ctx),
        Some(Command::Check { witness }) => check::check(&ctx, &witness),
        Some(Command::Refund { ticket, lines, by }) => refund::refund(&ctx, &ticket, &lines, &by),
        Some(Command::Backup {
            out,
            force,
            provision,
        }) => setup::backup(&ctx, &out, force, provision.as_deref()),
        Some(Command::People(cmd)) => setup::people(&ctx, cmd),
        Some(Command::Report(cmd)) => report::report(&ctx, cmd),
        Some(Command::Phase {
            action,
            number,
            by,
            force,
        }) => phase::phase(&ctx, action, number, by, force),
        Some(Command::Export {
            out,
            only_till,
            since_last,
            force,
        }) => tills::export(&ctx, &out, only_till.as_deref(), since_last, force),
        Some(Command::Merge { files }) => tills::merge(&ctx, &files),
        Some(Command::Receipt {
            ticket,
            out,
            text,
            force,
        }) => tills::receipt(&ctx, &ticket, out.as_deref(), text, force),
        Some(Command::Printer { action, job }) => tills::printer(&ctx, action, job),
        Some(Command::Push { to }) => region::push(&ctx, to),
        Some(Command::Region(cmd)) => region::region(cmd),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Error;

    #[test]
    fn each_refusal_gets_its_own_hint_and_failures_none() {
        let closed = anyhow::Error::from(Error::PhaseClosed {
            phase: 1,
            date: "2025-07-03".into(),
        })
        .context("vente");
        let hint = closed.downcast_ref::<Error>().and_then(refusal_hint);
        assert!(
            hint.is_some_and(|h| h.contains("phase ouverte")),
            "{hint:?}"
        );
        let locked = Error::Locked {
            path: "m.db".into(),
        };
        assert!(refusal_hint(&locked).is_some_and(|h| h.contains("fermez")));
        assert_ne!(refusal_hint(&locked), hint);
        let io: Error = std::io::Error::from_raw_os_error(libc::EIO).into();
        assert_eq!(refusal_hint(&io), None);
    }
}

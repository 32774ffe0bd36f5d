//! Set-up commands: init, demo, import, people, verify, backup, and opening the till.
use super::args::{DemoArgs, ImportKind, InitArgs, PeopleCmd};
use super::pin::{read_by_pin, read_pin};
use super::{Ctx, cli_actor};
use crate::domain::JournalKind;
use crate::domain::Market;
use crate::import::{self, Kind};
use crate::storage::{Clock, Db, catalogue, identity, people, verify::verify as verify_db};
use anyhow::{Result, bail};
use std::path::Path;

pub fn init(ctx: &Ctx, a: &InitArgs) -> Result<()> {
    if a.market.trim().is_empty() {
        bail!("--market : le nom du marché est obligatoire");
    }
    let cash_rounding = match a.cash_rounding.as_deref() {
        None | Some("") | Some("0") => None,
        Some(s) => {
            // A decimal comma as well as a dot, as every amount people type.
            let step = crate::domain::parse::amount(s)
                .map_err(|e| anyhow::anyhow!("--cash-rounding : {e}"))?;
            if !["0.10", "0.50", "1.00"].contains(&format!("{step:.2}").as_str()) {
                bail!("--cash-rounding : 0,10, 0,50 ou 1 attendu (ou 0 : pas d'arrondi)");
            }
            Some(step)
        }
    };
    let db = Db::create(&ctx.db_path)?;
    let now = Clock::market()?.now()?;
    let market = Market {
        uuid: uuid::Uuid::now_v7().to_string(),
        name: a.market.trim().into(),
        organiser: a.organiser.trim().into(),
        city: a.city.trim().into(),
        currency: "MAD".into(),
        timezone: crate::storage::clock::MARKET_TZ.into(),
        cash_rounding,
    };
    catalogue::insert_market(db.conn(), &market, &now.at_utc)?;
    println!(
        "Marché « {} » créé dans {}",
        market.name,
        ctx.db_path.display()
    );
    println!(
        "Ensuite : souk import phases|tills|exhibitors|products FICHIER.csv, puis souk people add NOM --role cashier"
    );
    Ok(())
}

pub fn import(ctx: &Ctx, kind: ImportKind, file: &Path, dry_run: bool) -> Result<()> {
    let kind = match kind {
        ImportKind::Phases => Kind::Phases,
        ImportKind::Tills => Kind::Tills,
        ImportKind::Exhibitors => Kind::Exhibitors,
        ImportKind::Products => Kind::Products,
        ImportKind::Sales => Kind::Sales,
    };
    let mut db = ctx.open()?;
    if !dry_run {
        println!(
            "{}",
            import::import_file(&mut db, kind, file, &cli_actor())?
        );
        return Ok(());
    }
    let outcome = import::preview_file(&mut db, kind, file, &cli_actor())?;
    match outcome.error {
        // Only the refusal: counts of what a refused file would add would say it goes through.
        Some(e) => Err(match e.downcast_ref::<import::ImportError>() {
            Some(ie) if ie.issues.len() > 1 => anyhow::anyhow!(
                "essai, rien n'a été écrit : le fichier serait refusé ({} erreurs) :\n{}",
                ie.issues.len(),
                ie.issue_lines().join("\n")
            ),
            Some(ie) => anyhow::anyhow!(
                "essai, rien n'a été écrit : le fichier serait refusé : {}",
                ie.issue_lines().join("")
            ),
            None => anyhow::anyhow!("essai, rien n'a été écrit : le fichier serait refusé : {e}"),
        }),
        None => {
            println!("{}", outcome.summary);
            Ok(())
        }
    }
}

pub fn verify(ctx: &Ctx) -> Result<()> {
    let db = ctx.open_read()?;
    db.quick_check()?;
    let mut v = verify_db(db.conn())?;
    let own = identity::own_chain(db.conn())?;
    if let Some(t) = v
        .tills
        .iter()
        .find(|t| t.till == own && own == crate::storage::ORG_CHAIN)
    {
        println!(
            "organisateur ({own}) : {}, dernier {}, numérotation {}",
            crate::i18n::count_fr("count-ticket", t.tickets),
            t.last_ticket.as_deref().unwrap_or("aucun"),
            if t.gaps.is_empty() {
                "sans trou"
            } else {
                "avec trous"
            }
        );
    }
    for t in crate::sync::till_status_with(db.conn(), &v)? {
        println!("{}", till_line(&t));
    }
    let witness = crate::storage::heads::check(db.conn(), &ctx.db_path)?;
    for n in &witness.notes {
        println!("{n}");
    }
    v.breaks.extend(witness.breaks);
    let (changed, notes) = crate::storage::reference::check(db.conn())?;
    for n in &notes {
        println!("{n}");
    }
    v.breaks.extend(changed);
    v.breaks.extend(crate::storage::derived::check(db.conn())?);
    for d in crate::storage::duplicates::paper_duplicates(db.conn())? {
        println!("{}", crate::storage::duplicates::describe(&d));
    }
    let late = crate::storage::late::late_tickets(db.conn())?;
    if !late.is_empty() {
        let ids: Vec<String> = late
            .iter()
            .map(|t| format!("{} (phase {}, complément {})", t.id, t.phase, t.complement))
            .collect();
        println!(
            "ventes tardives (fusionnées après la clôture de leur phase) : {} : {}",
            crate::i18n::count_fr("count-ticket", late.len()),
            ids.join(", ")
        );
    }
    if let Some(first) = v.breaks.first() {
        let more: Vec<&str> = v
            .breaks
            .iter()
            .skip(1)
            .take(19)
            .map(String::as_str)
            .collect();
        bail!(
            "{first} ({} en tout)\n{}",
            crate::i18n::count_fr("count-anomaly", v.breaks.len()),
            more.join("\n")
        );
    }
    println!(
        "journal intègre : {}, {}",
        crate::i18n::count_fr("count-entry", v.entries),
        crate::i18n::count_fr("count-checked-ticket", v.tickets)
    );
    Ok(())
}

/// `caisse T02 : 812 tickets, dernier T02-000812, numérotation sans trou, fusionné le … (lot.souk)`
fn till_line(t: &crate::sync::TillMergeStatus) -> String {
    let last = t.last_ticket.as_deref().unwrap_or("aucun");
    let gaps = if t.gaps.is_empty() {
        "sans trou".to_string()
    } else {
        let ranges: Vec<String> = t.gaps.iter().map(|(a, b)| format!("{a}–{b}")).collect();
        format!("trous {}", ranges.join(", "))
    };
    let merged = match (&t.last_merge_at, &t.last_merge_file) {
        (Some(at), Some(file)) => format!(
            ", dernière fusion le {} ({file})",
            crate::storage::clock::local_display(at)
        ),
        _ => String::new(),
    };
    let late = if t.late_tickets > 0 {
        format!(
            ", {} au complément",
            crate::i18n::count_fr("count-late", t.late_tickets)
        )
    } else {
        String::new()
    };
    format!(
        "caisse {} : {}, dernier {last}, numérotation {gaps}{merged}{late}",
        t.till,
        crate::i18n::count_fr("count-ticket", t.tickets)
    )
}

pub fn backup(ctx: &Ctx, out: &Path, force: bool, provision: Option<&str>) -> Result<()> {
    let mut db = ctx.open()?;
    let Some(till) = provision else {
        db.backup_with(out, &ctx.out_rules(force), |_| Ok(()))?;
        println!("copie vérifiée écrite dans {}", out.display());
        return Ok(());
    };
    identity::check_can_provision(db.conn(), till)?;
    let earlier = identity::earlier_copies(db.conn(), till)?;
    let at = Clock::market()?.now()?;
    // The identity is written into the copy before it is checked and named: no copy of the organiser's
    // database ever appears under the till's file name.
    // The copy gets its own key pair: the organiser's secret does not travel with it.
    let mut public = String::new();
    let written = db.backup_with(out, &ctx.out_rules(force), |copy| {
        public = identity::set_till(copy, till, &at.at_utc)?;
        Ok(())
    })?;
    let file = std::path::absolute(&written).unwrap_or(written);
    identity::record_provision(
        &mut db,
        till,
        &file.display().to_string(),
        &public,
        &cli_actor(),
        &at,
    )?;
    if !earlier.is_empty() {
        let last = identity::last_ticket_before(db.conn(), till, u64::MAX)?
            .map(|t| format!("après {t}"))
            .unwrap_or_else(|| "à partir de maintenant".into());
        eprintln!(
            "attention : la caisse {till} avait déjà été préparée : {}. Cette nouvelle copie la remplace : les \
             ventes de l'ancienne copie {last} ne pourront pas être fusionnées (saisissez-les comme ventes \
             papier) ; n'utilisez plus l'ancienne copie",
            earlier.join(" ; ")
        );
    }
    println!(
        "copie vérifiée écrite dans {} : c'est désormais la caisse {till} (souk --db {} pour l'ouvrir)",
        out.display(),
        out.display()
    );
    Ok(())
}

pub fn people(ctx: &Ctx, cmd: PeopleCmd) -> Result<()> {
    let mut db = ctx.open()?;
    match cmd {
        PeopleCmd::Add { name, role, by } => {
            let role = crate::domain::labels::role(&role).map_err(|e| anyhow::anyhow!(e))?;
            let at = Clock::market()?.now()?;
            let by = match by {
                Some(by) => organiser(
                    &mut db,
                    &by,
                    &read_by_pin(&format!("Code de {by}"), false)?,
                    &at,
                )?,
                None if people::has_organiser(db.conn())? => bail!(
                    "un organisateur existe : ajoutez --by NOM (un organisateur, dont le code est demandé) pour \
                     ajouter ou modifier une personne"
                ),
                None => cli_actor(),
            };
            let min = people::min_pin_digits(role);
            let pin = read_pin(&format!("Code de {name} ({min} à 8 chiffres)"))?;
            let chain = identity::own_chain(db.conn())?;
            db.set_person(&chain, name.trim(), role, &pin, &by, &at)?;
            println!(
                "{name} : {} enregistré(e)",
                crate::domain::labels::role_label(role)
            );
        }
        PeopleCmd::List => {
            for p in people::people(db.conn())? {
                println!(
                    "{:<28} {:<13}{}",
                    p.name,
                    crate::domain::labels::role_label(p.role),
                    if p.locked { " bloqué(e)" } else { "" }
                );
            }
        }
        PeopleCmd::Unlock { name, by } => {
            let pin = read_by_pin(&format!("Code de {by}"), true)?;
            let at = Clock::market()?.now()?;
            let approver = if people::has_organiser(db.conn())? {
                organiser(&mut db, &by, &pin, &at)?
            } else {
                supervisor(&mut db, &by, &pin, &at)?
            };
            let chain = identity::own_chain(db.conn())?;
            db.unlock_person(&chain, &name, &approver, &at)?;
            println!("{name} débloqué(e) par {approver}");
        }
    }
    Ok(())
}

/// Checks that `name` is an organiser with this PIN (journalled either way); a lock does not stop an organiser
/// on the command line.
fn organiser(db: &mut Db, name: &str, pin: &str, at: &crate::storage::LocalTime) -> Result<String> {
    let chain = identity::own_chain(db.conn())?;
    match db.check_organiser_pin(&chain, name, pin, at, JournalKind::Approval)? {
        people::PinCheck::Ok(p) if p.role == crate::domain::Role::Organiser => Ok(p.name),
        people::PinCheck::Ok(p) => bail!(
            "{} n'est pas organisateur(rice) : --by attend un organisateur",
            p.name
        ),
        people::PinCheck::Wrong { failures, .. } => {
            bail!("code incorrect pour {name} ({failures} échec(s)) : rien n'a été modifié")
        }
        people::PinCheck::Locked => {
            bail!("{name} est bloqué(e) : un organisateur doit le débloquer")
        }
    }
}

/// Checks that `name` is a supervisor or organiser with this PIN (journalled either way).
pub fn supervisor(
    db: &mut Db,
    name: &str,
    pin: &str,
    at: &crate::storage::LocalTime,
) -> Result<String> {
    let chain = identity::own_chain(db.conn())?;
    match db.check_pin(&chain, name, pin, at, JournalKind::Approval)? {
        people::PinCheck::Ok(p) if p.role.can_approve() => Ok(p.name),
        people::PinCheck::Ok(p) => bail!("{} n'est pas superviseur ni organisateur", p.name),
        people::PinCheck::Wrong { failures, .. } => {
            bail!("code incorrect pour {name} ({failures} échec(s))")
        }
        people::PinCheck::Locked => {
            bail!("{name} est bloqué(e) : un superviseur doit le débloquer")
        }
    }
}

pub use super::open_till::open_till;

pub fn demo(ctx: &Ctx, a: &DemoArgs, db_given: bool) -> Result<()> {
    let db_path = if db_given {
        ctx.db_path.clone()
    } else {
        a.dir.join("demo.db")
    };
    std::fs::create_dir_all(db_path.parent().unwrap_or(Path::new(".")))?;
    if a.fresh && db_path.exists() {
        crate::demo::recreate(&db_path)?;
    }
    let db = if db_path.exists() {
        let db = Db::open(&db_path)?;
        if !crate::demo::is_demo(&db)? {
            bail!(
                "{} n'est pas la base de la démonstration : « souk demo » n'ouvre que celle-ci (lancez « souk --db {} » pour ce marché)",
                db_path.display(),
                db_path.display()
            );
        }
        if !matches!(
            identity::identity(db.conn())?,
            identity::Identity::Till { .. }
        ) {
            // A demo made before tills had identities: it is the demo's own till T01.
            let at = Clock::market()?.now()?;
            identity::set_till(db.conn(), "T01", &at.at_utc)?;
        }
        db
    } else {
        crate::demo::create(&db_path)?
    };
    let m = catalogue::market(db.conn())?;
    eprintln!(
        "Démonstration : {} ({}) — base {}",
        m.name,
        m.organiser,
        db_path.display()
    );
    eprintln!(
        "Codes : {}",
        crate::demo::PEOPLE
            .iter()
            .map(|(n, r, p)| format!("{n} ({}) {p}", crate::domain::labels::role_label(*r)))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    if a.no_till {
        return Ok(());
    }
    let mut till_ctx = Ctx {
        config: ctx.config.clone(),
        db_path: db_path.clone(),
    };
    if till_ctx.config.printer_dir == crate::config::Config::default().printer_dir {
        till_ctx.config.printer_dir = a.dir.join("imprimante");
    }
    drop(db);
    let codes = crate::demo::PEOPLE
        .iter()
        .map(|(n, _, p)| format!("{} {p}", n.split(' ').next().unwrap_or(n)))
        .collect::<Vec<_>>()
        .join(" · ");
    open_till(&till_ctx, Some(codes))
}

/// The `[printer]` section of the configuration; the file printer writes into `printer_dir` unless told otherwise.
pub fn printer_config(ctx: &Ctx) -> Result<crate::print::PrinterConfig> {
    let mut table = ctx.config.printer.clone();
    if !table.contains_key("dir") {
        table.insert(
            "dir".into(),
            toml::Value::String(ctx.config.printer_dir.to_string_lossy().into_owned()),
        );
    }
    if !table.contains_key("profiles_dir") && std::path::Path::new("config/printers").is_dir() {
        table.insert(
            "profiles_dir".into(),
            toml::Value::String("config/printers".into()),
        );
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| anyhow::anyhow!("section [printer] : {}", e.message()))
}

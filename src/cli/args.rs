//! The command line of DESIGN.md (binary `souk`).
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "souk",
    version,
    about = "Caisse pour les marchés itinérants de l'économie sociale et solidaire"
)]
pub struct Cli {
    /// Fichier de configuration (par défaut ./souk.toml s'il existe)
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Base de données du marché (remplace celle de la configuration)
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Caisse de ce poste (remplace celle de la configuration)
    #[arg(long)]
    pub till: Option<String>,
    /// Dossier de l'imprimante fichier (remplace celui de la configuration)
    #[arg(long)]
    pub printer_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crée un marché de démonstration (Ifrane) et ouvre la caisse
    Demo(DemoArgs),
    /// Crée une base de marché vide
    Init(InitArgs),
    /// Importe un fichier CSV, XLSX ou ODS (tout ou rien)
    Import {
        /// Ce que contient le fichier
        kind: ImportKind,
        /// Fichier CSV, XLSX ou ODS
        file: PathBuf,
        /// Montre ce qui serait ajouté, modifié, inchangé ou refusé, sans rien écrire
        #[arg(long)]
        dry_run: bool,
    },
    /// Rapports : règlement d'une phase, recettes du jour, totaux de phase
    #[command(subcommand)]
    Report(ReportCmd),
    /// Ouvre ou clôture une phase
    Phase {
        /// open (ouvrir) ou close (clôturer)
        action: PhaseAction,
        /// Numéro de la phase
        number: u32,
        /// Qui clôture (superviseur ou organisateur) ; code lu au terminal ou dans SOUK_PIN
        #[arg(long)]
        by: Option<String>,
        /// Clôture même si des caisses n'ont pas remis de lot couvrant la fin de la phase (elles sont
        /// nommées dans le journal ; leurs ventes iront au complément)
        #[arg(long)]
        force: bool,
    },
    /// Exporte un lot de ce que cette base a enregistré (pour la fusion chez l'organisateur)
    Export {
        /// Fichier du lot à écrire
        #[arg(long)]
        out: PathBuf,
        /// Une seule caisse
        #[arg(long = "till")]
        only_till: Option<String>,
        /// Seulement ce qui n'a pas encore été exporté
        #[arg(long)]
        since_last: bool,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
    },
    /// Vérifie et fusionne des lots de caisses (organisateur)
    Merge {
        /// Lots à fusionner (fichiers écrits par « souk export »)
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Vérifie la chaîne du journal et la numérotation des tickets
    Verify,
    /// Contrôle un témoin imprimé (QR d'un reçu SOUK1|…, tête d'un rapport Z ou d'un relevé) contre le journal
    Check {
        /// Le contenu du QR (SOUK1|T01-000042|1a2b3c4d|182.50) ou l'empreinte imprimée
        witness: String,
    },
    /// Rembourse une vente papier saisie ici (série ORG), qu'aucune caisse ne connaît ; code du superviseur lu
    /// au terminal ou dans SOUK_PIN
    Refund {
        /// Numéro du ticket (ORG-000002)
        ticket: String,
        /// Ligne entière (2) ou une quantité de la ligne (2:1,5), répétable ; sans --line : tout ce qui reste
        #[arg(long = "line")]
        lines: Vec<String>,
        /// Qui approuve (superviseur ou organisateur)
        #[arg(long)]
        by: String,
    },
    /// Réimprime un ticket, ou écrit ses octets ESC/POS (ou son texte) dans un fichier
    Receipt {
        /// Numéro du ticket (T01-000042)
        ticket: String,
        /// Fichier à écrire (au lieu de l'écran ou de l'imprimante)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Écrire le texte du ticket au lieu des octets ESC/POS
        #[arg(long)]
        text: bool,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
    },
    /// Imprimante : page de test, état (et file d'impression), reprise d'un travail en échec
    Printer {
        /// Action
        action: PrinterAction,
        /// Numéro du travail, pour `retry`
        job: Option<String>,
    },
    /// Copie cohérente de la base (API de sauvegarde SQLite)
    Backup {
        /// Fichier de la copie
        #[arg(long)]
        out: PathBuf,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
        /// Prépare la copie pour cette caisse (organisateur) : la copie est cette caisse désormais
        #[arg(long = "till")]
        provision: Option<String>,
    },
    /// Personnes (caissiers, superviseurs, organisateurs) et leurs codes
    #[command(subcommand)]
    People(PeopleCmd),
    /// Envoie cette base (marché, journaux, tickets) au serveur PostgreSQL de la région
    Push {
        /// postgresql://utilisateur@hôte/base (ou la variable SOUK_PUSH_URL)
        #[arg(long = "to")]
        to: Option<String>,
    },
    /// Serveur PostgreSQL de la région : création du schéma, rapport sur plusieurs marchés
    #[command(subcommand)]
    Region(RegionCmd),
}

#[derive(Debug, Subcommand)]
pub enum RegionCmd {
    /// Crée ou met à jour le schéma souk sur le serveur
    Init {
        /// postgresql://utilisateur@hôte/base
        #[arg(long = "to")]
        to: Option<String>,
    },
    /// Chiffres de plusieurs marchés : par marché et phase, province, secteur, coopérative
    Report {
        /// postgresql://utilisateur@hôte/base
        #[arg(long = "from")]
        from: Option<String>,
        /// Seulement les phases commencées cette année
        #[arg(long)]
        year: Option<i32>,
        /// Seulement ce marché (son identifiant)
        #[arg(long)]
        market: Option<String>,
        /// Le règlement de cette phase du marché --market, tel que l'organisateur l'imprime
        #[arg(long, requires = "market")]
        phase: Option<u32>,
        /// Avec --phase : le complément de la phase (ses ventes tardives), comme `report settlement --complement`
        #[arg(long, requires = "phase")]
        complement: bool,
        /// Format : text, csv ou xlsx
        #[arg(long, default_value = "text")]
        format: String,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Dossier de la démonstration (base et imprimante fichier)
    #[arg(long, default_value = "souk-demo")]
    pub dir: PathBuf,
    /// Recrée la démonstration même si elle existe déjà
    #[arg(long)]
    pub fresh: bool,
    /// Crée la base sans ouvrir la caisse
    #[arg(long)]
    pub no_till: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Nom du marché
    #[arg(long)]
    pub market: String,
    /// Organisateur (conseil régional, association…)
    #[arg(long, default_value = "")]
    pub organiser: String,
    /// Ville
    #[arg(long, default_value = "")]
    pub city: String,
    /// Arrondi des espèces : 0.10, 0.50 ou 1 (aucun par défaut)
    #[arg(long)]
    pub cash_rounding: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    Phases,
    Tills,
    Exhibitors,
    Products,
    Sales,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Règlement des exposants d'une phase
    Settlement {
        /// Numéro de la phase
        #[arg(long)]
        phase: u32,
        /// Le complément de la phase : ses ventes tardives (fusionnées après la clôture)
        #[arg(long)]
        complement: bool,
        /// Format : text, csv, xlsx ou pdf
        #[arg(long, default_value = "text")]
        format: String,
        /// Fichier à écrire (au lieu de l'écran ou de l'imprimante)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
    },
    /// Recettes du jour par exposant
    Day {
        /// JJ/MM/AAAA ou AAAA-MM-JJ (aujourd'hui par défaut)
        #[arg(long)]
        date: Option<String>,
        /// Une seule caisse (T01)
        #[arg(long = "till")]
        till_id: Option<String>,
        /// Format : text, csv, xlsx ou pdf
        #[arg(long, default_value = "text")]
        format: String,
        /// Fichier à écrire (au lieu de l'écran ou de l'imprimante)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
    },
    /// Totaux d'une phase pour la région
    Totals {
        /// Numéro de la phase
        #[arg(long)]
        phase: u32,
        /// Format : text, csv, xlsx ou pdf
        #[arg(long, default_value = "text")]
        format: String,
        /// Fichier à écrire (au lieu de l'écran ou de l'imprimante)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Remplace le fichier --out s'il existe (jamais la base en cours d'utilisation)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PhaseAction {
    Open,
    Close,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PrinterAction {
    /// Imprime une page de test
    Test,
    /// Demande son état à l'imprimante (DLE EOT) et résume la file d'impression
    Status,
    /// Remet dans la file le travail en échec n° N (numéro donné par `souk printer status`)
    Retry,
}

#[derive(Debug, Subcommand)]
pub enum PeopleCmd {
    /// Ajoute ou met à jour une personne ; son code lu au terminal ou dans SOUK_PIN (6 chiffres au moins pour
    /// un superviseur ou un organisateur)
    Add {
        /// Nom de la personne
        name: String,
        /// Rôle : cashier (caissier·ère), supervisor (superviseur) ou organiser (organisateur)
        #[arg(long, default_value = "cashier")]
        role: String,
        /// Organisateur qui autorise (obligatoire dès qu'un organisateur existe) ; son code lu au terminal ou
        /// dans SOUK_BY_PIN
        #[arg(long)]
        by: Option<String>,
    },
    /// Liste les personnes
    List,
    /// Débloque une personne (--by : un organisateur dès qu'il en existe un, sinon un superviseur ; son code
    /// lu au terminal ou dans SOUK_BY_PIN, ou SOUK_PIN)
    Unlock {
        /// Nom de la personne
        name: String,
        /// Qui débloque (superviseur)
        #[arg(long)]
        by: String,
    },
}

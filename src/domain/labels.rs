//! Words organisers write in French or English (units, legal forms, sectors, yes/no, collectors, payment methods),
//! read into one canonical code, and the French label shown for each code.
use super::{Collector, PaymentMethod, Unit};
use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, words joined by `_`: `Agro-alimentaire` → `agro_alimentaire`.
pub fn slug(text: &str) -> String {
    let plain: String = text
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect();
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The slug without separators, which is what aliases are compared on.
fn key(text: &str) -> String {
    slug(text).replace('_', "")
}

/// (code, French label, aliases compared on `key`).
type Entry = (&'static str, &'static str, &'static [&'static str]);

const KINDS: &[Entry] = &[
    (
        "cooperative",
        "Coopérative",
        &["cooperative", "coop", "cooperatives"],
    ),
    (
        "association",
        "Association",
        &["association", "assoc", "asso"],
    ),
    (
        "gie",
        "GIE",
        &[
            "gie",
            "groupementdintereteconomique",
            "economicinterestgroup",
        ],
    ),
    (
        "union",
        "Union de coopératives",
        &["union", "uniondecooperatives"],
    ),
    (
        "auto_entrepreneur",
        "Auto-entrepreneur",
        &["autoentrepreneur", "selfemployed"],
    ),
];

const SECTORS: &[Entry] = &[
    (
        "artisanat",
        "Artisanat",
        &["artisanat", "crafts", "craft", "handicraft", "handicrafts"],
    ),
    (
        "agroalimentaire",
        "Agroalimentaire",
        &[
            "agroalimentaire",
            "agrifood",
            "agrofood",
            "food",
            "alimentation",
            "alimentaire",
        ],
    ),
    (
        "cosmetique",
        "Cosmétique",
        &["cosmetique", "cosmetiques", "cosmetic", "cosmetics"],
    ),
    ("services", "Services", &["services", "service"]),
    ("textile", "Textile", &["textile", "textiles"]),
];

fn lookup(table: &[Entry], text: &str) -> Option<&'static str> {
    let k = key(text);
    table
        .iter()
        .find(|(code, _, aliases)| key(code) == k || aliases.contains(&k.as_str()))
        .map(|(code, _, _)| *code)
}

fn label(table: &[Entry], code: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, l, _)| *l)
}

/// A legal form as its code: known forms by alias (`coopérative` → `cooperative`), others as their slug, so that
/// spellings of one word never split the region's figures.
pub fn kind_code(text: &str) -> String {
    lookup(KINDS, text).map_or_else(|| slug(text), str::to_string)
}

pub fn kind_label(code: &str) -> String {
    label(KINDS, code).map_or_else(|| code.to_string(), str::to_string)
}

/// A sector as its code, like `kind_code`.
pub fn sector_code(text: &str) -> String {
    lookup(SECTORS, text).map_or_else(|| slug(text), str::to_string)
}

pub fn sector_label(code: &str) -> String {
    label(SECTORS, code).map_or_else(|| code.to_string(), str::to_string)
}

/// A role as people type it, English code or French word (`caissière`, `superviseur`, `organisatrice`).
pub fn role(text: &str) -> Result<super::Role, String> {
    use super::Role;
    match key(text).as_str() {
        "cashier" | "caissier" | "caissiere" | "caissierere" => Ok(Role::Cashier),
        "supervisor" | "superviseur" | "superviseure" => Ok(Role::Supervisor),
        "organiser" | "organizer" | "organisateur" | "organisatrice" | "organisateurrice" => {
            Ok(Role::Organiser)
        }
        _ => Err(format!(
            "rôle inconnu « {} » : caissier (cashier), superviseur (supervisor) ou organisateur (organiser)",
            text.trim()
        )),
    }
}

/// A role as people read it.
pub fn role_label(role: super::Role) -> &'static str {
    match role {
        super::Role::Cashier => "caissier·ère",
        super::Role::Supervisor => "superviseur",
        super::Role::Organiser => "organisateur",
    }
}

/// `oui`/`non`, `yes`/`no` and their usual short forms; empty is unknown.
pub fn yes_no(text: &str) -> Result<Option<bool>, String> {
    match key(text).as_str() {
        "" => Ok(None),
        "yes" | "oui" | "y" | "o" | "true" | "vrai" | "1" | "x" => Ok(Some(true)),
        "no" | "non" | "n" | "false" | "faux" | "0" => Ok(Some(false)),
        _ => Err(format!("« {} » : attendu oui ou non (yes/no)", text.trim())),
    }
}

pub fn yes_no_label(v: bool) -> &'static str {
    if v { "oui" } else { "non" }
}

/// `piece|pièce|pce`, `kg`, `l|L|litre`, and their usual variants.
pub fn unit(text: &str) -> Result<Unit, String> {
    match key(text).as_str() {
        "piece" | "pieces" | "pce" | "pces" | "pc" | "pcs" | "unite" | "unites" | "u" | "unit" => {
            Ok(Unit::Piece)
        }
        "kg" | "kgs" | "kilo" | "kilos" | "kilogramme" | "kilogrammes" | "kilogram" => Ok(Unit::Kg),
        "l" | "litre" | "litres" | "liter" | "liters" | "lt" => Ok(Unit::Litre),
        _ => Err(format!(
            "« {} » : unité attendue pièce (piece), kg ou l (litre)",
            text.trim()
        )),
    }
}

pub fn unit_label(u: Unit) -> &'static str {
    match u {
        Unit::Piece => "pièce",
        Unit::Kg => "kg",
        Unit::Litre => "l",
    }
}

pub fn collector(text: &str) -> Result<Collector, String> {
    match key(text).as_str() {
        "organiser" | "organizer" | "organisateur" => Ok(Collector::Organiser),
        "exhibitor" | "exposant" => Ok(Collector::Exhibitor),
        _ => Err(format!(
            "« {} » : collecteur attendu organiser (organisateur) ou exhibitor (exposant)",
            text.trim()
        )),
    }
}

pub fn payment_method(text: &str) -> Result<PaymentMethod, String> {
    match key(text).as_str() {
        "cash" | "especes" | "espece" | "liquide" => Ok(PaymentMethod::Cash),
        "card" | "carte" | "cb" | "cartebancaire" | "tpe" => Ok(PaymentMethod::Card),
        "mobile" | "paiementmobile" => Ok(PaymentMethod::Mobile),
        "other" | "autre" => Ok(PaymentMethod::Other),
        _ => Err(format!(
            "« {} » : paiement attendu cash (espèces), card (carte), mobile ou other (autre)",
            text.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_one_code() {
        for k in [
            "coopérative",
            "Coopérative",
            "cooperative",
            "COOP",
            " Coopérative ",
        ] {
            assert_eq!(kind_code(k), "cooperative", "{k}");
        }
        assert_eq!(kind_code("Groupement d'intérêt économique"), "gie");
        assert_eq!(kind_code("Auto-entrepreneur"), "auto_entrepreneur");
        assert_eq!(kind_code("Fondation Éducative"), "fondation_educative");
        assert_eq!(kind_code(""), "");
        assert_eq!(kind_label("cooperative"), "Coopérative");
        assert_eq!(kind_label("fondation_educative"), "fondation_educative");
    }

    #[test]
    fn sectors_and_yes_no() {
        assert_eq!(sector_code("Agro-alimentaire"), "agroalimentaire");
        assert_eq!(sector_code("Cosmétiques"), "cosmetique");
        assert_eq!(sector_code("crafts"), "artisanat");
        assert_eq!(sector_label("cosmetique"), "Cosmétique");
        assert_eq!(yes_no("Oui").unwrap(), Some(true));
        assert_eq!(yes_no("no").unwrap(), Some(false));
        assert_eq!(yes_no("").unwrap(), None);
        assert!(yes_no("peut-être").is_err());
    }

    #[test]
    fn units_and_methods() {
        for (t, u) in [
            ("pièce", Unit::Piece),
            ("pce", Unit::Piece),
            ("piece", Unit::Piece),
            ("KG", Unit::Kg),
            ("L", Unit::Litre),
            ("litre", Unit::Litre),
        ] {
            assert_eq!(unit(t).unwrap(), u, "{t}");
        }
        assert!(unit("sac").unwrap_err().contains("sac"));
        assert_eq!(collector("Organisateur").unwrap(), Collector::Organiser);
        assert_eq!(payment_method("Espèces").unwrap(), PaymentMethod::Cash);
        assert_eq!(payment_method("carte").unwrap(), PaymentMethod::Card);
    }
}

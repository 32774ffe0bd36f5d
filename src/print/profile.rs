//! Printer profiles: paper width, code page numbering, what the firmware can do.
//! TOML files under `config/printers/`, with the same files embedded as defaults.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PrintError;
use super::codepage::CodePage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Printable width in dots (384 for 58 mm, 576 for 80 mm).
    pub dots: u16,
    /// Characters per line in font A (32 or 48).
    pub columns: u16,
    pub codepage: CodePage,
    /// `ESC t n` number selecting `codepage` on this printer.
    pub codepage_number: u8,
    pub firmware_qr: bool,
    #[serde(default = "default_qr_module")]
    pub qr_module: u8,
    pub cutter: bool,
    #[serde(default)]
    pub arabic: ArabicMode,
    /// `ESC t` number of CP864 on this printer, for `arabic = "codepage"`
    /// (37 on Epson, 22 on Samsung/Bixolon, 28 or 63 on POS-5890 clones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arabic_codepage_number: Option<u8>,
    /// `None`: no cash drawer (or disabled in `souk.toml`).
    pub drawer: Option<DrawerPulse>,
}

fn default_qr_module() -> u8 {
    4
}

/// How Arabic names are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArabicMode {
    /// Shaped, right-to-left image (`GS v 0`): works on every printer.
    #[default]
    Raster,
    /// Shaped to CP864 presentation forms in visual order, sent as text
    /// between two `ESC t` switches: ~25 bytes a name instead of ~600,
    /// but the page's glyphs are cruder (few final/medial forms).
    Codepage,
    /// Left out of the paper (the plain-text rendering keeps it).
    Omit,
}

/// `ESC p m t1 t2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerPulse {
    /// 0 = connector pin 2, 1 = pin 5.
    pub pin: u8,
    /// Pulse on time, in units of 2 ms.
    pub on: u8,
    /// Pulse off time, in units of 2 ms.
    pub off: u8,
}

const EMBEDDED: &[(&str, &str)] = &[
    (
        "generic-58",
        include_str!("../../config/printers/generic-58.toml"),
    ),
    (
        "generic-80",
        include_str!("../../config/printers/generic-80.toml"),
    ),
    (
        "epson-tm-t20",
        include_str!("../../config/printers/epson-tm-t20.toml"),
    ),
];

impl Profile {
    /// `dir/<name>.toml` when present (organisers can add printers), else the
    /// embedded profile of that name.
    pub fn load(name: &str, dir: Option<&Path>) -> Result<Profile, PrintError> {
        if let Some(dir) = dir {
            let path = dir.join(format!("{name}.toml"));
            if path.is_file() {
                let text = std::fs::read_to_string(&path)?;
                return Self::parse(&text)
                    .map_err(|e| PrintError::Profile(format!("{}: {e}", path.display())));
            }
        }
        Self::embedded(name)
    }

    pub fn embedded(name: &str) -> Result<Profile, PrintError> {
        let (_, text) = EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| PrintError::Profile(format!("profil d'imprimante inconnu : {name}")))?;
        Self::parse(text).map_err(PrintError::Profile)
    }

    pub fn parse(text: &str) -> Result<Profile, String> {
        let p: Profile = toml::from_str(text).map_err(|e| e.to_string())?;
        if !p.dots.is_multiple_of(8) || p.dots == 0 || p.columns < 16 {
            return Err(format!("profil {} : largeur invalide", p.name));
        }
        if p.arabic == ArabicMode::Codepage && p.arabic_codepage_number.is_none() {
            return Err(format!(
                "profil {} : arabic = \"codepage\" demande arabic_codepage_number \
                 (numéro ESC t de la page CP864 sur cette imprimante)",
                p.name
            ));
        }
        Ok(p)
    }

    /// Names of the embedded profiles.
    pub fn embedded_names() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(n, _)| *n)
    }

    /// The same profile with the drawer switched off (`drawer = false`).
    pub fn without_drawer(mut self) -> Profile {
        self.drawer = None;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profiles_parse() {
        for name in Profile::embedded_names() {
            let p = Profile::embedded(name).unwrap();
            assert_eq!(p.name, name);
            assert_eq!(p.columns as u32 * 12, p.dots as u32);
        }
        let p58 = Profile::embedded("generic-58").unwrap();
        assert_eq!((p58.dots, p58.columns, p58.firmware_qr), (384, 32, false));
        assert!(Profile::embedded("nope").is_err());
    }

    #[test]
    fn arabic_codepage_needs_its_number() {
        let base = include_str!("../../config/printers/generic-80.toml");
        let cp = base.replace("arabic = \"raster\"", "arabic = \"codepage\"");
        let e = Profile::parse(&cp).unwrap_err();
        assert!(e.contains("arabic_codepage_number"), "{e}");
        let ok = Profile::parse(&format!("arabic_codepage_number = 37\n{cp}")).unwrap();
        assert_eq!(
            (ok.arabic, ok.arabic_codepage_number),
            (ArabicMode::Codepage, Some(37))
        );
    }
}

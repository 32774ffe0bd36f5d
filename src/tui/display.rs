//! The display transform hook for Arabic names. ratatui does no shaping or bidi: most terminals then show
//! Arabic letters unjoined and left to right. Terminals that reorder by themselves (mlterm, Konsole with bidi,
//! some VTE builds) want the text as-is; others read better with the runs put in visual order here.
//! Shaping (joined letter forms) needs a reshaper such as `ar-reshaper`, not a dependency yet: plug it into
//! [`ArabicDisplay::apply`] when it is. Data is never transformed: only what is drawn.
use unicode_bidi::BidiInfo;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArabicDisplay {
    /// Logical order, as stored (the terminal does bidi, or nobody minds).
    #[default]
    AsIs,
    /// Right-to-left runs reversed into visual order with the Unicode bidi algorithm.
    Visual,
}

impl ArabicDisplay {
    pub fn apply(self, text: &str) -> String {
        match self {
            ArabicDisplay::AsIs => text.to_string(),
            ArabicDisplay::Visual => visual(text),
        }
    }

    pub fn toggled(self) -> Self {
        match self {
            ArabicDisplay::AsIs => ArabicDisplay::Visual,
            ArabicDisplay::Visual => ArabicDisplay::AsIs,
        }
    }

    /// From the `SOUK_ARABIC` environment variable (`visual` or anything else).
    pub fn from_env() -> Self {
        match std::env::var("SOUK_ARABIC").as_deref() {
            Ok("visual") => ArabicDisplay::Visual,
            _ => ArabicDisplay::AsIs,
        }
    }
}

fn visual(text: &str) -> String {
    if !text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        return text.to_string();
    }
    let info = BidiInfo::new(text, None);
    info.paragraphs
        .iter()
        .map(|p| info.reorder_line(p, p.range.clone()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_reverses_arabic_only() {
        assert_eq!(ArabicDisplay::Visual.apply("abc"), "abc");
        assert_eq!(ArabicDisplay::Visual.apply("عسل"), "لسع");
        assert_eq!(ArabicDisplay::AsIs.apply("عسل"), "عسل");
    }
}

//! What a journal entry records. The codes are stored in the journal, hashed into each entry and carried in
//! bundles and the region push: they never change; a new kind is a new code.
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JournalKind {
    Sale,
    Refund,
    Reprint,
    ShiftOpen,
    ShiftClose,
    /// A shift left open by a till that stopped, closed by the next one.
    Abandon,
    Drawer,
    Login,
    Unlock,
    Approval,
    PinFailed,
    PriceOverride,
    Person,
    Provision,
    Reference,
    PhaseOpen,
    PhaseClose,
    ComplementClose,
    Import,
    PriceChange,
    Merge,
    /// A till provisioned again: its new copy's key, from the chain's next entry.
    Reprovision,
    /// A laptop identified on site as a till, announcing its key.
    Identity,
    /// A PIN typed to identify a laptop on site.
    Identify,
    /// A till's key registered at its first merge (identified on site).
    KeyFirstUse,
    /// A perpetual total carried over before it would overflow.
    TotalCarry,
    /// A ticket entered after its phase closed (a paper sale), flagged late in a complement: the entry right
    /// after the ticket's, naming the complement.
    LateSale,
}

impl JournalKind {
    pub const ALL: [JournalKind; 27] = [
        Self::Sale,
        Self::Refund,
        Self::Reprint,
        Self::ShiftOpen,
        Self::ShiftClose,
        Self::Abandon,
        Self::Drawer,
        Self::Login,
        Self::Unlock,
        Self::Approval,
        Self::PinFailed,
        Self::PriceOverride,
        Self::Person,
        Self::Provision,
        Self::Reference,
        Self::PhaseOpen,
        Self::PhaseClose,
        Self::ComplementClose,
        Self::Import,
        Self::PriceChange,
        Self::Merge,
        Self::Reprovision,
        Self::Identity,
        Self::Identify,
        Self::KeyFirstUse,
        Self::TotalCarry,
        Self::LateSale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "sale",
            Self::Refund => "refund",
            Self::Reprint => "reprint",
            Self::ShiftOpen => "shift_open",
            Self::ShiftClose => "shift_close",
            Self::Abandon => "abandon",
            Self::Drawer => "drawer",
            Self::Login => "login",
            Self::Unlock => "unlock",
            Self::Approval => "approval",
            Self::PinFailed => "pin_failed",
            Self::PriceOverride => "price_override",
            Self::Person => "person",
            Self::Provision => "provision",
            Self::Reference => "reference",
            Self::PhaseOpen => "phase_open",
            Self::PhaseClose => "phase_close",
            Self::ComplementClose => "complement_close",
            Self::Import => "import",
            Self::PriceChange => "price_change",
            Self::Merge => "merge",
            Self::Reprovision => "reprovision",
            Self::Identity => "identity",
            Self::Identify => "identify",
            Self::KeyFirstUse => "key_first_use",
            Self::TotalCarry => "total_carry",
            Self::LateSale => "late_sale",
        }
    }

    /// The ticket kind an entry journals, if it journals a ticket.
    pub fn ticket(self) -> Option<super::TicketKind> {
        match self {
            Self::Sale => Some(super::TicketKind::Sale),
            Self::Refund => Some(super::TicketKind::Refund),
            _ => None,
        }
    }
}

impl From<super::TicketKind> for JournalKind {
    fn from(k: super::TicketKind) -> Self {
        match k {
            super::TicketKind::Sale => Self::Sale,
            super::TicketKind::Refund => Self::Refund,
        }
    }
}

impl FromStr for JournalKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("« {s} » : type d'écriture de journal inconnu"))
    }
}

impl fmt::Display for JournalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for JournalKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for JournalKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for JournalKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_codes_are_distinct() {
        let mut codes: Vec<&str> = JournalKind::ALL.iter().map(|k| k.as_str()).collect();
        for k in JournalKind::ALL {
            assert_eq!(k.as_str().parse::<JournalKind>(), Ok(k));
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), JournalKind::ALL.len());
    }

    #[test]
    fn an_unknown_code_is_refused_by_name() {
        let e = "vente".parse::<JournalKind>().unwrap_err();
        assert!(e.contains("« vente »"), "{e}");
    }

    #[test]
    fn serde_carries_the_code() {
        let json = serde_json::to_string(&JournalKind::ShiftOpen).unwrap();
        assert_eq!(json, "\"shift_open\"");
        assert_eq!(
            serde_json::from_str::<JournalKind>("\"phase_close\"").unwrap(),
            JournalKind::PhaseClose
        );
        assert!(serde_json::from_str::<JournalKind>("\"nope\"").is_err());
    }
}

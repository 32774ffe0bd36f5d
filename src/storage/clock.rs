//! Local time of the market. `SOUK_NOW` (local `YYYY-MM-DD HH:MM[:SS]`) fixes the clock for tests and demos.
use anyhow::{Context, Result};
use jiff::{Timestamp, Zoned, civil, tz::TimeZone};

pub const MARKET_TZ: &str = "Africa/Casablanca";

#[derive(Debug, Clone)]
pub struct Clock {
    tz: TimeZone,
}

/// An instant as stored: UTC text, offset in seconds, and the local civil time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTime {
    pub at_utc: String,
    pub utc_offset: i32,
    pub local: civil::DateTime,
}

impl LocalTime {
    pub fn date(&self) -> civil::Date {
        self.local.date()
    }
    /// Local `YYYY-MM-DD HH:MM`, as reports print it.
    pub fn display_iso(&self) -> String {
        self.local.strftime("%Y-%m-%d %H:%M").to_string()
    }
    pub fn display(&self) -> String {
        self.local.strftime("%d/%m/%Y %H:%M").to_string()
    }
}

impl Clock {
    pub fn market() -> Result<Clock> {
        let tz =
            TimeZone::get(MARKET_TZ).context("fuseau horaire Africa/Casablanca introuvable")?;
        Ok(Clock { tz })
    }

    pub fn now(&self) -> Result<LocalTime> {
        if let Ok(fixed) = std::env::var("SOUK_NOW") {
            let local = parse_local(&fixed)?;
            return self.at_local(local);
        }
        Ok(self.local_time(&Timestamp::now().to_zoned(self.tz.clone())))
    }

    pub fn at_local(&self, local: civil::DateTime) -> Result<LocalTime> {
        let z = local
            .to_zoned(self.tz.clone())
            .with_context(|| format!("heure locale impossible : {local}"))?;
        Ok(self.local_time(&z))
    }

    fn local_time(&self, z: &Zoned) -> LocalTime {
        let ts = z.timestamp();
        LocalTime {
            at_utc: ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            utc_offset: z.offset().seconds(),
            local: z
                .datetime()
                .with()
                .subsec_nanosecond(0)
                .build()
                .unwrap_or(z.datetime()),
        }
    }
}

/// `YYYY-MM-DD HH:MM` or with seconds.
pub fn parse_local(text: &str) -> Result<civil::DateTime> {
    let t = text.trim();
    let fmt = if t.len() == 16 {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    civil::DateTime::strptime(fmt, t)
        .with_context(|| format!("« {t} » : date et heure attendues AAAA-MM-JJ HH:MM"))
}

/// A stored UTC instant as people read it at the market: `27/11/2026 16:18`.
pub fn local_display(at_utc: &str) -> String {
    let Ok(ts) = at_utc.parse::<jiff::Timestamp>() else {
        return at_utc.to_string();
    };
    match jiff::tz::TimeZone::get(MARKET_TZ) {
        Ok(tz) => ts.to_zoned(tz).strftime("%d/%m/%Y %H:%M").to_string(),
        Err(_) => at_utc.to_string(),
    }
}

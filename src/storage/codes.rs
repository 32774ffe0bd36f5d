//! The domain's codes as SQLite stores them: their text code, read back strictly. A stored code no version
//! writes is an error naming the value, never a default.
use crate::domain::{Collector, JournalKind, PaymentMethod, TicketKind, Unit};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_code {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = v.as_str()?;
                if text.trim() != text {
                    return Err(FromSqlError::Other(format!("code enregistré illisible : {text:?}").into()));
                }
                text.parse().map_err(|e: String| FromSqlError::Other(e.into()))
            }
        }
    )*};
}

sql_code!(TicketKind, JournalKind, PaymentMethod, Unit, Collector);

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn read<T: FromSql>(stored: &str) -> rusqlite::Result<T> {
        let conn = Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1", [stored], |r| r.get(0))
    }

    #[test]
    fn codes_round_trip_as_their_text() {
        let conn = Connection::open_in_memory().unwrap();
        for k in JournalKind::ALL {
            let (text, back): (String, JournalKind) = conn
                .query_row("SELECT ?1, ?1", [k], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap();
            assert_eq!((text.as_str(), back), (k.as_str(), k));
        }
        for m in PaymentMethod::ALL {
            assert_eq!(read::<PaymentMethod>(m.as_str()).unwrap(), m);
        }
        assert_eq!(read::<TicketKind>("refund").unwrap(), TicketKind::Refund);
        assert_eq!(read::<Unit>("kg").unwrap(), Unit::Kg);
    }

    #[test]
    fn a_corrupt_code_is_an_error_naming_it() {
        let e = read::<TicketKind>("refnd").unwrap_err().to_string();
        assert!(e.contains("refnd"), "{e}");
        let e = read::<PaymentMethod>("chèque").unwrap_err().to_string();
        assert!(e.contains("chèque"), "{e}");
        assert!(read::<PaymentMethod>(" cash").is_err());
        assert!(read::<JournalKind>("").is_err());
        assert!(read::<Unit>("g").is_err());
    }
}

//! Printer drivers: file (default), serial, USB device file, network.
//!
//! Drivers open their device lazily and drop it after an error, so a printer
//! unplugged at start-up or mid-day is picked up again on the next attempt.

mod config;
mod file;
mod network;
mod serial;
mod usb;

use std::io::{self, Read, Write};

pub use config::{DriverKind, FlowControl, PrinterConfig, open_driver};
pub use file::FileDriver;
pub use network::NetworkDriver;
pub use serial::SerialDriver;
pub use usb::UsbDriver;

/// What the printer reports (`DLE EOT`), or `Unknown` on a one-way link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterStatus {
    Ready,
    PaperNearEnd,
    PaperOut,
    CoverOpen,
    Offline,
    Unknown,
}

impl PrinterStatus {
    /// French label for the till's status line.
    pub fn label(self) -> &'static str {
        match self {
            PrinterStatus::Ready => "prête",
            PrinterStatus::PaperNearEnd => "papier bientôt épuisé",
            PrinterStatus::PaperOut => "papier épuisé",
            PrinterStatus::CoverOpen => "capot ouvert",
            PrinterStatus::Offline => "hors ligne",
            PrinterStatus::Unknown => "inconnu",
        }
    }

    /// The printer cannot print now: do not send a job.
    pub fn blocks_printing(self) -> bool {
        matches!(
            self,
            PrinterStatus::PaperOut | PrinterStatus::CoverOpen | PrinterStatus::Offline
        )
    }
}

impl std::fmt::Display for PrinterStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// Nothing was sent: the device could not be opened or reached.
    #[error("connexion impossible : {0}")]
    Connect(String),
    #[error("délai dépassé")]
    Timeout,
    #[error("pas de réponse de l'imprimante")]
    NoAnswer,
    #[error("réponse d'état invalide ({0:#04x})")]
    BadAnswer(u8),
    #[error("connexion fermée par l'imprimante")]
    Closed,
    /// The job itself cannot be printed (a driver says so): retrying the
    /// same bytes would fail the same way.
    #[error("travail refusé : {0}")]
    Rejected(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl DriverError {
    /// True when no byte can have reached the printer.
    pub fn nothing_sent(&self) -> bool {
        matches!(self, DriverError::Connect(_) | DriverError::Rejected(_))
    }

    /// True when retrying the same job cannot succeed: the queue then marks
    /// it failed at once. Everything about the printer's state (absent, off,
    /// unplugged, no answer, permission) stays retryable: it gets fixed.
    pub fn is_permanent(&self) -> bool {
        match self {
            DriverError::Rejected(_) => true,
            DriverError::Io(e) => matches!(
                e.kind(),
                io::ErrorKind::InvalidInput
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::Unsupported
                    | io::ErrorKind::FileTooLarge
            ),
            _ => false,
        }
    }

    pub(crate) fn from_io(e: io::Error) -> DriverError {
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => DriverError::Timeout,
            io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::UnexpectedEof => DriverError::Closed,
            _ => DriverError::Io(e),
        }
    }
}

/// One queued job as a driver sees it (the file driver names files after it).
pub struct JobRef<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub subject: &'a str,
    pub bytes: &'a [u8],
    pub text: &'a str,
}

pub trait PrinterDriver: Send {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError>;
    fn status(&mut self) -> Result<PrinterStatus, DriverError>;
    fn send_job(&mut self, job: &JobRef<'_>) -> Result<(), DriverError> {
        self.write_all(job.bytes)
    }
    /// End of a job: network drivers close the connection (printers accept
    /// few clients, and idle connections get reset).
    fn finish(&mut self) {}
}

/// Real-time status over a two-way link: `DLE EOT 1`, `2`, `4`, one byte each.
pub(crate) fn query_status<P: Read + Write + ?Sized>(
    io: &mut P,
) -> Result<PrinterStatus, DriverError> {
    let mut answers = [0u8; 3];
    for (i, n) in [1u8, 2, 4].into_iter().enumerate() {
        io.write_all(&[0x10, 0x04, n])
            .map_err(DriverError::from_io)?;
        io.flush().map_err(DriverError::from_io)?;
        let mut b = [0u8; 1];
        match io.read(&mut b) {
            Ok(0) => return Err(DriverError::Closed),
            Ok(_) => answers[i] = b[0],
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                return Err(DriverError::NoAnswer);
            }
            Err(e) => return Err(DriverError::from_io(e)),
        }
    }
    interpret_status(answers[0], answers[1], answers[2])
}

/// Decodes the three status bytes (fixed bits: 0 and 7 clear, 1 and 4 set).
pub fn interpret_status(printer: u8, offline: u8, paper: u8) -> Result<PrinterStatus, DriverError> {
    for b in [printer, offline, paper] {
        if b & 0x93 != 0x12 {
            return Err(DriverError::BadAnswer(b));
        }
    }
    Ok(if offline & 0x04 != 0 {
        PrinterStatus::CoverOpen
    } else if paper & 0x60 == 0x60 || offline & 0x20 != 0 {
        PrinterStatus::PaperOut
    } else if printer & 0x08 != 0 {
        PrinterStatus::Offline
    } else if paper & 0x0C == 0x0C {
        PrinterStatus::PaperNearEnd
    } else {
        PrinterStatus::Ready
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bits() {
        assert_eq!(
            interpret_status(0x12, 0x12, 0x12).unwrap(),
            PrinterStatus::Ready
        );
        assert_eq!(
            interpret_status(0x1A, 0x32, 0x72).unwrap(),
            PrinterStatus::PaperOut
        );
        assert_eq!(
            interpret_status(0x1A, 0x16, 0x12).unwrap(),
            PrinterStatus::CoverOpen
        );
        assert_eq!(
            interpret_status(0x12, 0x12, 0x1E).unwrap(),
            PrinterStatus::PaperNearEnd
        );
        assert_eq!(
            interpret_status(0x1A, 0x12, 0x12).unwrap(),
            PrinterStatus::Offline
        );
        assert!(interpret_status(0xFF, 0x12, 0x12).is_err());
        assert_eq!(PrinterStatus::PaperOut.label(), "papier épuisé");
    }
}

//! USB printers through the kernel's device file (`/dev/usb/lp0`): write only,
//! so the status is unknown. Opened non-blocking so a stalled printer gives
//! a timeout instead of a thread stuck in `write`.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{DriverError, PrinterDriver, PrinterStatus};

/// `O_NONBLOCK` on Linux (x86-64, ARM); avoids a libc dependency.
const O_NONBLOCK: i32 = 0o4000;

pub struct UsbDriver {
    path: PathBuf,
    timeout: Duration,
    file: Option<File>,
}

impl UsbDriver {
    pub fn new(path: impl Into<PathBuf>, timeout: Duration) -> UsbDriver {
        UsbDriver {
            path: path.into(),
            timeout,
            file: None,
        }
    }

    fn file(&mut self) -> Result<&mut File, DriverError> {
        if self.file.is_none() {
            let f = OpenOptions::new()
                .write(true)
                .custom_flags(O_NONBLOCK)
                .open(&self.path)
                .map_err(|e| DriverError::Connect(format!("{}: {e}", self.path.display())))?;
            self.file = Some(f);
        }
        Ok(self.file.as_mut().expect("just opened"))
    }

    fn write_with_deadline(&mut self, mut bytes: &[u8]) -> Result<(), DriverError> {
        let deadline = Instant::now() + self.timeout;
        let file = self.file()?;
        while !bytes.is_empty() {
            match file.write(bytes) {
                Ok(0) => return Err(DriverError::Closed),
                Ok(n) => bytes = &bytes[n..],
                Err(e)
                    if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted =>
                {
                    if Instant::now() >= deadline {
                        return Err(DriverError::Timeout);
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(DriverError::from_io(e)),
            }
        }
        Ok(())
    }
}

impl PrinterDriver for UsbDriver {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        let r = self.write_with_deadline(bytes);
        if r.is_err() {
            self.file = None;
        }
        r
    }

    /// The device file cannot answer; a missing device is at least "offline".
    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        Ok(if self.path.exists() {
            PrinterStatus::Unknown
        } else {
            PrinterStatus::Offline
        })
    }

    fn finish(&mut self) {
        self.file = None;
    }
}

//! The default printer: one `.bin` (raw ESC/POS) and one `.txt` (what the
//! paper shows) per job, named `NNNNNN-<kind>-<subject>`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{DriverError, JobRef, PrinterDriver, PrinterStatus};

pub struct FileDriver {
    dir: PathBuf,
}

impl FileDriver {
    pub fn new(dir: impl Into<PathBuf>) -> FileDriver {
        FileDriver { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn create_dir(&self) -> Result<(), DriverError> {
        fs::create_dir_all(&self.dir)
            .map_err(|e| DriverError::Connect(format!("{}: {e}", self.dir.display())))
    }
}

/// Keeps file names portable: letters, digits, `-` and `_`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl PrinterDriver for FileDriver {
    /// Raw bytes outside a job (drawer kick, tests) go to `raw.bin`.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        self.create_dir()?;
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("raw.bin"))?;
        f.write_all(bytes)?;
        Ok(())
    }

    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        Ok(if self.create_dir().is_ok() {
            PrinterStatus::Ready
        } else {
            PrinterStatus::Offline
        })
    }

    fn send_job(&mut self, job: &JobRef<'_>) -> Result<(), DriverError> {
        self.create_dir()?;
        let stem = format!("{:06}-{}-{}", job.id, clean(job.kind), clean(job.subject));
        // Write then rename: a reader never sees half a file.
        for (ext, data) in [("bin", job.bytes), ("txt", job.text.as_bytes())] {
            let tmp = self.dir.join(format!(".{stem}.{ext}.tmp"));
            fs::write(&tmp, data)?;
            fs::rename(&tmp, self.dir.join(format!("{stem}.{ext}")))?;
        }
        Ok(())
    }
}

//! Reading a bundle record by record, in bounded memory: zstd-compressed (what `export` writes) or plain text
//! (bundles written before compression), hashing the text as it goes. The checksum is known only at the
//! trailer, so whoever consumes the records commits nothing before the reader says the trailer matched.
use super::error::{Refusal, refuse};
use super::format::{Header, MAGIC, Record, TRAILER, WireEntry, WireTicket};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The first bytes of every zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// No record comes near this; a longer line is not a bundle's (and must not fill the memory).
const MAX_LINE: u64 = 64 << 20;

pub struct BundleReader {
    path: PathBuf,
    input: Box<dyn BufRead + Send>,
    compressed: bool,
    hasher: Sha256,
    line: Vec<u8>,
    line_no: u64,
    /// The checksum, once the trailer was read and matched.
    sha: Option<String>,
    /// The file itself failed (damaged, truncated, unreadable): nothing more to learn from it.
    damaged: bool,
}

impl BundleReader {
    /// Opens a bundle and reads its header (unverified until the trailer).
    pub fn open(path: &Path) -> anyhow::Result<(BundleReader, Header)> {
        let unreadable = |e: io::Error| {
            refuse(
                path,
                Refusal::Unreadable,
                format!("lecture impossible ({e})"),
            )
        };
        let mut file = BufReader::with_capacity(1 << 16, File::open(path).map_err(unreadable)?);
        let compressed = file
            .fill_buf()
            .map_err(unreadable)?
            .starts_with(&ZSTD_MAGIC);
        let input: Box<dyn BufRead + Send> = if compressed {
            let decoder = zstd::stream::read::Decoder::with_buffer(file).map_err(unreadable)?;
            Box::new(BufReader::with_capacity(1 << 16, decoder))
        } else {
            Box::new(file)
        };
        let mut r = BundleReader {
            path: path.to_path_buf(),
            input,
            compressed,
            hasher: Sha256::new(),
            line: Vec::new(),
            line_no: 0,
            sha: None,
            damaged: false,
        };
        r.magic()?;
        match r.next()? {
            Some(Record::Bundle(h)) => Ok((r, h)),
            _ => Err(r.fail(Refusal::Malformed, "l'en-tête du lot manque")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file itself failed: damaged, truncated or unreadable.
    pub fn damaged(&self) -> bool {
        self.damaged
    }

    /// The bundle's checksum (its identity), once every record was read.
    pub fn sha(&self) -> Option<&str> {
        self.sha.as_deref()
    }

    fn fail(&self, kind: Refusal, msg: impl Into<String>) -> anyhow::Error {
        refuse(&self.path, kind, msg)
    }

    fn magic(&mut self) -> anyhow::Result<()> {
        let want = format!("{MAGIC}\n");
        let mut got = Vec::new();
        let read = (&mut self.input)
            .take(want.len() as u64)
            .read_to_end(&mut got);
        if let Err(e) = read {
            return Err(self.io_refusal(e));
        }
        if got != want.as_bytes() {
            return Err(self.fail(Refusal::NotABundle, "ce fichier n'est pas un lot souk"));
        }
        self.hasher.update(&got);
        self.line_no = 1;
        Ok(())
    }

    fn io_refusal(&self, e: io::Error) -> anyhow::Error {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            self.truncated()
        } else if self.compressed {
            self.fail(
                Refusal::Checksum,
                format!(
                    "fichier compressé endommagé ({e}) : le fichier a été endommagé ou modifié"
                ),
            )
        } else {
            self.fail(Refusal::Unreadable, format!("lecture impossible ({e})"))
        }
    }

    fn truncated(&self) -> anyhow::Error {
        self.fail(
            Refusal::Truncated,
            "lot incomplet (tronqué) : la ligne de contrôle finale manque",
        )
    }

    /// Reads the next line into `self.line`: `true` for a record line, `false` once the trailer matched.
    fn next_line(&mut self) -> anyhow::Result<bool> {
        let read = self.read_line();
        self.damaged |= read.is_err();
        read
    }

    fn read_line(&mut self) -> anyhow::Result<bool> {
        if self.sha.is_some() {
            return Ok(false);
        }
        loop {
            self.line.clear();
            (&mut self.input)
                .take(MAX_LINE)
                .read_until(b'\n', &mut self.line)
                .map_err(|e| self.io_refusal(e))?;
            if !self.line.ends_with(b"\n") {
                if self.line.len() as u64 == MAX_LINE {
                    let msg = format!("ligne {} démesurée", self.line_no + 1);
                    return Err(self.fail(Refusal::Malformed, msg));
                }
                return Err(self.truncated());
            }
            self.line_no += 1;
            if self.is_trailer()? {
                return Ok(false);
            }
            self.hasher.update(&self.line);
            if self.line.len() > 1 {
                return Ok(true);
            }
        }
    }

    /// A trailer line that ends the file: checks it (a trailer-like line followed by more is a record line).
    fn is_trailer(&mut self) -> anyhow::Result<bool> {
        let l = &self.line;
        if !(l.starts_with(TRAILER.as_bytes()) && l.len() == TRAILER.len() + 65) {
            return Ok(false);
        }
        let at_end = match self.input.fill_buf() {
            Ok(rest) => rest.is_empty(),
            Err(e) => return Err(self.io_refusal(e)),
        };
        if !at_end {
            return Ok(false);
        }
        let want = String::from_utf8_lossy(&l[TRAILER.len()..l.len() - 1]).into_owned();
        let sha: String = self
            .hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if want != sha {
            return Err(self.fail(
                Refusal::Checksum,
                "somme de contrôle fausse : le fichier a été endommagé ou modifié",
            ));
        }
        self.sha = Some(sha);
        Ok(true)
    }

    /// The next record, or `None` after the trailer matched.
    pub fn next(&mut self) -> anyhow::Result<Option<Record>> {
        if !self.next_line()? {
            return Ok(None);
        }
        let body = &self.line[..self.line.len() - 1];
        if let Some(r) = fast_record(body) {
            return Ok(Some(r));
        }
        serde_json::from_slice(body).map(Some).map_err(|e| {
            let msg = format!("ligne {} illisible ({e})", self.line_no);
            self.fail(Refusal::Malformed, msg)
        })
    }

    /// Reads to the trailer without parsing: the checksum, or why the file is damaged or truncated.
    pub fn drain(&mut self) -> anyhow::Result<String> {
        while self.next_line()? {}
        Ok(self.sha.clone().expect("set at the trailer"))
    }

    /// After a refusal: a damaged or truncated file is reported as such, before what its content breaks.
    pub fn first_fault(&mut self, refusal: anyhow::Error) -> anyhow::Error {
        if self.damaged {
            return refusal;
        }
        match self.drain() {
            Ok(_) => refusal,
            Err(damaged) => damaged,
        }
    }
}

/// A record as `export` writes it, its tag first, parsed straight into its variant: a tagged enum is parsed
/// through an intermediate copy of every field, a third of the parse. Anything else takes the tagged path,
/// which also gives the error.
pub(super) fn fast_record(body: &[u8]) -> Option<Record> {
    if body.starts_with(br#"{"t":"entry","#) {
        serde_json::from_slice::<WireEntry>(body)
            .ok()
            .map(Record::Entry)
    } else if body.starts_with(br#"{"t":"ticket","#) {
        serde_json::from_slice::<WireTicket>(body)
            .ok()
            .map(Record::Ticket)
    } else {
        None
    }
}

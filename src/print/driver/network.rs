//! Network printers (raw TCP, port 9100). Every step has a timeout: the
//! escpos crate's own network driver has none and hangs on a silent host.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{DriverError, PrinterDriver, PrinterStatus, query_status};

pub struct NetworkDriver {
    host: String,
    port: u16,
    connect_timeout: Duration,
    io_timeout: Duration,
    query_status: bool,
    stream: Option<TcpStream>,
}

impl NetworkDriver {
    /// `host` is a name or an address literal.
    pub fn new(
        host: &str,
        port: u16,
        connect_timeout: Duration,
        io_timeout: Duration,
    ) -> NetworkDriver {
        NetworkDriver {
            host: host.into(),
            port,
            connect_timeout,
            io_timeout,
            query_status: true,
            stream: None,
        }
    }

    /// For print servers that never answer `DLE EOT`.
    pub fn without_status(mut self) -> NetworkDriver {
        self.query_status = false;
        self
    }

    fn stream(&mut self) -> Result<&mut TcpStream, DriverError> {
        if self.stream.is_none() {
            self.stream = Some(self.connect()?);
        }
        Ok(self.stream.as_mut().expect("just connected"))
    }

    fn connect(&self) -> Result<TcpStream, DriverError> {
        let target = format!("{}:{}", self.host, self.port);
        let addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| DriverError::Connect(format!("{target}: {e}")))?;
        let mut last = format!("{target}: adresse introuvable");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, self.connect_timeout) {
                Ok(s) => {
                    let setup = s
                        .set_write_timeout(Some(self.io_timeout))
                        .and_then(|_| s.set_read_timeout(Some(self.io_timeout)))
                        .and_then(|_| s.set_nodelay(true));
                    setup.map_err(|e| DriverError::Connect(e.to_string()))?;
                    return Ok(s);
                }
                Err(e) => last = format!("{target}: {e}"),
            }
        }
        Err(DriverError::Connect(last))
    }

    /// Any failure leaves the connection in an unknown state: drop it.
    fn guard<T>(&mut self, r: Result<T, DriverError>) -> Result<T, DriverError> {
        if r.is_err() {
            self.stream = None;
        }
        r
    }
}

impl PrinterDriver for NetworkDriver {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        let r = self.stream().and_then(|s| {
            s.write_all(bytes).map_err(DriverError::from_io)?;
            s.flush().map_err(DriverError::from_io)
        });
        self.guard(r)
    }

    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        if !self.query_status {
            return Ok(PrinterStatus::Unknown);
        }
        let r = self.stream().and_then(query_status);
        self.guard(r)
    }

    fn finish(&mut self) {
        self.stream = None;
    }
}

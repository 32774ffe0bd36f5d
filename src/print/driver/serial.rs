//! Serial printers through `serialport` (our own handle, so flow control and
//! timeouts are ours; escpos's serial feature would drag libudev in).

use std::io::Write;
use std::time::Duration;

use serialport::SerialPort;

use super::{DriverError, FlowControl, PrinterDriver, PrinterStatus, query_status};

pub struct SerialDriver {
    path: String,
    baud: u32,
    flow: FlowControl,
    timeout: Duration,
    query_status: bool,
    port: Option<Box<dyn SerialPort>>,
}

impl SerialDriver {
    pub fn new(path: &str, baud: u32, flow: FlowControl, timeout: Duration) -> SerialDriver {
        SerialDriver {
            path: path.into(),
            baud,
            flow,
            timeout,
            query_status: true,
            port: None,
        }
    }

    /// For printers whose TX line is not wired (no status answers).
    pub fn without_status(mut self) -> SerialDriver {
        self.query_status = false;
        self
    }

    fn port(&mut self) -> Result<&mut Box<dyn SerialPort>, DriverError> {
        if self.port.is_none() {
            let flow = match self.flow {
                FlowControl::None => serialport::FlowControl::None,
                FlowControl::Software => serialport::FlowControl::Software,
                FlowControl::Hardware => serialport::FlowControl::Hardware,
            };
            let port = serialport::new(&self.path, self.baud)
                .data_bits(serialport::DataBits::Eight)
                .parity(serialport::Parity::None)
                .stop_bits(serialport::StopBits::One)
                .flow_control(flow)
                .timeout(self.timeout)
                .open()
                .map_err(|e| DriverError::Connect(format!("{}: {e}", self.path)))?;
            self.port = Some(port);
        }
        Ok(self.port.as_mut().expect("just opened"))
    }

    fn guard<T>(&mut self, r: Result<T, DriverError>) -> Result<T, DriverError> {
        if r.is_err() {
            self.port = None;
        }
        r
    }
}

impl PrinterDriver for SerialDriver {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        let r = self.port().and_then(|p| {
            p.write_all(bytes).map_err(DriverError::from_io)?;
            p.flush().map_err(DriverError::from_io)
        });
        self.guard(r)
    }

    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        if !self.query_status {
            return Ok(PrinterStatus::Unknown);
        }
        let r = self.port().and_then(|p| {
            // Stale bytes would be read as the answer.
            let _ = p.clear(serialport::ClearBuffer::Input);
            query_status(p.as_mut())
        });
        self.guard(r)
    }
}

//! The `[printer]` section of `souk.toml`.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{FileDriver, NetworkDriver, PrinterDriver, SerialDriver, UsbDriver};
use crate::print::{PrintError, Profile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriverKind {
    #[default]
    File,
    Serial,
    Usb,
    Network,
}

impl DriverKind {
    /// French name for messages.
    pub fn label(self) -> &'static str {
        match self {
            DriverKind::File => "fichier",
            DriverKind::Serial => "série",
            DriverKind::Usb => "USB",
            DriverKind::Network => "réseau",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    #[default]
    None,
    Software,
    Hardware,
}

/// ```toml
/// [printer]
/// driver = "serial"        # file | serial | usb | network
/// path = "/dev/ttyUSB0"    # serial port or USB device file
/// baud = 9600
/// flow_control = "none"    # none | software | hardware
/// host = "192.168.1.50"    # network: name or address
/// port = 9100
/// dir = "prints"           # file printer output
/// profile = "generic-80"
/// drawer = true
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrinterConfig {
    pub driver: DriverKind,
    pub path: Option<PathBuf>,
    pub baud: u32,
    pub flow_control: FlowControl,
    pub host: Option<String>,
    pub port: u16,
    pub dir: PathBuf,
    pub profile: String,
    /// Extra profiles (`<name>.toml`), e.g. `config/printers`.
    pub profiles_dir: Option<PathBuf>,
    pub drawer: bool,
    /// Ask the printer its state (`DLE EOT`); off for one-way links.
    pub query_status: bool,
    pub connect_timeout_ms: u64,
    pub timeout_ms: u64,
}

impl Default for PrinterConfig {
    fn default() -> Self {
        PrinterConfig {
            driver: DriverKind::File,
            path: None,
            baud: 9600,
            flow_control: FlowControl::None,
            host: None,
            port: 9100,
            dir: PathBuf::from("prints"),
            profile: "generic-80".into(),
            profiles_dir: None,
            drawer: false,
            query_status: true,
            connect_timeout_ms: 3000,
            timeout_ms: 5000,
        }
    }
}

impl PrinterConfig {
    /// The configured profile, with the drawer off unless `drawer = true`.
    pub fn load_profile(&self) -> Result<Profile, PrintError> {
        let p = Profile::load(&self.profile, self.profiles_dir.as_deref())?;
        Ok(if self.drawer { p } else { p.without_drawer() })
    }

    fn device(&self) -> Result<String, PrintError> {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .ok_or_else(|| {
                PrintError::Config(format!("driver {:?} : `path` manquant", self.driver))
            })
    }
}

/// Builds the configured driver. Devices are opened on first use, so a
/// printer that is off now does not stop the till from starting.
pub fn open_driver(cfg: &PrinterConfig) -> Result<Box<dyn PrinterDriver>, PrintError> {
    let timeout = Duration::from_millis(cfg.timeout_ms);
    Ok(match cfg.driver {
        DriverKind::File => Box::new(FileDriver::new(&cfg.dir)),
        DriverKind::Usb => Box::new(UsbDriver::new(cfg.device()?, timeout)),
        DriverKind::Serial => {
            let d = SerialDriver::new(&cfg.device()?, cfg.baud, cfg.flow_control, timeout);
            Box::new(if cfg.query_status {
                d
            } else {
                d.without_status()
            })
        }
        DriverKind::Network => {
            let host = cfg
                .host
                .as_deref()
                .ok_or_else(|| PrintError::Config("`host` manquant".into()))?;
            let d = NetworkDriver::new(
                host,
                cfg.port,
                Duration::from_millis(cfg.connect_timeout_ms),
                timeout,
            );
            Box::new(if cfg.query_status {
                d
            } else {
                d.without_status()
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_printer_section() {
        let cfg: PrinterConfig = toml::from_str(
            "driver = \"network\"\nhost = \"imprimante.local\"\nprofile = \"epson-tm-t20\"\ndrawer = true",
        )
        .unwrap();
        assert_eq!(cfg.driver, DriverKind::Network);
        assert_eq!(cfg.port, 9100);
        assert!(cfg.load_profile().unwrap().drawer.is_some());
        assert!(
            PrinterConfig::default()
                .load_profile()
                .unwrap()
                .drawer
                .is_none()
        );
        let bad = PrinterConfig {
            driver: DriverKind::Serial,
            ..Default::default()
        };
        assert!(open_driver(&bad).is_err());
    }
}

//! The market's reference data: phases, tills, exhibitors, products, people.
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    pub uuid: String,
    pub name: String,
    pub organiser: String,
    pub city: String,
    pub currency: String,
    pub timezone: String,
    /// Cash rounding step (0.10, 0.50, 1.00); `None` = no rounding.
    pub cash_rounding: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub number: u32,
    pub name: String,
    pub starts: jiff::civil::Date,
    pub ends: jiff::civil::Date,
    pub closed: bool,
}

impl Phase {
    pub fn contains(&self, date: jiff::civil::Date) -> bool {
        self.starts <= date && date <= self.ends
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collector {
    Organiser,
    Exhibitor,
}

impl Collector {
    pub fn as_str(self) -> &'static str {
        match self {
            Collector::Organiser => "organiser",
            Collector::Exhibitor => "exhibitor",
        }
    }
}

impl FromStr for Collector {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "organiser" => Ok(Collector::Organiser),
            "exhibitor" => Ok(Collector::Exhibitor),
            other => Err(format!(
                "« {other} » : collecteur attendu « organiser » ou « exhibitor »"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Till {
    pub id: String,
    pub name: String,
    pub collector: Collector,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhibitor {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub ice: Option<String>,
    pub phone: Option<String>,
    pub commission_rate: Decimal,
    pub stall_fee: Decimal,
    pub phases: Vec<u32>,
    pub province: Option<String>,
    pub sector: Option<String>,
    pub women_led: Option<bool>,
}

impl Exhibitor {
    /// An exhibitor known only by its code, with no rate nor fee: its settlement is just its sums as amounts
    /// (a code that sold but is missing from the catalogue, a total over all exhibitors).
    pub fn bare(code: &str) -> Exhibitor {
        Exhibitor {
            code: code.into(),
            name: code.into(),
            kind: String::new(),
            ice: None,
            phone: None,
            commission_rate: Decimal::ZERO,
            stall_fee: Decimal::ZERO,
            phases: vec![],
            province: None,
            sector: None,
            women_led: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Piece,
    Kg,
    Litre,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Piece => "piece",
            Unit::Kg => "kg",
            Unit::Litre => "l",
        }
    }
    /// Weighed or measured goods take decimal quantities; pieces do not.
    pub fn allows_fraction(self) -> bool {
        !matches!(self, Unit::Piece)
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "piece" => Ok(Unit::Piece),
            "kg" => Ok(Unit::Kg),
            "l" => Ok(Unit::Litre),
            other => Err(format!("« {other} » : unité attendue piece, kg ou l")),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub code: String,
    pub exhibitor_code: String,
    pub barcode: Option<String>,
    pub name_fr: String,
    pub name_ar: Option<String>,
    pub unit: Unit,
    pub price: Decimal,
    pub vat_rate: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Cashier,
    Supervisor,
    Organiser,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Supervisor => "supervisor",
            Role::Organiser => "organiser",
        }
    }
    /// Supervisors and organisers may approve what a cashier may not do alone.
    pub fn can_approve(self) -> bool {
        self >= Role::Supervisor
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "cashier" => Ok(Role::Cashier),
            "supervisor" => Ok(Role::Supervisor),
            "organiser" => Ok(Role::Organiser),
            other => Err(format!("rôle inconnu « {other} »")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub locked: bool,
}

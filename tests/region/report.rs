//! `souk region report`: a market's phase settlement read back from PostgreSQL is the organiser's CSV byte for
//! byte, and the region's figures are the sum of the markets' own settlements.
use crate::cluster::Cluster;
use crate::fixture::build;
use crate::support::common::ok;
use rust_decimal::Decimal;

const A: &str = "0190f1a2-0000-7000-8000-00000000aa01";
const B: &str = "0190f1a2-0000-7000-8000-00000000bb02";

fn net_total(settlement_csv: &str) -> Decimal {
    let mut lines = settlement_csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "net").unwrap();
    lines
        .map(|l| l.split(',').nth(col).unwrap().parse::<Decimal>().unwrap())
        .sum()
}

#[test]
fn region_report_equals_the_markets_own_settlements() {
    let Some(pg) = Cluster::start("region_report_equals_the_markets_own_settlements") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let a = build(dir.path(), A, "ifrane", 6, 0);
    let b = build(dir.path(), B, "azrou", 4, 3);
    let url = pg.url("report");
    // Market A through its organiser, market B through its tills then its organiser.
    ok(&a.organiser, &["push", "--to", &url]);
    for t in &b.tills {
        ok(t, &["push", "--to", &url]);
    }
    ok(&b.organiser, &["push", "--to", &url]);
    let mut expected = Decimal::ZERO;
    for (m, uuid) in [(&a, A), (&b, B)] {
        let own = ok(
            &m.organiser,
            &["report", "settlement", "--phase", "1", "--format", "csv"],
        );
        let region = ok(
            &m.organiser,
            &[
                "region", "report", "--from", &url, "--market", uuid, "--phase", "1", "--format",
                "csv",
            ],
        );
        assert_eq!(
            region, own,
            "settlement of {uuid} read back from PostgreSQL"
        );
        expected += net_total(&own);
    }
    let csv = ok(
        &a.organiser,
        &["region", "report", "--from", &url, "--format", "csv"],
    );
    let phases: Vec<&str> = csv.lines().filter(|l| l.starts_with("phase,")).collect();
    assert_eq!(phases.len(), 2, "{csv}");
    let net: Decimal = phases
        .iter()
        .map(|l| l.split(',').nth(7).unwrap().parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(net, expected);
    assert!(expected > Decimal::ZERO);
    // Each cooperative of each market once (no ICE here: code and name within a market).
    let coops = csv
        .lines()
        .filter(|l| l.starts_with("cooperative,"))
        .count();
    assert_eq!(coops, 6, "{csv}");
    let text = ok(
        &a.organiser,
        &["region", "report", "--from", &url, "--year", "2025"],
    );
    assert!(
        text.contains("Par province") && text.contains("Total net"),
        "{text}"
    );
    let none = ok(
        &a.organiser,
        &[
            "region", "report", "--from", &url, "--year", "2031", "--format", "csv",
        ],
    );
    assert_eq!(none.lines().count(), 1, "{none}");
}

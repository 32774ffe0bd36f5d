//! Merge writes checked rows in batches of hundreds of tickets, table by table, with multi-row inserts: a
//! refusal found after batches were written, or raised by a batch itself in the middle of a statement, still
//! leaves the database as it was; a merged bundle holds exactly the exporter's rows; merging it again skips it.
use crate::support::sync::*;
use souk::sync::{Refusal, merge};

/// More than one batch (512 tickets), and a second batch that is not a whole number of statements.
const TICKETS: usize = 600;

#[test]
fn refusals_after_or_inside_written_batches_change_nothing() {
    let fx = OneTill::new(TICKETS);
    let (till, bundle) = (&fx.till, &fx.bundle);
    let organiser = |name: &str| fx.organiser(name);

    // The last ticket edited: found once the first batch is written.
    let late = fx.last_ticket_edited("late.bundle");
    let e = refused_bundle(&mut organiser("late.souk"), &late);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
    assert!(e.to_string().contains(&format!("T01-{TICKETS:06}")), "{e}");

    // A ticket of the second batch, inside a multi-row statement, already here under its number: the
    // statement fails, the ticket at fault is named.
    let mut squatted = organiser("squat.souk");
    squatted
        .conn()
        .execute(
            "INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier,
             total, journal_seq) VALUES ('SQUAT-1', 'T01', 'T01', 530, 'sale', '2025-08-06T09:00:00Z', 0,
             '2025-08-06', 1, 'x', 100, 999)",
            [],
        )
        .unwrap();
    let e = refused_bundle(&mut squatted, bundle);
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
    assert!(
        e.to_string()
            .contains("le ticket T01-000530 existe déjà avec un autre contenu"),
        "{e}"
    );

    // Untouched, the bundle brings exactly the till's rows; again, it is known and skipped.
    let mut org = organiser("org.souk");
    let m = merge(&mut org, std::slice::from_ref(bundle)).unwrap();
    assert_eq!(m.new_tickets(), TICKETS as u64);
    assert_eq!(sales_state(&org), sales_state(till));
    let again = merge(&mut org, std::slice::from_ref(bundle)).unwrap();
    assert_eq!((again.new_entries(), again.new_tickets()), (0, 0));
    assert_eq!(again.bundles[0].skipped_entries, m.new_entries());
}

//! PIN checks: an approval dialog gets the login's growing delay, per person, enforced by the database.
use souk::domain::JournalKind;
use souk::domain::Role;
use souk::storage::people::{PinCheck, SLOW_AFTER, add_person};
use souk::storage::{Clock, Db, LocalTime};

fn at(secs: i8) -> LocalTime {
    let day = jiff::civil::date(2025, 8, 7);
    Clock::market()
        .unwrap()
        .at_local(day.at(10, 0, secs, 0))
        .unwrap()
}

/// An approval dialog gets the login's growing delay, per person, enforced by the database itself.
#[test]
fn approvals_wait_like_logins_and_a_try_during_the_wait_is_not_checked() {
    let d = tempfile::tempdir().unwrap();
    let mut db = Db::create(&d.path().join("m.db")).unwrap();
    souk::storage::catalogue::insert_market(
        db.conn(),
        &souk::demo::market(),
        "2025-08-06T08:00:00Z",
    )
    .unwrap();
    add_person(db.conn(), "Khadija", Role::Supervisor, "482913").unwrap();
    for i in 1..SLOW_AFTER {
        let r = db
            .check_pin("T01", "Khadija", "000000", &at(0), JournalKind::Approval)
            .unwrap();
        assert_eq!(
            r,
            PinCheck::Wrong {
                failures: i,
                wait_secs: 0
            }
        );
    }
    let r = db
        .check_pin("T01", "Khadija", "000000", &at(0), JournalKind::Approval)
        .unwrap();
    assert_eq!(
        r,
        PinCheck::Wrong {
            failures: SLOW_AFTER,
            wait_secs: 2
        }
    );
    // The right PIN, too early: refused, not counted, not journalled.
    let r = db
        .check_pin("T01", "Khadija", "482913", &at(1), JournalKind::Approval)
        .unwrap();
    assert_eq!(
        r,
        PinCheck::Wrong {
            failures: SLOW_AFTER,
            wait_secs: 1
        }
    );
    let failed: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM journal WHERE kind = 'pin_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, i64::from(SLOW_AFTER));
    let r = db
        .check_pin("T01", "Khadija", "482913", &at(2), JournalKind::Approval)
        .unwrap();
    assert!(matches!(r, PinCheck::Ok(_)), "{r:?}");
}

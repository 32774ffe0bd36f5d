//! Rows written to the server, a table at a time: one `INSERT … SELECT FROM UNNEST` per table and batch,
//! `ON CONFLICT DO NOTHING` so that a batch sent twice changes nothing.
use crate::domain::money::{to_centimes, to_milli};
use crate::domain::{Exhibitor, Market, Till};
use crate::storage::journal::Entry;
use crate::storage::outbound::{ComplementRow, PhaseRow};
use crate::sync::StoredTicket;
use anyhow::Result;
use postgres::Transaction;
use rust_decimal::Decimal;

fn cents(d: Decimal) -> Result<i64> {
    Ok(to_centimes(d)?)
}

/// The market and its settings. The organiser's database is authoritative and updates them; a till's copy
/// only adds what the server lacks.
pub fn catalogue(
    tx: &mut Transaction,
    m: &Market,
    phases: &[PhaseRow],
    exhibitors: &[Exhibitor],
    tills: &[Till],
    authoritative: bool,
) -> Result<()> {
    let rounding = m.cash_rounding.map(cents).transpose()?;
    let on_market = if authoritative {
        "ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, organiser = excluded.organiser, city = excluded.city,
         currency = excluded.currency, timezone = excluded.timezone, cash_rounding = excluded.cash_rounding"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    tx.execute(
        &format!(
            "INSERT INTO markets (uuid, name, organiser, city, currency, timezone, cash_rounding)
             VALUES ($1, $2, $3, $4, $5, $6, $7) {on_market}"
        ),
        &[
            &m.uuid,
            &m.name,
            &m.organiser,
            &m.city,
            &m.currency,
            &m.timezone,
            &rounding,
        ],
    )?;
    let update = |cols: &str, key: &str| {
        if authoritative {
            let set: Vec<String> = cols
                .split(", ")
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            format!("ON CONFLICT ({key}) DO UPDATE SET {}", set.join(", "))
        } else {
            "ON CONFLICT DO NOTHING".into()
        }
    };
    let u = &m.uuid;
    let col = |f: fn(&PhaseRow) -> Option<String>| phases.iter().map(f).collect::<Vec<_>>();
    let numbers: Vec<i32> = phases.iter().map(|p| p.number as i32).collect();
    let names: Vec<String> = phases.iter().map(|p| p.name.clone()).collect();
    let starts: Vec<String> = phases.iter().map(|p| p.starts.clone()).collect();
    let ends: Vec<String> = phases.iter().map(|p| p.ends.clone()).collect();
    tx.execute(
        &format!(
            "INSERT INTO phases (market, number, name, starts, ends, closed_at, closed_by, settlement_hash,
               settlement_json, closed_witness)
             SELECT $1, * FROM UNNEST($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
               $8::text[], $9::text[], $10::text[]) {}",
            update(
                "name, starts, ends, closed_at, closed_by, settlement_hash, settlement_json, closed_witness",
                "market, number"
            )
        ),
        &[
            u,
            &numbers,
            &names,
            &starts,
            &ends,
            &col(|p| p.closed_at.clone()),
            &col(|p| p.closed_by.clone()),
            &col(|p| p.settlement_hash.clone()),
            &col(|p| p.settlement_json.clone()),
            &col(|p| p.closed_witness.clone()),
        ],
    )?;
    exhibitor_rows(
        tx,
        u,
        exhibitors,
        &update(
            "name, kind, ice, commission_rate, stall_fee, province, sector, women_led",
            "market, code",
        ),
    )?;
    if authoritative {
        tx.execute("DELETE FROM exhibitor_phases WHERE market = $1", &[u])?;
    }
    let (mut codes, mut ph) = (Vec::new(), Vec::new());
    for e in exhibitors {
        for p in &e.phases {
            codes.push(e.code.clone());
            ph.push(*p as i32);
        }
    }
    tx.execute(
        "INSERT INTO exhibitor_phases (market, exhibitor_code, phase)
         SELECT $1, * FROM UNNEST($2::text[], $3::int4[]) ON CONFLICT DO NOTHING",
        &[u, &codes, &ph],
    )?;
    let ids: Vec<String> = tills.iter().map(|t| t.id.clone()).collect();
    let tnames: Vec<String> = tills.iter().map(|t| t.name.clone()).collect();
    let coll: Vec<String> = tills
        .iter()
        .map(|t| t.collector.as_str().to_string())
        .collect();
    tx.execute(
        &format!(
            "INSERT INTO tills (market, id, name, collector) SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[]) {}",
            update("name, collector", "market, id")
        ),
        &[u, &ids, &tnames, &coll],
    )?;
    Ok(())
}

fn exhibitor_rows(
    tx: &mut Transaction,
    u: &String,
    ex: &[Exhibitor],
    on_conflict: &str,
) -> Result<()> {
    let codes: Vec<String> = ex.iter().map(|e| e.code.clone()).collect();
    let names: Vec<String> = ex.iter().map(|e| e.name.clone()).collect();
    let kinds: Vec<String> = ex.iter().map(|e| e.kind.clone()).collect();
    let ices: Vec<Option<String>> = ex.iter().map(|e| e.ice.clone()).collect();
    let rates: Vec<String> = ex.iter().map(|e| e.commission_rate.to_string()).collect();
    let fees = ex
        .iter()
        .map(|e| cents(e.stall_fee))
        .collect::<Result<Vec<i64>>>()?;
    let provinces: Vec<Option<String>> = ex.iter().map(|e| e.province.clone()).collect();
    let sectors: Vec<Option<String>> = ex.iter().map(|e| e.sector.clone()).collect();
    let women: Vec<Option<bool>> = ex.iter().map(|e| e.women_led).collect();
    tx.execute(
        &format!(
            "INSERT INTO exhibitors (market, code, name, kind, ice, commission_rate, stall_fee, province, sector, women_led)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[],
               $8::text[], $9::text[], $10::bool[]) {on_conflict}"
        ),
        &[u, &codes, &names, &kinds, &ices, &rates, &fees, &provinces, &sectors, &women],
    )?;
    Ok(())
}

/// Closed complements (final once closed: a second push changes nothing).
pub fn complements(
    client: &mut postgres::Client,
    market: &str,
    cs: &[ComplementRow],
) -> Result<()> {
    let phases: Vec<i32> = cs.iter().map(|c| c.phase as i32).collect();
    let numbers: Vec<i32> = cs.iter().map(|c| c.number as i32).collect();
    let s = |f: fn(&ComplementRow) -> &String| cs.iter().map(f).cloned().collect::<Vec<String>>();
    client.execute(
        "INSERT INTO complements (market, phase, number, closed_at, closed_by, settlement_hash, settlement_json)
         SELECT $1, * FROM UNNEST($2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[])
         ON CONFLICT DO NOTHING",
        &[
            &market,
            &phases,
            &numbers,
            &s(|c| &c.closed_at),
            &s(|c| &c.closed_by),
            &s(|c| &c.settlement_hash),
            &s(|c| &c.settlement_json),
        ],
    )?;
    Ok(())
}

/// A batch of one chain's entries; returns how many of them the server now holds with the same hash (all of
/// them, unless the server's copy of the chain diverges).
pub fn entries(tx: &mut Transaction, market: &str, chain: &str, es: &[Entry]) -> Result<i64> {
    let seqs: Vec<i64> = es.iter().map(|e| e.seq as i64).collect();
    let s = |f: fn(&Entry) -> &String| es.iter().map(f).cloned().collect::<Vec<String>>();
    let offsets: Vec<i32> = es.iter().map(|e| e.utc_offset).collect();
    let amounts: Vec<i64> = es.iter().map(|e| e.amount).collect();
    let totals: Vec<i64> = es.iter().map(|e| e.grand_total).collect();
    let hashes = s(|e| &e.hash);
    let kinds: Vec<&str> = es.iter().map(|e| e.kind.as_str()).collect();
    tx.execute(
        "INSERT INTO journal (market, chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, amount,
           grand_total, prev_hash, hash, signature)
         SELECT $1, $2, * FROM UNNEST($3::int8[], $4::text[], $5::int4[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::int8[], $12::int8[], $13::text[], $14::text[], $15::text[])
         ON CONFLICT DO NOTHING",
        &[
            &market,
            &chain,
            &seqs,
            &s(|e| &e.at_utc),
            &offsets,
            &kinds,
            &s(|e| &e.actor),
            &s(|e| &e.approver),
            &s(|e| &e.subject),
            &s(|e| &e.detail),
            &amounts,
            &totals,
            &s(|e| &e.prev_hash),
            &hashes,
            &s(|e| &e.signature),
        ],
    )?;
    let same = tx.query_one(
        "SELECT COUNT(*) FROM journal j JOIN UNNEST($3::int8[], $4::text[]) AS u(seq, hash)
           ON j.seq = u.seq AND j.hash = u.hash
         WHERE j.market = $1 AND j.chain = $2",
        &[&market, &chain, &seqs, &hashes],
    )?;
    Ok(same.get(0))
}

/// Tickets with their local date and their till's collector (the columns a settlement groups shares by).
pub fn tickets(
    tx: &mut Transaction,
    market: &str,
    ts: &[(StoredTicket, String, String)],
) -> Result<()> {
    let h = |f: fn(&StoredTicket) -> String| ts.iter().map(|t| f(&t.0)).collect::<Vec<String>>();
    let o = |f: fn(&StoredTicket) -> Option<String>| ts.iter().map(|t| f(&t.0)).collect::<Vec<_>>();
    let numbers: Vec<i64> = ts.iter().map(|t| t.0.head.number as i64).collect();
    let offsets: Vec<i32> = ts.iter().map(|t| t.0.head.utc_offset).collect();
    let dates: Vec<String> = ts.iter().map(|t| t.1.clone()).collect();
    let phases: Vec<i32> = ts.iter().map(|t| t.0.head.phase as i32).collect();
    let manual: Vec<bool> = ts.iter().map(|t| t.0.head.manual).collect();
    let totals = ts
        .iter()
        .map(|t| cents(t.0.head.total))
        .collect::<Result<Vec<_>>>()?;
    let rounding = ts
        .iter()
        .map(|t| cents(t.0.head.rounding))
        .collect::<Result<Vec<_>>>()?;
    let seqs: Vec<i64> = ts.iter().map(|t| t.0.journal_seq as i64).collect();
    tx.execute(
        "INSERT INTO tickets (market, id, chain, till, number, kind, refund_of, at_utc, utc_offset, local_date, phase,
           cashier, shift, manual, ticket_ref, total, rounding, journal_seq)
         SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[],
           $9::int4[], $10::text[], $11::int4[], $12::text[], $13::text[], $14::bool[], $15::text[], $16::int8[],
           $17::int8[], $18::int8[])
         ON CONFLICT DO NOTHING",
        &[
            &market,
            &h(|t| t.head.id.clone()),
            &h(|t| t.head.chain.clone()),
            &h(|t| t.head.till.clone()),
            &numbers,
            &h(|t| t.head.kind.as_str().to_string()),
            &o(|t| t.head.refund_of.clone()),
            &h(|t| t.head.at_utc.clone()),
            &offsets,
            &dates,
            &phases,
            &h(|t| t.head.cashier.clone()),
            &o(|t| t.head.shift.clone()),
            &manual,
            &o(|t| t.head.ticket_ref.clone()),
            &totals,
            &rounding,
            &seqs,
        ],
    )?;
    lines(tx, market, ts)?;
    payments(tx, market, ts)?;
    shares(tx, market, ts)
}

fn lines(tx: &mut Transaction, market: &str, ts: &[(StoredTicket, String, String)]) -> Result<()> {
    let (mut id, mut no, mut product, mut ex, mut fr, mut ar, mut unit) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut qty, mut price, mut disc, mut vat, mut total, mut of) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (t, _, _) in ts {
        for l in &t.lines {
            id.push(t.head.id.clone());
            no.push(l.line_no as i32);
            product.push(l.product_code.clone());
            ex.push(l.exhibitor_code.clone());
            fr.push(l.name_fr.clone());
            ar.push(l.name_ar.clone());
            unit.push(l.unit.as_str().to_string());
            qty.push(to_milli(l.quantity)?);
            price.push(cents(l.unit_price)?);
            disc.push(cents(l.discount)?);
            vat.push(l.vat_rate.to_string());
            total.push(cents(l.total)?);
            of.push(l.refund_of_line.map(|n| n as i32));
        }
    }
    tx.execute(
        "INSERT INTO ticket_lines (market, ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, unit,
           quantity, unit_price, discount, vat_rate, total, refund_of_line)
         SELECT $1, * FROM UNNEST($2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::int8[], $10::int8[], $11::int8[], $12::text[], $13::int8[], $14::int4[])
         ON CONFLICT DO NOTHING",
        &[&market, &id, &no, &product, &ex, &fr, &ar, &unit, &qty, &price, &disc, &vat, &total, &of],
    )?;
    Ok(())
}

fn payments(
    tx: &mut Transaction,
    market: &str,
    ts: &[(StoredTicket, String, String)],
) -> Result<()> {
    let (mut id, mut pos, mut method, mut amount, mut tendered, mut change, mut reference) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (t, _, _) in ts {
        for (i, p) in t.payments.iter().enumerate() {
            id.push(t.head.id.clone());
            pos.push(i as i32);
            method.push(p.method.as_str().to_string());
            amount.push(cents(p.amount)?);
            tendered.push(p.tendered.map(cents).transpose()?);
            change.push(cents(p.change)?);
            reference.push(p.reference.clone());
        }
    }
    tx.execute(
        "INSERT INTO payments (market, ticket_id, pos, method, amount, tendered, change, reference)
         SELECT $1, * FROM UNNEST($2::text[], $3::int4[], $4::text[], $5::int8[], $6::int8[], $7::int8[], $8::text[])
         ON CONFLICT DO NOTHING",
        &[&market, &id, &pos, &method, &amount, &tendered, &change, &reference],
    )?;
    Ok(())
}

fn shares(tx: &mut Transaction, market: &str, ts: &[(StoredTicket, String, String)]) -> Result<()> {
    let (mut id, mut code, mut phase, mut date, mut till, mut coll, mut refund) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut m: [Vec<i64>; 5] = Default::default();
    for (t, local_date, collector) in ts {
        for s in &t.shares {
            id.push(t.head.id.clone());
            code.push(s.exhibitor_code.clone());
            phase.push(t.head.phase as i32);
            date.push(local_date.clone());
            till.push(t.head.till.clone());
            coll.push(collector.clone());
            refund.push(t.head.kind.is_refund());
            let b = s.by_method;
            for (v, x) in m.iter_mut().zip([s.net, b.cash, b.card, b.mobile, b.other]) {
                v.push(x);
            }
        }
    }
    tx.execute(
        "INSERT INTO shares (market, ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net,
           cash, card, mobile, other)
         SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::int4[], $5::text[], $6::text[], $7::text[],
           $8::bool[], $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int8[])
         ON CONFLICT DO NOTHING",
        &[&market, &id, &code, &phase, &date, &till, &coll, &refund, &m[0], &m[1], &m[2], &m[3], &m[4]],
    )?;
    Ok(())
}

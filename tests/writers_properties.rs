//! Several writers on one store (tabs of one browser, over the in-memory backend): random
//! interleavings of commands applied, saved and caught up in any order. After every run every
//! saved change is in the store (none lost), each field holds the value of its last saved edit,
//! and every writer's copy equals what a fresh reader sees.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use pocket_crm::domain::{
    CommKind, Command, Communication, Customer, CustomerKind, DealsOfDeleted, DeviceId, EntryId, Timestamp, UtcOffset,
};
use pocket_crm::store::migrate::Bundled;
use pocket_crm::store::writer;
use pocket_crm::store::{MemoryBackend, Outcome, Replica, Ticket};
use pollster::block_on;
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Clone, Debug)]
enum Step {
    /// Writer w creates a customer.
    Create(usize),
    /// Writer w renames one of the customers it sees.
    Rename(usize, usize, u8),
    /// Writer w sets the city of one.
    City(usize, usize, u8),
    Delete(usize, usize),
    FollowUp(usize, usize),
    /// An import of a few customers.
    Import(usize, u8),
    Flush(usize),
    CatchUp(usize),
}

fn step() -> impl Strategy<Value = Step> {
    let w = 0..3usize;
    prop_oneof![
        w.clone().prop_map(Step::Create),
        (w.clone(), 0..50usize, 0..4u8).prop_map(|(w, c, v)| Step::Rename(w, c, v)),
        (w.clone(), 0..50usize, 0..4u8).prop_map(|(w, c, v)| Step::City(w, c, v)),
        (w.clone(), 0..50usize).prop_map(|(w, c)| Step::Delete(w, c)),
        (w.clone(), 0..50usize).prop_map(|(w, c)| Step::FollowUp(w, c)),
        (w.clone(), 1..6u8).prop_map(|(w, n)| Step::Import(w, n)),
        w.clone().prop_map(Step::Flush),
        w.clone().prop_map(Step::Flush),
        w.prop_map(Step::CatchUp),
    ]
}

/// What a command meant to do, checked against the store once it is saved.
#[derive(Clone, Debug)]
enum Meant {
    Exists(Uuid),
    Field { customer: Uuid, field: &'static str, value: String },
    FollowUp { customer: Uuid, entry: EntryId },
    Other,
}

struct Writer {
    replica: std::cell::RefCell<Replica>,
    waiting: Vec<(Ticket, Meant)>,
    clock: i64,
}

fn customer(id: Uuid, name: String) -> Customer {
    let mut c = Customer::blank(CustomerKind::Organisation);
    c.meta.id = id;
    c.name = name;
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_saved_change_is_lost_and_every_writer_agrees(steps in proptest::collection::vec(step(), 1..80)) {
        let backend = MemoryBackend::new();
        let mut writers: Vec<Writer> = (0..3)
            .map(|_| Writer { replica: block_on(writer::open(&backend, DeviceId(7), || async {}, &Bundled)).unwrap().into(), waiting: vec![], clock: 0 })
            .collect();
        let mut next = 1u128;
        // (save order, what it meant): the later save of a field is the one that must hold.
        let mut saved: Vec<(usize, Meant)> = Vec::new();
        let mut order = 0usize;
        let settle = |w: &mut Writer, saved: &mut Vec<(usize, Meant)>, order: &mut usize| {
            let waiting = std::mem::take(&mut w.waiting);
            for (ticket, meant) in waiting {
                match w.replica.borrow_mut().take_outcome(ticket) {
                    Some(Outcome::Saved(_)) => saved.push((*order, meant)),
                    Some(Outcome::Refused(_)) => {}
                    Some(Outcome::Failed(e)) => panic!("the memory store does not fail: {e:?}"),
                    None => w.waiting.push((ticket, meant)),
                }
            }
            *order += 1;
        };
        for step in steps {
            let (i, command, meant) = match step {
                Step::Flush(i) => {
                    let flushed = block_on(writer::flush(&backend, &writers[i].replica, || async {}));
                    prop_assert!(flushed.error.is_none());
                    settle(&mut writers[i], &mut saved, &mut order);
                    continue;
                }
                Step::CatchUp(i) => {
                    let caught = block_on(writer::catch_up(&backend, &writers[i].replica, || async {}));
                    prop_assert!(caught.error.is_none());
                    continue;
                }
                Step::Create(i) => {
                    let id = Uuid::from_u128(next);
                    next += 1;
                    (i, Command::CreateCustomer(customer(id, format!("客户{id}"))), Meant::Exists(id))
                }
                Step::Import(i, n) => {
                    let batch: Vec<Customer> = (0..n).map(|_| { next += 1; customer(Uuid::from_u128(next), format!("导入{next}")) }).collect();
                    (i, Command::ImportCustomers { create: batch, fill: vec![] }, Meant::Other)
                }
                Step::Rename(i, c, _) | Step::City(i, c, _) | Step::Delete(i, c) | Step::FollowUp(i, c) => {
                    let live: Vec<Customer> = writers[i].replica.borrow().archive().customers.live().cloned().collect();
                    if live.is_empty() {
                        continue;
                    }
                    let before = live[c % live.len()].clone();
                    let id = before.meta.id;
                    let mut after = before.clone();
                    match step {
                        Step::Rename(_, _, v) => {
                            after.name = format!("名{i}-{v}");
                            // A form that leaves a field as it found it does not change it.
                            let meant = if after.name == before.name { Meant::Other } else { Meant::Field { customer: id, field: "name", value: after.name.clone() } };
                            (i, Command::EditCustomer { before: Box::new(before), after: Box::new(after) }, meant)
                        }
                        Step::City(_, _, v) => {
                            after.city = format!("城{i}-{v}");
                            let meant = if after.city == before.city { Meant::Other } else { Meant::Field { customer: id, field: "city", value: after.city.clone() } };
                            (i, Command::EditCustomer { before: Box::new(before), after: Box::new(after) }, meant)
                        }
                        Step::Delete(..) => (i, Command::DeleteCustomer { id, deals: DealsOfDeleted::Delete }, Meant::Other),
                        _ => {
                            let w = &mut writers[i];
                            w.clock += 1;
                            let entry = EntryId::new(w.replica.borrow_mut().stamp(Timestamp(1_790_000_000_000 + w.clock)), 0);
                            let communication = Communication { id: entry, date: chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(), kind: CommKind::Call, summary: "电话".into(), by: String::new() };
                            (i, Command::AddCommunication { customer: id, communication }, Meant::FollowUp { customer: id, entry })
                        }
                    }
                }
            };
            let w = &mut writers[i];
            w.clock += 1;
            if let Ok((ticket, _)) = w.replica.borrow_mut().apply(command, &format!("tab{i}"), Timestamp(1_790_000_000_000 + w.clock), UtcOffset::CHINA, vec![], false) {
                w.waiting.push((ticket, meant));
            }
        }
        for w in writers.iter_mut() {
            block_on(writer::flush(&backend, &w.replica, || async {}));
            settle(w, &mut saved, &mut order);
        }
        for w in writers.iter_mut() {
            block_on(writer::catch_up(&backend, &w.replica, || async {}));
        }
        let fresh = block_on(writer::open(&backend, DeviceId(8), || async {}, &Bundled)).unwrap();
        let store = fresh.archive();
        // Nothing saved is lost.
        let mut last_field: HashMap<(Uuid, &str), (usize, String)> = HashMap::new();
        let mut lost = 0;
        for (at, meant) in &saved {
            match meant {
                Meant::Exists(id) => lost += usize::from(store.customers.get(*id).is_none()),
                Meant::FollowUp { customer, entry } => {
                    lost += usize::from(store.customers.get(*customer).is_none_or(|c| c.communications.find(*entry).is_none()))
                }
                Meant::Field { customer, field, value } => {
                    let slot = last_field.entry((*customer, *field)).or_insert((*at, value.clone()));
                    if *at >= slot.0 {
                        *slot = (*at, value.clone());
                    }
                }
                Meant::Other => {}
            }
        }
        for ((id, field), (_, value)) in &last_field {
            let c = store.customers.get(*id).unwrap();
            let got = if *field == "name" { &c.name } else { &c.city };
            lost += usize::from(got != value);
        }
        prop_assert_eq!(lost, 0);
        // Every writer's copy is the store.
        let mut expected: Vec<Customer> = store.customers.rows().to_vec();
        expected.sort_by_key(|c| c.meta.id);
        for w in &writers {
            let mut mine: Vec<Customer> = w.replica.borrow().archive().customers.rows().to_vec();
            mine.sort_by_key(|c| c.meta.id);
            prop_assert_eq!(&mine, &expected);
        }
    }
}

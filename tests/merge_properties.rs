//! Merging records between devices: over random histories of three devices that edit one
//! customer and one deal (fields, follow-ups, orders, contacts, hand-overs, stage moves,
//! activities, deletion), and now and then take in each other's versions, the merge is
//! commutative, associative and idempotent, every entry added anywhere (and not removed) is in
//! the result, and every field holds the value of its latest change.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use pocket_crm::domain::pipeline::{Activity, Deal, Pipeline};
use pocket_crm::domain::record::join;
use pocket_crm::domain::{
    ActivityKind, Actor, AnyRecord, Archive, Clock, CommKind, Command, Communication, Contact, Customer, CustomerKind,
    DealsOfDeleted, DeviceId, EntryId, Money, Records, Rep, Stamp, Tier, Timestamp, Today, Transaction, UtcOffset,
};
use proptest::prelude::*;
use uuid::Uuid;

const CUSTOMER: Uuid = Uuid::from_u128(1);
const DEAL: Uuid = Uuid::from_u128(2);
const T0: i64 = 1_790_000_000_000;
const REPS: [&str; 2] = ["王伟", "李娜"];

#[derive(Clone, Debug)]
enum Op {
    Name(u8),
    City(u8),
    Tier(u8),
    FollowUp,
    RemoveFollowUp(u8),
    Activity,
    Move(u8),
    Order,
    Contact,
    /// Hands the customer and the deal over to one of the reps (or nobody).
    Owner(u8),
    /// Deletes the customer (with its deal); later edits on that device stop.
    Delete,
    /// Takes in another device's current versions.
    Receive(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4u8).prop_map(Op::Name),
        4 => (0..4u8).prop_map(Op::City),
        4 => (0..4u8).prop_map(Op::Tier),
        4 => Just(Op::FollowUp),
        4 => (0..8u8).prop_map(Op::RemoveFollowUp),
        4 => Just(Op::Activity),
        4 => (0..6u8).prop_map(Op::Move),
        4 => Just(Op::Order),
        4 => Just(Op::Contact),
        4 => (0..3u8).prop_map(Op::Owner),
        1 => Just(Op::Delete),
        4 => (0..3u8).prop_map(Op::Receive),
    ]
}

struct Device {
    archive: Archive,
    clock: Clock,
}

fn start() -> Records {
    let mut customer = Customer::blank(CustomerKind::Organisation);
    customer.meta.id = CUSTOMER;
    customer.name = "恒达".into();
    let pipeline = Pipeline::defaults(true, Timestamp(T0), "t");
    let mut deal = Deal::blank(CUSTOMER, pipeline.stages[0].id);
    deal.meta.id = DEAL;
    deal.title = "订单".into();
    let mut archive = Archive::default();
    let actor = Actor::at("setup", Timestamp(T0));
    archive
        .apply(Command::ReplaceAll(Box::new(Records { pipelines: vec![pipeline], ..Records::default() })), &actor)
        .unwrap();
    archive.apply(Command::CreateCustomer(customer), &actor).unwrap();
    for (n, name) in REPS.iter().enumerate() {
        let rep = Rep {
            meta: pocket_crm::domain::Meta::new(Uuid::from_u128(100 + n as u128), Timestamp(T0), "t"),
            name: (*name).into(),
            team: None,
            email: String::new(),
            phone: String::new(),
            active: true,
        };
        archive.apply(Command::SaveRep(rep), &actor).unwrap();
    }
    archive.apply(Command::CreateDeal(deal), &actor).unwrap();
    archive.to_records()
}

/// What every device did: the (stamp, value) of each field change, and the entries added and
/// removed.
#[derive(Default)]
struct Truth {
    names: Vec<(Stamp, String)>,
    added: BTreeSet<EntryId>,
    removed: BTreeSet<EntryId>,
    activities: BTreeSet<EntryId>,
    orders: BTreeSet<EntryId>,
    contacts: BTreeSet<String>,
    deleted: bool,
}

fn customer_of(d: &Device) -> Customer {
    d.archive.customers.get(CUSTOMER).unwrap().clone()
}

fn deal_of(d: &Device) -> Deal {
    d.archive.deals.get(DEAL).unwrap().clone()
}

fn receive(into: &mut Device, customer: &Customer, deal: &Deal) {
    let merged = join(&customer_of(into), customer);
    let merged_deal = join(&deal_of(into), deal);
    into.clock.observe(customer.meta.rev);
    into.clock.observe(deal.meta.rev);
    into.archive.put_received(AnyRecord::Customer(merged));
    into.archive.put_received(AnyRecord::Deal(merged_deal));
}

fn run(histories: &[Vec<Op>; 3]) -> (Vec<Device>, Truth) {
    let records = start();
    let mut devices: Vec<Device> = (0..3)
        .map(|i| Device { archive: Archive::from_records(records.clone()), clock: Clock::new(DeviceId(10 + i)) })
        .collect();
    let mut truth = Truth::default();
    let longest = histories.iter().map(Vec::len).max().unwrap_or(0);
    for step in 0..longest {
        for (i, history) in histories.iter().enumerate() {
            let Some(op) = history.get(step) else { continue };
            let now = Timestamp(T0 + 1_000 + step as i64 * 10);
            let stamp = devices[i].clock.tick(now.0);
            let actor = Actor { name: format!("rep{i}"), now, today: Today::at(now, UtcOffset::CHINA), stamp };
            let before = customer_of(&devices[i]);
            let stages: Vec<Uuid> = devices[i].archive.pipeline().unwrap().stages.iter().map(|s| s.id).collect();
            if before.meta.is_deleted() && !matches!(op, Op::Receive(_)) {
                continue; // Nothing more is done on a deleted customer on this device.
            }
            let command = match op {
                Op::Name(v) => {
                    let mut after = before.clone();
                    after.name = format!("名{i}{v}");
                    if after.name != before.name {
                        truth.names.push((stamp, after.name.clone()));
                    }
                    Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }
                }
                Op::City(v) => {
                    let mut after = before.clone();
                    after.city = format!("城{v}");
                    Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }
                }
                Op::Tier(v) => {
                    let mut after = before.clone();
                    after.tier = Tier::ALL[*v as usize % Tier::ALL.len()];
                    Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }
                }
                Op::FollowUp => {
                    let id = EntryId::new(stamp, 0);
                    truth.added.insert(id);
                    let communication = Communication {
                        id,
                        date: now.date(UtcOffset::CHINA),
                        kind: CommKind::Call,
                        summary: format!("跟进 {i}-{step}"),
                        by: String::new(),
                    };
                    Command::AddCommunication { customer: CUSTOMER, communication }
                }
                Op::RemoveFollowUp(k) => {
                    let Some(entry) = before.communications.get(*k as usize % before.communications.len().max(1))
                    else {
                        continue;
                    };
                    truth.removed.insert(entry.id);
                    Command::RemoveEntry {
                        record: CUSTOMER,
                        entry: pocket_crm::domain::RecordEntry::Communication(entry.id),
                    }
                }
                Op::Activity => {
                    let id = EntryId::new(stamp, 0);
                    truth.activities.insert(id);
                    let activity = Activity {
                        id,
                        date: now.date(UtcOffset::CHINA),
                        kind: ActivityKind::Visit,
                        by: String::new(),
                        outcome: format!("拜访 {i}-{step}"),
                        courier: String::new(),
                        tracking: String::new(),
                        amount: Money::ZERO,
                    };
                    Command::AddActivity { deal: DEAL, activity }
                }
                Op::Move(s) => Command::MoveDeal { id: DEAL, stage: stages[*s as usize % stages.len()], from: None },
                Op::Order => {
                    let id = EntryId::new(stamp, 0);
                    truth.orders.insert(id);
                    let transaction = Transaction {
                        id,
                        date: now.date(UtcOffset::CHINA),
                        product: format!("货 {i}-{step}"),
                        amount: Money(100),
                    };
                    Command::AddTransaction { customer: CUSTOMER, transaction }
                }
                Op::Contact => {
                    let mut after = before.clone();
                    let name = format!("联系人 {i}-{step}");
                    truth.contacts.insert(name.clone());
                    after.contacts.add(Contact { name, ..Contact::default() });
                    Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }
                }
                Op::Owner(r) => Command::HandOver {
                    deals: vec![DEAL],
                    customers: vec![CUSTOMER],
                    to: REPS.get(*r as usize).map(|_| Uuid::from_u128(100 + u128::from(*r))),
                },
                Op::Delete => {
                    truth.deleted = true;
                    Command::DeleteCustomer { id: CUSTOMER, deals: DealsOfDeleted::Delete }
                }
                Op::Receive(from) => {
                    let from = *from as usize % 3;
                    if from != i {
                        let (c, d) = (customer_of(&devices[from]), deal_of(&devices[from]));
                        receive(&mut devices[i], &c, &d);
                    }
                    continue;
                }
            };
            devices[i].archive.apply(command, &actor).expect("every generated command is valid");
        }
    }
    (devices, truth)
}

fn histories() -> impl Strategy<Value = [Vec<Op>; 3]> {
    let one = || proptest::collection::vec(op(), 0..25);
    (one(), one(), one()).prop_map(|(a, b, c)| [a, b, c])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn merging_versions_is_commutative_associative_and_idempotent(h in histories()) {
        let (devices, _) = run(&h);
        let [a, b, c] = [&devices[0], &devices[1], &devices[2]].map(customer_of);
        prop_assert_eq!(join(&a, &b), join(&b, &a));
        prop_assert_eq!(join(&join(&a, &b), &c), join(&a, &join(&b, &c)));
        prop_assert_eq!(join(&a, &a), a.clone());
        prop_assert_eq!(join(&join(&a, &b), &b), join(&a, &b));
        let [x, y, z] = [&devices[0], &devices[1], &devices[2]].map(deal_of);
        prop_assert_eq!(join(&x, &y), join(&y, &x));
        prop_assert_eq!(join(&join(&x, &y), &z), join(&x, &join(&y, &z)));
        prop_assert_eq!(join(&x, &x), x.clone());
    }

    #[test]
    fn replicas_that_exchange_everything_converge_and_lose_nothing(h in histories(), order in 0..6usize) {
        let (mut devices, truth) = run(&h);
        // Everyone takes in everyone's versions, in some order, twice over.
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        for _ in 0..2 {
            for &from in &orders[order] {
                for to in 0..3 {
                    if to != from {
                        let (c, d) = (customer_of(&devices[from]), deal_of(&devices[from]));
                        receive(&mut devices[to], &c, &d);
                    }
                }
            }
        }
        let first = customer_of(&devices[0]);
        for d in &devices[1..] {
            prop_assert_eq!(customer_of(d), first.clone());
            prop_assert_eq!(deal_of(d), deal_of(&devices[0]));
        }
        // Every follow-up added and not removed is there; every removed one is gone.
        let live: BTreeSet<EntryId> = first.communications.iter().map(|c| c.id).collect();
        let expected: BTreeSet<EntryId> = truth.added.difference(&truth.removed).copied().collect();
        prop_assert_eq!(live, expected);
        let activities: BTreeSet<EntryId> = deal_of(&devices[0]).activities.iter().map(|a| a.id).collect();
        prop_assert_eq!(activities, truth.activities);
        let orders: BTreeSet<EntryId> = first.transactions.iter().map(|t| t.id).collect();
        prop_assert_eq!(orders, truth.orders);
        let contacts: BTreeSet<String> = first.contacts.iter().map(|c| c.name.clone()).collect();
        prop_assert_eq!(contacts, truth.contacts);
        // Owner changes made anywhere are all in the history, each once.
        let owners = &first.owner_history;
        prop_assert!(owners.windows(2).all(|w| w[0].id < w[1].id));
        // A deletion made anywhere holds after the merge (nothing here brings a record back).
        prop_assert_eq!(first.meta.is_deleted(), truth.deleted);
        prop_assert_eq!(deal_of(&devices[0]).meta.is_deleted(), truth.deleted);
        // The name is the one of its latest change, wherever it was made.
        if let Some((_, name)) = truth.names.iter().max_by_key(|(s, _)| *s) {
            prop_assert_eq!(&first.name, name);
        }
        // The deal's history holds every device's events, in the order they were made.
        let history = &deal_of(&devices[0]).history;
        prop_assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    }
}

#[test]
fn two_creations_of_one_id_merge_the_same_way_round() {
    // The default pipeline is written on first run on each device, with the same fixed id.
    let on = |device: u64, ms: i64| {
        let mut archive = Archive::default();
        let now = Timestamp(ms);
        let stamp = Stamp { at: pocket_crm::domain::Hlc::new(ms, 0), device: DeviceId(device) };
        let actor = Actor { name: format!("d{device}"), now, today: Today::at(now, UtcOffset::CHINA), stamp };
        archive.apply(Command::SavePipeline(Pipeline::defaults(device == 1, now, "t")), &actor).unwrap();
        archive.pipeline().unwrap().clone()
    };
    let (zh, en) = (on(1, T0), on(2, T0 + 5));
    assert_eq!(join(&zh, &en), join(&en, &zh));
    assert_eq!(join(&zh, &en).stages[0].name, "Lead acquired", "the later creation stands");
}

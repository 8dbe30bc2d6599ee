//! The store over the in-memory backend, with one writer and with several (as tabs share one
//! IndexedDB database): what is written reads back, failed writes change nothing, no writer
//! loses another's records, the later save of a field wins and the other value is kept, older
//! stores migrate with their files.
#![cfg(not(target_arch = "wasm32"))]

use pocket_crm::domain::pipeline::{Activity, Deal};
use pocket_crm::domain::{
    demo, ActivityKind, CommKind, Command, Communication, Customer, CustomerKind, DealsOfDeleted, DeviceId, EntryId,
    Money, RecordKind, Records, Timestamp, UtcOffset,
};
use pocket_crm::store::files;
use pocket_crm::store::migrate::{self, Bundled, CustomerV3, Migrations, Without};
use pocket_crm::store::segments::{bucket_key, encode_as};
use pocket_crm::store::writer::{self, Flushed};
use pocket_crm::store::{MemoryBackend, Notice, Outcome, Replica, StoreError, Ticket};
use pollster::block_on;
use std::cell::{Ref, RefCell, RefMut};
use uuid::Uuid;

const NOW: i64 = 1_790_000_000_000;

fn now(step: i64) -> Timestamp {
    Timestamp(NOW + step * 1_000)
}

/// One writer (a tab) over a shared store.
struct Tab<'a> {
    backend: &'a MemoryBackend,
    cell: RefCell<Replica>,
    user: String,
    clock: i64,
}

impl<'a> Tab<'a> {
    fn open(backend: &'a MemoryBackend, user: &str, device: u64) -> Tab<'a> {
        let replica = block_on(writer::open(backend, DeviceId(device), || async {}, &Bundled)).unwrap();
        Tab { backend, cell: RefCell::new(replica), user: user.into(), clock: 0 }
    }

    fn replica(&self) -> Ref<'_, Replica> {
        self.cell.borrow()
    }

    fn replica_mut(&self) -> RefMut<'_, Replica> {
        self.cell.borrow_mut()
    }

    /// Applies a command in memory (not yet saved).
    fn apply(&mut self, command: Command) -> Ticket {
        self.clock += 1;
        let (ticket, _) = self
            .replica_mut()
            .apply(command, &self.user, now(self.clock), UtcOffset::CHINA, Vec::new(), false)
            .expect("the command is valid");
        ticket
    }

    fn flush(&mut self) -> Flushed {
        block_on(writer::flush(self.backend, &self.cell, || async {}))
    }

    /// Applies and saves a command.
    fn run(&mut self, command: Command) -> Outcome {
        let ticket = self.apply(command);
        let flushed = self.flush();
        assert!(flushed.error.is_none(), "{:?}", flushed.error);
        self.replica_mut().take_outcome(ticket).expect("settled")
    }

    fn catch_up(&mut self) -> Flushed {
        block_on(writer::catch_up(self.backend, &self.cell, || async {}))
    }

    fn customer(&self, id: Uuid) -> Customer {
        self.replica().archive().customers.get(id).expect("the customer is there").clone()
    }
}

fn customer(n: u128, name: &str) -> Customer {
    let mut c = Customer::blank(CustomerKind::Organisation);
    c.meta.id = Uuid::from_u128(n);
    c.name = name.into();
    c
}

fn edit(before: &Customer, change: impl FnOnce(&mut Customer)) -> Command {
    let mut after = before.clone();
    change(&mut after);
    Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }
}

fn follow_up(summary: &str) -> Communication {
    Communication {
        id: EntryId::default(),
        date: now(0).date(UtcOffset::CHINA),
        kind: CommKind::Call,
        summary: summary.into(),
        by: String::new(),
    }
}

fn demo_records(n: usize) -> Records {
    demo::generate(3, n, now(0), UtcOffset::CHINA, "demo")
}

/// Records of a kind as a sorted list, to compare two copies whatever order they were read in.
fn sorted<R: Clone>(rows: &[R], id: impl Fn(&R) -> Uuid) -> Vec<R> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|r| id(r));
    rows
}

fn same_archive(a: &Tab, b: &Tab) {
    let (a, b) = (a.replica(), b.replica());
    let (x, y) = (a.archive(), b.archive());
    assert_eq!(sorted(x.customers.rows(), |c| c.meta.id), sorted(y.customers.rows(), |c| c.meta.id));
    assert_eq!(sorted(x.deals.rows(), |d| d.meta.id), sorted(y.deals.rows(), |d| d.meta.id));
    assert_eq!(sorted(x.reps.rows(), |r| r.meta.id), sorted(y.reps.rows(), |r| r.meta.id));
    assert_eq!(x.pipeline(), y.pipeline());
    assert_eq!(sorted(x.superseded.rows(), |s| s.meta.id), sorted(y.superseded.rows(), |s| s.meta.id));
}

#[test]
fn what_is_written_reads_back_after_reopen() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(2_500))));
    tab.run(Command::CreateCustomer(customer(1, "新客户")));
    let (moved, stage) = {
        let replica = tab.replica();
        let archive = replica.archive();
        assert!(archive.deals.len() > 1_000 && archive.deals.rows().iter().any(|d| !d.activities.is_empty()));
        (archive.deals.rows()[1_234].meta.id, archive.pipeline().unwrap().stages[3].id)
    };
    tab.run(Command::MoveDeal { id: moved, stage, from: None });
    let reopened = Tab::open(&backend, "other", 2);
    same_archive(&tab, &reopened);
    assert_eq!(reopened.replica().archive().deals.get(moved).unwrap().stage, stage);
    // 2,501 customers in 8 buckets of about 310.
    let keys: Vec<String> = backend.snapshot().keys().filter(|k| k.starts_with("customer/")).cloned().collect();
    assert_eq!(keys.len(), 8, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("customer/03-")));
    // Every record carries a revision: who, which device, when.
    let saved = reopened.customer(Uuid::from_u128(1));
    assert_eq!((saved.meta.rev.device, saved.meta.updated_by.as_str()), (DeviceId(1), "tester"));
}

#[test]
fn an_edit_rewrites_only_its_bucket_and_logs_one_entry() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(3_000))));
    let before = backend.snapshot();
    let log_before = backend.log_snapshot().len();
    let target = tab.replica().archive().customers.rows()[1_500].clone();
    tab.run(edit(&target, |c| c.name = "改过的名字".into()));
    let after = backend.snapshot();
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].starts_with("customer/"));
    assert_eq!(backend.log_snapshot().len(), log_before + 1);
    let entry =
        pocket_crm::store::LogEntry::decode(tab.replica().seen(), &backend.log_snapshot()[&tab.replica().seen()])
            .unwrap();
    assert_eq!(entry.changes.len(), 1);
    assert_eq!((entry.changes[0].0, entry.changes[0].1), (RecordKind::Customer, target.meta.id));
    assert_eq!(entry.user, "tester");
}

#[test]
fn a_failed_write_changes_neither_memory_nor_disk() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(1_200))));
    let stored_before = backend.snapshot();
    let log_before = backend.log_snapshot();
    let rows_before = tab.replica().archive().customers.rows().to_vec();

    backend.fail_next_write(StoreError::QuotaExceeded);
    let ticket = tab.apply(Command::CreateCustomer(customer(9, "X")));
    let flushed = tab.flush();
    assert_eq!(flushed.error, Some(StoreError::QuotaExceeded));
    assert!(matches!(tab.replica_mut().take_outcome(ticket), Some(Outcome::Failed(StoreError::QuotaExceeded))));
    assert_eq!(tab.replica().archive().customers.rows(), &rows_before[..]);
    assert_eq!(backend.snapshot(), stored_before);
    assert_eq!(backend.log_snapshot(), log_before);

    backend.fail_next_write(StoreError::WriteFailed("disk".into()));
    tab.apply(Command::ReplaceAll(Box::new(Records { customers: demo_records(10).customers, ..Records::default() })));
    assert!(tab.flush().error.is_some());
    assert_eq!(tab.replica().archive().customers.rows(), &rows_before[..]);
    assert_eq!(backend.snapshot(), stored_before);

    // The store still works afterwards.
    tab.run(Command::CreateCustomer(customer(9, "X")));
    assert_eq!(Tab::open(&backend, "t", 2).replica().archive().customers.len(), 1_201);
}

#[test]
fn replacing_with_less_leaves_no_stale_buckets() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(3_500))));
    tab.run(Command::ReplaceAll(Box::new(demo_records(100))));
    let customer_keys: Vec<String> =
        backend.snapshot().keys().filter(|k| k.starts_with("customer/")).cloned().collect();
    assert_eq!(customer_keys, [bucket_key(RecordKind::Customer, 0, 0)]);
    assert_eq!(Tab::open(&backend, "t", 2).replica().archive().customers.len(), 100);
}

#[test]
fn an_unreadable_segment_is_refused_and_left_untouched() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(1_500))));
    let key = bucket_key(RecordKind::Customer, 2, 1);
    backend.put_raw(&key, b"{not a segment");
    let stored = backend.snapshot();
    let err = block_on(writer::open(&backend, DeviceId(2), || async {}, &Bundled)).err().unwrap();
    assert!(matches!(err, StoreError::Corrupt { key: ref k, .. } if *k == key), "{err:?}");
    assert_eq!(backend.snapshot(), stored, "nothing was rewritten");
    // One written by a newer version: this build refuses to read or write.
    backend.put_raw(&key, &encode_as::<Customer>(&[], 99));
    assert_eq!(block_on(writer::open(&backend, DeviceId(2), || async {}, &Bundled)).err(), Some(StoreError::Newer));
}

#[test]
fn a_value_of_a_kind_this_build_does_not_know_is_kept_through_a_rewrite() {
    // Regression: such a key used to mark the store for a rewrite, which deleted every key it did
    // not write again, so an older build could delete a newer build's records.
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(200))));
    backend.put_raw("route_plan/00-0000", b"PCRM\x06\0\0\0 a newer kind");
    // An odd layout next to it, so the store is rewritten on opening.
    let odd = bucket_key(RecordKind::Customer, 3, 0);
    backend.put_raw(&odd, &encode_as::<Customer>(&[customer(77, "奇数布局")], 5));
    let reopened = Tab::open(&backend, "t", 2);
    assert!(reopened.replica().archive().customers.get(Uuid::from_u128(77)).is_some(), "the odd bucket was read");
    let stored = backend.snapshot();
    assert!(!stored.contains_key(&odd), "the odd layout was rewritten");
    assert_eq!(stored.get("route_plan/00-0000").map(Vec::as_slice), Some(&b"PCRM\x06\0\0\0 a newer kind"[..]));
    assert_eq!(reopened.replica().archive().customers.len(), 201);
}

#[test]
fn an_unreadable_log_entry_is_not_taken_in_the_store_is_read_again_and_the_user_told() {
    let backend = MemoryBackend::new();
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 2);
    a.run(Command::ReplaceAll(Box::new(demo_records(50))));
    b.catch_up();
    a.run(Command::CreateCustomer(customer(1, "a 的客户")));
    // The entry a wrote is damaged (or of a kind b does not know); the bucket holds the customer.
    let seq = a.replica().seen();
    backend.put_raw_log(seq, b"PCRL\x05\0\0\0\xff\xff garbage");
    let flushed = b.catch_up();
    assert!(flushed.error.is_none(), "{:?}", flushed.error);
    assert_eq!(flushed.caught.notices, vec![Notice::Unreadable { what: format!("log {seq}") }]);
    assert_eq!(b.customer(Uuid::from_u128(1)).name, "a 的客户", "read again from the buckets");
    // A write that meets such an entry saves its own change over the store read again.
    a.run(Command::CreateCustomer(customer(2, "a 的第二位")));
    backend.put_raw_log(a.replica().seen(), b"not a log entry");
    b.run(Command::CreateCustomer(customer(3, "b 的客户")));
    assert_eq!(b.replica().archive().customers.len(), 53);
    assert_eq!(Tab::open(&backend, "c", 3).replica().archive().customers.len(), 53);
}

#[test]
fn the_first_read_leaves_later_kinds_as_stored_bytes_and_nothing_is_lost_when_they_are_read() {
    use pocket_crm::domain::forecast::{ForecastPlan, FORECAST_PLAN_ID};
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(300))));
    tab.run(Command::SetClassRate { class: pocket_crm::domain::FunnelClass::A, rate: Some(8_000) });
    let customers = tab.replica().archive().customers.len();
    let deals = tab.replica().archive().deals.len();
    assert!(deals > 0);
    // The page's first read: customers, reps, teams and the pipeline; not the deals nor the
    // forecast's settings.
    let opened = block_on(writer::first_read_deferring(&backend, DeviceId(2), &|| async {}, &Bundled)).unwrap();
    assert!(!opened.needs_rewrite);
    let mut replica = opened.replica;
    assert!(replica.has_deferred());
    assert_eq!(replica.archive().customers.len(), customers);
    assert!(replica.archive().deals.is_empty() && replica.archive().pipeline().is_some());
    assert!(replica.archive().forecast_plans.get(FORECAST_PLAN_ID).is_none());
    // The deals right after the first paint: only they, and once.
    let changed = replica.decode_deferred_deals().unwrap();
    assert_eq!(changed.ids(RecordKind::Deal).len(), deals);
    assert!(!changed.touches(RecordKind::ForecastPlan) && !changed.touches(RecordKind::Customer));
    assert_eq!(replica.archive().deals.len(), deals);
    assert!(replica.has_deferred() && replica.decode_deferred_deals().unwrap().is_empty());
    // The rest on demand: all of it, and once.
    let changed = replica.decode_deferred().unwrap();
    assert!(changed.touches(RecordKind::ForecastPlan) && !changed.touches(RecordKind::Customer));
    assert!(!changed.touches(RecordKind::Deal));
    assert_eq!(
        replica.archive().forecast_plans.get(FORECAST_PLAN_ID).map(|p: &ForecastPlan| p.rate_a),
        Some(Some(8_000))
    );
    assert!(!replica.has_deferred() && replica.decode_deferred().unwrap().is_empty());
    // A replica written to before it read them reads them first: the other tab's rate stays.
    let opened = block_on(writer::first_read_deferring(&backend, DeviceId(3), &|| async {}, &Bundled)).unwrap();
    let cell = std::cell::RefCell::new(opened.replica);
    let later = Tab { backend: &backend, cell, user: "李娜".into(), clock: 10 };
    let mut later = later;
    later.run(Command::SetClassRate { class: pocket_crm::domain::FunnelClass::D, rate: Some(1_000) });
    let reopened = Tab::open(&backend, "c", 4);
    let plan = reopened.replica().archive().forecast_plans.get(FORECAST_PLAN_ID).cloned().unwrap();
    assert_eq!((plan.rate_a, plan.rate_d), (Some(8_000), Some(1_000)));
    // A damaged bucket of a later kind: the first read still opens; reading it says which.
    let key = backend.snapshot().keys().find(|k| k.starts_with("forecast_plan/")).cloned().unwrap();
    let original = backend.snapshot()[&key].clone();
    backend.put_raw(&key, b"PCRM\x05\0\0\0\xff");
    let mut opened = block_on(writer::first_read_deferring(&backend, DeviceId(5), &|| async {}, &Bundled)).unwrap();
    assert!(matches!(opened.replica.decode_deferred(), Err(StoreError::Corrupt { key: ref k, .. }) if *k == key));
    assert!(opened.replica.has_deferred(), "nothing half read");
    // The write path's reading (`decode_deferred`) takes the deals too when they were not read
    // yet.
    backend.put_raw(&key, &original);
    let mut opened = block_on(writer::first_read_deferring(&backend, DeviceId(6), &|| async {}, &Bundled)).unwrap();
    assert!(opened.replica.archive().deals.is_empty());
    assert!(opened.replica.decode_deferred().unwrap().touches(RecordKind::Deal));
    assert_eq!(opened.replica.archive().deals.len(), deals);
    assert!(!opened.replica.has_deferred());
}

/// A counting stand-in for the page's chunk loader: how often the migration was asked for.
struct Counted(std::cell::Cell<u32>, bool);

impl Migrations for Counted {
    async fn get(&self) -> Result<&'static migrate::Migration, StoreError> {
        self.0.set(self.0.get() + 1);
        if self.1 {
            Bundled.get().await
        } else {
            Without.get().await
        }
    }
}

#[test]
fn the_migration_is_asked_for_only_by_a_store_with_older_data_and_without_it_nothing_changes() {
    // Today's store: opened without asking for the migration.
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "tester", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(300))));
    let asked = Counted(Default::default(), true);
    block_on(writer::open(&backend, DeviceId(2), || async {}, &asked)).unwrap();
    assert_eq!(asked.0.get(), 0);

    // A schema-3 store: refused, untouched, when the migration cannot be had (offline before
    // its chunk was cached); converted when it can.
    let old = MemoryBackend::new();
    let customers: Vec<CustomerV3> = demo_records(300).customers.iter().map(CustomerV3::of).collect();
    old.put_raw("customer/000000", &encode_as(&customers, 3));
    let stored = old.snapshot();
    let missing = Counted(Default::default(), false);
    assert!(matches!(
        block_on(writer::open(&old, DeviceId(2), || async {}, &missing)),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(missing.0.get(), 1);
    assert_eq!(old.snapshot(), stored, "nothing was rewritten");
    let asked = Counted(Default::default(), true);
    let replica = block_on(writer::open(&old, DeviceId(2), || async {}, &asked)).unwrap();
    assert!(asked.0.get() >= 1);
    assert_eq!(replica.archive().customers.live().count(), 300);
    assert_ne!(old.snapshot(), stored, "rewritten in today's layout");
    assert!(old.snapshot().iter().all(|(key, _)| !key.starts_with("customer/0000")), "the old segment is gone");
}

#[test]
fn two_tabs_adding_customers_both_keep_theirs() {
    // The case that lost a customer: two tabs open, one adds, then the other (opened before) adds.
    let backend = MemoryBackend::new();
    let mut setup = Tab::open(&backend, "setup", 1);
    setup.run(Command::ReplaceAll(Box::new(demo_records(600))));
    let mut first = Tab::open(&backend, "张伟", 1);
    let mut second = Tab::open(&backend, "张伟", 1);
    first.run(Command::CreateCustomer(customer(1, "第一个标签页的客户")));
    let outcome = second.run(Command::CreateCustomer(customer(2, "第二个标签页的客户")));
    assert!(matches!(outcome, Outcome::Saved(_)));
    // The second tab took in the first one's customer while saving its own.
    assert!(second.replica().archive().customers.get(Uuid::from_u128(1)).is_some());
    let third = Tab::open(&backend, "李娜", 1);
    for id in [1, 2] {
        assert!(third.replica().archive().customers.get(Uuid::from_u128(id)).is_some(), "customer {id} is kept");
    }
    assert_eq!(third.replica().archive().customers.len(), 602);
    first.catch_up();
    same_archive(&first, &third);
    same_archive(&second, &third);
}

#[test]
fn edits_of_different_fields_both_stay_and_the_later_save_of_one_field_wins() {
    let backend = MemoryBackend::new();
    let mut setup = Tab::open(&backend, "setup", 1);
    setup.run(Command::CreateCustomer(customer(1, "恒达电器")));
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 2);
    let seen = a.customer(Uuid::from_u128(1)).clone();
    // Both forms were opened on the same version.
    a.run(edit(&seen, |c| {
        c.industry = "家电".into();
        c.name = "恒达电器有限公司".into();
    }));
    let outcome = b.run(edit(&seen, |c| {
        c.city = "杭州".into();
        c.name = "杭州恒达".into();
    }));
    // Different fields: both kept. The same field: the later save (b's) wins.
    let merged = b.customer(Uuid::from_u128(1)).clone();
    assert_eq!((merged.industry.as_str(), merged.city.as_str(), merged.name.as_str()), ("家电", "杭州", "杭州恒达"));
    // The value that lost is kept, with who typed it; the winner hears which value it replaced.
    let Outcome::Saved(saved) = outcome else { panic!("saved") };
    assert_eq!(saved.superseded.len(), 1);
    let lost = &saved.superseded[0];
    assert_eq!((lost.field.as_str(), lost.value.as_str(), lost.by.as_str()), ("name", "恒达电器有限公司", "张伟"));
    assert_eq!((lost.won_value.as_str(), lost.won_by.as_str()), ("杭州恒达", "李娜"));
    // The loser's tab is told when it catches up.
    let caught = a.catch_up();
    assert_eq!(caught.caught.notices, vec![Notice::Superseded(lost.clone())]);
    assert_eq!(caught.caught.from, vec!["李娜".to_owned()]);
    same_archive(&a, &b);
    // A later edit by the same tab that saw the change supersedes nothing.
    let current = a.customer(Uuid::from_u128(1)).clone();
    let Outcome::Saved(saved) = a.run(edit(&current, |c| c.name = "恒达".into())) else { panic!() };
    assert!(saved.superseded.is_empty());
}

#[test]
fn a_command_that_no_longer_holds_after_anothers_change_is_refused_and_nothing_of_it_saved() {
    let backend = MemoryBackend::new();
    let mut setup = Tab::open(&backend, "setup", 1);
    setup.run(Command::CreateCustomer(customer(1, "恒达电器")));
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 1);
    a.run(Command::DeleteCustomer { id: Uuid::from_u128(1), deals: DealsOfDeleted::Delete });
    // b still shows the customer and adds a follow-up to it.
    let ticket =
        b.apply(Command::AddCommunication { customer: Uuid::from_u128(1), communication: follow_up("电话") });
    assert_eq!(b.customer(Uuid::from_u128(1)).communications.len(), 1, "shown at once");
    b.flush();
    assert!(matches!(b.replica_mut().take_outcome(ticket), Some(Outcome::Refused(_))));
    assert!(b.customer(Uuid::from_u128(1)).meta.is_deleted());
    assert!(b.customer(Uuid::from_u128(1)).communications.is_empty());
    same_archive(&a, &Tab::open(&backend, "c", 1));
}

#[test]
fn follow_ups_added_in_two_tabs_are_both_kept_and_files_go_with_their_entry() {
    let backend = MemoryBackend::new();
    let mut setup = Tab::open(&backend, "setup", 1);
    setup.run(Command::CreateCustomer(customer(1, "恒达电器")));
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 2);
    a.apply(Command::AddCommunication { customer: Uuid::from_u128(1), communication: follow_up("第一次电话") });
    // b chooses its entry's id first, so its photo can be keyed by it.
    let stamp = b.replica_mut().stamp(now(5));
    let mut card = follow_up("寄名片");
    card.id = EntryId::new(stamp, 0);
    let info = files::FileInfo {
        id: Uuid::from_u128(77),
        name: "名片.png".into(),
        mime: "image/png".into(),
        added_at: now(5),
        by: "李娜".into(),
        size: 0,
    };
    let file = (files::key(Uuid::from_u128(1), card.id, info.id), files::encode(&info, b"PNG"));
    let command = Command::AddCommunication { customer: Uuid::from_u128(1), communication: card.clone() };
    b.replica_mut().apply(command, "李娜", now(6), UtcOffset::CHINA, vec![file.clone()], false).unwrap();
    b.flush();
    a.flush();
    let stored = Tab::open(&backend, "c", 3);
    let log: Vec<String> =
        stored.customer(Uuid::from_u128(1)).communications.iter().map(|c| c.summary.clone()).collect();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.contains(&"第一次电话".into()) && log.contains(&"寄名片".into()));
    assert_eq!(backend.snapshot().get(&file.0), Some(&file.1), "the file is stored under its entry's id");
    assert!(stored.customer(Uuid::from_u128(1)).communications.find(card.id).is_some());
}

#[test]
fn a_kind_that_grows_is_spread_over_more_buckets_and_other_tabs_follow() {
    let backend = MemoryBackend::new();
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 1);
    let batch: Vec<Customer> = (1..=700).map(|n| customer(n, &format!("客户{n}"))).collect();
    a.run(Command::ImportCustomers { create: batch, fill: vec![] });
    assert!(backend.snapshot().keys().filter(|k| k.starts_with("customer/")).all(|k| k.starts_with("customer/00-")));
    let more: Vec<Customer> = (701..=1_500).map(|n| customer(n, &format!("客户{n}"))).collect();
    a.run(Command::ImportCustomers { create: more, fill: vec![] });
    let keys: Vec<String> = backend.snapshot().keys().filter(|k| k.starts_with("customer/")).cloned().collect();
    assert_eq!(keys.len(), 4, "1,500 customers in 2^2 buckets: {keys:?}");
    // b knew one bucket; it follows the split when it saves, and its customer lands right.
    b.run(Command::CreateCustomer(customer(5_000, "后来的客户")));
    let c = Tab::open(&backend, "c", 1);
    assert_eq!(c.replica().archive().customers.len(), 1_501);
    same_archive(&b, &c);
}

#[test]
fn a_tab_that_missed_a_replacement_reads_the_store_again_and_keeps_its_own_change() {
    let backend = MemoryBackend::new();
    let mut a = Tab::open(&backend, "张伟", 1);
    let mut b = Tab::open(&backend, "李娜", 1);
    a.run(Command::ReplaceAll(Box::new(demo_records(300))));
    b.run(Command::CreateCustomer(customer(1, "b 的客户")));
    let c = Tab::open(&backend, "c", 1);
    assert_eq!(c.replica().archive().customers.len(), 301);
    a.catch_up();
    same_archive(&a, &c);
}

#[test]
fn every_command_is_undone_as_a_new_change_and_undo_survives_a_reopen() {
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "张伟", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(200))));
    let deal = tab
        .replica()
        .archive()
        .deals
        .rows()
        .iter()
        .find(|d| tab.replica().archive().pipeline().unwrap().is_open(d))
        .unwrap()
        .clone();
    let before_move = deal.stage;
    let target = tab.replica().archive().pipeline().unwrap().stages.iter().find(|s| s.id != deal.stage).unwrap().id;
    let Outcome::Saved(moved) = tab.run(Command::MoveDeal { id: deal.meta.id, stage: target, from: Some(deal.stage) })
    else {
        panic!()
    };
    assert_eq!(tab.replica().archive().deals.get(deal.meta.id).unwrap().stage, target);
    tab.run(Command::Undo(Box::new(moved.undo.unwrap())));
    let back = Tab::open(&backend, "t", 2);
    let undone = back.replica().archive().deals.get(deal.meta.id).unwrap().clone();
    assert_eq!(undone.stage, before_move);
    assert_eq!(
        undone.history.len(),
        deal.history.len() + 2,
        "the move and its undo are both in the history: {:?}",
        undone.history
    );
    // An activity added, then undone: gone from the list, kept among the removed.
    let call = Activity {
        id: EntryId::default(),
        date: now(0).date(UtcOffset::CHINA),
        kind: ActivityKind::Call,
        by: String::new(),
        outcome: "聊了样品".into(),
        courier: "顺丰".into(),
        tracking: "SF1".into(),
        amount: Money(5),
    };
    let Outcome::Saved(added) = tab.run(Command::AddActivity { deal: deal.meta.id, activity: call }) else { panic!() };
    let stored: Deal = tab.replica().archive().deals.get(deal.meta.id).unwrap().clone();
    let call = stored.activities.iter().find(|a| a.outcome == "聊了样品").unwrap();
    assert_eq!((call.courier.as_str(), call.amount), ("", Money::ZERO), "a call has no courier and no amount");
    tab.run(Command::Undo(Box::new(added.undo.unwrap())));
    let stored: Deal = tab.replica().archive().deals.get(deal.meta.id).unwrap().clone();
    assert!(stored.activities.iter().all(|a| a.outcome != "聊了样品"));
    assert_eq!(stored.activities.removed().filter(|a| a.outcome == "聊了样品").count(), 1);
}

#[test]
fn class_rates_set_in_two_tabs_are_both_kept_and_a_rate_over_100_percent_is_refused() {
    use pocket_crm::domain::forecast::{ForecastPlan, FORECAST_PLAN_ID};
    use pocket_crm::domain::FunnelClass;
    let backend = MemoryBackend::new();
    let mut first = Tab::open(&backend, "王经理", 1);
    let mut second = Tab::open(&backend, "李经理", 2);
    first.run(Command::SetClassRate { class: FunnelClass::A, rate: Some(8_500) });
    second.run(Command::SetClassRate { class: FunnelClass::D, rate: Some(500) });
    let refused = second.replica_mut().apply(
        Command::SetClassRate { class: FunnelClass::B, rate: Some(10_001) },
        "李经理",
        now(9),
        UtcOffset::CHINA,
        Vec::new(),
        false,
    );
    assert!(refused.is_err(), "over 100 % is refused");
    let reopened = Tab::open(&backend, "other", 3);
    let replica = reopened.replica();
    let plan: &ForecastPlan = replica.archive().forecast_plans.get(FORECAST_PLAN_ID).expect("the plan is stored");
    assert_eq!((plan.rate_a, plan.rate_d, plan.rate_b), (Some(8_500), Some(500), None), "both tabs' rates kept");
}

#[test]
fn a_schema_4_store_opens_as_it_is_under_schema_5() {
    // Schema 5 only added a kind: schema 4's segments read without the migration or a rewrite.
    let backend = MemoryBackend::new();
    let records = demo_records(200);
    backend.put_raw(&bucket_key(RecordKind::Customer, 0, 0), &encode_as(&records.customers, 4));
    backend.put_raw(&bucket_key(RecordKind::Deal, 0, 0), &encode_as(&records.deals, 4));
    let stored = backend.snapshot();
    let asked = Counted(Default::default(), false);
    let replica = block_on(writer::open(&backend, DeviceId(2), || async {}, &asked)).unwrap();
    assert_eq!(asked.0.get(), 0, "no migration asked for");
    assert_eq!(replica.archive().customers.len(), 200);
    assert_eq!(replica.archive().deals.len(), records.deals.len());
    assert_eq!(backend.snapshot(), stored, "nothing rewritten");
}

#[test]
fn a_rep_sets_an_open_deals_forecast_category_and_only_there() {
    use pocket_crm::domain::forecast::Category;
    use pocket_crm::domain::StageOutcome;
    let backend = MemoryBackend::new();
    let mut tab = Tab::open(&backend, "王伟", 1);
    tab.run(Command::ReplaceAll(Box::new(demo_records(300))));
    let (open, won) = {
        let replica = tab.replica();
        let archive = replica.archive();
        let pipeline = archive.pipeline().unwrap();
        let outcome = |d: &Deal| pipeline.stage(d.stage).unwrap().outcome;
        let open = archive.deals.live().find(|d| outcome(d) == StageOutcome::Open).unwrap().meta.id;
        let won = archive.deals.live().find(|d| outcome(d) == StageOutcome::Won).unwrap().meta.id;
        (open, won)
    };
    tab.run(Command::SetDealCategory { deal: open, category: Some(Category::Commit) });
    let refuse = |deal, category| {
        tab.replica_mut()
            .apply(Command::SetDealCategory { deal, category }, "王伟", now(50), UtcOffset::CHINA, Vec::new(), false)
            .is_err()
    };
    assert!(refuse(won, Some(Category::Commit)), "a won deal is closed, not set by hand");
    assert!(refuse(open, Some(Category::Closed)), "closed comes from the won stage");
    let reopened = Tab::open(&backend, "other", 2);
    let set = reopened.replica().archive().deal_categories.get(open).and_then(|c| c.category);
    assert_eq!(set, Some(Category::Commit));
    tab.run(Command::SetDealCategory { deal: open, category: None });
    let again = Tab::open(&backend, "other", 3);
    assert_eq!(again.replica().archive().deal_categories.get(open).and_then(|c| c.category), None);
}

#[test]
fn a_save_reports_the_log_entry_it_became_not_what_its_tab_caught_up_to() {
    let backend = MemoryBackend::new();
    let mut first = Tab::open(&backend, "一", 1);
    let mut second = Tab::open(&backend, "二", 2);
    let Outcome::Saved(a) = first.run(Command::CreateCustomer(customer(1, "甲"))) else { panic!("saved") };
    let Outcome::Saved(b) = second.run(Command::CreateCustomer(customer(2, "乙"))) else { panic!("saved") };
    assert!(a.seq > 0 && b.seq == a.seq + 1, "{} then {}", a.seq, b.seq);
    // The first tab saves again after taking in the second's entry: its own entry comes next.
    first.catch_up();
    let Outcome::Saved(c) = first.run(Command::CreateCustomer(customer(3, "丙"))) else { panic!("saved") };
    assert_eq!(c.seq, b.seq + 1);
    // And a save written after another tab's, unseen, is still numbered after it.
    let Outcome::Saved(d) = second.run(Command::CreateCustomer(customer(4, "丁"))) else { panic!("saved") };
    assert_eq!((d.seq, second.replica().seen()), (c.seq + 1, c.seq + 1));
}

#[test]
fn deals_handed_over_later_are_as_of_the_first_read_and_later_changes_still_come_in() {
    use pocket_crm::store::Backend;
    let backend = MemoryBackend::new();
    let mut a = Tab::open(&backend, "a", 1);
    a.run(Command::ReplaceAll(Box::new(demo_records(300))));
    let deals = a.replica().archive().deals.len();
    // The page's first read, with the deals' bodies handed over later (as index.html's read).
    backend.hand_later("deal/");
    let opened = block_on(writer::first_read_deferring(&backend, DeviceId(2), &|| async {}, &Bundled)).unwrap();
    assert!(!opened.needs_rewrite);
    let mut replica = opened.replica;
    assert!(replica.awaits_later() && replica.has_deferred());
    assert!(replica.archive().deals.is_empty());
    assert_eq!(replica.archive().customers.len(), a.replica().archive().customers.len());
    assert!(replica.decode_deferred_deals().unwrap().is_empty(), "nothing to decode before they are in");
    assert!(matches!(replica.decode_deferred(), Err(StoreError::Unavailable(_))), "the write path waits for them");
    // Another tab edits a deal after that read.
    let deal = a.replica().archive().deals.rows()[0].clone();
    let after = Deal { title: "改过的商机".into(), ..deal.clone() };
    a.run(Command::EditDeal { before: Box::new(deal.clone()), after: Box::new(after) });
    // Not the buckets the first read named: refused, nothing taken.
    assert!(replica.take_later(Vec::new()).is_err());
    assert!(replica.awaits_later());
    replica.take_later(block_on(backend.load_later()).unwrap()).unwrap();
    assert!(!replica.awaits_later());
    let changed = replica.decode_deferred_deals().unwrap();
    assert_eq!(changed.ids(RecordKind::Deal).len(), deals);
    assert_eq!(replica.archive().deals.get(deal.id()).unwrap().title, deal.title, "as of the first read");
    // Catching up brings the other tab's edit; this tab's own edit keeps it and every deal.
    let mut b = Tab { backend: &backend, cell: RefCell::new(replica), user: "b".into(), clock: 10 };
    assert!(b.catch_up().error.is_none());
    assert_eq!(b.replica().archive().deals.get(deal.id()).unwrap().title, "改过的商机");
    let other = b.replica().archive().deals.rows()[1].clone();
    let renamed = Deal { title: "b 的商机".into(), ..other.clone() };
    b.run(Command::EditDeal { before: Box::new(other.clone()), after: Box::new(renamed) });
    let c = Tab::open(&backend, "c", 3);
    assert_eq!(c.replica().archive().deals.len(), deals);
    assert_eq!(c.replica().archive().deals.get(deal.id()).unwrap().title, "改过的商机");
    assert_eq!(c.replica().archive().deals.get(other.id()).unwrap().title, "b 的商机");
}

#[test]
fn a_teammates_records_taken_in_keep_their_revisions_join_with_ours_and_twice_change_nothing() {
    use pocket_crm::domain::{Actor, AnyRecord, Archive};
    let backend = MemoryBackend::new();
    let mut a = Tab::open(&backend, "a", 1);
    let records = demo_records(50);
    a.run(Command::ReplaceAll(Box::new(records.clone())));
    let mut b = Tab::open(&backend, "b", 2);
    // A teammate's device, with the same book: renames a customer and adds a note to it.
    let mut theirs = Archive::from_records(a.replica().archive().clone().into_records());
    let before = theirs.customers.rows()[0].clone();
    let renamed = Customer { name: "队友改的名字".into(), ..before.clone() };
    theirs
        .apply(
            Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(renamed) },
            &Actor::at("李娜", now(50)),
        )
        .unwrap();
    let from_them = theirs.customers.get(before.meta.id).unwrap().clone();
    // Meanwhile tab a changes another field of the same customer.
    let ours = Customer { notes: "我们的备注".into(), ..a.customer(before.meta.id) };
    a.run(Command::EditCustomer { before: Box::new(a.customer(before.meta.id)), after: Box::new(ours) });
    // Tab b takes the teammate's record in.
    let Outcome::Saved(saved) = b.run(Command::TakeIn(vec![AnyRecord::Customer(from_them.clone())])) else {
        panic!("taken in")
    };
    assert!(saved.undo.is_none(), "no undo for what came from a teammate");
    let joined = b.customer(before.meta.id);
    assert_eq!((joined.name.as_str(), joined.notes.as_str()), ("队友改的名字", "我们的备注"));
    assert_eq!(joined.meta.rev, from_them.meta.rev.max(a.customer(before.meta.id).meta.rev), "not stamped as b's");
    // Everyone reads the same; the same record again changes nothing and writes nothing.
    assert!(a.catch_up().error.is_none());
    assert_eq!(a.customer(before.meta.id), joined);
    let writes = backend.writes();
    let Outcome::Saved(again) = b.run(Command::TakeIn(vec![AnyRecord::Customer(from_them)])) else { panic!() };
    assert!(again.changes.is_empty());
    assert_eq!(backend.writes(), writes, "nothing written");
    assert_eq!(Tab::open(&backend, "c", 3).customer(before.meta.id), joined);
}

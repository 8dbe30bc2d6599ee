//! The IndexedDB store in headless Chromium: data survives a reopen, two connections (as two
//! tabs) writing one database keep each other's records, older schemas migrate (with their
//! files), a write that fails inside its transaction leaves the database and memory as they
//! were, and a newer version taking the database over stops this one writing.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use idb::{Factory, ObjectStoreParams, TransactionMode};
use pocket_crm::domain::{
    demo, Command, Customer, CustomerKind, DeviceId, Intent, RecordKind, Records, Timestamp, UtcOffset,
};
use pocket_crm::store::idb::{IdbBackend, LEGACY_CUSTOMERS};
use pocket_crm::store::migrate::Bundled;
use pocket_crm::store::migrate::{CustomerV3, DealV3, PipelineV3};
use pocket_crm::store::segments::encode_as;
use pocket_crm::store::writer;
use pocket_crm::store::{bucket_key, files, schema_of, Backend, Outcome, Replica, StoreError, SCHEMA_VERSION};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOW: i64 = 1_790_000_000_000;

async fn fresh(name: &str) -> IdbBackend {
    IdbBackend::delete(name).await.unwrap();
    IdbBackend::open(name, &Bundled).await.unwrap()
}

async fn open(backend: &IdbBackend, device: u64) -> RefCell<Replica> {
    RefCell::new(writer::open(backend, DeviceId(device), || async {}, &Bundled).await.unwrap())
}

/// Applies and saves one command; returns how it ended.
async fn run(backend: &IdbBackend, replica: &RefCell<Replica>, command: Command) -> Outcome {
    let (ticket, _) =
        replica.borrow_mut().apply(command, "browser-test", Timestamp(NOW), UtcOffset::CHINA, vec![], false).unwrap();
    writer::flush(backend, replica, || async {}).await;
    replica.borrow_mut().take_outcome(ticket).unwrap()
}

fn sorted(replica: &RefCell<Replica>) -> Vec<Customer> {
    let mut rows = replica.borrow().archive().customers.rows().to_vec();
    rows.sort_by_key(|c| c.meta.id);
    rows
}

fn customer(n: u128, name: &str) -> Customer {
    let mut c = Customer::blank(CustomerKind::Individual);
    c.meta.id = Uuid::from_u128(n);
    c.name = name.into();
    c
}

#[wasm_bindgen_test]
async fn records_survive_closing_and_reopening() {
    let backend = fresh("t-reopen").await;
    let replica = open(&backend, 1).await;
    let d = demo::generate(11, 2_345, Timestamp(NOW), UtcOffset::CHINA, "demo");
    run(&backend, &replica, Command::ReplaceAll(Box::new(d))).await;
    let before = replica.borrow().archive().customers.rows()[2_000].clone();
    let mut after = before.clone();
    after.name = "重新打开后仍在".into();
    run(&backend, &replica, Command::EditCustomer { before: Box::new(before), after: Box::new(after.clone()) }).await;
    backend.close();

    let reopened = IdbBackend::open("t-reopen", &Bundled).await.unwrap();
    let loaded = open(&reopened, 2).await;
    assert_eq!(sorted(&loaded), sorted(&replica));
    assert_eq!(loaded.borrow().archive().customers.get(after.meta.id).unwrap().name, "重新打开后仍在");
    reopened.close();
}

#[wasm_bindgen_test]
async fn two_connections_writing_one_database_keep_each_others_customers() {
    // Two tabs: each opened the store before the other saved.
    let first_db = fresh("t-two-tabs").await;
    let second_db = IdbBackend::open("t-two-tabs", &Bundled).await.unwrap();
    let first = open(&first_db, 1).await;
    let second = open(&second_db, 1).await;
    run(
        &first_db,
        &first,
        Command::ReplaceAll(Box::new(demo::generate(3, 700, Timestamp(NOW), UtcOffset::CHINA, "demo"))),
    )
    .await;
    run(&second_db, &second, Command::CreateCustomer(customer(1, "第二个标签页的客户"))).await;
    run(&first_db, &first, Command::CreateCustomer(customer(2, "第一个标签页的客户"))).await;
    // The first tab hears of nothing here; its write took the second's customer in.
    assert!(first.borrow().archive().customers.get(Uuid::from_u128(1)).is_some());
    writer::catch_up(&second_db, &second, || async {}).await;
    let third_db = IdbBackend::open("t-two-tabs", &Bundled).await.unwrap();
    let third = open(&third_db, 3).await;
    assert_eq!(third.borrow().archive().customers.len(), 702);
    assert_eq!(sorted(&first), sorted(&third));
    assert_eq!(sorted(&second), sorted(&third));
    for db in [first_db, second_db, third_db] {
        db.close();
    }
}

#[wasm_bindgen_test]
async fn a_write_failing_inside_its_transaction_rolls_back_everything() {
    let backend = fresh("t-rollback").await;
    let replica = open(&backend, 1).await;
    run(
        &backend,
        &replica,
        Command::ReplaceAll(Box::new(demo::generate(12, 1_500, Timestamp(NOW), UtcOffset::CHINA, "demo"))),
    )
    .await;
    let stored_before = backend.load().await.unwrap();
    let rows_before = replica.borrow().archive().customers.rows().to_vec();

    // A replacement writes several buckets; the second put fails after the first was queued.
    backend.fail_next_write_at_put(1);
    let other = demo::generate(13, 2_500, Timestamp(NOW), UtcOffset::CHINA, "demo");
    let outcome = run(
        &backend,
        &replica,
        Command::ReplaceAll(Box::new(Records { customers: other.customers, ..Records::default() })),
    )
    .await;
    assert!(matches!(outcome, Outcome::Failed(StoreError::WriteFailed(_))), "{outcome:?}");
    assert_eq!(backend.load().await.unwrap(), stored_before, "the first put was rolled back with the rest");
    assert_eq!(replica.borrow().archive().customers.rows(), &rows_before[..], "memory was reverted too");

    // The next write works normally.
    run(&backend, &replica, Command::CreateCustomer(customer(77, "之后的客户"))).await;
    assert_eq!(open(&backend, 2).await.borrow().archive().customers.len(), 1_501);
    backend.close();
}

#[wasm_bindgen_test]
async fn a_newer_version_taking_the_database_over_stops_this_one_writing() {
    let name = "t-newer";
    let backend = fresh(name).await;
    let replica = open(&backend, 1).await;
    run(&backend, &replica, Command::CreateCustomer(customer(1, "旧版本的客户"))).await;
    // A newer build opens the database at a higher version: this connection lets it upgrade.
    let newer = Factory::new().unwrap().open(name, Some(pocket_crm::store::SCHEMA_VERSION + 1)).unwrap().await.unwrap();
    assert!(backend.is_stale());
    let outcome = run(&backend, &replica, Command::CreateCustomer(customer(2, "不应保存"))).await;
    assert!(matches!(outcome, Outcome::Failed(StoreError::Newer)), "{outcome:?}");
    newer.close();
    // And this build cannot open the upgraded database at all.
    assert_eq!(IdbBackend::open(name, &Bundled).await.err(), Some(StoreError::Newer));
}

/// A database as schema 1 left it: one flat JSON value per customer.
async fn schema_1_database(name: &str, values: &[(Uuid, String)]) {
    IdbBackend::delete(name).await.unwrap();
    let mut request = Factory::new().unwrap().open(name, Some(1)).unwrap();
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        event.database().unwrap().create_object_store(LEGACY_CUSTOMERS, ObjectStoreParams::new()).unwrap();
    });
    let db = request.await.unwrap();
    let tx = db.transaction(&[LEGACY_CUSTOMERS], TransactionMode::ReadWrite).unwrap();
    let store = tx.object_store(LEGACY_CUSTOMERS).unwrap();
    for (id, json) in values {
        store.put(&JsValue::from_str(json), Some(&JsValue::from_str(&id.to_string()))).unwrap();
    }
    tx.commit().unwrap().await.unwrap();
    db.close();
}

#[wasm_bindgen_test]
async fn a_broken_schema_1_value_stops_the_migration_and_changes_nothing() {
    let name = "t-migrate-broken";
    let good = Uuid::from_u128(1);
    let values = [
        (good, format!(r#"{{"id":"{good}","name":"好客户","created":1,"updated":2}}"#)),
        (Uuid::from_u128(2), r#"{"id":"not-a-uuid","name":"坏","created":1,"updated":2}"#.to_owned()),
        (Uuid::from_u128(3), "{not json".to_owned()),
    ];
    for (i, broken) in [1usize, 2].into_iter().enumerate() {
        schema_1_database(name, &[values[0].clone(), values[broken].clone()]).await;
        let err = IdbBackend::open(name, &Bundled).await.err().unwrap_or_else(|| panic!("case {i}: opened"));
        assert!(matches!(err, StoreError::Corrupt { .. }), "case {i}: {err:?}");
        // The old values are all still there, and no segment was written.
        let db = Factory::new().unwrap().open(name, None).unwrap().await.unwrap();
        let tx = db.transaction(&[LEGACY_CUSTOMERS, "segments"], TransactionMode::ReadOnly).unwrap();
        assert_eq!(tx.object_store(LEGACY_CUSTOMERS).unwrap().count(None).unwrap().await.unwrap(), 2);
        assert_eq!(tx.object_store("segments").unwrap().count(None).unwrap().await.unwrap(), 0);
        db.close();
    }
}

#[wasm_bindgen_test]
async fn a_schema_1_database_is_migrated_once() {
    let name = "t-migrate";
    let values: Vec<(Uuid, String)> = (0..1_234u128)
        .map(|i| {
            let id = Uuid::from_u128(i + 1);
            let json = format!(
                r#"{{"id":"{id}","name":"旧客户{i}","company_type":"company","phone":"1380000{i:04}","contact":"联系人{i}","value":{v},"intent":3,"created":1000,"updated":2000}}"#,
                v = i * 10
            );
            (id, json)
        })
        .collect();
    schema_1_database(name, &values).await;
    let backend = IdbBackend::open(name, &Bundled).await.unwrap();
    let replica = open(&backend, 1).await;
    assert_eq!(replica.borrow().archive().customers.len(), 1_234);
    let c = replica.borrow().archive().customers.get(Uuid::from_u128(1_000)).unwrap().clone();
    assert_eq!(c.name, "旧客户999");
    assert_eq!(c.intent, Intent::High);
    assert_eq!(c.contacts[0].phone, "13800000999");
    assert_eq!(c.potential_value.0, 999_000);
    backend.close();

    // Opening again does not migrate twice.
    let again = IdbBackend::open(name, &Bundled).await.unwrap();
    assert_eq!(open(&again, 1).await.borrow().archive().customers.len(), 1_234);
    again.close();
}

/// A database as the schema-6 build left it: version 6, buckets by id with every entry list inline.
/// It opens with its customers' lists whole, and a bucket written again is in today's shape.
#[wasm_bindgen_test]
async fn a_schema_6_database_reads_its_inline_lists_and_a_change_writes_todays_shape() {
    let name = "t-schema-6";
    IdbBackend::delete(name).await.unwrap();
    let d = demo::generate(17, 300, Timestamp(NOW), UtcOffset::CHINA, "demo");
    let mut request = Factory::new().unwrap().open(name, Some(6)).unwrap();
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        let db = event.database().unwrap();
        db.create_object_store("segments", ObjectStoreParams::new()).unwrap();
        db.create_object_store("log", ObjectStoreParams::new()).unwrap();
    });
    let db = request.await.unwrap();
    let tx = db.transaction(&["segments"], TransactionMode::ReadWrite).unwrap();
    let store = tx.object_store("segments").unwrap();
    let put = |kind: RecordKind, body: Vec<u8>| {
        let key = JsValue::from_str(&bucket_key(kind, 0, 0));
        store.put(&js_sys::Uint8Array::from(&body[..]).into(), Some(&key)).unwrap();
    };
    put(RecordKind::Customer, encode_as(&d.customers, 6));
    put(RecordKind::Deal, encode_as(&d.deals, 6));
    put(RecordKind::Pipeline, encode_as(&d.pipelines, 6));
    tx.commit().unwrap().await.unwrap();
    db.close();

    let backend = IdbBackend::open(name, &Bundled).await.unwrap();
    let replica = open(&backend, 1).await;
    let mut expected = d.customers.clone();
    expected.sort_by_key(|c| c.meta.id);
    assert_eq!(sorted(&replica), expected);
    let talker = expected.iter().find(|c| c.contacts.len() > 1 && !c.communications.is_empty()).unwrap();
    let deal = d.deals.iter().find(|x| !x.activities.is_empty()).unwrap();
    assert_eq!(replica.borrow().archive().deals.get(deal.meta.id).unwrap().activities, deal.activities);

    let mut after = talker.clone();
    after.name = "升级后改名".into();
    run(&backend, &replica, Command::EditCustomer { before: Box::new(talker.clone()), after: Box::new(after) }).await;
    let segments = backend.load().await.unwrap().segments;
    let (_, body) = segments.iter().find(|(k, _)| k.starts_with("customer/")).unwrap();
    assert_eq!(schema_of(body), SCHEMA_VERSION);
    let again = open(&backend, 2).await;
    assert_eq!(sorted(&again), sorted(&replica));
    let renamed = again.borrow().archive().customers.get(talker.meta.id).unwrap().clone();
    assert_eq!(
        (renamed.name.as_str(), &renamed.contacts, &renamed.communications),
        ("升级后改名", &talker.contacts, &talker.communications)
    );
    backend.close();
}

/// A database as the schema-3 build left it: version 3, segments by position, a file attached
/// to a deal's second activity and one to a customer's first follow-up, keyed by entry number.
#[wasm_bindgen_test]
async fn a_schema_3_database_with_files_migrates_in_one_transaction() {
    let name = "t-schema-3";
    IdbBackend::delete(name).await.unwrap();
    let d = demo::generate(15, 900, Timestamp(NOW), UtcOffset::CHINA, "demo");
    let deal = d.deals.iter().find(|x| x.activities.len() > 1).unwrap().clone();
    let talker = d.customers.iter().find(|c| !c.communications.is_empty()).unwrap().clone();
    let mut request = Factory::new().unwrap().open(name, Some(3)).unwrap();
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        event.database().unwrap().create_object_store("segments", ObjectStoreParams::new()).unwrap();
    });
    let db = request.await.unwrap();
    let tx = db.transaction(&["segments"], TransactionMode::ReadWrite).unwrap();
    let store = tx.object_store("segments").unwrap();
    let put = |key: String, body: Vec<u8>| {
        store.put(&js_sys::Uint8Array::from(&body[..]).into(), Some(&JsValue::from_str(&key))).unwrap();
    };
    let customers: Vec<CustomerV3> = d.customers.iter().map(CustomerV3::of).collect();
    put("customer/000000".into(), encode_as(&customers[..500], 3));
    put("customer/000001".into(), encode_as(&customers[500..], 3));
    put("deal/000000".into(), encode_as(&d.deals.iter().map(DealV3::of).collect::<Vec<_>>(), 3));
    put("pipeline/000000".into(), encode_as(&d.pipelines.iter().map(PipelineV3::of).collect::<Vec<_>>(), 3));
    let info = files::FileInfo {
        id: Uuid::from_u128(5),
        name: "样品.jpg".into(),
        mime: "image/jpeg".into(),
        added_at: Timestamp(NOW),
        by: "王伟".into(),
        size: 0,
    };
    put(files::numbered_key(deal.meta.id, 1, info.id), files::encode(&info, &[9, 8, 7]));
    put(files::numbered_key(talker.meta.id, 0, Uuid::from_u128(6)), files::encode(&info, &[1, 2]));
    tx.commit().unwrap().await.unwrap();
    db.close();

    let backend = IdbBackend::open(name, &Bundled).await.unwrap();
    let replica = open(&backend, 1).await;
    let (counts, migrated, talker_now) = {
        let r = replica.borrow();
        let archive = r.archive();
        let counts = (archive.customers.len(), archive.deals.len());
        (
            counts,
            archive.deals.get(deal.meta.id).unwrap().clone(),
            archive.customers.get(talker.meta.id).unwrap().clone(),
        )
    };
    assert_eq!(counts, (900, d.deals.len()));
    assert_eq!(migrated.title, deal.title);
    assert_eq!(migrated.activities.len(), deal.activities.len());
    // The files moved to their entries' ids, in the same transaction as the segments.
    let photo = backend.load_prefix(&files::owner_prefix(deal.meta.id)).await.unwrap();
    assert_eq!(photo.len(), 1);
    let (entry, back, bytes) = files::decode(&photo[0].0, &photo[0].1).unwrap();
    assert_eq!((entry, back.name.as_str(), bytes), (migrated.activities[1].id, "样品.jpg", vec![9, 8, 7]));
    let card = backend.load_prefix(&files::owner_prefix(talker.meta.id)).await.unwrap();
    assert_eq!(files::decode(&card[0].0, &card[0].1).unwrap().0, talker_now.communications[0].id);
    // No segment of the old layout is left, and opening again changes nothing.
    let keys: Vec<String> = backend.load().await.unwrap().segments.into_iter().map(|(k, _)| k).collect();
    assert!(keys.iter().all(|k| k.contains('-')), "{keys:?}");
    let again = open(&backend, 2).await;
    assert_eq!(sorted(&again), sorted(&replica));
    backend.close();
}

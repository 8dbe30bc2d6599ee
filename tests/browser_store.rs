//! The IndexedDB store in headless Chromium: data survives a reopen, schema 1 migrates, and a
//! write that fails inside its transaction leaves the database and the archive as they were.
#![cfg(target_arch = "wasm32")]

use idb::{Factory, ObjectStoreParams, TransactionMode};
use pocket_crm::domain::{demo, Actor, Command, Customer, CustomerKind, Intent, Records, Timestamp};
use pocket_crm::store::idb::{IdbBackend, LEGACY_CUSTOMERS};
use pocket_crm::store::{ActionError, Backend, Repository, StoreError};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn actor() -> Actor {
    Actor { name: "browser-test".into(), now: Timestamp(1_790_000_000_000) }
}

async fn fresh(name: &str) -> IdbBackend {
    IdbBackend::delete(name).await.unwrap();
    IdbBackend::open(name).await.unwrap()
}

#[wasm_bindgen_test]
async fn records_survive_closing_and_reopening() {
    let backend = fresh("t-reopen").await;
    let (mut repo, mut archive) = Repository::open(&backend).await.unwrap();
    let d = demo::generate(11, 2_345, actor().now, "demo");
    repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor()).await.unwrap();
    let mut edited = archive.customers.rows()[2_000].clone();
    edited.name = "重新打开后仍在".into();
    repo.execute(&backend, &mut archive, Command::UpdateCustomer(edited.clone()), &actor()).await.unwrap();
    backend.close();

    let reopened = IdbBackend::open("t-reopen").await.unwrap();
    let (_, loaded) = Repository::open(&reopened).await.unwrap();
    assert_eq!(loaded.customers.rows(), archive.customers.rows());
    assert_eq!(loaded.reps.rows(), archive.reps.rows());
    assert_eq!(loaded.customers.get(edited.id()).unwrap().name, "重新打开后仍在");
    reopened.close();
}

#[wasm_bindgen_test]
async fn a_write_failing_inside_its_transaction_rolls_back_everything() {
    let backend = fresh("t-rollback").await;
    let (mut repo, mut archive) = Repository::open(&backend).await.unwrap();
    let d = demo::generate(12, 1_500, actor().now, "demo");
    repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor()).await.unwrap();
    let stored_before = backend.load().await.unwrap();
    let rows_before = archive.customers.rows().to_vec();

    // A replace writes several segments; the second put fails after the first was queued.
    backend.fail_next_write_at_put(1);
    let other = demo::generate(13, 2_500, actor().now, "demo");
    let err = repo
        .execute(
            &backend,
            &mut archive,
            Command::ReplaceAll(Box::new(Records { customers: other.customers, ..Records::default() })),
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ActionError::Store(StoreError::WriteFailed(_))), "{err:?}");
    assert_eq!(backend.load().await.unwrap(), stored_before, "the first put was rolled back with the rest");
    assert_eq!(archive.customers.rows(), &rows_before[..], "memory was reverted too");

    // The next write works normally.
    let mut c = Customer::blank(CustomerKind::Individual);
    c.meta.id = Uuid::from_u128(77);
    c.name = "之后的客户".into();
    repo.execute(&backend, &mut archive, Command::CreateCustomer(c), &actor()).await.unwrap();
    let (_, loaded) = Repository::open(&backend).await.unwrap();
    assert_eq!(loaded.customers.len(), 1_501);
    backend.close();
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
    let values = vec![
        (good, format!(r#"{{"id":"{good}","name":"好客户","created":1,"updated":2}}"#)),
        (Uuid::from_u128(2), r#"{"id":"not-a-uuid","name":"坏","created":1,"updated":2}"#.to_owned()),
        (Uuid::from_u128(3), "{not json".to_owned()),
    ];
    for (i, broken) in [1usize, 2].into_iter().enumerate() {
        schema_1_database(name, &[values[0].clone(), values[broken].clone()]).await;
        let err = IdbBackend::open(name).await.err().unwrap_or_else(|| panic!("case {i}: opened"));
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
    let backend = IdbBackend::open(name).await.unwrap();
    let (_, archive) = Repository::open(&backend).await.unwrap();
    assert_eq!(archive.customers.len(), 1_234);
    let c = archive.customers.get(Uuid::from_u128(1_000)).unwrap();
    assert_eq!(c.name, "旧客户999");
    assert_eq!(c.intent, Intent::High);
    assert_eq!(c.contacts[0].phone, "13800000999");
    assert_eq!(c.potential_value.0, 999_000);
    backend.close();

    // Opening again does not migrate twice.
    let again = IdbBackend::open(name).await.unwrap();
    assert_eq!(Repository::open(&again).await.unwrap().1.customers.len(), 1_234);
    again.close();
}

#[wasm_bindgen_test]
async fn deals_their_pipeline_history_and_attached_files_survive_a_reopen_in_indexeddb() {
    use pocket_crm::store::files::{self, FileInfo};
    use pocket_crm::store::WriteBatch;
    let backend = fresh("t-deals").await;
    let (mut repo, mut archive) = Repository::open(&backend).await.unwrap();
    let d = demo::generate(14, 1_200, actor().now, "demo");
    repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor()).await.unwrap();
    // A move (history), a hand-over (history) and a file for the deal's first activity.
    let deal = archive.deals.rows()[42].meta.id;
    let stage = archive.pipeline().unwrap().stages[2].id;
    repo.execute(&backend, &mut archive, Command::MoveDeal { id: deal, stage }, &actor()).await.unwrap();
    let rep = archive.reps.rows()[3].meta.id;
    repo.execute(
        &backend,
        &mut archive,
        Command::HandOver { deals: vec![deal], customers: vec![], to: Some(rep) },
        &actor(),
    )
    .await
    .unwrap();
    let info = FileInfo {
        id: Uuid::from_u128(5),
        name: "名片.jpg".into(),
        mime: "image/jpeg".into(),
        added_at: actor().now,
        by: "王伟".into(),
        size: 0,
    };
    let put = (files::key(deal, 0, info.id), files::encode(&info, &[9, 8, 7]));
    backend.write(WriteBatch { puts: vec![put], ..WriteBatch::default() }).await.unwrap();
    backend.close();

    let reopened = IdbBackend::open("t-deals").await.unwrap();
    let (_, loaded) = Repository::open(&reopened).await.unwrap();
    assert_eq!(loaded.deals.rows(), archive.deals.rows());
    assert_eq!(loaded.pipeline(), archive.pipeline());
    let history = &loaded.deals.get(deal).unwrap().history;
    assert!(history.len() >= 3, "created, moved, handed over: {history:?}");
    // Opening read segments only; the deal's file is read by its prefix.
    assert!(reopened.load().await.unwrap().iter().all(|(k, _)| !k.starts_with('~')));
    let stored = reopened.load_prefix(&files::owner_prefix(deal)).await.unwrap();
    let (activity, back, bytes) = files::decode(&stored[0].0, &stored[0].1).unwrap();
    assert_eq!((stored.len(), activity, back.name.as_str(), bytes), (1, 0, "名片.jpg", vec![9, 8, 7]));

    // A restore's write: every file cleared by its key range, then the backup's put, one
    // transaction; the segments stay.
    let theirs = (files::key(deal, 1, Uuid::from_u128(6)), files::encode(&info, &[1]));
    reopened
        .write(WriteBatch {
            puts: vec![theirs.clone()],
            clear: vec![files::FILE_PREFIX.into()],
            ..WriteBatch::default()
        })
        .await
        .unwrap();
    assert_eq!(reopened.load_prefix(files::FILE_PREFIX).await.unwrap(), vec![theirs]);
    let (_, again) = Repository::open(&reopened).await.unwrap();
    assert_eq!(again.deals.rows(), archive.deals.rows());
    reopened.close();
}

#[wasm_bindgen_test]
async fn a_schema_2_database_opens_under_schema_3_and_customers_gain_an_owner_history() {
    use pocket_crm::store::migrate::CustomerV2;
    let name = "t-schema-2";
    IdbBackend::delete(name).await.unwrap();
    // A database as the schema-2 build left it: version 2, one segment of schema-2 customers.
    let customers = demo::generate(15, 300, actor().now, "demo").customers;
    let body = CustomerV2::segment(&customers);
    let mut request = Factory::new().unwrap().open(name, Some(2)).unwrap();
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        event.database().unwrap().create_object_store("segments", ObjectStoreParams::new()).unwrap();
    });
    let db = request.await.unwrap();
    let tx = db.transaction(&["segments"], TransactionMode::ReadWrite).unwrap();
    tx.object_store("segments")
        .unwrap()
        .put(&js_sys::Uint8Array::from(&body[..]).into(), Some(&JsValue::from_str("customer/000000")))
        .unwrap();
    tx.commit().unwrap().await.unwrap();
    db.close();

    let backend = IdbBackend::open(name).await.unwrap();
    let (mut repo, mut archive) = Repository::open(&backend).await.unwrap();
    assert_eq!(archive.customers.rows(), &customers[..]);
    // A hand-over now writes the owner history, and it is read back.
    let owned = customers.iter().find(|c| c.owner.is_some()).unwrap();
    let id = owned.meta.id;
    repo.execute(&backend, &mut archive, Command::HandOver { deals: vec![], customers: vec![id], to: None }, &actor())
        .await
        .unwrap();
    backend.close();
    let again = IdbBackend::open(name).await.unwrap();
    let (_, loaded) = Repository::open(&again).await.unwrap();
    let history = &loaded.customers.get(id).unwrap().owner_history;
    assert_eq!(history.iter().map(|h| (h.from, h.to)).collect::<Vec<_>>(), vec![(owned.owner, None)]);
    assert_eq!(loaded.customers.rows(), archive.customers.rows());
    again.close();
}

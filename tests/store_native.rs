//! The repository over the in-memory backend: what is written reads back, failed writes change
//! nothing, and odd stored shapes are healed or refused without losing data.
#![cfg(not(target_arch = "wasm32"))]

use pocket_crm::domain::demo;
use pocket_crm::domain::{Records, Actor, Archive, Command, Customer, CustomerKind, Timestamp};
use pocket_crm::store::{encode_segment, segment_key, Backend, MemoryBackend, Repository, StoreError, WriteBatch, SEGMENT_SIZE};
use pocket_crm::domain::RecordKind;
use pocket_crm::store::{ActionError, Applying, Decoding};
use pollster::block_on;
use uuid::Uuid;

fn actor() -> Actor {
    Actor { name: "tester".into(), now: Timestamp(1_790_000_000_000) }
}

fn customer(n: u128, name: &str) -> Customer {
    let mut c = Customer::blank(CustomerKind::Organisation);
    c.meta.id = Uuid::from_u128(n);
    c.name = name.into();
    c
}

fn demo_archive(backend: &MemoryBackend, n: usize) -> (Repository, Archive) {
    let (mut repo, mut archive) = block_on(Repository::open(backend)).unwrap();
    let d = demo::generate(3, n, actor().now, "demo");
    block_on(repo.execute(backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor())).unwrap();
    (repo, archive)
}

#[test]
fn what_is_written_reads_back_after_reopen() {
    let backend = MemoryBackend::new();
    let (mut repo, mut archive) = demo_archive(&backend, 2_500);
    block_on(repo.execute(&backend, &mut archive, Command::CreateCustomer(customer(1, "新客户")), &actor())).unwrap();
    let (_, reopened) = block_on(Repository::open(&backend)).unwrap();
    assert_eq!(reopened.customers.rows(), archive.customers.rows());
    assert_eq!(reopened.reps.rows(), archive.reps.rows());
    assert_eq!(reopened.teams.rows(), archive.teams.rows());
    // Deals (with their histories and activities) and the pipeline too.
    assert!(archive.deals.len() > 1_000 && archive.deals.rows().iter().any(|d| !d.activities.is_empty() && d.history.len() > 1));
    assert_eq!(reopened.deals.rows(), archive.deals.rows());
    assert_eq!(reopened.pipeline(), archive.pipeline());
    let moved = archive.deals.rows()[1_234].meta.id;
    let stage = archive.pipeline().unwrap().stages[3].id;
    block_on(repo.execute(&backend, &mut archive, Command::MoveDeal { id: moved, stage }, &actor())).unwrap();
    let (_, reopened) = block_on(Repository::open(&backend)).unwrap();
    assert_eq!(reopened.deals.get(moved), archive.deals.get(moved));
    let keys: Vec<String> = backend.snapshot().keys().cloned().collect();
    assert_eq!(keys.iter().filter(|k| k.starts_with("customer/")).count(), 2_501usize.div_ceil(SEGMENT_SIZE));
}

#[test]
fn an_edit_rewrites_only_its_segment() {
    let backend = MemoryBackend::new();
    let (mut repo, mut archive) = demo_archive(&backend, 3_000);
    let before = backend.snapshot();
    let mut edited = archive.customers.rows()[1_500].clone();
    edited.name = "改过的名字".into();
    block_on(repo.execute(&backend, &mut archive, Command::UpdateCustomer(edited), &actor())).unwrap();
    let after = backend.snapshot();
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    assert_eq!(changed, [&segment_key(RecordKind::Customer, 1_500 / SEGMENT_SIZE)]);
}

#[test]
fn a_failed_write_changes_neither_memory_nor_disk() {
    let backend = MemoryBackend::new();
    let (mut repo, mut archive) = demo_archive(&backend, 1_200);
    let stored_before = backend.snapshot();
    let rows_before = archive.customers.rows().to_vec();

    backend.fail_next_write(StoreError::QuotaExceeded);
    let err = block_on(repo.execute(&backend, &mut archive, Command::CreateCustomer(customer(9, "X")), &actor())).unwrap_err();
    assert_eq!(err, ActionError::Store(StoreError::QuotaExceeded));
    assert_eq!(archive.customers.rows(), &rows_before[..]);
    assert_eq!(backend.snapshot(), stored_before);

    backend.fail_next_write(StoreError::WriteFailed("disk".into()));
    let d = demo::generate(4, 10, actor().now, "demo");
    block_on(repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(Records { customers: d.customers, ..Records::default() })), &actor())).unwrap_err();
    assert_eq!(archive.customers.rows(), &rows_before[..]);
    assert_eq!(backend.snapshot(), stored_before);

    // The store still works afterwards.
    block_on(repo.execute(&backend, &mut archive, Command::CreateCustomer(customer(9, "X")), &actor())).unwrap();
    assert_eq!(block_on(Repository::open(&backend)).unwrap().1.customers.len(), 1_201);
}

#[test]
fn replacing_with_less_deletes_the_segments_past_the_end() {
    let backend = MemoryBackend::new();
    let (mut repo, mut archive) = demo_archive(&backend, 3_500);
    let d = demo::generate(5, 100, actor().now, "demo");
    block_on(repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor())).unwrap();
    let customer_keys = backend.snapshot().keys().filter(|k| k.starts_with("customer/")).count();
    assert_eq!(customer_keys, 1);
    assert_eq!(block_on(Repository::open(&backend)).unwrap().1.customers.len(), 100);
}

#[test]
fn an_unreadable_segment_is_refused_and_left_untouched() {
    let backend = MemoryBackend::new();
    demo_archive(&backend, 1_500);
    backend.put_raw("customer/000001", b"{not a segment");
    let stored = backend.snapshot();
    let err = block_on(Repository::open(&backend)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { ref key, .. } if key == "customer/000001"), "{err:?}");
    assert_eq!(backend.snapshot(), stored);
}

#[test]
fn segments_in_an_odd_shape_are_rewritten_on_open() {
    let backend = MemoryBackend::new();
    let d = demo::generate(6, 30, actor().now, "demo");
    // Three short segments with a gap, as a different segment size would have left them.
    backend.put_raw("customer/000000", &encode_segment(&d.customers[..10]));
    backend.put_raw("customer/000002", &encode_segment(&d.customers[10..20]));
    backend.put_raw("customer/000005", &encode_segment(&d.customers[20..]));
    backend.put_raw("stray-key", b"whatever");
    let (_, archive) = block_on(Repository::open(&backend)).unwrap();
    assert_eq!(archive.customers.rows(), &d.customers[..]);
    let keys: Vec<String> = backend.snapshot().keys().cloned().collect();
    assert_eq!(keys, ["customer/000000"]);
    assert_eq!(block_on(Repository::open(&backend)).unwrap().1.customers.rows(), &d.customers[..]);
}

#[test]
fn backend_write_is_all_or_nothing() {
    let backend = MemoryBackend::new();
    block_on(backend.write(WriteBatch { puts: vec![("a".into(), b"1".to_vec())], ..WriteBatch::default() })).unwrap();
    backend.fail_next_write(StoreError::QuotaExceeded);
    assert!(block_on(backend.write(WriteBatch { puts: vec![("b".into(), b"2".to_vec())], deletes: vec!["a".into()], ..WriteBatch::default() })).is_err());
    assert_eq!(backend.snapshot().into_iter().collect::<Vec<_>>(), [("a".to_string(), b"1".to_vec())]);
}

#[test]
fn a_staged_command_writes_exactly_what_prepare_writes() {
    // An import (new customers plus an update deep in the table), and a replace-all (deletes).
    let commands = |a: &Archive| {
        let mut changed = a.customers.rows()[700].clone();
        changed.name = "已有客户改名".into();
        vec![
            Command::ImportCustomers { create: (10_000..11_234).map(|n| customer(n, &format!("导入{n}"))).collect(), update: vec![changed] },
            Command::ReplaceAll(Box::new(Records { customers: vec![customer(1, "A")], ..Records::default() })),
        ]
    };
    let (_, probe) = demo_archive(&MemoryBackend::default(), 1_600);
    for i in 0..2 {
        let (repo, mut a) = demo_archive(&MemoryBackend::default(), 1_600);
        let (repo2, mut b) = demo_archive(&MemoryBackend::default(), 1_600);
        let (expected, _) = repo.prepare(&mut a, commands(&probe).remove(i), &actor()).unwrap();
        let mut staged = repo2.stage(&mut b, commands(&probe).remove(i), &actor()).unwrap();
        let mut rounds = 0;
        while !staged.encode_some(&b, 1) {
            rounds += 1;
        }
        let (batch, pending) = staged.into_write(&b);
        assert!(i == 1 || rounds > 0, "encoded in several rounds");
        let (mut expected_puts, mut puts) = (expected.puts.clone(), batch.puts.clone());
        expected_puts.sort();
        puts.sort();
        assert_eq!(puts.iter().map(|p| &p.0).collect::<Vec<_>>(), expected_puts.iter().map(|p| &p.0).collect::<Vec<_>>());
        assert_eq!(puts, expected_puts);
        assert_eq!(batch.deletes, expected.deletes);
        assert!(!pending.changes().customers.is_empty() || pending.changes().replaced_all);
    }
}

#[test]
fn an_import_applied_in_steps_writes_what_one_command_writes_and_takes_back_as_one() {
    let backend = MemoryBackend::default();
    let (repo, mut a) = demo_archive(&backend, 1_600);
    let (mut repo2, mut b) = demo_archive(&MemoryBackend::default(), 1_600);
    let rows_before = b.customers.rows().to_vec();
    let mut changed = a.customers.rows()[300].clone();
    changed.name = "已有客户改名".into();
    let create: Vec<Customer> = (20_000..22_500).map(|n| customer(n, &format!("导入{n}"))).collect();
    let (expected, _) = repo.prepare(&mut a, Command::ImportCustomers { create: create.clone(), update: vec![changed.clone()] }, &actor()).unwrap();

    let mut applying = Applying::default();
    for chunk in create.chunks(1_000) {
        applying.apply(&mut b, Command::ImportCustomers { create: chunk.to_vec(), update: vec![] }, &actor()).unwrap();
    }
    applying.apply(&mut b, Command::ImportCustomers { create: vec![], update: vec![changed] }, &actor()).unwrap();
    assert_eq!(b.customers.rows(), a.customers.rows());
    let (batch, pending) = repo2.stage_applied(&b, applying).into_write(&b);
    assert_eq!(pending.changes().customers.len(), 2_501);
    let (mut expected_puts, mut puts) = (expected.puts, batch.puts);
    expected_puts.sort();
    puts.sort();
    assert_eq!(puts, expected_puts);

    // A failed write takes back every step.
    repo2.finish(&mut b, pending, Err(StoreError::QuotaExceeded)).unwrap_err();
    assert_eq!(b.customers.rows(), &rows_before[..]);

    // A step the domain refuses: the caller abandons the steps before it.
    let mut applying = Applying::default();
    applying.apply(&mut b, Command::ImportCustomers { create: create[..10].to_vec(), update: vec![] }, &actor()).unwrap();
    let refused = applying.apply(&mut b, Command::ImportCustomers { create: vec![customer(30_000, "")], update: vec![] }, &actor());
    assert!(refused.is_err());
    applying.abandon(&mut b);
    assert_eq!(b.customers.rows(), &rows_before[..]);
}

#[test]
fn decoding_in_parts_reads_what_decoding_at_once_reads() {
    let backend = MemoryBackend::default();
    let (_, archive) = demo_archive(&backend, 2_100);
    let segments = block_on(backend.load()).unwrap();
    assert!(segments.len() >= 3);
    let mut parts = Decoding::new(segments.clone());
    let mut rounds = 1;
    while !parts.decode_some(1).unwrap() {
        rounds += 1;
    }
    assert_eq!(rounds, segments.len());
    let (_, from_parts, heal) = parts.finish();
    assert!(heal.is_none());
    assert_eq!(from_parts.customers.rows(), archive.customers.rows());
    assert_eq!(from_parts.reps.rows(), archive.reps.rows());
    // A broken segment is refused in whichever part it comes.
    let mut broken = segments;
    broken[1].1.truncate(5);
    let mut parts = Decoding::new(broken);
    assert!(!parts.decode_some(1).unwrap() && parts.decode_some(1).is_err());
}

#[test]
fn attached_files_are_kept_beside_the_segments_never_loaded_and_survive_heals_and_restores() {
    use pocket_crm::store::files::{self, FileInfo};
    let backend = MemoryBackend::new();
    let (mut repo, mut archive) = demo_archive(&backend, 1_200);
    let (one, two) = (archive.deals.rows()[0].meta.id, archive.deals.rows()[1].meta.id);
    let info = |n: u128| FileInfo { id: Uuid::from_u128(n), name: format!("照片{n}.jpg"), mime: "image/jpeg".into(), added_at: actor().now, by: "王伟".into(), size: 0 };
    let puts = vec![
        (files::key(one, 0, Uuid::from_u128(1)), files::encode(&info(1), &[1, 2, 3])),
        (files::key(one, 2, Uuid::from_u128(2)), files::encode(&info(2), &[4])),
        (files::key(two, 0, Uuid::from_u128(3)), files::encode(&info(3), &[5])),
    ];
    block_on(backend.write(WriteBatch { puts, ..WriteBatch::default() })).unwrap();
    // Opening reads segments only, and finds nothing to heal.
    assert!(block_on(backend.load()).unwrap().iter().all(|(k, _)| !k.starts_with('~')));
    let (_, reopened) = block_on(Repository::open(&backend)).unwrap();
    assert_eq!(reopened.deals.rows(), archive.deals.rows());
    let mine = block_on(backend.load_prefix(&files::owner_prefix(one))).unwrap();
    let decoded: Vec<(usize, String, Vec<u8>)> = mine.iter().map(|(k, v)| files::decode(k, v).map(|(a, i, b)| (a, i.name, b)).unwrap()).collect();
    assert_eq!(decoded, vec![(0, "照片1.jpg".into(), vec![1, 2, 3]), (2, "照片2.jpg".into(), vec![4])]);
    // A heal of odd segments and a restore (replace all) leave the files alone.
    backend.put_raw("stray-key", b"whatever");
    block_on(Repository::open(&backend)).unwrap();
    let d = demo::generate(5, 100, actor().now, "demo");
    block_on(repo.execute(&backend, &mut archive, Command::ReplaceAll(Box::new(d)), &actor())).unwrap();
    assert_eq!(backend.snapshot().keys().filter(|k| k.starts_with(files::FILE_PREFIX)).count(), 3);
    assert!(!backend.snapshot().contains_key("stray-key"));

    // A restore from a backup that holds files clears them all first, in the same write; a
    // failing write clears nothing.
    let theirs = (files::key(two, 1, Uuid::from_u128(9)), files::encode(&info(9), &[9]));
    let restore = WriteBatch { puts: vec![theirs.clone()], clear: vec![files::FILE_PREFIX.into()], ..WriteBatch::default() };
    backend.fail_next_write(StoreError::QuotaExceeded);
    assert!(block_on(backend.write(restore.clone())).is_err());
    assert_eq!(backend.snapshot().keys().filter(|k| k.starts_with(files::FILE_PREFIX)).count(), 3);
    let segments_before: Vec<String> = backend.snapshot().into_keys().filter(|k| !k.starts_with('~')).collect();
    block_on(backend.write(restore)).unwrap();
    let files_after: Vec<(String, Vec<u8>)> = backend.snapshot().into_iter().filter(|(k, _)| k.starts_with('~')).collect();
    assert_eq!(files_after, vec![theirs]);
    assert_eq!(backend.snapshot().into_keys().filter(|k| !k.starts_with('~')).collect::<Vec<_>>(), segments_before, "segments untouched");
}

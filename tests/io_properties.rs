//! Property tests for the file parsers: random and malformed input never panics, and every row
//! of a table is either imported or refused with a reason; export then import gives the same
//! customers back.
#![cfg(not(target_arch = "wasm32"))]

use pocket_crm::domain::{demo, Timestamp, UtcOffset};
use pocket_crm::i18n::Lang;
use pocket_crm::io::export::{cells, csv_bytes, header, COLUMNS};
use pocket_crm::io::import::check_rows;
use pocket_crm::io::mapping::guess;
use pocket_crm::io::table::read_table;
use pocket_crm::io::{backup, table::TableError};
use proptest::prelude::*;
use uuid::Uuid;

/// CSV-ish text: separators, quotes, line breaks, Chinese, digits, formula starts.
fn csvish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(","),
            Just("\""),
            Just("\r\n"),
            Just("\n"),
            Just("\t"),
            Just("恒达"),
            Just("138"),
            Just("="),
            Just("高"),
            Just("3.5万"),
            Just("x@y.cn"),
            Just(" ")
        ],
        0..60,
    )
    .prop_map(|parts| format!("客户名称,电话,合作意向,潜在价值,邮箱\n{}", parts.concat()))
}

fn partition_holds(bytes: &[u8]) {
    match read_table(bytes) {
        Ok(table) => {
            let mapping = guess(&table.headers);
            let mut n = 0u128;
            let checked = check_rows(
                &table,
                &mapping,
                &[],
                || {
                    n += 1;
                    Uuid::from_u128(n)
                },
                |_| {},
            );
            assert_eq!(checked.customers.len() + checked.bad_rows.len(), table.rows.len());
            for bad in &checked.bad_rows {
                let line = table.lines[*bad as usize];
                assert!(checked.problems.iter().any(|p| p.line == line), "bad row {bad} without a reason");
            }
            assert!(table.rows.iter().all(|r| r.len() == table.headers.len()));
            // Problems come in row order, one group per refused row (the page relies on it).
            let groups: Vec<u32> = checked.problems.chunk_by(|a, b| a.row == b.row).map(|g| g[0].row).collect();
            assert_eq!(groups, checked.bad_rows);
        }
        Err(TableError::Empty | TableError::Unreadable(_) | TableError::TooLarge { .. }) => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        partition_holds(&bytes);
        let _ = backup::read(&bytes);
    }

    #[test]
    fn csv_like_text_is_imported_or_refused_with_reasons(text in csvish()) {
        partition_holds(text.as_bytes());
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        partition_holds(&gbk);
    }

    #[test]
    fn damaged_zip_and_backup_files_are_refused_not_fatal(cut in 0usize..2000, flip in 0usize..2000) {
        let data = demo::generate(3, 20, Timestamp(1_700_000_000_000), UtcOffset::CHINA, "t");
        let contents = backup::Contents { records: data, ..Default::default() };
        let mut bytes = backup::write(&contents);
        let at = flip % bytes.len();
        bytes[at] ^= 0x5A;
        let _ = backup::read(&bytes[..cut.min(bytes.len())]);
        let _ = backup::read(&bytes);
        let rows = vec![vec!["客户名称".to_owned()], vec!["恒达".to_owned()]];
        let mut xlsx = pocket_crm::io::export::xlsx_bytes(rows, "s").unwrap();
        let at = flip % xlsx.len();
        xlsx[at] ^= 0x5A;
        partition_holds(&xlsx[..cut.max(4).min(xlsx.len())]);
        partition_holds(&xlsx);
    }
}

#[test]
fn export_then_import_gives_the_same_customers() {
    let data = demo::generate(11, 500, Timestamp(1_700_000_000_000), UtcOffset::CHINA, "t");
    let owners: Vec<(Uuid, String)> = data.reps.iter().map(|r| (r.meta.id, r.name.clone())).collect();
    let owner_name = |id: Uuid| owners.iter().find(|(o, _)| *o == id).map(|(_, n)| n.clone()).unwrap_or_default();
    for lang in [Lang::Zh, Lang::En] {
        let mut rows = vec![COLUMNS.iter().map(|t| header(lang, *t).to_owned()).collect::<Vec<_>>()];
        rows.extend(data.customers.iter().map(|c| cells(lang, c, &owner_name)));
        let table = read_table(&csv_bytes(rows.clone())).unwrap();
        let mapping = guess(&table.headers);
        assert_eq!(mapping, COLUMNS, "{lang:?} headers map back to their fields");
        let checked = check_rows(&table, &mapping, &owners, Uuid::new_v4, |_| {});
        assert!(checked.problems.is_empty(), "{:?}", &checked.problems[..checked.problems.len().min(3)]);
        assert_eq!(checked.customers.len(), data.customers.len());
        for ((_, back), original) in checked.customers.iter().zip(&data.customers) {
            // The sheet holds the first contact and the latest deal: compare what it holds.
            assert_eq!(cells(lang, back, &owner_name), cells(lang, original, &owner_name));
        }
        // The same through XLSX.
        let table = read_table(&pocket_crm::io::export::xlsx_bytes(rows, "客户").unwrap()).unwrap();
        let checked = check_rows(&table, &guess(&table.headers), &owners, Uuid::new_v4, |_| {});
        assert!(checked.problems.is_empty(), "{:?}", &checked.problems[..checked.problems.len().min(3)]);
        for ((_, back), original) in checked.customers.iter().zip(&data.customers) {
            assert_eq!(cells(lang, back, &owner_name), cells(lang, original, &owner_name));
        }
    }
}

/// The committed fixtures: what Chinese Excel writes as "CSV" (GBK) and as "Unicode text"
/// (UTF-16LE with BOM, tab-separated).
#[test]
fn gbk_and_utf16_fixtures_read_right() {
    for (file, encoding) in [("customers-gbk.csv", "GBK/GB18030"), ("customers-utf16.txt", "UTF-16LE")] {
        let bytes = std::fs::read(format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let table = read_table(&bytes).unwrap();
        assert_eq!(table.encoding.map(|e| e.label()), Some(encoding), "{file}");
        assert_eq!(table.headers[0], "客户名称");
        let checked = check_rows(&table, &guess(&table.headers), &[], Uuid::new_v4, |_| {});
        let names: Vec<&str> = checked.customers.iter().map(|(_, c)| c.name.as_str()).collect();
        assert_eq!(names, ["杭州恒达电器有限公司", "深圳鹏程电子", "个体户张三"], "{file}");
        assert_eq!(checked.bad_rows, [3], "{file}");
        assert_eq!(
            checked.problems.iter().map(|p| p.column.as_str()).collect::<Vec<_>>(),
            ["潜在价值", "合作意向", "手机"]
        );
    }
}

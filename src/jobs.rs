//! Work done off the page, in Web Workers that run their own wasm modules, for code the page
//! needs rarely or that would block it. Two workers, so each loads only what it needs:
//! `src/bin/worker.rs` draws charts (plotters and float formatting) and `src/bin/files.rs` reads
//! and writes files (CSV, XLSX, JSON backups). Keeping that code out of the page's module keeps
//! the first load small.
//!
//! Requests and replies cross `postMessage` as postcard bytes: an envelope of the job's number
//! and the job (or its outcome); progress goes as a plain array. Plain Rust, tested natively.

use std::cell::RefCell;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

use crate::charts::{chart_svg, Chart};
use crate::domain::Customer;
use crate::i18n::Lang;
use crate::io::backup::{self, BackupError, Contents};
use crate::io::export::{cells, csv_bytes, header, xlsx_bytes, COLUMNS};
use crate::io::import::{check_rows, Checked, RowProblem};
use crate::io::mapping::{guess, Target};
use crate::io::table::{read_table, Table, TableError};
use crate::io::text::TextEncoding;

/// Files cross as one byte string, not a sequence of numbers (a byte at a time in serde).
pub(crate) mod as_bytes {
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

/// Rows shown in the import preview.
pub const PREVIEW_ROWS: usize = 8;

/// Draws each chart as an SVG document `width` pixels wide (the charts worker).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartJob {
    pub charts: Vec<Chart>,
    pub width: u32,
}

/// Something for the files worker to do. (One at a time: the size of the largest variant does not
/// matter.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum FileJob {
    /// Reads a CSV/XLSX file and keeps it in the worker for the next jobs.
    OpenTable {
        #[serde(with = "as_bytes")]
        bytes: Vec<u8>,
    },
    /// Checks every row of the open table under `mapping` (progress is reported). The rows
    /// that can be imported stay in the worker for `TakeChecked`.
    CheckRows {
        mapping: Vec<Target>,
        owners: Vec<(Uuid, String)>,
    },
    /// Hands over the next `count` rows checked good, in row order (a part at a time, so the
    /// page reads each part in a short task).
    TakeChecked {
        count: u32,
    },
    /// The open table's given rows as CSV, with one more column holding each row's reasons.
    BadRows {
        rows: Vec<u32>,
        reasons: Vec<String>,
        reason_header: String,
    },
    /// Customers as a spreadsheet in `lang`.
    ExportSheet {
        customers: Vec<Customer>,
        owners: Vec<(Uuid, String)>,
        lang: Lang,
        xlsx: bool,
    },
    /// Rows of text (the first the header) as a spreadsheet: a payout statement, say.
    ExportRows {
        rows: Vec<Vec<String>>,
        sheet: String,
        xlsx: bool,
    },
    WriteBackup(Contents),
    ReadBackup {
        #[serde(with = "as_bytes")]
        bytes: Vec<u8>,
    },
    /// A change file's JSON (team sync): written and read here, so that the page's module holds
    /// no JSON code for records.
    WriteChangeFile(crate::sync::changes::ChangeFile),
    ReadChangeFile {
        #[serde(with = "as_bytes")]
        bytes: Vec<u8>,
    },
}

/// What came of a file job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum FileOutcome {
    /// The job could not be done; the text is for the developer console, not the user.
    Failed(String),
    TableOpened(Opened),
    TableRefused(TableError),
    RowsChecked(CheckedRows),
    /// Rows checked good, from `TakeChecked`.
    Customers(Vec<Customer>),
    /// A file to download.
    Bytes(#[serde(with = "as_bytes")] Vec<u8>),
    BackupRead(Result<Contents, BackupError>),
    ChangeFileRead(Result<crate::sync::changes::ChangeFile, crate::sync::changes::FileProblem>),
}

/// What checking the rows found: how many can be imported (fetched with `TakeChecked`), and
/// the problems of the others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckedRows {
    pub good: u32,
    pub problems: Vec<RowProblem>,
    pub bad_rows: Vec<u32>,
}

/// What the import preview shows of an opened file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub encoding: Option<TextEncoding>,
    pub lossy: bool,
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub rows: usize,
    pub guessed: Vec<Target>,
}

thread_local! {
    /// The table the user is importing, kept between jobs so it crosses to the worker once.
    static OPEN_TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
    /// The rows last checked good, not yet taken by the page.
    static CHECKED: RefCell<std::vec::IntoIter<Customer>> = RefCell::new(Vec::new().into_iter());
}

/// Draws the charts (in the charts worker): one SVG per chart, in the order asked.
pub fn run_charts(job: ChartJob, _progress: &mut dyn FnMut(u32, u32)) -> Result<Vec<String>, String> {
    job.charts.iter().map(|chart| chart_svg(chart, job.width)).collect()
}

/// Does a file job (in the files worker). `progress(done, total)` may be called along the way.
pub fn run_file(job: FileJob, progress: &mut dyn FnMut(u32, u32)) -> FileOutcome {
    match job {
        FileJob::OpenTable { bytes } => match read_table(&bytes) {
            Ok(table) => {
                let opened = Opened {
                    encoding: table.encoding,
                    lossy: table.lossy,
                    headers: table.headers.clone(),
                    preview: table.rows.iter().take(PREVIEW_ROWS).cloned().collect(),
                    rows: table.rows.len(),
                    guessed: guess(&table.headers),
                };
                OPEN_TABLE.with(|t| *t.borrow_mut() = Some(table));
                FileOutcome::TableOpened(opened)
            }
            Err(e) => FileOutcome::TableRefused(e),
        },
        FileJob::CheckRows { mapping, owners } => OPEN_TABLE.with(|t| match t.borrow().as_ref() {
            Some(table) => {
                let total = table.rows.len() as u32;
                // Random v4 ids from a generator seeded once by the browser's crypto: one call
                // into JavaScript per import instead of one per row.
                let seed = Uuid::new_v4().as_u128();
                let mut rng = fastrand::Rng::with_seed(seed as u64 ^ (seed >> 64) as u64);
                let new_id = || uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid();
                let Checked { customers, problems, bad_rows } =
                    check_rows(table, &mapping, &owners, new_id, |done| progress(done as u32, total));
                let good = customers.len() as u32;
                CHECKED
                    .with(|c| *c.borrow_mut() = customers.into_iter().map(|(_, c)| c).collect::<Vec<_>>().into_iter());
                FileOutcome::RowsChecked(CheckedRows { good, problems, bad_rows })
            }
            None => FileOutcome::Failed("no open table".into()),
        }),
        FileJob::TakeChecked { count } => {
            FileOutcome::Customers(CHECKED.with(|c| c.borrow_mut().by_ref().take(count as usize).collect()))
        }
        FileJob::BadRows { rows, reasons, reason_header } => OPEN_TABLE.with(|t| match t.borrow().as_ref() {
            Some(table) => {
                let mut out = vec![table.headers.iter().cloned().chain([reason_header]).collect::<Vec<_>>()];
                out.extend(rows.iter().zip(reasons).filter_map(|(&r, reason)| {
                    table.rows.get(r as usize).map(|row| row.iter().cloned().chain([reason]).collect())
                }));
                FileOutcome::Bytes(csv_bytes(out))
            }
            None => FileOutcome::Failed("no open table".into()),
        }),
        FileJob::ExportSheet { customers, owners, lang, xlsx } => {
            let owner_name =
                |id: Uuid| owners.iter().find(|(o, _)| *o == id).map(|(_, n)| n.clone()).unwrap_or_default();
            let mut rows = vec![COLUMNS.iter().map(|t| header(lang, *t).to_owned()).collect::<Vec<_>>()];
            rows.extend(customers.iter().map(|c| cells(lang, c, &owner_name)));
            if xlsx {
                let sheet = if lang == Lang::Zh { "客户" } else { "Customers" };
                xlsx_bytes(rows, sheet).map_or_else(FileOutcome::Failed, FileOutcome::Bytes)
            } else {
                FileOutcome::Bytes(csv_bytes(rows))
            }
        }
        FileJob::ExportRows { rows, sheet, xlsx } => {
            if xlsx {
                xlsx_bytes(rows, &sheet).map_or_else(FileOutcome::Failed, FileOutcome::Bytes)
            } else {
                FileOutcome::Bytes(csv_bytes(rows))
            }
        }
        FileJob::WriteBackup(contents) => FileOutcome::Bytes(backup::write(&contents)),
        FileJob::ReadBackup { bytes } => FileOutcome::BackupRead(backup::read(&bytes)),
        FileJob::WriteChangeFile(file) => FileOutcome::Bytes(file.to_bytes()),
        FileJob::ReadChangeFile { bytes } => {
            FileOutcome::ChangeFileRead(crate::sync::changes::ChangeFile::from_bytes(&bytes))
        }
    }
}

/// A worker's side of one message: decode the envelope, run the job, encode the reply (the
/// outcome, or why the message could not be read). `progress(id, done, total)` reports progress.
pub fn handle<J: DeserializeOwned, O: Serialize>(
    message: &[u8],
    progress: &dyn Fn(u32, u32, u32),
    run: impl FnOnce(J, &mut dyn FnMut(u32, u32)) -> O,
) -> Vec<u8> {
    match open::<J>(message) {
        Ok((id, job)) => seal(id, &Ok::<O, String>(run(job, &mut |done, total| progress(id, done, total)))),
        Err(e) => seal(u32::MAX, &Err::<O, String>(e)),
    }
}

/// Runs a worker's message loop with `run` (in the worker's module).
#[cfg(target_arch = "wasm32")]
pub fn serve<J: DeserializeOwned + 'static, O: Serialize + 'static>(run: fn(J, &mut dyn FnMut(u32, u32)) -> O) {
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = js_sys::Uint8Array::new(&event.data()).to_vec();
        // Progress goes out as a plain array [job, done, total]; replies as bytes.
        let progress = |id: u32, done: u32, total: u32| {
            let _ = reply_to.post_message(&js_sys::Array::of3(&id.into(), &done.into(), &total.into()));
        };
        let reply = js_sys::Uint8Array::from(handle(&request, &progress, run).as_slice());
        // Hand the buffer over instead of copying it.
        let _ = reply_to.post_message_with_transfer(&reply, &js_sys::Array::of1(&reply.buffer()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before this point would be lost: the page waits for this one first.
    let _ = scope.post_message(&wasm_bindgen::JsValue::from_str("ready"));
}

/// Wraps `value` with the job number `id`.
pub fn seal<T: Serialize>(id: u32, value: &T) -> Vec<u8> {
    // The same postcard flavour as the store's segments, so the page's wasm holds one copy of
    // each record's serialiser.
    postcard::to_extend(&(id, value), Vec::new()).unwrap_or_default()
}

/// Reads an envelope made by [`seal`].
pub fn open<T: DeserializeOwned>(bytes: &[u8]) -> Result<(u32, T), String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{Bar, BarChart};

    fn chart(title: &str, bars: &[(&str, f64)]) -> Chart {
        BarChart::new(title.into(), bars.iter().map(|(l, v)| Bar::new((*l).into(), *v, v.to_string())).collect()).into()
    }

    #[test]
    fn a_message_round_trips_through_the_worker_side() {
        let job = ChartJob {
            charts: vec![chart("按等级", &[("A", 3.0)]), chart("Region", &[("华东", 1.0), ("x", 2.0)])],
            width: 420,
        };
        let reply = handle(&seal(7, &job), &|_, _, _| {}, run_charts);
        let (id, outcome) = open::<Result<Result<Vec<String>, String>, String>>(&reply).unwrap();
        assert_eq!(id, 7);
        let Ok(Ok(svgs)) = outcome else { panic!("expected charts, got {outcome:?}") };
        assert_eq!(svgs.len(), 2);
        assert!(svgs[0].contains("按等级") && svgs[0].starts_with("<svg"));
        assert!(svgs[1].contains("华东") && svgs[1].contains("Region"));
    }

    #[test]
    fn garbage_gets_a_failure_not_a_panic() {
        let reply = handle(&[0xff, 0xff, 0xff, 0xff, 0xff, 9, 9], &|_, _, _| {}, run_file);
        let (id, outcome) = open::<Result<FileOutcome, String>>(&reply).unwrap();
        assert_eq!(id, u32::MAX);
        assert!(outcome.is_err());
        assert!(open::<FileJob>(&[]).is_err());
    }

    #[test]
    fn a_file_opens_checks_and_gives_back_its_bad_rows() {
        let csv = "客户名称,电话\n恒达,13812345678\n,12\n远航,13912345678\n".as_bytes().to_vec();
        let FileOutcome::TableOpened(opened) = run_file(FileJob::OpenTable { bytes: csv }, &mut |_, _| {}) else {
            panic!()
        };
        assert_eq!((opened.rows, opened.guessed.clone()), (3, vec![Target::Name, Target::ContactPhone]));
        let FileOutcome::RowsChecked(checked) =
            run_file(FileJob::CheckRows { mapping: opened.guessed, owners: vec![] }, &mut |_, _| {})
        else {
            panic!()
        };
        assert_eq!((checked.good, checked.bad_rows.clone()), (2, vec![1]));
        let take = |count| match run_file(FileJob::TakeChecked { count }, &mut |_, _| {}) {
            FileOutcome::Customers(c) => c.into_iter().map(|c| c.name).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (take(1), take(5)),
            (vec!["恒达".to_owned()], vec!["远航".to_owned()]),
            "in row order, a part at a time"
        );
        assert_eq!(
            run_file(FileJob::TakeChecked { count: 5 }, &mut |_, _| {}),
            FileOutcome::Customers(vec![]),
            "taken once"
        );
        let job =
            FileJob::BadRows {
                rows: checked.bad_rows, reasons: vec!["名称必填".into()], reason_header: "问题".into()
            };
        let FileOutcome::Bytes(bytes) = run_file(job, &mut |_, _| {}) else { panic!() };
        assert_eq!(String::from_utf8(bytes[3..].to_vec()).unwrap(), "客户名称,电话,问题\r\n,12,名称必填\r\n");
        assert!(matches!(
            run_file(FileJob::OpenTable { bytes: vec![] }, &mut |_, _| {}),
            FileOutcome::TableRefused(TableError::Empty)
        ));
    }
}

//! Work done off the page: a Web Worker runs its own small wasm module (`src/bin/worker.rs`)
//! for code the page needs rarely or that would block it: drawing charts (plotters and float
//! formatting, ~11 KB brotli), and later parsing and writing files. Keeping that code out of the
//! page's module keeps the first load small.
//!
//! Requests and replies cross `postMessage` as postcard bytes: an envelope of the job's number
//! and the job (or its outcome). Everything here is plain Rust, tested natively.

use std::cell::RefCell;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

use crate::charts::{bar_chart_height, bar_chart_svg, BarChart};
use crate::domain::Customer;
use crate::i18n::Lang;
use crate::io::backup::{self, BackupError, Contents};
use crate::io::export::{cells, csv_bytes, header, xlsx_bytes, COLUMNS};
use crate::io::import::{check_rows, Checked};
use crate::io::mapping::{guess, Target};
use crate::io::table::{read_table, Table, TableError};
use crate::io::text::TextEncoding;

/// Rows shown in the import preview.
pub const PREVIEW_ROWS: usize = 8;

/// Something for the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Draws each chart as an SVG document `width` pixels wide.
    DrawBarCharts { charts: Vec<BarChart>, width: u32 },
    /// Reads a CSV/XLSX file and keeps it in the worker for the next jobs.
    OpenTable { bytes: Vec<u8> },
    /// Checks every row of the open table under `mapping` (progress is reported).
    CheckRows { mapping: Vec<Target>, owners: Vec<(Uuid, String)> },
    /// The open table's given rows as CSV, with one more column holding each row's reasons.
    BadRows { rows: Vec<u32>, reasons: Vec<String>, reason_header: String },
    /// Customers as a spreadsheet in `lang`.
    ExportSheet { customers: Vec<Customer>, owners: Vec<(Uuid, String)>, lang: Lang, xlsx: bool },
    WriteBackup(Contents),
    ReadBackup { bytes: Vec<u8> },
}

/// What came of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// One SVG per chart, in the order asked.
    BarCharts(Vec<String>),
    /// The job could not be done; the text is for the developer console, not the user.
    Failed(String),
    TableOpened(Opened),
    TableRefused(TableError),
    RowsChecked(Checked),
    /// A file to download.
    Bytes(Vec<u8>),
    BackupRead(Result<Contents, BackupError>),
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
}

/// Does `job` (in the worker). `progress(done, total)` may be called along the way.
pub fn run(job: Job, progress: &mut dyn FnMut(u32, u32)) -> Outcome {
    match job {
        Job::DrawBarCharts { charts, width } => charts
            .iter()
            .map(|chart| bar_chart_svg(chart, width, bar_chart_height(chart.bars.len())))
            .collect::<Result<Vec<_>, _>>()
            .map_or_else(Outcome::Failed, Outcome::BarCharts),
        Job::OpenTable { bytes } => match read_table(&bytes) {
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
                Outcome::TableOpened(opened)
            }
            Err(e) => Outcome::TableRefused(e),
        },
        Job::CheckRows { mapping, owners } => OPEN_TABLE.with(|t| match t.borrow().as_ref() {
            Some(table) => {
                let total = table.rows.len() as u32;
                Outcome::RowsChecked(check_rows(table, &mapping, &owners, Uuid::new_v4, |done| progress(done as u32, total)))
            }
            None => Outcome::Failed("no open table".into()),
        }),
        Job::BadRows { rows, reasons, reason_header } => OPEN_TABLE.with(|t| match t.borrow().as_ref() {
            Some(table) => {
                let mut out = vec![table.headers.iter().cloned().chain([reason_header]).collect::<Vec<_>>()];
                out.extend(rows.iter().zip(reasons).filter_map(|(&r, reason)| {
                    table.rows.get(r as usize).map(|row| row.iter().cloned().chain([reason]).collect())
                }));
                Outcome::Bytes(csv_bytes(out))
            }
            None => Outcome::Failed("no open table".into()),
        }),
        Job::ExportSheet { customers, owners, lang, xlsx } => {
            let owner_name = |id: Uuid| owners.iter().find(|(o, _)| *o == id).map(|(_, n)| n.clone()).unwrap_or_default();
            let mut rows = vec![COLUMNS.iter().map(|t| header(lang, *t).to_owned()).collect::<Vec<_>>()];
            rows.extend(customers.iter().map(|c| cells(lang, c, &owner_name)));
            if xlsx {
                let sheet = if lang == Lang::Zh { "客户" } else { "Customers" };
                xlsx_bytes(rows, sheet).map_or_else(Outcome::Failed, Outcome::Bytes)
            } else {
                Outcome::Bytes(csv_bytes(rows))
            }
        }
        Job::WriteBackup(contents) => Outcome::Bytes(backup::write(&contents)),
        Job::ReadBackup { bytes } => Outcome::BackupRead(backup::read(&bytes)),
    }
}

/// The worker's side of one message: decode the envelope, run the job, encode the reply.
/// `progress(id, done, total)` sends a progress report for the job.
pub fn handle(message: &[u8], progress: &dyn Fn(u32, u32, u32)) -> Vec<u8> {
    match open::<Job>(message) {
        Ok((id, job)) => seal(id, &run(job, &mut |done, total| progress(id, done, total))),
        Err(e) => seal(u32::MAX, &Outcome::Failed(e)),
    }
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
    use crate::charts::Bar;

    fn chart(title: &str, bars: &[(&str, f64)]) -> BarChart {
        BarChart {
            title: title.into(),
            bars: bars.iter().map(|(l, v)| Bar { label: (*l).into(), value: *v, value_text: v.to_string() }).collect(),
        }
    }

    #[test]
    fn a_message_round_trips_through_the_worker_side() {
        let job = Job::DrawBarCharts { charts: vec![chart("按等级", &[("A", 3.0)]), chart("Region", &[("华东", 1.0), ("x", 2.0)])], width: 420 };
        let reply = handle(&seal(7, &job), &|_, _, _| {});
        let (id, outcome) = open::<Outcome>(&reply).unwrap();
        assert_eq!(id, 7);
        let Outcome::BarCharts(svgs) = outcome else { panic!("expected charts, got {outcome:?}") };
        assert_eq!(svgs.len(), 2);
        assert!(svgs[0].contains("按等级") && svgs[0].starts_with("<svg"));
        assert!(svgs[1].contains("华东") && svgs[1].contains("Region"));
    }

    #[test]
    fn garbage_gets_a_failure_not_a_panic() {
        let (id, outcome) = open::<Outcome>(&handle(&[0xff, 0xff, 0xff, 0xff, 0xff, 9, 9], &|_, _, _| {})).unwrap();
        assert_eq!(id, u32::MAX);
        assert!(matches!(outcome, Outcome::Failed(_)));
        assert!(open::<Job>(&[]).is_err());
    }

    #[test]
    fn a_file_opens_checks_and_gives_back_its_bad_rows() {
        let csv = "客户名称,电话\n恒达,13812345678\n,12\n".as_bytes().to_vec();
        let Outcome::TableOpened(opened) = run(Job::OpenTable { bytes: csv }, &mut |_, _| {}) else { panic!() };
        assert_eq!((opened.rows, opened.guessed.clone()), (2, vec![Target::Name, Target::ContactPhone]));
        let Outcome::RowsChecked(checked) = run(Job::CheckRows { mapping: opened.guessed, owners: vec![] }, &mut |_, _| {}) else { panic!() };
        assert_eq!((checked.customers.len(), checked.bad_rows.clone()), (1, vec![1]));
        let job = Job::BadRows { rows: checked.bad_rows, reasons: vec!["名称必填".into()], reason_header: "问题".into() };
        let Outcome::Bytes(bytes) = run(job, &mut |_, _| {}) else { panic!() };
        assert_eq!(String::from_utf8(bytes[3..].to_vec()).unwrap(), "客户名称,电话,问题\r\n,12,名称必填\r\n");
        assert!(matches!(run(Job::OpenTable { bytes: vec![] }, &mut |_, _| {}), Outcome::TableRefused(TableError::Empty)));
    }
}

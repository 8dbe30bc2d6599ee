//! Import and export: pure functions from bytes to records and back, run in the worker (see
//! `crate::jobs`) and tested natively.
//!
//! - `text`: which encoding a file is in (BOM, UTF-8, UTF-16, GB18030) and its text;
//! - `table`: a CSV or XLSX file as a header row and rows of cells, each with its line number;
//! - `mapping`: which column holds which customer field, guessed from Chinese and English headers;
//! - `import`: rows to customers, or to problems with the row number and the reason;
//! - `export`: customers to CSV (UTF-8 with BOM, formulas neutralised) and XLSX;
//! - `vocabulary`: the words for values (tier, intent, kind, size) that spreadsheets use, apart
//!   from the UI's labels;
//! - `backup`: every record and setting as one versioned JSON file, and back.

pub mod backup;
pub mod export;
pub mod import;
pub mod mapping;
pub mod table;
pub mod text;
pub mod vocabulary;

//! A spreadsheet as rows of text cells: CSV (RFC 4180 through the `csv` crate: quoted commas,
//! quotes and newlines, CRLF, blank lines, ragged rows) or the first sheet of an XLSX workbook
//! (through `calamine`).

use serde::{Deserialize, Serialize};

use super::text::{decode, TextEncoding};

/// Files above this are refused with a message rather than exhausting the tab's memory.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The file's line (CSV) or row (XLSX) number of each row, 1-based, for messages.
    pub lines: Vec<u64>,
    /// None for XLSX.
    pub encoding: Option<TextEncoding>,
    /// Some bytes were not valid in the detected encoding.
    pub lossy: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableError {
    /// No header row: the file is empty or blank.
    Empty,
    TooLarge {
        bytes: usize,
    },
    /// Not a workbook we can read (damaged XLSX, or an old binary .xls).
    Unreadable(String),
}

/// Reads CSV/TSV text or an XLSX workbook (recognised by its zip signature).
pub fn read_table(bytes: &[u8]) -> Result<Table, TableError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(TableError::TooLarge { bytes: bytes.len() });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(TableError::Unreadable("xls".into()));
    }
    let (text, encoding, lossy) = decode(bytes);
    let mut table = read_csv(&text)?;
    table.encoding = Some(encoding);
    table.lossy = lossy;
    Ok(table)
}

/// The separator the header line uses most: comma, tab (Excel's "Unicode text") or semicolon.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&d| (first.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

pub fn read_csv(text: &str) -> Result<Table, TableError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers counted from byte offsets (the reader's own count differs between LF and CRLF).
    let (mut counted_to, mut line) = (0usize, 1u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).min(text.len());
                // After CRLF the reader's position can sit on the LF that ended the last record.
                while text.as_bytes().get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                    start += 1;
                }
                line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to.min(start)..start]).count() as u64;
                counted_to = start;
                cells.push((line, record.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()));
            }
            // Text input cannot be invalid UTF-8 and flexible readers accept ragged rows; stop
            // at anything else rather than guess.
            Err(e) => return Err(TableError::Unreadable(e.to_string())),
        }
    }
    shape(cells)
}

/// First non-blank row is the header; blank rows are dropped; every row gets the header's width
/// (short rows padded, extra cells given their own "column N" header).
fn shape(cells: Vec<(u64, Vec<String>)>) -> Result<Table, TableError> {
    let mut rows = cells.into_iter().filter(|(_, r)| r.iter().any(|c| !c.is_empty()));
    let (_, mut headers) = rows.next().ok_or(TableError::Empty)?;
    let mut table = Table::default();
    for (line, row) in rows {
        table.lines.push(line);
        table.rows.push(row);
    }
    let width = table.rows.iter().map(Vec::len).max().unwrap_or(0).max(headers.len());
    for i in headers.len()..width {
        headers.push(format!("#{}", i + 1));
    }
    for row in &mut table.rows {
        row.resize(width, String::new());
    }
    table.headers = headers;
    Ok(table)
}

pub fn read_xlsx(bytes: &[u8]) -> Result<Table, TableError> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = |e: &dyn std::fmt::Display| TableError::Unreadable(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = book.worksheet_range_at(0).ok_or(TableError::Empty)?.map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let cells = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|cell| match cell {
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
                    Data::Int(n) => n.to_string(),
                    // Phone numbers typed into Excel become numbers: print whole ones without ".0".
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => excel_date(d.as_f64()),
                    Data::Error(_) | Data::Empty => String::new(),
                })
                .collect();
            (first_row + i as u64 + 1, cells)
        })
        .collect();
    shape(cells)
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64)).map_or_else(String::new, |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4180_quoting_crlf_blank_lines_and_ragged_rows() {
        let text =
            "名称,备注,电话\r\n\"恒达, 有限公司\",\"他说\"\"好\"\"\n第二行\",138\r\n\r\n,,\r\n短行\r\n多,列,1,额外\r\n";
        let t = read_csv(text).unwrap();
        assert_eq!(t.headers, ["名称", "备注", "电话", "#4"]);
        assert_eq!(t.rows[0], ["恒达, 有限公司", "他说\"好\"\n第二行", "138", ""]);
        assert_eq!(t.rows[1], ["短行", "", "", ""]);
        assert_eq!(t.rows[2], ["多", "列", "1", "额外"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.lines, [2, 6, 7]);
    }

    #[test]
    fn tabs_and_semicolons_are_recognised() {
        assert_eq!(read_csv("a\tb\n1\t2").unwrap().rows, [["1", "2"]]);
        assert_eq!(read_csv("a;b\n1;2").unwrap().rows, [["1", "2"]]);
        assert_eq!(read_csv("a,b\n\"x;y\",2").unwrap().rows, [["x;y", "2"]]);
    }

    #[test]
    fn empty_and_odd_files_are_refused_with_a_reason() {
        assert_eq!(read_table(b""), Err(TableError::Empty));
        assert_eq!(read_table(b"\r\n ,\n"), Err(TableError::Empty));
        assert!(matches!(read_table(b"PK\x03\x04garbage"), Err(TableError::Unreadable(_))));
        assert!(matches!(read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]), Err(TableError::Unreadable(_))));
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(45000.0), "2023-03-15");
        assert_eq!(excel_date(1.0), "1899-12-31");
    }
}

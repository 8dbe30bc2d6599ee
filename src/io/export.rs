//! Customers out as a spreadsheet: one row per customer with its first contact and latest deal,
//! the columns the importer reads back. CSV is UTF-8 with a BOM (so Excel opens Chinese right);
//! XLSX is written by `rust_xlsxwriter` with every cell a string or number (never a formula).

use uuid::Uuid;

use super::mapping::Target;
use super::vocabulary;
use crate::domain::Customer;
use crate::i18n::Lang;

/// The exported columns, in order.
pub const COLUMNS: &[Target] = &[
    Target::Name,
    Target::Kind,
    Target::Industry,
    Target::Region,
    Target::City,
    Target::Address,
    Target::Size,
    Target::PotentialValue,
    Target::Intent,
    Target::Tier,
    Target::Tags,
    Target::LeadSource,
    Target::Owner,
    Target::ContactName,
    Target::ContactTitle,
    Target::ContactPhone,
    Target::ContactEmail,
    Target::ContactWechat,
    Target::DealDate,
    Target::DealProduct,
    Target::DealAmount,
    Target::Notes,
];

/// Column headers in `lang` (the importer recognises both languages).
pub fn header(lang: Lang, target: Target) -> &'static str {
    let (zh, en) = match target {
        Target::Name => ("客户名称", "Name"),
        Target::Kind => ("客户类型", "Kind"),
        Target::Industry => ("行业", "Industry"),
        Target::Region => ("地区", "Region"),
        Target::City => ("城市", "City"),
        Target::Address => ("地址", "Address"),
        Target::Size => ("规模", "Size"),
        Target::PotentialValue => ("潜在价值", "Potential value"),
        Target::Intent => ("合作意向", "Intent"),
        Target::Tier => ("客户等级", "Tier"),
        Target::Tags => ("标签", "Tags"),
        Target::LeadSource => ("线索来源", "Lead source"),
        Target::Owner => ("负责人", "Owner"),
        Target::Notes => ("备注", "Notes"),
        Target::ContactName => ("联系人", "Contact"),
        Target::ContactTitle => ("职位", "Title"),
        Target::ContactPhone => ("电话", "Phone"),
        Target::ContactEmail => ("邮箱", "Email"),
        Target::ContactWechat => ("微信", "WeChat"),
        Target::DealDate => ("成交日期", "Deal date"),
        Target::DealProduct => ("成交产品", "Deal product"),
        Target::DealAmount => ("成交金额", "Deal amount"),
        Target::Ignore => ("", ""),
    };
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// One customer's cells, in `COLUMNS` order.
pub fn cells(lang: Lang, c: &Customer, owner_name: &dyn Fn(Uuid) -> String) -> Vec<String> {
    let contact = c.contacts.first();
    let deal = c.transactions.iter().max_by_key(|t| t.date);
    let contact_field = |f: fn(&crate::domain::Contact) -> &String| contact.map(|x| f(x).clone()).unwrap_or_default();
    COLUMNS
        .iter()
        .map(|t| match t {
            Target::Name => c.name.clone(),
            Target::Kind => vocabulary::kind_word(lang, c.kind).to_owned(),
            Target::Industry => c.industry.clone(),
            Target::Region => c.region.clone(),
            Target::City => c.city.clone(),
            Target::Address => c.address.clone(),
            Target::Size => c.size.map(|s| vocabulary::size_word(lang, s).to_owned()).unwrap_or_default(),
            Target::PotentialValue => c.potential_value.to_input(),
            Target::Intent => vocabulary::intent_word(lang, c.intent).to_owned(),
            Target::Tier => vocabulary::tier_word(lang, c.tier).to_owned(),
            Target::Tags => c.tags.join(", "),
            Target::LeadSource => c.lead_source.clone(),
            Target::Owner => c.owner.map(owner_name).unwrap_or_default(),
            Target::Notes => c.notes.clone(),
            Target::ContactName => contact_field(|x| &x.name),
            Target::ContactTitle => contact_field(|x| &x.title),
            Target::ContactPhone => contact_field(|x| &x.phone),
            Target::ContactEmail => contact_field(|x| &x.email),
            Target::ContactWechat => contact_field(|x| &x.wechat),
            Target::DealDate => deal.map(|d| d.date.to_string()).unwrap_or_default(),
            Target::DealProduct => deal.map(|d| d.product.clone()).unwrap_or_default(),
            Target::DealAmount => deal.map(|d| d.amount.to_input()).unwrap_or_default(),
            Target::Ignore => String::new(),
        })
        .collect()
}

/// A cell a spreadsheet would run as a formula (`= + - @`, or a leading tab or CR) gets a `'`
/// in front, which spreadsheets show as text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Rows (header first) as CSV bytes: UTF-8 with BOM, CRLF, RFC 4180 quoting.
pub fn csv_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        for row in rows {
            // Writing to memory cannot fail.
            let _ = writer.write_record(row.iter().map(|c| neutralise(c).into_owned()));
        }
        let _ = writer.flush();
    }
    out
}

/// Rows (header first) as an XLSX workbook of one sheet. Cells are typed strings, so nothing in
/// them is ever evaluated; the potential value column is a number (yuan).
pub fn xlsx_bytes(rows: impl IntoIterator<Item = Vec<String>>, sheet_name: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(|e| e.to_string())?;
    let value_col = COLUMNS.iter().position(|t| *t == Target::PotentialValue).unwrap_or(usize::MAX);
    for (r, row) in rows.into_iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            let number = (r > 0 && c == value_col).then(|| cell.parse::<f64>().ok()).flatten();
            match number {
                Some(n) => sheet.write_number(r, c16, n).map(|_| ()),
                None if cell.is_empty() => Ok(()),
                None => sheet.write_string(r, c16, cell).map(|_| ()),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::table::{read_table, Table};

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec!["名称".into(), "电话".into(), "潜在价值".into()],
            vec!["=HYPERLINK(\"x\")".into(), "+86 138 0000 1111".into(), "35000".into()],
            vec!["恒达, \"电器\"".into(), "@home".into(), "".into()],
        ]
    }

    #[test]
    fn csv_has_a_bom_neutralises_formulas_and_reads_back() {
        let bytes = csv_bytes(rows());
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        assert!(text.contains(",'+86 138 0000 1111,"));
        let table: Table = read_table(&csv_bytes(rows())).unwrap();
        assert_eq!(table.rows[1][0], "恒达, \"电器\"");
        assert_eq!(crate::io::import::unescape(&table.rows[0][1]), "+86 138 0000 1111");
        for bad in ["=1+1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("恒达"), "恒达");
    }

    #[test]
    fn xlsx_written_by_rust_xlsxwriter_reads_back_with_calamine() {
        let bytes = xlsx_bytes(rows(), "客户").unwrap();
        let table = read_table(&bytes).unwrap();
        assert_eq!(table.headers, ["名称", "电话", "潜在价值"]);
        assert_eq!(table.rows[0], ["=HYPERLINK(\"x\")", "+86 138 0000 1111", "35000"]);
        assert_eq!(table.rows[1], ["恒达, \"电器\"", "@home", ""]);
        assert_eq!(table.encoding, None);
    }
}

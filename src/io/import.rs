//! Rows of a table to customers, or to problems naming the row, the column and the reason.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::mapping::Target;
use super::table::Table;
use super::vocabulary;
use crate::domain::dates::parse_date;
use crate::domain::validate::{validate_customer, Field, Problem};
use crate::domain::{Contact, Customer, CustomerKind, Money, MoneyError, Transaction};

/// Why a cell was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// A field rule (required, too long, bad phone or e-mail, amount) failed.
    Field(Problem),
    UnknownKind,
    UnknownIntent,
    UnknownTier,
    UnknownSize,
    UnknownOwner,
    BadDate,
    /// A deal amount or product without a valid date, or a date without an amount.
    IncompleteDeal,
}

/// One refused cell: the file's row number, the column header, what it held, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The row's index in the table.
    pub row: u32,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: Reason,
}

/// The outcome of checking every row: good rows as customers (new ids, with their row index in
/// the table), bad rows as problems (a row with any problem is not imported).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub customers: Vec<(u32, Customer)>,
    pub problems: Vec<RowProblem>,
    pub bad_rows: Vec<u32>,
}

/// Checks every row of `table` under `mapping`. `owners` are the reps a name can refer to.
/// `new_id` makes ids (random in the app, counted in tests). `progress(done)` is called every
/// few thousand rows.
pub fn check_rows(
    table: &Table,
    mapping: &[Target],
    owners: &[(Uuid, String)],
    mut new_id: impl FnMut() -> Uuid,
    mut progress: impl FnMut(usize),
) -> Checked {
    let mut out = Checked::default();
    for (index, row) in table.rows.iter().enumerate() {
        if index % 5_000 == 0 && index > 0 {
            progress(index);
        }
        let line = table.lines.get(index).copied().unwrap_or(index as u64 + 2);
        let mut problems = Vec::new();
        let mut customer = Customer::blank(CustomerKind::Organisation);
        customer.meta.id = new_id();
        let mut contact = Contact::default();
        let (mut deal_date, mut deal_product, mut deal_amount) = (None, String::new(), None);
        let mut column_of = Vec::new();
        for (col, cell) in row.iter().enumerate() {
            let target = mapping.get(col).copied().unwrap_or(Target::Ignore);
            let header = table.headers.get(col).map_or("", String::as_str);
            if target != Target::Ignore {
                column_of.push((target, header));
            }
            let value = unescape(cell);
            if value.is_empty() {
                continue;
            }
            let mut refuse = |reason| {
                problems.push(RowProblem {
                    row: index as u32,
                    line,
                    column: header.to_owned(),
                    value: value.to_owned(),
                    reason,
                })
            };
            match target {
                Target::Ignore => {}
                Target::Name => customer.name = value.to_owned(),
                Target::Kind => match vocabulary::kind(value) {
                    Some(k) => customer.kind = k,
                    None => refuse(Reason::UnknownKind),
                },
                Target::Industry => customer.industry = value.to_owned(),
                Target::Region => customer.region = value.to_owned(),
                Target::City => customer.city = value.to_owned(),
                Target::Address => customer.address = value.to_owned(),
                Target::Size => match vocabulary::size(value) {
                    Some(s) => customer.size = Some(s),
                    None => refuse(Reason::UnknownSize),
                },
                Target::PotentialValue => match Money::parse(value) {
                    Ok(m) => customer.potential_value = m,
                    Err(e) => refuse(Reason::Field(money_problem(e))),
                },
                Target::Intent => match vocabulary::intent(value) {
                    Some(i) => customer.intent = i,
                    None => refuse(Reason::UnknownIntent),
                },
                Target::Tier => match vocabulary::tier(value) {
                    Some(t) => customer.tier = t,
                    None => refuse(Reason::UnknownTier),
                },
                Target::Tags => customer.tags = crate::domain::records::split_tags(value),
                Target::LeadSource => customer.lead_source = value.to_owned(),
                Target::Owner => match owners.iter().find(|(_, name)| name.trim() == value) {
                    Some((id, _)) => customer.owner = Some(*id),
                    None => refuse(Reason::UnknownOwner),
                },
                Target::Notes => customer.notes = value.to_owned(),
                Target::ContactName => contact.name = value.to_owned(),
                Target::ContactTitle => contact.title = value.to_owned(),
                Target::ContactPhone => contact.phone = value.to_owned(),
                Target::ContactEmail => contact.email = value.to_owned(),
                Target::ContactWechat => contact.wechat = value.to_owned(),
                Target::DealDate => match parse_date(value) {
                    Some(d) => deal_date = Some(d),
                    None => refuse(Reason::BadDate),
                },
                Target::DealProduct => deal_product = value.to_owned(),
                Target::DealAmount => match Money::parse(value) {
                    Ok(m) => deal_amount = Some(m),
                    Err(e) => refuse(Reason::Field(money_problem(e))),
                },
            }
        }
        // A phone or e-mail without a contact name belongs to the customer itself (a person, or
        // a company's switchboard).
        if contact.name.is_empty() && !contact.is_blank() {
            contact.name = customer.name.clone();
        }
        if !contact.is_blank() {
            customer.contacts.push(contact);
        }
        match (deal_date, deal_amount) {
            (Some(date), Some(amount)) => {
                customer.transactions.push(Transaction { id: Default::default(), date, product: deal_product, amount })
            }
            (None, None) if deal_product.is_empty() => {}
            _ if problems.iter().any(|p| p.reason == Reason::BadDate || matches!(p.reason, Reason::Field(_))) => {}
            _ => {
                let header = column_of
                    .iter()
                    .find(|(t, _)| matches!(t, Target::DealDate | Target::DealAmount | Target::DealProduct));
                problems.push(RowProblem {
                    row: index as u32,
                    line,
                    column: header.map_or("", |h| h.1).to_owned(),
                    value: String::new(),
                    reason: Reason::IncompleteDeal,
                });
            }
        }
        // Without a name, "contact without a name" is the same problem again.
        let nameless = customer.name.trim().is_empty();
        for e in
            validate_customer(&customer).into_iter().filter(|e| !(nameless && e.problem == Problem::ContactWithoutName))
        {
            let column = column_of.iter().find(|(t, _)| field_target(e.field) == Some(*t)).map_or("", |h| h.1);
            if !problems.iter().any(|p| p.column == column && matches!(p.reason, Reason::Field(_))) {
                let value = row.get(column_index(table, column)).cloned().unwrap_or_default();
                problems.push(RowProblem {
                    row: index as u32,
                    line,
                    column: column.to_owned(),
                    value,
                    reason: Reason::Field(e.problem),
                });
            }
        }
        if problems.is_empty() {
            out.customers.push((index as u32, customer));
        } else {
            out.bad_rows.push(index as u32);
            out.problems.extend(problems);
        }
    }
    out
}

fn column_index(table: &Table, header: &str) -> usize {
    table.headers.iter().position(|h| h == header).unwrap_or(usize::MAX)
}

/// Our own CSV export writes `'` before a leading `= + - @`: take it back off.
pub fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

fn field_target(field: Field) -> Option<Target> {
    Some(match field {
        Field::Name => Target::Name,
        Field::Industry => Target::Industry,
        Field::Region => Target::Region,
        Field::City => Target::City,
        Field::Address => Target::Address,
        Field::PotentialValue => Target::PotentialValue,
        Field::LeadSource => Target::LeadSource,
        Field::Notes => Target::Notes,
        Field::Tags => Target::Tags,
        Field::ContactName(_) => Target::ContactName,
        Field::ContactPhone(_) => Target::ContactPhone,
        Field::ContactEmail(_) => Target::ContactEmail,
        Field::ContactWechat(_) => Target::ContactWechat,
        // A rep's own fields: never a customer's.
        Field::Email | Field::Phone => return None,
    })
}

fn money_problem(e: MoneyError) -> Problem {
    match e {
        MoneyError::NotANumber => Problem::InvalidAmount,
        MoneyError::Negative => Problem::NegativeAmount,
        MoneyError::TooLarge => Problem::AmountTooLarge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Intent, Tier};
    use crate::io::mapping::guess;
    use crate::io::table::read_csv;

    fn check(csv: &str) -> Checked {
        let table = read_csv(csv).unwrap();
        let mut n = 0u128;
        check_rows(
            &table,
            &guess(&table.headers),
            &[(Uuid::from_u128(99), "李伟".into())],
            || {
                n += 1;
                Uuid::from_u128(n)
            },
            |_| {},
        )
    }

    #[test]
    fn good_rows_become_customers_with_contacts_and_deals() {
        let c = check("客户名称,类型,行业,地区,联系人,手机,邮箱,潜在价值,合作意向,客户等级,标签,负责人,成交日期,成交产品,成交金额\n恒达电器,企业,家电,浙江,王芳,13812345678,wf@hd.cn,3.5万,高,重点,出口；老客户,李伟,2026/3/15,空调,12000\n张三,个人,,,,139 0000 1111,,,,,,,,,\n");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let (row, a) = &c.customers[0];
        assert_eq!(*row, 0);
        assert_eq!(
            (a.name.as_str(), a.kind, a.intent, a.tier),
            ("恒达电器", CustomerKind::Organisation, Intent::High, Tier::Key)
        );
        assert_eq!(a.potential_value, Money(3_500_000));
        assert_eq!(a.tags, ["出口", "老客户"]);
        assert_eq!(a.owner, Some(Uuid::from_u128(99)));
        assert_eq!(a.contacts[0].email, "wf@hd.cn");
        assert_eq!(a.transactions[0].amount, Money(1_200_000));
        let b = &c.customers[1].1;
        assert_eq!((b.kind, b.contacts[0].name.as_str()), (CustomerKind::Individual, "张三"));
        assert_ne!(a.meta.id, b.meta.id);
    }

    #[test]
    fn bad_rows_say_which_row_column_and_why() {
        let c = check("客户名称,电话,合作意向,潜在价值,成交日期,成交金额,负责人\n,13812345678,,,,,\n甲,12,很想,abc,,,\n乙,,,,2026-02-30,100,\n丙,,,,,100,\n丁,,,,,,王五\n");
        let reasons: Vec<(u64, &str, Reason)> =
            c.problems.iter().map(|p| (p.line, p.column.as_str(), p.reason)).collect();
        assert_eq!(
            reasons,
            [
                (2, "客户名称", Reason::Field(Problem::Required)),
                (3, "合作意向", Reason::UnknownIntent),
                (3, "潜在价值", Reason::Field(Problem::InvalidAmount)),
                (3, "电话", Reason::Field(Problem::InvalidPhone)),
                (4, "成交日期", Reason::BadDate),
                (5, "成交日期", Reason::IncompleteDeal),
                (6, "负责人", Reason::UnknownOwner),
            ]
        );
        assert_eq!(c.bad_rows, [0, 1, 2, 3, 4]);
        assert!(c.customers.is_empty());
    }

    #[test]
    fn our_formula_guard_comes_back_off() {
        assert_eq!(unescape("'+86 138"), "+86 138");
        assert_eq!(unescape("'abc"), "'abc");
    }
}

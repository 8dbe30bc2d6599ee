//! Field-level checks on a customer before it is stored, reported per field so forms can show
//! each message beside its input in the user's language.

use super::records::{Contact, Customer};

/// Which input a problem belongs to. Contact fields carry the contact's position in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Industry,
    Region,
    City,
    Address,
    PotentialValue,
    LeadSource,
    Notes,
    Tags,
    ContactName(usize),
    ContactPhone(usize),
    ContactEmail(usize),
    ContactWechat(usize),
    /// A rep's own e-mail and phone.
    Email,
    Phone,
}

/// What is wrong with a field; the UI turns it into words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    Required,
    TooLong { max: usize },
    InvalidPhone,
    InvalidEmail,
    InvalidAmount,
    NegativeAmount,
    AmountTooLarge,
    ContactWithoutName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

pub const MAX_NAME: usize = 200;
pub const MAX_SHORT: usize = 100;
pub const MAX_TEXT: usize = 5_000;

/// Checks every field and returns all problems, not just the first, so a form can mark them all.
pub fn validate_customer(customer: &Customer) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut push = |field, problem| errors.push(FieldError { field, problem });
    if customer.name.trim().is_empty() {
        push(Field::Name, Problem::Required);
    }
    for (field, value, max) in [
        (Field::Name, &customer.name, MAX_NAME),
        (Field::Industry, &customer.industry, MAX_SHORT),
        (Field::Region, &customer.region, MAX_SHORT),
        (Field::City, &customer.city, MAX_SHORT),
        (Field::Address, &customer.address, MAX_NAME),
        (Field::LeadSource, &customer.lead_source, MAX_SHORT),
        (Field::Notes, &customer.notes, MAX_TEXT),
    ] {
        if value.chars().count() > max {
            push(field, Problem::TooLong { max });
        }
    }
    if customer.tags.iter().any(|t| t.chars().count() > MAX_SHORT) {
        push(Field::Tags, Problem::TooLong { max: MAX_SHORT });
    }
    if customer.potential_value.0 < 0 {
        push(Field::PotentialValue, Problem::NegativeAmount);
    }
    for (i, contact) in customer.contacts.iter().enumerate() {
        validate_contact(i, contact, &mut push);
    }
    errors
}

/// A rep as saved: a name, a valid e-mail and phone if given.
pub fn validate_rep(rep: &super::records::Rep) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut push = |field, problem| errors.push(FieldError { field, problem });
    name_problems(&rep.name, &mut push);
    if !rep.email.trim().is_empty() && !is_valid_email(&rep.email) {
        push(Field::Email, Problem::InvalidEmail);
    }
    if !rep.phone.trim().is_empty() && !is_valid_phone(&rep.phone) {
        push(Field::Phone, Problem::InvalidPhone);
    }
    errors
}

/// A team as saved: a name.
pub fn validate_team(team: &super::records::Team) -> Vec<FieldError> {
    let mut errors = Vec::new();
    name_problems(&team.name, &mut |field, problem| errors.push(FieldError { field, problem }));
    errors
}

fn name_problems(name: &str, push: &mut impl FnMut(Field, Problem)) {
    if name.trim().is_empty() {
        push(Field::Name, Problem::Required);
    } else if name.chars().count() > MAX_SHORT {
        push(Field::Name, Problem::TooLong { max: MAX_SHORT });
    }
}

fn validate_contact(i: usize, contact: &Contact, push: &mut impl FnMut(Field, Problem)) {
    if contact.name.trim().is_empty() && !contact.is_blank() {
        push(Field::ContactName(i), Problem::ContactWithoutName);
    }
    if contact.name.chars().count() > MAX_SHORT {
        push(Field::ContactName(i), Problem::TooLong { max: MAX_SHORT });
    }
    if !contact.phone.trim().is_empty() && !is_valid_phone(&contact.phone) {
        push(Field::ContactPhone(i), Problem::InvalidPhone);
    }
    if !contact.email.trim().is_empty() && !is_valid_email(&contact.email) {
        push(Field::ContactEmail(i), Problem::InvalidEmail);
    }
    if contact.wechat.chars().count() > MAX_SHORT {
        push(Field::ContactWechat(i), Problem::TooLong { max: MAX_SHORT });
    }
}

/// Mobile numbers (11 digits starting with 1), landlines with area code, extensions and
/// international numbers: 5 to 20 digits with `+`, spaces, dashes, dots, parentheses.
pub fn is_valid_phone(phone: &str) -> bool {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0) || c == '#' || c == 'x'
    });
    allowed && (5..=20).contains(&digits)
}

/// A pragmatic check: one `@`, something before it, a dotted domain after it, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::CustomerKind;

    #[test]
    fn phones_chinese_users_write_are_accepted() {
        for ok in ["13812345678", "138-1234-5678", "+86 138 1234 5678", "(0571) 8888-1234", "021-62345678 x 801"] {
            assert!(is_valid_phone(ok), "{ok}");
        }
        for bad in ["1234", "call me", "138abc45678", "12345678901234567890123", "1+2345678"] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_dotted_domain() {
        assert!(is_valid_email("li.wei@hengda.com.cn"));
        for bad in ["liwei", "li@wei", "@hengda.com", "li wei@hengda.com", "a@b@c.com", "a@b..com"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn reports_every_problem_with_its_field() {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.contacts.push(Contact { name: String::new(), phone: "12".into(), email: "x".into(), ..Contact::default() });
        c.notes = "字".repeat(MAX_TEXT + 1);
        let errors = validate_customer(&c);
        let has = |field, problem| errors.contains(&FieldError { field, problem });
        assert!(has(Field::Name, Problem::Required));
        assert!(has(Field::ContactName(0), Problem::ContactWithoutName));
        assert!(has(Field::ContactPhone(0), Problem::InvalidPhone));
        assert!(has(Field::ContactEmail(0), Problem::InvalidEmail));
        assert!(has(Field::Notes, Problem::TooLong { max: MAX_TEXT }));
        assert_eq!(errors.len(), 5, "{errors:?}");
    }

    #[test]
    fn a_complete_customer_passes() {
        let mut c = Customer::blank(CustomerKind::Individual);
        c.name = "王芳".into();
        c.contacts.push(Contact { name: "王芳".into(), phone: "13900001111".into(), ..Contact::default() });
        assert!(validate_customer(&c).is_empty());
    }
}

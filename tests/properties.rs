//! Property tests: the search index agrees with a plain substring scan through any sequence of
//! edits, and money parsing never panics and round-trips.
#![cfg(not(target_arch = "wasm32"))]

use pocket_crm::domain::query::{CustomerFilter, CustomerQuery, Sort};
use pocket_crm::domain::{
    Actor, Archive, Command, Contact, Customer, CustomerKind, DealsOfDeleted, Money, Records, Timestamp, UndoToken,
};
use proptest::prelude::*;
use uuid::Uuid;

/// Short texts from a small alphabet, so random queries actually hit.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("B"),
            Just("c"),
            Just("恒"),
            Just("达"),
            Just("1"),
            Just("3"),
            Just("-"),
            Just(" ")
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn customer(n: u128, name: String, contact: String, phone: String) -> Customer {
    let mut c = Customer::blank(CustomerKind::Organisation);
    c.meta.id = Uuid::from_u128(n);
    c.name = format!("n{name}");
    c.contacts.push(Contact { name: format!("c{contact}"), phone, ..Contact::default() });
    c
}

/// What search promises, written the slow, obvious way.
fn oracle(archive: &Archive, query: &str) -> Vec<Uuid> {
    let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut ids: Vec<Uuid> = archive
        .customers
        .live()
        .filter(|c| {
            let mut hay = vec![c.name.to_lowercase(), c.city.to_lowercase()];
            for p in &c.contacts {
                hay.push(p.name.to_lowercase());
                hay.push(p.phone.to_lowercase());
                hay.push(p.phone.chars().filter(char::is_ascii_digit).collect());
            }
            terms.iter().all(|t| hay.iter().any(|h| h.contains(t.as_str())))
        })
        .map(|c| c.id())
        .collect();
    ids.sort();
    ids
}

#[derive(Debug, Clone)]
enum Edit {
    Rename(usize, String),
    Delete(usize),
    /// Takes back the last command that was applied.
    Undo,
    Create(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..20usize, text()).prop_map(|(i, t)| Edit::Rename(i, t)),
        (0..20usize).prop_map(Edit::Delete),
        Just(Edit::Undo),
        text().prop_map(Edit::Create),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn search_agrees_with_a_plain_scan_through_edits(
        seed in proptest::collection::vec((text(), text(), text()), 1..20),
        edits in proptest::collection::vec(edit(), 0..30),
        queries in proptest::collection::vec(text(), 1..6),
    ) {
        let customers: Vec<Customer> = seed.into_iter().enumerate()
            .map(|(i, (name, contact, phone))| customer(i as u128 + 1, name, contact, phone))
            .collect();
        let mut archive = Archive::from_records(Records { customers, ..Records::default() });
        let mut query = CustomerQuery::new(&archive);
        let mut next = 1000u128;
        let mut last: Option<UndoToken> = None;
        for (step, e) in edits.into_iter().enumerate() {
            let actor = Actor::at("p", Timestamp(1_000 + step as i64));
            let n = archive.customers.len();
            let id_at = |i: usize| archive.customers.rows()[i % n].id();
            let command = match e {
                Edit::Rename(i, t) => {
                    let before = archive.customers.rows()[i % n].clone();
                    let mut after = before.clone();
                    after.name = format!("n{t}");
                    Command::EditCustomer { before: Box::new(before), after: Box::new(after) }
                }
                Edit::Delete(i) => Command::DeleteCustomer { id: id_at(i), deals: DealsOfDeleted::Delete },
                Edit::Undo => match last.take() {
                    Some(token) => Command::Undo(Box::new(token)),
                    None => continue,
                },
                Edit::Create(t) => { next += 1; Command::CreateCustomer(customer(next, t.clone(), t, String::new())) }
            };
            if let Ok(applied) = archive.apply(command, &actor) {
                query.note_changes(&archive, &applied.changes);
                last = applied.undo_token(&archive);
            }
            // Queries between edits exercise the incremental narrowing too.
            let q = &queries[step % queries.len()];
            let mut got: Vec<Uuid> = query.run(&archive, &CustomerFilter { text: q.clone(), ..Default::default() }, Sort::default())
                .into_iter().map(|r| archive.customers.rows()[r as usize].id()).collect();
            got.sort();
            prop_assert_eq!(got, oracle(&archive, q), "query {:?}", q);
        }
        for q in &queries {
            let mut got: Vec<Uuid> = query.run(&archive, &CustomerFilter { text: q.clone(), ..Default::default() }, Sort::default())
                .into_iter().map(|r| archive.customers.rows()[r as usize].id()).collect();
            got.sort();
            prop_assert_eq!(got, oracle(&archive, q), "query {:?}", q);
        }
    }

    #[test]
    fn money_parse_never_panics(input in ".{0,40}") {
        let _ = Money::parse(&input);
    }

    #[test]
    fn money_round_trips_through_its_input_form(cents in 0i64..Money::MAX.0) {
        prop_assert_eq!(Money::parse(&Money(cents).to_input()), Ok(Money(cents)));
        let shown = Money(cents).to_string();
        prop_assert_eq!(Money::parse(&shown), Ok(Money(cents)));
    }
}

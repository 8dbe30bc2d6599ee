//! Giving many records to reps in one action (the business cards from a trade fair): either
//! all to one rep, or spread evenly over several, with the plan shown before it is done.

use uuid::Uuid;

use super::{Archive, Assignment};

/// What a batch assignment gives out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holding {
    Deals,
    Customers,
}

/// How many records each rep holds now: open deals, or live customers. An even spread gives
/// the remainder to those holding least.
pub fn workloads(archive: &Archive, holding: Holding, reps: &[Uuid]) -> Vec<(Uuid, usize)> {
    let mut held: std::collections::HashMap<Uuid, usize> = reps.iter().map(|r| (*r, 0)).collect();
    let mut count = |owner: Option<Uuid>| {
        if let Some(n) = owner.and_then(|o| held.get_mut(&o)) {
            *n += 1;
        }
    };
    match holding {
        Holding::Deals => {
            let pipeline = archive.pipeline();
            archive.deals.live().filter(|x| pipeline.is_some_and(|p| p.is_open(x))).for_each(|x| count(x.owner));
        }
        Holding::Customers => archive.customers.live().for_each(|c| count(c.owner)),
    }
    reps.iter().map(|r| (*r, held.get(r).copied().unwrap_or(0))).collect()
}

/// Who gets the records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// All to one rep, or to nobody.
    One(Option<Uuid>),
    /// Round robin over these reps, each with how many open records they hold now: every rep
    /// gets the same number, and the few left over go to those holding least (ties in the given
    /// order), so the split is even and its reason easy to say.
    Spread(Vec<(Uuid, usize)>),
}

/// Deals items out to the target's reps: one assignment per rep that gets any, in dealing
/// order. Each item is `(id, is_deal)`: a deal, or else a customer.
pub fn plan(items: &[(Uuid, bool)], target: &Target) -> Vec<Assignment> {
    let reps: Vec<Option<Uuid>> = match target {
        Target::One(to) => vec![*to],
        Target::Spread(reps) => {
            let mut order: Vec<(Uuid, usize)> = reps.clone();
            // Stable: equal loads keep the given order.
            super::sorting::sort_by(&mut order, |a, b| a.1.cmp(&b.1));
            order.into_iter().map(|(id, _)| Some(id)).collect()
        }
    };
    if reps.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Assignment> = reps.iter().map(|&to| Assignment { to, ..Assignment::default() }).collect();
    for (at, &(id, is_deal)) in items.iter().enumerate() {
        let slot = &mut out[at % reps.len()];
        if is_deal {
            slot.deals.push(id);
        } else {
            slot.customers.push(id);
        }
    }
    out.retain(|a| !a.deals.is_empty() || !a.customers.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn spreads_evenly_and_the_remainder_goes_to_those_holding_least() {
        let items: Vec<(Uuid, bool)> = (100..107).map(|n| (id(n), true)).collect();
        // Rep 2 holds least, then 3, then 1: seven leads go 3, 2, 2.
        let plan = plan(&items, &Target::Spread(vec![(id(1), 9), (id(2), 1), (id(3), 4)]));
        let counts: Vec<(Option<Uuid>, usize)> = plan.iter().map(|a| (a.to, a.deals.len())).collect();
        assert_eq!(counts, vec![(Some(id(2)), 3), (Some(id(3)), 2), (Some(id(1)), 2)]);
        // Every lead once.
        let mut all: Vec<Uuid> = plan.iter().flat_map(|a| a.deals.clone()).collect();
        all.sort();
        assert_eq!(all, items.iter().map(|i| i.0).collect::<Vec<_>>());
    }

    #[test]
    fn one_target_takes_all_and_deals_and_customers_stay_apart() {
        let items = vec![(id(10), false), (id(11), true), (id(12), false)];
        let plan = plan(&items, &Target::One(None));
        assert_eq!(plan, vec![Assignment { to: None, deals: vec![id(11)], customers: vec![id(10), id(12)] }]);
    }

    #[test]
    fn workloads_count_open_deals_and_live_customers_of_the_reps_asked_for() {
        use crate::domain::{Actor, Command, Customer, CustomerKind, Records, Timestamp};
        let mut archive = Archive::from_records(Records {
            pipelines: vec![crate::domain::pipeline::Pipeline::defaults(true, Timestamp(1), "t")],
            ..Records::default()
        });
        let actor = Actor::at("t", Timestamp(1_000));
        for (n, owner) in [(1, 7), (2, 7), (3, 8), (4, 9)] {
            let mut c = Customer::blank(CustomerKind::Organisation);
            c.meta.id = id(n);
            c.name = format!("c{n}");
            c.owner = Some(id(owner));
            archive.apply(Command::CreateCustomer(c), &actor).unwrap();
        }
        archive
            .apply(Command::DeleteCustomer { id: id(2), deals: crate::domain::DealsOfDeleted::Delete }, &actor)
            .unwrap();
        assert_eq!(workloads(&archive, Holding::Customers, &[id(7), id(8)]), vec![(id(7), 1), (id(8), 1)]);
        assert_eq!(workloads(&archive, Holding::Deals, &[id(7)]), vec![(id(7), 0)]);
    }

    #[test]
    fn fewer_items_than_reps_and_no_reps() {
        let plan_two = plan(&[(id(10), false)], &Target::Spread(vec![(id(1), 0), (id(2), 0)]));
        assert_eq!(plan_two.len(), 1);
        assert_eq!(plan_two[0].to, Some(id(1)));
        assert!(plan(&[(id(10), false)], &Target::Spread(Vec::new())).is_empty());
    }
}

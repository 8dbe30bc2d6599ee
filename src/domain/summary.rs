//! Aggregates behind the customer summary charts: customers by tier and by region, potential
//! value by industry.

use std::collections::HashMap;

use super::money::Money;
use super::records::Tier;
use super::Archive;

/// A bar's label: a named value, or everything past the top few.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Named(String),
    Other,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerSummary {
    pub live_customers: usize,
    pub by_tier: Vec<(Tier, usize)>,
    pub by_region: Vec<(Bucket, usize)>,
    pub value_by_industry: Vec<(Bucket, Money)>,
}

/// How many named bars a chart shows before the rest become "other".
pub const TOP_BARS: usize = 8;

pub fn summarise(archive: &Archive) -> CustomerSummary {
    let mut tiers = [0usize; Tier::ALL.len()];
    let mut regions: HashMap<&str, i64> = HashMap::new();
    let mut industries: HashMap<&str, i64> = HashMap::new();
    let mut live = 0;
    for c in archive.customers.live() {
        live += 1;
        tiers[c.tier as usize] += 1;
        *regions.entry(c.region.as_str()).or_default() += 1;
        *industries.entry(c.industry.as_str()).or_default() += c.potential_value.0;
    }
    CustomerSummary {
        live_customers: live,
        by_tier: Tier::ALL.iter().map(|t| (*t, tiers[*t as usize])).collect(),
        by_region: top_with_other(regions).into_iter().map(|(b, n)| (b, n as usize)).collect(),
        value_by_industry: top_with_other(industries).into_iter().map(|(b, v)| (b, Money(v))).collect(),
    }
}

/// Largest first (ties by name), the top few named, the rest summed as `Other`; an empty name
/// counts as other too.
fn top_with_other(counts: HashMap<&str, i64>) -> Vec<(Bucket, i64)> {
    let mut named: Vec<(&str, i64)> = counts.iter().filter(|(k, _)| !k.is_empty()).map(|(k, v)| (*k, *v)).collect();
    crate::domain::sorting::sort_by(&mut named, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let rest: i64 = named.iter().skip(TOP_BARS).map(|(_, v)| *v).chain(counts.get("").copied()).sum();
    let mut bars: Vec<(Bucket, i64)> =
        named.into_iter().take(TOP_BARS).map(|(k, v)| (Bucket::Named(k.to_owned()), v)).collect();
    if rest > 0 {
        bars.push((Bucket::Other, rest));
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{Customer, CustomerKind};
    use crate::domain::Records;
    use uuid::Uuid;

    fn customer(n: u128, region: &str, industry: &str, value: i64, tier: Tier) -> Customer {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.meta.id = Uuid::from_u128(n);
        c.name = format!("C{n}");
        c.region = region.into();
        c.industry = industry.into();
        c.potential_value = Money(value);
        c.tier = tier;
        c
    }

    #[test]
    fn counts_tiers_and_folds_small_regions_into_other() {
        let mut customers: Vec<Customer> =
            (0..12).map(|i| customer(i, &format!("R{i:02}"), "家电", 100, Tier::Key)).collect();
        customers.push(customer(100, "R00", "化工", 50, Tier::Strategic));
        customers.push(customer(101, "", "", 7, Tier::Prospect));
        let mut deleted = customer(102, "R00", "家电", 1_000_000, Tier::Key);
        deleted.meta.deleted_at = Some(crate::domain::records::Timestamp(1));
        customers.push(deleted);
        let s = summarise(&Archive::from_records(Records { customers, ..Records::default() }));
        assert_eq!(s.live_customers, 14);
        assert_eq!(s.by_tier, vec![(Tier::Strategic, 1), (Tier::Key, 12), (Tier::Regular, 0), (Tier::Prospect, 1)]);
        assert_eq!(s.by_region[0], (Bucket::Named("R00".into()), 2));
        assert_eq!(s.by_region.len(), TOP_BARS + 1);
        // 12 regions + one blank: 8 named (R00..R07), other = R08..R11 + blank = 5.
        assert_eq!(s.by_region.last(), Some(&(Bucket::Other, 5)));
        assert_eq!(
            s.value_by_industry,
            vec![
                (Bucket::Named("家电".into()), Money(1200)),
                (Bucket::Named("化工".into()), Money(50)),
                (Bucket::Other, Money(7))
            ]
        );
    }
}

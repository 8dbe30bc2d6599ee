//! A range, not just a number: the distribution of a period's outcome from each open deal's
//! win probability, with what-if changes to single deals.
//!
//! Each deal is won (its whole amount) or not, independently, with its probability; the outcome
//! is the sum, a Poisson-binomial sum over amounts. It is computed exactly where it can be (a
//! dynamic program over the amounts in units of their greatest common divisor, when that grid is
//! small enough) and otherwise by a seeded Monte Carlo, so the same pipeline always gives the
//! same figures. With very many deals the Monte Carlo draws the `SIMULATED` deals that carry most
//! of the spread one by one and adds the rest as one normal variable with their mean and
//! variance: a sum of thousands of small independent terms, which the central limit theorem
//! makes normal to well within a run's noise, and it keeps 10,000 runs over 100,000 deals fast.

use uuid::Uuid;

use super::forecast::{Category, ClassRates, ForecastDeal};
use super::money::Money;

/// The largest grid (sum of amounts / their gcd) the exact method walks, and the most grid x
/// deals steps it takes: about 20 ms of work in the page.
pub const EXACT_CELLS: i64 = 200_000;
pub const EXACT_STEPS: i64 = 20_000_000;
/// Monte Carlo runs when the exact method would take too long.
pub const RUNS: usize = 10_000;
/// Deals drawn one by one in each run; the others (those with the least variance) as their
/// normal sum.
pub const SIMULATED: usize = 2_000;

/// How a distribution was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The dynamic program, on a grid of `step` cents.
    Exact { step: Money },
    /// `runs` draws from a generator seeded with `seed`: `simulated` deals drawn one by one,
    /// `approximated` as their normal sum.
    MonteCarlo { runs: usize, seed: u64, simulated: usize, approximated: usize },
}

/// The outcome's distribution: amounts with their probabilities, ascending, summing to 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub method: Method,
    pub points: Vec<(Money, f64)>,
    /// The expected outcome: the weighted forecast, in cents (not rounded per deal).
    pub mean: f64,
}

impl Distribution {
    /// Of `deals` (amount, probability 0-1); `seed` makes the Monte Carlo repeatable.
    pub fn of(deals: &[(Money, f64)], seed: u64) -> Distribution {
        let deals: Vec<(i64, f64)> =
            deals.iter().filter(|(a, p)| a.0 > 0 && *p > 0.0).map(|(a, p)| (a.0, p.clamp(0.0, 1.0))).collect();
        let mean = deals.iter().map(|(a, p)| *a as f64 * p).sum();
        let step = deals.iter().fold(0, |g, (a, _)| gcd(g, *a)).max(1);
        let cells = deals.iter().map(|(a, _)| a / step).sum::<i64>();
        let (method, points) = if cells <= EXACT_CELLS && cells.saturating_mul(deals.len() as i64) <= EXACT_STEPS {
            (Method::Exact { step: Money(step) }, exact(&deals, step, cells as usize))
        } else {
            monte_carlo(deals, RUNS, seed)
        };
        Distribution { method, points, mean }
    }

    /// The smallest outcome reached with probability at least `q` (0-1): P10 is `quantile(0.1)`.
    pub fn quantile(&self, q: f64) -> Money {
        let mut below = 0.0;
        for &(amount, p) in &self.points {
            below += p;
            // A little slack for the rounding of the sum of many small probabilities.
            if below >= q - 1e-12 {
                return amount;
            }
        }
        self.points.last().map_or(Money::ZERO, |&(a, _)| a)
    }

    /// The chance the outcome reaches `target` (at least it).
    pub fn chance_of(&self, target: Money) -> f64 {
        // A fold from +0: an empty sum of f64 is -0, which would print as "-0 %".
        self.points.iter().filter(|(a, _)| *a >= target).fold(0.0, |sum, (_, p)| sum + p).min(1.0)
    }

    /// `bins` equal ranges from P0.1 to P99.9 (the rarer outcomes at either end are counted in
    /// the first and last range), each with its probability.
    pub fn histogram(&self, bins: usize) -> Vec<(Money, Money, f64)> {
        if self.points.is_empty() {
            return Vec::new();
        }
        let (low, high) = (self.quantile(0.001), self.quantile(0.999));
        let bins = bins.max(1);
        let width = ((high.0 - low.0) / bins as i64).max(1);
        let mut out: Vec<(Money, Money, f64)> =
            (0..bins as i64).map(|i| (Money(low.0 + i * width), Money(low.0 + (i + 1) * width), 0.0)).collect();
        for &(amount, p) in &self.points {
            let i = ((amount.0 - low.0).max(0) / width).min(bins as i64 - 1) as usize;
            out[i].2 += p;
        }
        if let Some(last) = out.last_mut() {
            last.1 = Money(high.0.max(last.1 .0));
        }
        out
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The Poisson-binomial sum on a grid of `step`: after each deal, `dist[k]` is the chance that
/// the deals so far sum to k steps.
fn exact(deals: &[(i64, f64)], step: i64, cells: usize) -> Vec<(Money, f64)> {
    let mut dist = vec![0.0f64; cells + 1];
    dist[0] = 1.0;
    let mut reach = 0;
    for &(amount, p) in deals {
        let k = (amount / step) as usize;
        for s in (0..=reach).rev() {
            let here = dist[s];
            if here != 0.0 {
                dist[s + k] += here * p;
                dist[s] = here * (1.0 - p);
            }
        }
        reach += k;
    }
    dist.iter().enumerate().filter(|(_, p)| **p > 0.0).map(|(s, p)| (Money(s as i64 * step), *p)).collect()
}

/// `runs` draws of the sum (equal sums merged): the `SIMULATED` deals of most variance one by
/// one, the rest as a normal variable with their mean and variance.
fn monte_carlo(mut deals: Vec<(i64, f64)>, runs: usize, seed: u64) -> (Method, Vec<(Money, f64)>) {
    let variance = |&(a, p): &(i64, f64)| (a as f64) * (a as f64) * p * (1.0 - p);
    deals.sort_by(|x, y| variance(y).total_cmp(&variance(x)));
    let rest = deals.split_off(deals.len().min(SIMULATED));
    let rest_mean: f64 = rest.iter().map(|(a, p)| *a as f64 * p).sum();
    let rest_sd = rest.iter().map(variance).sum::<f64>().sqrt();
    let rest_max: i64 = rest.iter().map(|(a, _)| a).sum();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut sums: Vec<i64> = (0..runs)
        .map(|_| {
            let drawn: i64 = deals.iter().filter(|(_, p)| rng.f64() < *p).map(|(a, _)| a).sum();
            let others = if rest.is_empty() { 0 } else { (rest_mean + rest_sd * normal(&mut rng)).round() as i64 };
            drawn + others.clamp(0, rest_max)
        })
        .collect();
    sums.sort_unstable();
    let weight = 1.0 / runs as f64;
    let mut points: Vec<(Money, f64)> = Vec::new();
    for s in sums {
        match points.last_mut() {
            Some((last, p)) if last.0 == s => *p += weight,
            _ => points.push((Money(s), weight)),
        }
    }
    (Method::MonteCarlo { runs, seed, simulated: deals.len(), approximated: rest.len() }, points)
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u = 1.0 - rng.f64();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos()
}

/// The deals that carry most of the spread: each open deal's share of the outcome's variance
/// (amount² x p x (1 - p), p the chance the range gives it), largest first, the shares summing
/// to 1.
pub fn spread_carriers(deals: &[ForecastDeal], chance: impl Fn(&ForecastDeal) -> f64) -> Vec<(Uuid, f64)> {
    let variance = |d: &ForecastDeal| {
        let (a, p) = (d.amount.0 as f64, chance(d));
        a * a * p * (1.0 - p)
    };
    let open: Vec<&ForecastDeal> = deals.iter().filter(|d| d.is_open()).collect();
    let total: f64 = open.iter().map(|d| variance(d)).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut shares: Vec<(Uuid, f64)> =
        open.iter().map(|d| (d.id, variance(d) / total)).filter(|(_, s)| *s > 0.0).collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    shares
}

/// A what-if change to one deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhatIf {
    /// Counted as won: closed, its whole amount.
    Win,
    /// Counted as lost: out of the forecast.
    Lose,
    /// Slips past the period: out of this period's forecast.
    Slip,
}

/// The deals with `changes` applied (deals not named are as they are).
pub fn what_if(deals: &[ForecastDeal], changes: &[(Uuid, WhatIf)]) -> Vec<ForecastDeal> {
    deals
        .iter()
        .filter_map(|d| match changes.iter().find(|(id, _)| *id == d.id).map(|(_, c)| c) {
            None => Some(d.clone()),
            Some(WhatIf::Win) => Some(ForecastDeal { probability: 100, category: Category::Closed, ..d.clone() }),
            Some(WhatIf::Lose) => Some(ForecastDeal { probability: 0, category: Category::Omitted, ..d.clone() }),
            Some(WhatIf::Slip) => None,
        })
        .collect()
}

/// A deal's chance as its own win probability (the weighted forecast's view).
pub fn by_probability(deal: &ForecastDeal) -> f64 {
    f64::from(deal.probability) / 100.0
}

/// A deal's chance as its class's conversion rate (the A/B/C/D method's view).
pub fn by_class_rate(rates: ClassRates) -> impl Fn(&ForecastDeal) -> f64 {
    move |deal| f64::from(rates.of(deal.class)) / 10_000.0
}

/// The outcome of a period: what has closed won plus the distribution of the open deals, each
/// won with the chance `chance` gives it.
pub fn period_outcome(deals: &[ForecastDeal], chance: impl Fn(&ForecastDeal) -> f64, seed: u64) -> Distribution {
    let closed: i64 = deals.iter().filter(|d| d.category == Category::Closed).map(|d| d.amount.0).sum();
    let open: Vec<(Money, f64)> = deals.iter().filter(|d| d.is_open()).map(|d| (d.amount, chance(d))).collect();
    let mut dist = Distribution::of(&open, seed);
    for point in &mut dist.points {
        point.0 .0 += closed;
    }
    if dist.points.is_empty() {
        dist.points.push((Money(closed), 1.0));
    }
    dist.mean += closed as f64;
    dist
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::FunnelClass;

    fn yuan(n: i64) -> Money {
        Money::from_yuan(n)
    }

    #[test]
    fn two_deals_give_the_four_outcomes_exactly() {
        // 3,800 at 90 % and 22,500 at 20 %: 0 (8 %), 3,800 (72 %), 22,500 (2 %), 26,300 (18 %).
        let d = Distribution::of(&[(yuan(3_800), 0.9), (yuan(22_500), 0.2)], 1);
        assert_eq!(d.method, Method::Exact { step: yuan(100) });
        let got: Vec<(i64, i64)> = d.points.iter().map(|(a, p)| (a.0 / 100, (p * 1000.0).round() as i64)).collect();
        assert_eq!(got, [(0, 80), (3_800, 720), (22_500, 20), (26_300, 180)]);
        assert!((d.mean - 792_000.0).abs() < 1e-6, "the mean is the weighted forecast, 7,920");
        assert_eq!(d.quantile(0.05), yuan(0));
        assert_eq!(d.quantile(0.5), yuan(3_800));
        assert_eq!(d.quantile(0.9), yuan(26_300));
        assert!((d.chance_of(yuan(20_000)) - 0.2).abs() < 1e-12);
        assert!((d.chance_of(yuan(0)) - 1.0).abs() < 1e-12);
        let never = d.chance_of(yuan(1_000_000));
        assert!(never == 0.0 && never.is_sign_positive(), "{never:?}");
    }

    #[test]
    fn equal_deals_follow_the_binomial() {
        // Ten deals of 1,000 at 30 %: P(exactly 3 won) = C(10,3) 0.3^3 0.7^7 = 0.26683.
        let d = Distribution::of(&[(yuan(1_000), 0.3); 10], 1);
        let three = d.points.iter().find(|(a, _)| *a == yuan(3_000)).unwrap().1;
        assert!((three - 0.266_827_932).abs() < 1e-9, "{three}");
        let total: f64 = d.points.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert_eq!(d.quantile(0.5), yuan(3_000));
    }

    #[test]
    fn many_odd_amounts_fall_back_to_a_repeatable_monte_carlo_close_to_the_truth() {
        // Amounts with gcd 1 cent over millions of cents: too large a grid.
        let deals: Vec<(Money, f64)> =
            (0..300).map(|i| (Money(1_000_003 + i * 7_919), 0.1 + (i % 8) as f64 / 10.0)).collect();
        let a = Distribution::of(&deals, 42);
        let b = Distribution::of(&deals, 42);
        assert_eq!(a.method, Method::MonteCarlo { runs: RUNS, seed: 42, simulated: 300, approximated: 0 });
        assert_eq!(a, b, "the same seed gives the same figures");
        // Against the normal approximation (a sum of 300 deals): the median is near the mean and
        // P10 / P90 near mean -/+ 1.2816 sd.
        let mean: f64 = deals.iter().map(|(m, p)| m.0 as f64 * p).sum();
        let sd = deals.iter().map(|(m, p)| (m.0 as f64).powi(2) * p * (1.0 - p)).sum::<f64>().sqrt();
        let off = |got: Money, want: f64| ((got.0 as f64 - want) / sd).abs();
        assert!(off(a.quantile(0.5), mean) < 0.05);
        assert!(off(a.quantile(0.1), mean - 1.2816 * sd) < 0.08);
        assert!(off(a.quantile(0.9), mean + 1.2816 * sd) < 0.08);
        assert!((a.chance_of(Money(mean as i64)) - 0.5).abs() < 0.02);
    }

    /// Every subset of `deals` won, with its probability: the distribution by brute force.
    fn brute_force(deals: &[(Money, f64)]) -> Vec<(Money, f64)> {
        let mut by_sum: std::collections::BTreeMap<i64, f64> = Default::default();
        for mask in 0u32..(1 << deals.len()) {
            let (mut sum, mut p) = (0, 1.0);
            for (i, (amount, chance)) in deals.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    sum += amount.0;
                    p *= chance;
                } else {
                    p *= 1.0 - chance;
                }
            }
            *by_sum.entry(sum).or_default() += p;
        }
        by_sum.into_iter().filter(|(_, p)| *p > 0.0).map(|(s, p)| (Money(s), p)).collect()
    }

    #[test]
    fn exact_matches_brute_force_on_small_pipelines() {
        let mut rng = fastrand::Rng::with_seed(3);
        for round in 0..40 {
            let n = 1 + round % 10;
            let deals: Vec<(Money, f64)> =
                (0..n).map(|_| (yuan(rng.i64(1..=50) * 500), f64::from(rng.u8(1..=99)) / 100.0)).collect();
            let exact = Distribution::of(&deals, 1);
            assert!(matches!(exact.method, Method::Exact { .. }));
            let truth = brute_force(&deals);
            assert_eq!(exact.points.len(), truth.len(), "{deals:?}");
            for ((a, p), (b, q)) in exact.points.iter().zip(&truth) {
                assert_eq!(a, b);
                assert!((p - q).abs() < 1e-12, "{deals:?}: {p} vs {q}");
            }
        }
    }

    #[test]
    fn monte_carlo_percentiles_converge_on_the_exact_ones() {
        let mut rng = fastrand::Rng::with_seed(11);
        let deals: Vec<(i64, f64)> =
            (0..60).map(|_| (rng.i64(1..=40) * 100_000, f64::from(rng.u8(5..=95)) / 100.0)).collect();
        let as_money: Vec<(Money, f64)> = deals.iter().map(|&(a, p)| (Money(a), p)).collect();
        let exact = Distribution::of(&as_money, 1);
        assert!(matches!(exact.method, Method::Exact { .. }));
        let spread = (exact.quantile(0.9).0 - exact.quantile(0.1).0) as f64;
        let error = |runs: usize| {
            let (_, points) = monte_carlo(deals.clone(), runs, 5);
            let mc = Distribution { method: exact.method, points, mean: 0.0 };
            [0.1, 0.5, 0.9]
                .iter()
                .map(|&q| (mc.quantile(q).0 - exact.quantile(q).0).abs() as f64 / spread)
                .fold(0.0, f64::max)
        };
        let (few, many) = (error(200), error(40_000));
        assert!(many < 0.02, "40,000 runs land within 2 % of the P10-P90 width: {many}");
        assert!(many <= few, "more runs are closer: {few} then {many}");
    }

    #[test]
    fn very_many_deals_draw_the_big_ones_and_sum_the_rest_normally() {
        let mut rng = fastrand::Rng::with_seed(8);
        let deals: Vec<(Money, f64)> = (0..20_000)
            .map(|_| (Money(rng.i64(1_000_000..=90_000_000) + 1), f64::from(rng.u8(5..=95)) / 100.0))
            .collect();
        let d = Distribution::of(&deals, 9);
        assert_eq!(d.method, Method::MonteCarlo { runs: RUNS, seed: 9, simulated: SIMULATED, approximated: 18_000 });
        let mean: f64 = deals.iter().map(|(m, p)| m.0 as f64 * p).sum();
        let sd = deals.iter().map(|(m, p)| (m.0 as f64).powi(2) * p * (1.0 - p)).sum::<f64>().sqrt();
        let off = |got: Money, want: f64| ((got.0 as f64 - want) / sd).abs();
        assert!(off(d.quantile(0.5), mean) < 0.05);
        assert!(off(d.quantile(0.1), mean - 1.2816 * sd) < 0.08);
        assert!(off(d.quantile(0.9), mean + 1.2816 * sd) < 0.08);
    }

    #[test]
    fn histogram_bins_hold_all_the_probability() {
        // Eight deals of 1,000 at 50 %: nine outcomes, one per bin, C(8,k) / 256 each (0 and
        // 8,000 have 0.4 % each: above 0.1 %, so within the range).
        let d = Distribution::of(&[(yuan(1_000), 0.5); 8], 1);
        let bins = d.histogram(9);
        assert_eq!(bins.len(), 9);
        assert_eq!((bins[0].0, bins[8].1), (yuan(0), yuan(8_000)));
        let binomial = [1.0, 8.0, 28.0, 56.0, 70.0, 56.0, 28.0, 8.0, 1.0];
        for (bin, want) in bins.iter().zip(binomial) {
            assert!((bin.2 - want / 256.0).abs() < 1e-12, "{bin:?}");
        }
        // Fewer bins than outcomes: the probability is all still there.
        let total: f64 = d.histogram(4).iter().map(|b| b.2).sum();
        assert!((total - 1.0).abs() < 1e-12);
        let single = Distribution::of(&[], 1).histogram(4);
        assert!((single[0].2 - 1.0).abs() < 1e-12);
        // Twelve deals: 0 and 12,000 (0.02 % each) fall outside P0.1-P99.9 and are counted in
        // the end ranges, which start and stop inside.
        let wide = Distribution::of(&[(yuan(1_000), 0.5); 12], 1).histogram(4);
        assert!(wide[0].0 > yuan(0) && wide[3].1 < yuan(12_000), "{wide:?}");
        assert!((wide.iter().map(|b| b.2).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    fn deal(amount: i64, probability: u8) -> ForecastDeal {
        ForecastDeal {
            id: Uuid::new_v4(),
            owner: None,
            stage: Uuid::nil(),
            amount: yuan(amount),
            probability,
            class: FunnelClass::B,
            category: Category::BestCase,
            close: None,
        }
    }

    #[test]
    fn the_big_uncertain_deal_carries_the_spread() {
        let deals = [deal(100_000, 50), deal(1_000, 50), deal(100_000, 100), deal(10_000, 90)];
        let shares = spread_carriers(&deals, by_probability);
        assert_eq!(shares[0].0, deals[0].id);
        assert!(shares[0].1 > 0.99);
        assert!(!shares.iter().any(|(id, _)| *id == deals[2].id), "a sure deal carries no spread");
        let total: f64 = shares.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // By class rate (all class B here, at 50 %), the sure deal is as uncertain as the other
        // 100,000 one: the two share the spread.
        let by_class = spread_carriers(&deals, by_class_rate(ClassRates([0, 0, 5_000, 0])));
        assert!(by_class.iter().take(2).all(|(id, _)| *id == deals[0].id || *id == deals[2].id));
        assert!((by_class[0].1 - by_class[1].1).abs() < 1e-12);
    }

    #[test]
    fn what_if_win_lose_slip_redraw_the_outcome() {
        let deals = [deal(3_800, 90), deal(22_500, 20), deal(5_000, 50)];
        let before = period_outcome(&deals, by_probability, 7);
        assert!((before.mean - (3_420.0 + 4_500.0 + 2_500.0) * 100.0).abs() < 1e-6);
        let changed = what_if(&deals, &[(deals[1].id, WhatIf::Win), (deals[2].id, WhatIf::Slip)]);
        assert_eq!(changed.len(), 2);
        let after = period_outcome(&changed, by_probability, 7);
        // 22,500 is now closed: every outcome holds it; the slipped deal is gone.
        assert_eq!(after.quantile(0.0), yuan(22_500));
        assert!((after.mean - (22_500.0 + 3_420.0) * 100.0).abs() < 1e-6);
        assert!((after.chance_of(yuan(26_300)) - 0.9).abs() < 1e-12);
        let lost = what_if(&deals, &[(deals[0].id, WhatIf::Lose)]);
        assert_eq!(lost[0].category, Category::Omitted);
        assert_eq!(
            period_outcome(&lost, by_probability, 7).chance_of(yuan(3_800)),
            period_outcome(&deals[1..], by_probability, 7).chance_of(yuan(3_800))
        );
    }

    #[test]
    fn by_class_rate_every_deal_of_a_class_has_its_rate() {
        let mut a = deal(10_000, 20);
        a.class = FunnelClass::A;
        let d = deal(10_000, 90);
        let rates = ClassRates([1_000, 3_000, 6_000, 9_000]);
        let outcome = period_outcome(&[a, d], by_class_rate(rates), 1);
        // A at 90 %, the B deal (`deal` makes class B) at 60 %: the mean is 15,000.
        assert!((outcome.mean - 1_500_000.0).abs() < 1e-6);
        assert!((outcome.chance_of(yuan(20_000)) - 0.54).abs() < 1e-12);
    }

    #[test]
    fn nothing_open_is_the_closed_amount_for_certain() {
        let mut won = deal(9_000, 100);
        won.category = Category::Closed;
        let d = period_outcome(&[won], by_probability, 1);
        assert_eq!(d.points, [(yuan(9_000), 1.0)]);
        assert_eq!(d.quantile(0.1), yuan(9_000));
    }
}

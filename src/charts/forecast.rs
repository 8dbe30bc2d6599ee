//! The forecast's charts as data, from the domain's figures: the funnel by class (D at the top)
//! and by stage, each bar a band's amount with its weighted amount drawn darker inside it, and
//! the histogram of the period's outcome. Words and money formats come from the caller (the
//! page's language); the shapes are decided here, so native tests draw them.

use uuid::Uuid;

use super::{Bar, BarChart};
use crate::domain::forecast::{Band, Funnel};
use crate::domain::outcome::Distribution;
use crate::domain::{FunnelClass, Money};

/// A band as a bar: `name (count)`, its amount, the weighted amount inside it, and both as text.
fn band_bar(name: String, band: &Band, money: &impl Fn(Money) -> String) -> Bar {
    Bar {
        label: format!("{name} ({})", band.count),
        value: band.amount.0 as f64,
        value_text: format!("{} / {}", money(band.amount), money(band.weighted)),
        inner: Some(band.weighted.0 as f64),
    }
}

/// The open pipeline by class, D (potential) at the top down to A (about to close).
pub fn funnel_by_class(
    funnel: &Funnel,
    title: String,
    class_name: impl Fn(FunnelClass) -> String,
    money: impl Fn(Money) -> String,
) -> BarChart {
    let bars = FunnelClass::ALL.iter().map(|&c| band_bar(class_name(c), &funnel.classes[c as usize], &money)).collect();
    BarChart::new(title, bars)
}

/// The open pipeline by open stage, in the pipeline's order.
pub fn funnel_by_stage(
    funnel: &Funnel,
    title: String,
    stage_name: impl Fn(Uuid) -> String,
    money: impl Fn(Money) -> String,
) -> BarChart {
    let bars = funnel.stages.iter().map(|(id, band)| band_bar(stage_name(*id), band, &money)).collect();
    BarChart::new(title, bars)
}

/// The outcome's distribution in `bins` ranges of amount, each bar its probability. `compact`
/// writes an amount short with so many decimals; the labels take as few as tell the ranges
/// apart (`¥1.45亿–¥1.46亿`, not `¥1.4亿–¥1.4亿`).
pub fn outcome_histogram(
    outcome: &Distribution,
    bins: usize,
    title: String,
    compact: impl Fn(Money, u32) -> String,
) -> BarChart {
    let ranges = outcome.histogram(bins);
    let decimals =
        (1..=4).find(|&d| ranges.iter().all(|(low, high, _)| compact(*low, d) != compact(*high, d))).unwrap_or(4);
    let bars = ranges
        .into_iter()
        .map(|(low, high, p)| {
            let label = format!("{}–{}", compact(low, decimals), compact(high, decimals));
            Bar::new(label, p, format!("{:.1}%", p * 100.0))
        })
        .collect();
    BarChart::new(title, bars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{bar_chart_height, bar_chart_svg, BAR_COLOR, INNER_COLOR};

    fn band(count: usize, yuan: i64, weighted: i64) -> Band {
        Band { count, amount: Money::from_yuan(yuan), weighted: Money::from_yuan(weighted), deals: Vec::new() }
    }

    fn widths(svg: &str, color: plotters::style::RGBColor) -> Vec<f64> {
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", color.0, color.1, color.2);
        svg.match_indices("<rect")
            .map(|(at, _)| &svg[at..at + svg[at..].find("/>").unwrap()])
            .filter(|tag| tag.contains(&fill))
            .map(|tag| {
                let w = tag.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    fn yuan(m: Money) -> String {
        format!("¥{}", m.0 / 100)
    }

    #[test]
    fn the_funnel_by_class_has_a_band_per_class_with_counts_amounts_and_weighted_amounts() {
        let funnel = Funnel {
            classes: [
                band(40, 400_000, 40_000),
                band(20, 200_000, 60_000),
                band(10, 100_000, 60_000),
                band(5, 50_000, 45_000),
            ],
            stages: Vec::new(),
        };
        let names = ["D类 潜在", "C类 初步信任", "B类 需求明确", "A类 即将成交"];
        let chart = funnel_by_class(&funnel, "销售漏斗".into(), |c| names[c as usize].to_owned(), yuan);
        let svg = bar_chart_svg(&chart, 460, bar_chart_height(4)).unwrap();
        for text in ["销售漏斗", "D类 潜在 (40)", "A类 即将成交 (5)", "¥400000 / ¥40000", "¥50000 / ¥45000"]
        {
            assert!(svg.contains(text), "missing {text}");
        }
        let (outer, inner) = (widths(&svg, BAR_COLOR), widths(&svg, INNER_COLOR));
        assert_eq!((outer.len(), inner.len()), (4, 4), "a bar and its weighted part per class");
        // D is the widest band; its weighted part is a tenth of it.
        assert!(outer[0] > outer[1] && outer[1] > outer[2] && outer[2] > outer[3], "{outer:?}");
        assert!((inner[0] / outer[0] - 0.1).abs() < 0.02, "{inner:?} {outer:?}");
        assert!((inner[3] / outer[3] - 0.9).abs() < 0.05, "{inner:?} {outer:?}");
    }

    #[test]
    fn the_funnel_by_stage_follows_the_pipeline_and_an_empty_one_draws_no_bars() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let funnel = Funnel { classes: Default::default(), stages: vec![(a, band(3, 9_000, 900)), (b, band(0, 0, 0))] };
        let name = |id: Uuid| if id == a { "Samples sent".to_owned() } else { "报价".to_owned() };
        let svg = bar_chart_svg(&funnel_by_stage(&funnel, "Stages".into(), name, yuan), 460, 120).unwrap();
        assert!(svg.contains("Samples sent (3)") && svg.contains("报价 (0)"));
        assert!(svg.find("Samples sent").unwrap() < svg.find("报价").unwrap(), "in the pipeline's order");
        assert_eq!(widths(&svg, BAR_COLOR)[1], 0.0, "an empty stage has no length");
        let empty = funnel_by_stage(&Funnel::default(), "Stages".into(), name, yuan);
        let svg = bar_chart_svg(&empty, 460, 120).unwrap();
        assert!(widths(&svg, BAR_COLOR).is_empty() && svg.contains("Stages"), "no data draws no bars, no NaN");
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn the_histogram_sums_to_one_and_labels_its_ranges() {
        let outcome = Distribution::of(
            &[(Money::from_yuan(1_000), 0.5), (Money::from_yuan(2_000), 0.5), (Money::from_yuan(4_000), 0.5)],
            7,
        );
        let chart = outcome_histogram(&outcome, 4, "结果范围".into(), |m, _| yuan(m));
        assert_eq!(chart.bars.len(), 4);
        let total: f64 = chart.bars.iter().map(|b| b.value).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let svg = bar_chart_svg(&chart, 460, bar_chart_height(4)).unwrap();
        assert!(svg.contains("结果范围") && svg.contains("¥0–") && svg.contains('%'));
        // No open deals: all of the chance on what closed, still no NaN.
        let none = outcome_histogram(&Distribution::of(&[], 1), 4, "x".into(), |m, _| yuan(m));
        assert!(none.bars.iter().all(|b| b.value.is_finite()));
    }

    #[test]
    fn histogram_labels_take_the_decimals_that_tell_close_ranges_apart() {
        // 100 deals of 1.3 million yuan at 50 %: ranges about a million wide around 65 million.
        let deals: Vec<(Money, f64)> = (0..100).map(|_| (Money::from_yuan(1_300_000), 0.5)).collect();
        let outcome = Distribution::of(&deals, 3);
        let chart = outcome_histogram(&outcome, 10, "结果范围".into(), |m, d| m.compact_with(true, d));
        let labels: Vec<&str> = chart.bars.iter().map(|b| b.label.as_str()).collect();
        for label in &labels {
            let (low, high) = label.split_once('–').unwrap();
            assert_ne!(low, high, "{labels:?}");
        }
        assert!(labels.iter().all(|l| l.contains('万')), "{labels:?}");
        // One decimal where it is enough.
        assert_eq!(Money::from_yuan(145_450_000).compact_with(true, 2), "¥1.45亿");
        assert_eq!(Money::from_yuan(145_450_000).compact(true), "¥1.5亿");
    }
}

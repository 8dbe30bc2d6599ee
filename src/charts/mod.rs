//! Chart drawing with plotters: functions take plain data and any drawing backend, so native
//! tests render them to SVG and check them, and the page renders the same code to SVG.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

pub mod forecast;

/// One bar: its label, its length, and the text printed at its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub value_text: String,
    /// A part of the bar drawn darker from its start (a band's weighted amount within its
    /// amount).
    #[serde(default)]
    pub inner: Option<f64>,
}

impl Bar {
    pub fn new(label: String, value: f64, value_text: String) -> Bar {
        Bar { label, value, value_text, inner: None }
    }
}

/// A horizontal bar chart: long Chinese labels read well on the left of horizontal bars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    /// A vertical line across the bars at a value (a target), with its label.
    #[serde(default)]
    pub marker: Option<(f64, String)>,
}

impl BarChart {
    pub fn new(title: String, bars: Vec<Bar>) -> BarChart {
        BarChart { title, bars, marker: None }
    }
}

/// A chart the charts worker draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Chart {
    Bars(BarChart),
    Lines(LineChart),
}

impl From<BarChart> for Chart {
    fn from(chart: BarChart) -> Chart {
        Chart::Bars(chart)
    }
}

impl From<LineChart> for Chart {
    fn from(chart: LineChart) -> Chart {
        Chart::Lines(chart)
    }
}

/// One line of a line chart: its name (in the legend), its values (one per point of the x
/// axis), and whether it is drawn dashed (a target or a pace).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub dashed: bool,
}

/// A line chart over days (a burn-up): the x axis's labels at its start, middle and end, the
/// top of the y axis as text, and the lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineChart {
    pub title: String,
    /// Points along the x axis (a series may stop short of it: won so far, until today).
    pub length: usize,
    pub x_labels: [String; 3],
    pub y_max_text: String,
    pub series: Vec<Series>,
}

/// Renders any chart to an SVG document `width` pixels wide.
pub fn chart_svg(chart: &Chart, width: u32) -> Result<String, String> {
    match chart {
        Chart::Bars(bars) => bar_chart_svg(bars, width, bar_chart_height(bars.bars.len())),
        Chart::Lines(lines) => line_chart_svg(lines, width, LINE_CHART_HEIGHT),
    }
}

/// The height of a line chart.
pub const LINE_CHART_HEIGHT: u32 = 260;

/// The colours of a line chart's series, in order.
const SERIES_COLORS: [RGBColor; 4] =
    [BAR_COLOR, RGBColor(0xd9, 0x48, 0x2b), RGBColor(0x2e, 0x9e, 0x5b), RGBColor(0x8a, 0x5c, 0xd6)];

/// Draws `chart` onto `area`: axes, each series as a polyline over the width (dashed ones in
/// short strokes), the legend below the title.
pub fn draw_line_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &LineChart) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let title_style = TextStyle::from((FONT, 16).into_font()).color(&TEXT_COLOR).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(chart.title.clone(), (width / 2, 6), title_style)).map_err(err)?;
    let small = |h| TextStyle::from((FONT, 12).into_font()).color(&TEXT_COLOR).pos(Pos::new(h, VPos::Center));
    // The legend.
    let mut x = 12;
    for (i, series) in chart.series.iter().enumerate() {
        let color = SERIES_COLORS[i % SERIES_COLORS.len()];
        area.draw(&PathElement::new(vec![(x, 38), (x + 18, 38)], color.stroke_width(2))).map_err(err)?;
        area.draw(&Text::new(series.name.clone(), (x + 22, 38), small(HPos::Left))).map_err(err)?;
        x += 30 + display_width(&series.name) as i32 * 7;
    }
    let (left, right, top, bottom) = (56, width - 12, 56, height - 28);
    area.draw(&PathElement::new(vec![(left, top), (left, bottom), (right, bottom)], AXIS_COLOR)).map_err(err)?;
    area.draw(&Text::new(chart.y_max_text.clone(), (left - 4, top), small(HPos::Right))).map_err(err)?;
    area.draw(&Text::new("0".to_owned(), (left - 4, bottom), small(HPos::Right))).map_err(err)?;
    let below = |h| TextStyle::from((FONT, 12).into_font()).color(&TEXT_COLOR).pos(Pos::new(h, VPos::Top));
    for (label, x, h) in [(0, left, HPos::Left), (1, (left + right) / 2, HPos::Center), (2, right, HPos::Right)] {
        area.draw(&Text::new(chart.x_labels[label].clone(), (x, bottom + 6), below(h))).map_err(err)?;
    }
    let max = chart.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    for (i, series) in chart.series.iter().enumerate() {
        let n = chart.length.max(series.values.len()).max(2) - 1;
        let points: Vec<(i32, i32)> = series
            .values
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let x = left + ((right - left) as f64 * j as f64 / n as f64).round() as i32;
                let y = bottom - ((bottom - top) as f64 * (v.max(0.0) / max)).round() as i32;
                (x, y)
            })
            .collect();
        let style = SERIES_COLORS[i % SERIES_COLORS.len()].stroke_width(2);
        if series.dashed {
            for pair in points.chunks(2).filter(|c| c.len() == 2) {
                area.draw(&PathElement::new(pair.to_vec(), style)).map_err(err)?;
            }
        } else {
            area.draw(&PathElement::new(points, style)).map_err(err)?;
        }
    }
    area.present().map_err(err)
}

/// Renders a line chart to an SVG document of the given size.
pub fn line_chart_svg(chart: &LineChart, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_line_chart(&area, chart)?;
    }
    Ok(svg)
}

pub const BAR_COLOR: RGBColor = RGBColor(0x2f, 0x6f, 0xeb);
/// The darker part of a bar (see [`Bar::inner`]).
pub const INNER_COLOR: RGBColor = RGBColor(0x1a, 0x3f, 0x8f);
const TEXT_COLOR: RGBColor = RGBColor(0x33, 0x3a, 0x45);
const AXIS_COLOR: RGBColor = RGBColor(0xcc, 0xd2, 0xda);
/// Generic family names let the browser fall back to a CJK font for Chinese labels.
const FONT: &str = "sans-serif";

/// Draws `chart` onto `area`. Bars run top to bottom in the order given; each row has its label
/// on the left (right-aligned), the bar, and the value text at the bar's end.
pub fn draw_bar_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &BarChart) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let title_style = TextStyle::from((FONT, 16).into_font()).color(&TEXT_COLOR).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(chart.title.clone(), (width / 2, 6), title_style)).map_err(err)?;

    let top = 32;
    let n = chart.bars.len().max(1) as i32;
    let row = ((height - top - 6) / n).max(1);
    let longest_label = chart.bars.iter().map(|b| display_width(&truncate(&b.label, 24))).max().unwrap_or(4) as i32;
    let label_right = (longest_label * 7 + 10).clamp(40, width / 3);
    let bar_left = label_right + 6;
    // Room at the end of the longest bar for the longest value text (about 6.5 px a column).
    let longest_value = chart.bars.iter().map(|b| display_width(&b.value_text)).max().unwrap_or(4) as i32;
    let value_room = (longest_value * 13 / 2 + 10).clamp(40, width / 3);
    let bar_room = (width - bar_left - value_room).max(1);
    // The widest bar, or the marker if it lies beyond it, spans the room.
    let marked = chart.marker.as_ref().map_or(0.0, |m| m.0);
    let max = chart.bars.iter().map(|b| b.value).fold(marked, f64::max).max(f64::MIN_POSITIVE);
    let label_style =
        TextStyle::from((FONT, 13).into_font()).color(&TEXT_COLOR).pos(Pos::new(HPos::Right, VPos::Center));
    let value_style =
        TextStyle::from((FONT, 12).into_font()).color(&TEXT_COLOR).pos(Pos::new(HPos::Left, VPos::Center));

    area.draw(&PathElement::new(vec![(bar_left, top), (bar_left, top + row * n)], AXIS_COLOR)).map_err(err)?;
    for (i, bar) in chart.bars.iter().enumerate() {
        let y0 = top + row * i as i32;
        let middle = y0 + row / 2;
        let pad = (row / 5).max(1);
        let length = ((bar.value.max(0.0) / max) * bar_room as f64).round() as i32;
        area.draw(&Text::new(truncate(&bar.label, 24), (label_right, middle), label_style.clone())).map_err(err)?;
        area.draw(&Rectangle::new([(bar_left, y0 + pad), (bar_left + length, y0 + row - pad)], BAR_COLOR.filled()))
            .map_err(err)?;
        if let Some(inner) = bar.inner {
            let inner = ((inner.clamp(0.0, bar.value.max(0.0)) / max) * bar_room as f64).round() as i32;
            area.draw(&Rectangle::new(
                [(bar_left, y0 + pad), (bar_left + inner, y0 + row - pad)],
                INNER_COLOR.filled(),
            ))
            .map_err(err)?;
        }
        area.draw(&Text::new(bar.value_text.clone(), (bar_left + length + 4, middle), value_style.clone()))
            .map_err(err)?;
    }
    if let Some((value, label)) = &chart.marker {
        let x = bar_left + ((value.max(0.0) / max) * bar_room as f64).round() as i32;
        let bottom = top + row * n;
        let mut y = top - 2;
        while y < bottom {
            area.draw(&PathElement::new(vec![(x, y), (x, (y + 5).min(bottom))], MARKER_COLOR.stroke_width(2)))
                .map_err(err)?;
            y += 9;
        }
        let style =
            TextStyle::from((FONT, 11).into_font()).color(&MARKER_COLOR).pos(Pos::new(HPos::Center, VPos::Bottom));
        area.draw(&Text::new(label.clone(), (x, top - 3), style)).map_err(err)?;
    }
    area.present().map_err(err)
}

/// The colour of a bar chart's marker line.
pub const MARKER_COLOR: RGBColor = RGBColor(0xd9, 0x48, 0x2b);

/// Renders `chart` to an SVG document of the given size.
pub fn bar_chart_svg(chart: &BarChart, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_bar_chart(&area, chart)?;
    }
    Ok(svg)
}

/// A height that gives every bar room, for a chart of `bars` bars.
pub fn bar_chart_height(bars: usize) -> u32 {
    (bars.max(1) as u32) * 30 + 48
}

/// Width in half-width columns: CJK characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c as u32 >= 0x2e80 { 2 } else { 1 }).sum()
}

fn truncate(s: &str, max_columns: usize) -> String {
    if display_width(s) <= max_columns {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        used += display_width(c.encode_utf8(&mut [0; 4]));
        if used > max_columns - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(bars: &[(&str, f64)]) -> BarChart {
        BarChart::new(
            "客户等级 Customers by tier".into(),
            bars.iter().map(|(l, v)| Bar::new((*l).into(), *v, format!("{v}"))).collect(),
        )
    }

    /// Widths of the bar rectangles, in drawing order.
    fn bar_widths(svg: &str) -> Vec<f64> {
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", BAR_COLOR.0, BAR_COLOR.1, BAR_COLOR.2);
        svg.match_indices("<rect")
            .map(|(at, _)| &svg[at..at + svg[at..].find("/>").unwrap()])
            .filter(|tag| tag.contains(&fill))
            .map(|tag| {
                let w = tag.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn draws_one_bar_per_value_in_proportion_with_labels() {
        let svg = bar_chart_svg(&chart(&[("战略客户", 10.0), ("Key", 40.0), ("普通客户", 20.0)]), 480, 200).unwrap();
        let widths = bar_widths(&svg);
        assert_eq!(widths.len(), 3, "{svg}");
        assert!((widths[1] / widths[0] - 4.0).abs() < 0.2, "{widths:?}");
        assert!((widths[2] / widths[0] - 2.0).abs() < 0.2, "{widths:?}");
        for label in ["战略客户", "Key", "普通客户", "客户等级 Customers by tier", ">\n40\n<"] {
            assert!(svg.contains(label), "missing {label}");
        }
        assert!(svg.contains("sans-serif"), "labels use a generic family so CJK fonts apply");
    }

    #[test]
    fn first_bar_is_on_top() {
        let svg = bar_chart_svg(&chart(&[("top", 1.0), ("bottom", 2.0)]), 400, 160).unwrap();
        let y_of = |label: &str| {
            let at = svg.find(&format!(">\n{label}\n<")).unwrap();
            let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
            let y = tag.split(" y=\"").nth(1).unwrap();
            y[..y.find('"').unwrap()].parse::<f64>().unwrap()
        };
        assert!(y_of("top") < y_of("bottom"));
    }

    #[test]
    fn user_text_is_escaped_and_empty_or_long_input_is_fine() {
        let svg = bar_chart_svg(&chart(&[("<script>alert(1)</script>", 3.0)]), 400, 120).unwrap();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let empty = bar_chart_svg(&chart(&[]), 400, 120).unwrap();
        assert!(bar_widths(&empty).is_empty());
        let long = bar_chart_svg(&chart(&[(&"很长的行业名称".repeat(10), 5.0)]), 400, 120).unwrap();
        assert!(long.contains('…'));
    }

    #[test]
    fn a_marker_line_stands_at_its_value_and_the_bars_make_room_for_it() {
        let mut with = chart(&[("王伟", 50.0), ("李娜", 120.0)]);
        with.marker = Some((100.0, "目标 100%".into()));
        let svg = bar_chart_svg(&with, 480, 160).unwrap();
        assert!(svg.contains("目标 100%"));
        let widths = bar_widths(&svg);
        assert!((widths[1] / widths[0] - 2.4).abs() < 0.1, "{widths:?}");
        let marker = format!("stroke=\"#{:02X}{:02X}{:02X}\"", MARKER_COLOR.0, MARKER_COLOR.1, MARKER_COLOR.2);
        assert!(svg.matches(&marker).count() >= 3, "a dashed line");
        // A marker beyond every bar: the bars shrink to make room.
        let mut far = chart(&[("王伟", 50.0)]);
        far.marker = Some((200.0, "200%".into()));
        let short = bar_widths(&bar_chart_svg(&far, 480, 160).unwrap())[0];
        let plain = bar_widths(&bar_chart_svg(&chart(&[("王伟", 50.0)]), 480, 160).unwrap())[0];
        assert!((plain / short - 4.0).abs() < 0.2, "{plain} {short}");
    }

    #[test]
    fn a_line_chart_draws_each_series_with_its_legend_and_axis_labels() {
        let chart = LineChart {
            title: "累计赢单 Burn-up".into(),
            length: 4,
            x_labels: ["12-01".into(), "12-16".into(), "12-31".into()],
            y_max_text: "¥33,000".into(),
            series: vec![
                Series { name: "已赢单".into(), values: vec![0.0, 10.0, 10.0, 25.0], dashed: false },
                Series { name: "目标".into(), values: vec![33.0; 4], dashed: true },
            ],
        };
        let svg = line_chart_svg(&chart, 460, LINE_CHART_HEIGHT).unwrap();
        for text in ["累计赢单 Burn-up", "12-01", "12-31", "¥33,000", "已赢单", "目标"] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(svg.contains("<polyline"), "the won line");
        assert!(!svg.contains("NaN"));
        let empty = LineChart { series: vec![], ..chart };
        assert!(!line_chart_svg(&empty, 460, LINE_CHART_HEIGHT).unwrap().contains("NaN"));
    }
}

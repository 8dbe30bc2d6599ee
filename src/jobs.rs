//! Work done off the page: a Web Worker runs its own small wasm module (`src/bin/worker.rs`)
//! for code the page needs rarely or that would block it: drawing charts (plotters and float
//! formatting, ~11 KB brotli), and later parsing and writing files. Keeping that code out of the
//! page's module keeps the first load small.
//!
//! Requests and replies cross `postMessage` as postcard bytes: an envelope of the job's number
//! and the job (or its outcome). Everything here is plain Rust, tested natively.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::charts::{bar_chart_height, bar_chart_svg, BarChart};

/// Something for the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Draws each chart as an SVG document `width` pixels wide.
    DrawBarCharts { charts: Vec<BarChart>, width: u32 },
}

/// What came of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// One SVG per chart, in the order asked.
    BarCharts(Vec<String>),
    /// The job could not be done; the text is for the developer console, not the user.
    Failed(String),
}

/// Does `job` (in the worker).
pub fn run(job: Job) -> Outcome {
    match job {
        Job::DrawBarCharts { charts, width } => charts
            .iter()
            .map(|chart| bar_chart_svg(chart, width, bar_chart_height(chart.bars.len())))
            .collect::<Result<Vec<_>, _>>()
            .map_or_else(Outcome::Failed, Outcome::BarCharts),
    }
}

/// The worker's side of one message: decode the envelope, run the job, encode the reply.
pub fn handle(message: &[u8]) -> Vec<u8> {
    match open::<Job>(message) {
        Ok((id, job)) => seal(id, &run(job)),
        Err(e) => seal(u32::MAX, &Outcome::Failed(e)),
    }
}

/// Wraps `value` with the job number `id`.
pub fn seal<T: Serialize>(id: u32, value: &T) -> Vec<u8> {
    postcard::to_allocvec(&(id, value)).unwrap_or_default()
}

/// Reads an envelope made by [`seal`].
pub fn open<T: DeserializeOwned>(bytes: &[u8]) -> Result<(u32, T), String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Bar;

    fn chart(title: &str, bars: &[(&str, f64)]) -> BarChart {
        BarChart {
            title: title.into(),
            bars: bars.iter().map(|(l, v)| Bar { label: (*l).into(), value: *v, value_text: v.to_string() }).collect(),
        }
    }

    #[test]
    fn a_message_round_trips_through_the_worker_side() {
        let job = Job::DrawBarCharts { charts: vec![chart("按等级", &[("A", 3.0)]), chart("Region", &[("华东", 1.0), ("x", 2.0)])], width: 420 };
        let reply = handle(&seal(7, &job));
        let (id, outcome) = open::<Outcome>(&reply).unwrap();
        assert_eq!(id, 7);
        let Outcome::BarCharts(svgs) = outcome else { panic!("expected charts, got {outcome:?}") };
        assert_eq!(svgs.len(), 2);
        assert!(svgs[0].contains("按等级") && svgs[0].starts_with("<svg"));
        assert!(svgs[1].contains("华东") && svgs[1].contains("Region"));
    }

    #[test]
    fn garbage_gets_a_failure_not_a_panic() {
        let (id, outcome) = open::<Outcome>(&handle(&[0xff, 0xff, 0xff, 0xff, 0xff, 9, 9])).unwrap();
        assert_eq!(id, u32::MAX);
        assert!(matches!(outcome, Outcome::Failed(_)));
        assert!(open::<Job>(&[]).is_err());
    }
}

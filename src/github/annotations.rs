//! Annotations for a run: one `::error` per down URL, one `::warning` per degraded URL, within
//! the runner's ten per kind (the tenth counts the rest), and one for a cancelled run.

use super::commands::{annotation, Level};
use crate::report::{RunReport, Status, UrlResult};

/// The runner shows at most this many annotations of each level per step.
pub const PER_LEVEL: usize = 10;

fn per_url(results: &[&UrlResult], level: Level, word: &str, budget: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let individual = if results.len() > budget {
        budget - 1
    } else {
        results.len()
    };
    for r in &results[..individual] {
        let reason = r.reason().unwrap_or_default();
        lines.push(annotation(
            level,
            Some(&format!("{} is {word}", r.url)),
            &format!("{}: {reason}", r.url),
        ));
    }
    if results.len() > individual {
        let rest = results.len() - individual;
        lines.push(annotation(
            level,
            Some(&format!("{rest} more URLs {word}")),
            &format!("and {rest} more URLs are {word}; the job summary lists every one"),
        ));
    }
    lines
}

/// Every annotation line for the report, errors first.
pub fn render(report: &RunReport) -> Vec<String> {
    let mut lines = Vec::new();
    let mut error_budget = PER_LEVEL;
    if let Some(signal) = report.cancelled {
        let open = report.count(Status::Unknown);
        lines.push(annotation(
            Level::Error,
            Some("upcheck was cancelled"),
            &format!(
                "cancelled by {signal}: {open} of {} URLs were not checked to the end; outputs and summary show what was known",
                report.results.len()
            ),
        ));
        error_budget -= 1;
    }
    let down: Vec<&UrlResult> = report.down().collect();
    if !down.is_empty() {
        lines.extend(per_url(&down, Level::Error, "down", error_budget));
    }
    let degraded: Vec<&UrlResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Degraded)
        .collect();
    if !degraded.is_empty() {
        lines.extend(per_url(&degraded, Level::Warning, "degraded", PER_LEVEL));
    }
    lines
}

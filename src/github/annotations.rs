//! Annotations for a run: one `::error` per down URL, one `::warning` per degraded URL, within
//! the runner's ten per kind (the tenth counts the rest), and one for a cancelled run.

use super::commands::{annotation, Level};
use crate::report::{RunView, Status, UrlView};

/// The runner shows at most this many annotations of each level per step.
pub const PER_LEVEL: usize = 10;

fn per_url(results: &[&UrlView], level: Level, word: &str, budget: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let individual = if results.len() > budget {
        budget - 1
    } else {
        results.len()
    };
    for v in &results[..individual] {
        let reason = v.reason.as_deref().unwrap_or_default();
        lines.push(annotation(
            level,
            Some(&format!("{} is {word}", v.url)),
            &format!("{}: {reason}", v.url),
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
pub fn render(view: &RunView) -> Vec<String> {
    let report = view.report;
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
    let down = view.with_status(Status::Down);
    if !down.is_empty() {
        lines.extend(per_url(&down, Level::Error, "down", error_budget));
    }
    let degraded = view.with_status(Status::Degraded);
    if !degraded.is_empty() {
        lines.extend(per_url(&degraded, Level::Warning, "degraded", PER_LEVEL));
    }
    lines
}

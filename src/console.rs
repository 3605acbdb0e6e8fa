//! The readable report printed to the terminal (local runs) or the step log: a headline and one
//! line per URL. Every piece of text is made log-safe, since URLs and reasons can carry server text.

use crate::config::format_duration;
use crate::report::RunReport;
use crate::text::log_safe;

/// The report as plain lines, in input order.
pub fn render(report: &RunReport) -> String {
    let width = report
        .results
        .iter()
        .map(|r| r.named_url().chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = format!(
        "{} upcheck: {}\n",
        report.status().icon(),
        report.headline()
    );
    for r in &report.results {
        let http = r.http_status.map_or("---".to_string(), |c| c.to_string());
        let time = r.response_time.map_or("-".to_string(), format_duration);
        let mut line = format!(
            "  {} {:<8} {:<width$}  {:>3}  {:>7}  {}/{} attempt{}",
            r.status.icon(),
            r.status.as_str(),
            r.named_url(),
            http,
            time,
            r.attempts,
            r.max_attempts,
            if r.max_attempts == 1 { "" } else { "s" },
        );
        if let Some(reason) = r.reason() {
            line.push_str("  ");
            line.push_str(&reason);
        }
        if let Some(note) = r.outage_note(report.started_at) {
            line.push_str(&format!("  ({note})"));
        }
        if let Some(final_url) = r.final_url.as_ref().filter(|u| *u != &r.url) {
            line.push_str(&format!("  → {final_url}"));
        }
        out.push_str(&log_safe(&line));
        out.push('\n');
    }
    if let Some(note) = report.missed_note() {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

//! The readable report printed to the terminal (local runs) or the step log: a headline and one
//! line per URL. Every piece of text is made log-safe, since URLs and reasons can carry server text.

use crate::redact::log_safe;
use crate::report::RunView;

/// The report as plain lines, in input order.
pub fn render(view: &RunView) -> String {
    let report = view.report;
    let width = view
        .urls
        .iter()
        .map(|v| v.named.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = format!(
        "{} upcheck: {}\n",
        report.status().icon(),
        report.headline()
    );
    for v in &view.urls {
        let r = v.result;
        let http = r.http_status.map_or("---".to_string(), |c| c.to_string());
        let time = v.response_time.as_deref().unwrap_or("-");
        let mut line = format!(
            "  {} {:<8} {:<width$}  {:>3}  {:>7}  {}/{} attempt{}",
            r.status.icon(),
            r.status.as_str(),
            v.named,
            http,
            time,
            r.attempts,
            r.max_attempts,
            if r.max_attempts == 1 { "" } else { "s" },
        );
        if let Some(reason) = &v.reason {
            line.push_str("  ");
            line.push_str(reason);
        }
        if let Some(note) = &v.outage {
            line.push_str(&format!("  ({note})"));
        }
        if let Some(final_url) = v.final_url {
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

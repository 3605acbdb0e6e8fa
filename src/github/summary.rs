//! The job summary: a headline, then one Markdown table row per URL (failing first), every cell
//! escaped, and the whole kept under a byte budget far below the runner's 1 MiB limit.

use std::io::Write;
use std::path::Path;

use crate::report::{RunView, UrlView};
use crate::text::format_duration;

/// Rows stop before the summary grows past this.
pub const SUMMARY_BUDGET: usize = 256 * 1024;

/// Settings worth showing under the table.
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_attempts: u32,
    pub retry_delay: String,
    pub timeout: String,
    pub expected: String,
}

pub use crate::text::md_cell as cell;

fn row(v: &UrlView) -> String {
    let r = v.result;
    let attempts = format!("{}/{}", r.attempts, r.max_attempts);
    let time = v.response_time.as_deref().unwrap_or("–");
    let http = r.http_status.map_or("–".to_string(), |c| c.to_string());
    let mut details = v.reason.clone().unwrap_or_default();
    if let Some(note) = &v.outage {
        if !details.is_empty() {
            details.push_str("; ");
        }
        details.push_str(note);
    }
    if let Some(final_url) = v.final_url {
        if !details.is_empty() {
            details.push_str("; ");
        }
        details.push_str(&format!("final URL {final_url}"));
    }
    format!(
        "| {} {} | {} | {} | {} | {} | {} |\n",
        r.status.icon(),
        r.status,
        cell(&v.named),
        http,
        attempts,
        time,
        cell(&details)
    )
}

/// The whole summary as Markdown; `notes` are lines shown under the table (e.g. what Slack said).
pub fn render(view: &RunView, settings: &Settings, notes: &[&str]) -> String {
    let report = view.report;
    let status = report.status();
    let mut out = format!(
        "### {} upcheck: {}\n\n",
        status.icon(),
        cell(&report.headline())
    );
    out.push_str("| Status | URL | HTTP | Attempts | Time | Details |\n");
    out.push_str("|---|---|--:|--:|--:|---|\n");
    let rows = view.worst_first();
    let mut shown = 0;
    for v in &rows {
        let line = row(v);
        if out.len() + line.len() > SUMMARY_BUDGET {
            break;
        }
        out.push_str(&line);
        shown += 1;
    }
    if shown < rows.len() {
        out.push_str(&format!(
            "\n{} more URLs are left out to keep this summary small; the `results` output lists every URL.\n",
            rows.len() - shown
        ));
    }
    if let Some(heal) = &report.heal {
        out.push_str(&format!(
            "\n#### 🩹 Restart hook: {}\n\n",
            cell(&heal.outcome())
        ));
        out.push_str(&format!(
            "- called {} ({} UTC)\n",
            cell(&heal.hook.to_string()),
            crate::text::rfc3339(heal.called_at)
                .replace('T', " ")
                .trim_end_matches('Z')
        ));
        let answer = match &heal.answer {
            crate::report::HookAnswer::Accepted { status } => format!("answered HTTP {status}"),
            other => other.error().unwrap_or_default(),
        };
        out.push_str(&format!("- {}\n", cell(&answer)));
        for (url, why) in &heal.triggered_by {
            out.push_str(&format!("- triggered by {}: {}\n", cell(url), cell(why)));
        }
        for round in heal.timeline() {
            out.push_str(&format!("- re-check {}\n", cell(&round)));
        }
    }
    for note in notes {
        out.push_str(&format!("\n{}\n", cell(note)));
    }
    out.push_str(&format!(
        "\n<sub>{} URL{} checked at {} UTC in {} · max-attempts {} · retry-delay {} · timeout {} · expected status {}</sub>\n",
        report.results.len(),
        if report.results.len() == 1 { "" } else { "s" },
        crate::text::rfc3339(report.started_at).replace('T', " ").trim_end_matches('Z'),
        format_duration(report.duration),
        settings.max_attempts,
        cell(&settings.retry_delay),
        cell(&settings.timeout),
        cell(&settings.expected),
    ));
    out
}

/// `markdown` with `section` after it, when both fit in `SUMMARY_BUDGET`; else a line that says
/// the section was left out.
pub fn with_section(mut markdown: String, section: &str, left_out: &str) -> String {
    if section.is_empty() {
        return markdown;
    }
    if markdown.len() + 1 + section.len() <= SUMMARY_BUDGET {
        markdown.push('\n');
        markdown.push_str(section);
    } else {
        markdown.push('\n');
        markdown.push_str(left_out);
        markdown.push('\n');
    }
    markdown
}

/// Append the summary to the runner's file.
pub fn write(path: &Path, markdown: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    file.write_all(markdown.as_bytes())?;
    file.flush()
}

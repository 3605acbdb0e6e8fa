//! One view of a run for every renderer: per URL, what is shown of it (the reason, the outage
//! note, the final URL, the shown URL and its label, the response time), phrased once here. The
//! summary, the console, the Slack message and the annotations only lay it out.

use super::{RunReport, UrlResult};
use crate::redact::RedactedUrl;
use crate::text::format_duration;

/// What is shown of one URL.
#[derive(Debug, Clone)]
pub struct UrlView<'a> {
    pub result: &'a UrlResult,
    /// The URL as shown (redacted).
    pub url: &'a str,
    /// The display name, else the shown URL without `https://` or `http://`: link labels.
    pub label: &'a str,
    /// "Shop (https://shop.example/?k=***)" for a named URL, else the shown URL: for tables
    /// and the log, where the URL itself is shown too.
    pub named: String,
    /// Why it is down or degraded, with the thresholds' note (`UrlResult::reason`).
    pub reason: Option<String>,
    /// "back up after …", "new: down since …", "down since … (…)" (`UrlResult::outage_note`).
    pub outage: Option<String>,
    /// Where the redirects ended, when that is not the URL itself.
    pub final_url: Option<&'a RedactedUrl>,
    /// The last attempt's time, "120ms".
    pub response_time: Option<String>,
}

impl<'a> UrlView<'a> {
    pub fn new(r: &'a UrlResult, now: time::OffsetDateTime) -> UrlView<'a> {
        let url = r.url.as_str();
        UrlView {
            result: r,
            url,
            label: r.name.as_deref().unwrap_or_else(|| {
                url.trim_start_matches("https://")
                    .trim_start_matches("http://")
            }),
            named: r.named_url(),
            reason: r.reason(),
            outage: r.outage_note(now),
            final_url: r.final_url.as_ref().filter(|u| *u != &r.url),
            response_time: r.response_time.map(format_duration),
        }
    }
}

/// A run as the renderers see it: the report and one view per URL, in input order.
#[derive(Debug, Clone)]
pub struct RunView<'a> {
    pub report: &'a RunReport,
    pub urls: Vec<UrlView<'a>>,
}

impl<'a> RunView<'a> {
    pub fn new(report: &'a RunReport) -> RunView<'a> {
        RunView {
            report,
            urls: report
                .results
                .iter()
                .map(|r| UrlView::new(r, report.started_at))
                .collect(),
        }
    }

    /// The views with the worst status first, input order kept among equals.
    pub fn worst_first(&self) -> Vec<&UrlView<'a>> {
        let mut rows: Vec<&UrlView<'a>> = self.urls.iter().collect();
        rows.sort_by_key(|v| std::cmp::Reverse(v.result.status));
        rows
    }

    /// The views of the URLs with this status, in input order.
    pub fn with_status(&self, status: super::Status) -> Vec<&UrlView<'a>> {
        self.urls
            .iter()
            .filter(|v| v.result.status == status)
            .collect()
    }
}

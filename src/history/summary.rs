//! The job summary's history section (Markdown): uptime per URL, a Mermaid `xychart-beta`
//! response-time chart of the last 24 hours per URL, and the last 10 incidents. Everything that
//! comes from a URL or a name is escaped, so it cannot break the table or the chart block.

use std::fmt::Write;

use time::OffsetDateTime;

use super::{Entry, Uptime, DAY};
use crate::report::Status;
use crate::text::{clip, human_duration, rfc3339};

/// How many incidents the section lists.
pub const INCIDENTS_SHOWN: usize = 10;

/// Text for a Markdown table cell: no line breaks, no `|`, no HTML, no emphasis or links.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clip(s, 200).chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200b}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a quoted Mermaid string: only letters, digits, spaces and `. , : / - + ( ) = ? @`;
/// anything else (quotes, backticks, `%`, `;`, brackets, line breaks) becomes a space.
pub fn mermaid_text(s: &str) -> String {
    let kept: String = clip(s, 80)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " .,:/-+()=?@".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn figure(u: &Uptime) -> String {
    let seen = (u.coverage() * 100.0).floor();
    format!("{}<br><sub>{seen}% observed</sub>", u.percent_text())
}

fn status_text(s: Option<Status>) -> String {
    match s {
        Some(s) => format!("{} {}", s.icon(), s.as_str()),
        None => "no data".into(),
    }
}

/// A Mermaid line chart of hourly median response times over the last 24 hours; None when
/// there is none. Hours without a response are left out of the axis (xychart has no gaps).
pub fn chart(e: &Entry<'_>, now: OffsetDateTime) -> Option<String> {
    let points = e.url.hourly_medians(DAY, now);
    if points.is_empty() {
        return None;
    }
    let max = points.iter().map(|p| p.1).max().unwrap_or(0);
    let top = nice_ceiling(max);
    // Category labels must be unique (the axis is a band scale): the hour, with the day of
    // the month when that hour already appeared (the first and the last hour of 24).
    let mut seen = std::collections::HashSet::new();
    let labels: Vec<String> = points
        .iter()
        .map(|(t, _)| {
            let hour = format!("{:02}:00", t.hour());
            if seen.insert(hour.clone()) {
                format!("\"{hour}\"")
            } else {
                format!("\"{} {hour}\"", t.day())
            }
        })
        .collect();
    let values: Vec<String> = points.iter().map(|p| p.1.to_string()).collect();
    Some(format!(
        "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"ms\" 0 --> {top}\n    line [{}]\n```\n",
        mermaid_text(&format!("{}: median response time (ms), last 24 h UTC", e.url.label())),
        labels.join(", "),
        values.join(", "),
    ))
}

/// A round axis top at or above `v` (1, 2, 2.5, 5 × 10ⁿ), at least 10.
pub fn nice_ceiling(v: u32) -> u32 {
    let v = v.max(10);
    let mut step: u64 = 1;
    loop {
        for m in [10, 20, 25, 50] {
            let top = step * m;
            if top >= u64::from(v) {
                return top.min(u64::from(u32::MAX)) as u32;
            }
        }
        step *= 10;
    }
}

/// The whole section.
pub fn render(entries: &[Entry<'_>], now: OffsetDateTime) -> String {
    let mut out = String::from("### History\n\n");
    if entries.is_empty() {
        out.push_str("No history yet.\n");
        return out;
    }
    out.push_str("| URL | Now | 24 h | 7 d | 30 d | p95 (24 h) |\n|---|---|---|---|---|---|\n");
    for e in entries {
        let u = e.url;
        let p95 = e
            .day_percentiles(now)
            .p95_ms
            .map_or("–".to_string(), |ms| format!("{ms} ms"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(u.label()),
            status_text(u.current()),
            figure(&e.uptime(DAY, now)),
            figure(&e.uptime(super::WINDOWS[1].1, now)),
            figure(&e.uptime(super::WINDOWS[2].1, now)),
            p95,
        );
    }
    out.push_str("\nUptime is time up (degraded counts as up) ÷ time observed; time with no run is no data.\n");
    for e in entries {
        if let Some(c) = chart(e, now) {
            out.push('\n');
            out.push_str(&c);
        }
    }
    let mut incidents: Vec<(&Entry<'_>, &super::Incident)> = entries
        .iter()
        .flat_map(|e| e.url.incidents().iter().map(move |i| (e, i)))
        .collect();
    incidents.sort_by_key(|b| std::cmp::Reverse(b.1.start));
    incidents.truncate(INCIDENTS_SHOWN);
    out.push_str("\n#### Incidents\n\n");
    if incidents.is_empty() {
        out.push_str("No incidents kept (90 days).\n");
    } else {
        out.push_str("| URL | Start | End | Duration | Reason |\n|---|---|---|---|---|\n");
        for (e, i) in incidents {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md_cell(e.url.label()),
                rfc3339(i.start),
                i.end.map_or("ongoing".to_string(), rfc3339),
                human_duration(i.duration(now)),
                md_cell(&i.reason.describe()),
            );
        }
    }
    out
}

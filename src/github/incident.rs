//! Incidents as GitHub issues, the pure part: what each URL's issue needs this run (open, a
//! reminder, a changed reason, close), the hidden marker that finds an issue again without the
//! state, and the title, body and comments. Nothing secret goes in (URLs redacted, secrets
//! masked), and text from servers is made inert: fenced as code, never able to form an HTML
//! comment or a marker. `github::issues` does the talking.

use std::time::Duration;

use time::OffsetDateTime;

use super::context::RunContext;
use crate::config::NotifyPolicy;
use crate::report::{RunReport, Status, UrlResult};

/// The start of the marker line, the first line of every incident issue's body.
pub const MARKER_START: &str = "<!-- upcheck:incident ";
const MARKER_END: &str = " -->";

/// An issue's identity for one URL: 32 hex digits of the SHA-256 of the redacted URL (never of
/// the secret-bearing one), and `-N` for the N-th earlier URL with the same redacted form.
pub fn incident_key(report: &RunReport, index: usize) -> String {
    let shown = &report.results[index].url;
    let repeat = report.results[..index]
        .iter()
        .filter(|r| r.url == *shown)
        .count();
    crate::state::url_key(shown, repeat)
}

fn hex_digest(text: &str, bytes: usize) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(bytes)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the marker line holds: the URL's key, when the outage began, and a fingerprint of the
/// reason last told (so a changed reason is noticed without the state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub key: String,
    pub since: Option<OffsetDateTime>,
    pub reason: Option<String>,
}

impl Marker {
    /// `<!-- upcheck:incident key=<key> since=<RFC 3339> reason=<16 hex> -->`.
    pub fn render(&self) -> String {
        let mut line = format!("{MARKER_START}key={}", self.key);
        if let Some(since) = self.since {
            line.push_str(&format!(" since={}", crate::text::rfc3339(since)));
        }
        if let Some(reason) = &self.reason {
            line.push_str(&format!(" reason={reason}"));
        }
        line.push_str(MARKER_END);
        line
    }

    /// The marker of a body: its first line only, so nothing further down (a reason, a
    /// person's edit) can pose as one.
    pub fn parse(body: &str) -> Option<Marker> {
        let first = body.lines().next()?.trim();
        let inner = first.strip_prefix(MARKER_START)?.strip_suffix(MARKER_END)?;
        let mut marker = Marker {
            key: String::new(),
            since: None,
            reason: None,
        };
        for token in inner.split_whitespace() {
            let (name, value) = token.split_once('=')?;
            match name {
                "key" if is_key(value) => marker.key = value.to_string(),
                "since" => {
                    marker.since = OffsetDateTime::parse(
                        value,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .ok();
                }
                "reason" if value.len() == 16 && is_hex(value) => {
                    marker.reason = Some(value.to_string());
                }
                _ => {}
            }
        }
        (!marker.key.is_empty()).then_some(marker)
    }
}

fn is_hex(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_key(s: &str) -> bool {
    let (hex, repeat) = s.split_once('-').unwrap_or((s, "0"));
    hex.len() == 32
        && is_hex(hex)
        && !repeat.is_empty()
        && repeat.chars().all(|c| c.is_ascii_digit())
}

/// The body with its marker line replaced (the rest kept as it is, edits included).
pub fn with_marker(body: &str, marker: &Marker) -> String {
    let rest = body.split_once('\n').map_or("", |(_, rest)| rest);
    format!("{}\n{rest}", marker.render())
}

/// A fingerprint of why a URL is down: the last attempt's failure (masked), without the attempt
/// counts and thresholds that change from run to run. `None` when nothing failed (a URL still
/// counted as down while its good runs reach `success-threshold`).
pub fn reason_id(r: &UrlResult, secrets: &[String]) -> Option<String> {
    let failure = r.failure.as_ref()?;
    Some(hex_digest(&mask(&failure.to_string(), secrets), 8))
}

/// An open incident issue, as the API listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIssue {
    pub number: u64,
    pub marker: Marker,
    pub body: String,
    pub created_at: Option<OffsetDateTime>,
    /// The last change of the issue (a comment, an edit): a reminder counts from here.
    pub updated_at: Option<OffsetDateTime>,
}

impl OpenIssue {
    /// When the outage began, as the issue knows it.
    pub fn since(&self) -> Option<OffsetDateTime> {
        self.marker.since.or(self.created_at)
    }
}

/// What one URL's issue needs this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Counted as down and no issue is open for it.
    Open,
    /// Still down, same reason, and nothing was said on the issue for `remind-every`.
    Remind,
    /// Still down, for another reason than the one last told.
    ReasonChanged,
    /// Counted as up (or degraded) again while its issue is open: say so and close it.
    Close,
    /// Nothing new.
    Nothing,
}

/// The decision for one URL. The counted status (thresholds applied) decides: an issue is open
/// exactly while the URL counts as down. `notify: never` silences this channel too; every other
/// policy keeps the issue in step with the status (an issue is a record, not a message).
/// Reminders follow `remind-every` (`state::due_again`, from the issue's last update), and a
/// changed reason is told once.
pub fn decide(
    r: &UrlResult,
    open: Option<&OpenIssue>,
    reason: Option<&str>,
    policy: NotifyPolicy,
    remind_every: Option<Duration>,
    now: OffsetDateTime,
) -> Action {
    if policy == NotifyPolicy::Never {
        return Action::Nothing;
    }
    match (r.status, open) {
        (Status::Down, None) => Action::Open,
        (Status::Down, Some(issue)) => {
            if reason.is_some() && reason != issue.marker.reason.as_deref() {
                Action::ReasonChanged
            } else if remind_every
                .is_some_and(|every| crate::state::due_again(issue.updated_at, every, now))
            {
                Action::Remind
            } else {
                Action::Nothing
            }
        }
        (Status::Up | Status::Degraded, Some(_)) => Action::Close,
        (Status::Up | Status::Degraded | Status::Unknown, None) | (Status::Unknown, Some(_)) => {
            Action::Nothing
        }
    }
}

/// The decision under the quiet windows (`crate::policy`): inside a window (`inside`) no issue
/// is opened and none gets a reminder or a new reason (still down after the window, its issue
/// is opened then); closing the issue of an outage told before the window is never held.
pub fn held(action: Action, inside: bool) -> Action {
    match action {
        Action::Open | Action::Remind | Action::ReasonChanged if inside => Action::Nothing,
        action => action,
    }
}

/// What the texts need besides the result.
pub struct Texts<'a> {
    pub run: &'a RunContext,
    pub secrets: &'a [String],
    pub now: OffsetDateTime,
}

/// "🔴 api.example.org is down": the host (and port), with the path when it is not `/`; never
/// the query or user info.
pub fn title(r: &UrlResult) -> String {
    let place = match url::Url::parse(r.url.as_str()) {
        Ok(u) => {
            let mut s = u.host_str().unwrap_or("").to_string();
            if let Some(port) = u.port() {
                s.push_str(&format!(":{port}"));
            }
            if u.path() != "/" {
                s.push_str(u.path());
            }
            s
        }
        Err(_) => r.url.as_str().to_string(),
    };
    crate::text::clip(&format!("🔴 {} is down", inert(&place)), 256)
}

/// The issue's body: the marker line, the URL, since when, the run, the attempts and the reason.
pub fn body(r: &UrlResult, marker: &Marker, t: &Texts<'_>) -> String {
    let since = marker.since.unwrap_or(t.now);
    let mut out = String::new();
    out.push_str(&format!("**{}** is down.\n\n", code_span(r.url.as_str())));
    out.push_str(&format!("- **Since:** {}\n", stamp(since)));
    if let Some(run) = run_line(t.run) {
        out.push_str(&format!("- **Run:** {run}\n"));
    }
    out.push_str(&format!("- **Attempts:** {}\n", attempts(r)));
    out.push_str(&reason_block("Reason", r));
    out.push_str(
        "\nupcheck comments here when the reason changes or a reminder is due (`remind-every`), \
         and closes this issue when the URL is back up. Its hidden first line tells upcheck \
         which URL this issue is about.\n",
    );
    format!("{}\n{}", marker.render(), mask(&out, t.secrets))
}

/// A reminder: still down, for how long.
pub fn remind_comment(r: &UrlResult, since: OffsetDateTime, t: &Texts<'_>) -> String {
    let mut out = format!(
        "🔴 {}: still down after {} (down since {}).\n",
        code_span(r.url.as_str()),
        crate::text::human_duration(positive(t.now - since)),
        crate::text::clock(since, t.now)
    );
    out.push_str(&reason_block("Reason", r));
    out.push_str(&footer(t.run));
    mask(&out, t.secrets)
}

/// The reason changed while the URL stays down.
pub fn reason_comment(r: &UrlResult, since: OffsetDateTime, t: &Texts<'_>) -> String {
    let mut out = format!(
        "🔴 {}: still down, for another reason now (down since {}, {}).\n",
        code_span(r.url.as_str()),
        crate::text::clock(since, t.now),
        crate::text::human_duration(positive(t.now - since))
    );
    out.push_str(&reason_block("Reason now", r));
    out.push_str(&footer(t.run));
    mask(&out, t.secrets)
}

/// "back up after 47 min (down since 03:00 UTC)", before the issue is closed.
pub fn recovery_comment(r: &UrlResult, since: OffsetDateTime, t: &Texts<'_>) -> String {
    let note = match r.outage_note(t.now) {
        Some(note) if r.recovered() => note,
        _ => format!(
            "back up after {} (down since {})",
            crate::text::human_duration(positive(t.now - since)),
            crate::text::clock(since, t.now)
        ),
    };
    let mut out = format!("🟢 {}: {note}.\n", code_span(r.url.as_str()));
    if let Some(warning) = r.reason() {
        out.push_str(&format!(
            "\nIt answers, but is {}:\n\n{}",
            r.status,
            code_block(&warning)
        ));
    }
    out.push_str(&footer(t.run));
    mask(&out, t.secrets)
}

/// The comment on an issue that another run opened at the same time for the same URL.
pub fn duplicate_comment(kept: u64) -> String {
    format!(
        "Closed as a duplicate of #{kept}: two runs opened an issue for the same URL at once.\n"
    )
}

fn reason_block(heading: &str, r: &UrlResult) -> String {
    match r.reason() {
        Some(reason) => format!("\n**{heading}**\n\n{}", code_block(&reason)),
        None => String::new(),
    }
}

fn footer(run: &RunContext) -> String {
    run_line(run).map_or(String::new(), |line| format!("\n{line}\n"))
}

/// "[Health check #42](https://github.com/o/r/actions/runs/4242)".
fn run_line(run: &RunContext) -> Option<String> {
    let url = run.run_url()?;
    let name = run.workflow.as_deref().unwrap_or("Run");
    let number = run
        .run_number
        .as_deref()
        .map_or(String::new(), |n| format!(" #{}", md_text(n)));
    Some(format!("[{}{number}]({url})", md_text(name)))
}

/// "3 of 3, 1s apart; the last answered HTTP 503 after 120 ms".
fn attempts(r: &UrlResult) -> String {
    let mut s = format!(
        "{} of {}{}",
        r.attempts,
        r.max_attempts,
        crate::text::waits_phrase(&r.waits)
    );
    match (r.http_status, r.response_time) {
        (Some(code), Some(took)) => s.push_str(&format!(
            "; the last answered HTTP {code} after {} ms",
            took.as_millis()
        )),
        (Some(code), None) => s.push_str(&format!("; the last answered HTTP {code}")),
        (None, _) => s.push_str("; the last got no HTTP answer"),
    }
    s
}

/// "2026-12-03 03:00 UTC".
fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{} {:02}:{:02} UTC",
        crate::text::date(t),
        t.hour(),
        t.minute()
    )
}

fn positive(d: time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or_default()
}

/// Every secret replaced by `***`, the longest first.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for s in sorted {
        out = out.replace(s.as_str(), "***");
    }
    out
}

/// Text from elsewhere, made inert: control characters become spaces, and no two hyphens follow
/// each other (the second becomes a non-breaking hyphen), so it can neither open nor close an
/// HTML comment.
pub fn inert(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = ' ';
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let c = if c == '-' && last == '-' {
            '\u{2011}'
        } else {
            c
        };
        out.push(c);
        last = c;
    }
    out
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Inline code that no content can end early: a fence longer than any backtick run inside.
pub fn code_span(s: &str) -> String {
    let s = inert(s);
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A fenced code block no content can close: Markdown, mentions, links and HTML inside stay
/// text.
pub fn code_block(s: &str) -> String {
    let s = inert(s);
    let fence = "`".repeat((longest_backtick_run(&s) + 1).max(3));
    format!("{fence}text\n{s}\n{fence}\n")
}

/// Plain text for Markdown: every ASCII punctuation character backslash-escaped.
pub fn md_text(s: &str) -> String {
    let mut out = String::new();
    for c in inert(s).chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;

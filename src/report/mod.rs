//! The result of a run: `RunReport` holds one `UrlResult` per URL, in input order. Every renderer
//! (outputs, summary, annotations, local report) and every notifier reads this and nothing else.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

pub mod heal;
pub mod slack;
pub mod view;

pub use heal::{HealReport, HookAnswer, Round};
pub use slack::{Incident, SlackOutcome};
pub use view::{RunView, UrlView};

use crate::redact::RedactedUrl;

/// The verdict for one URL, and for a run (the worst of its URLs).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The final response passed every check.
    Up,
    /// It passed, but was slow or its certificate expires soon.
    Degraded,
    /// The check was cut short (cancelled) before a verdict was reached.
    Unknown,
    /// Every attempt failed.
    Down,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Degraded => "degraded",
            Status::Unknown => "unknown",
            Status::Down => "down",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Status::Up => "🟢",
            Status::Degraded => "🟡",
            Status::Unknown => "⚪",
            Status::Down => "🔴",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a refused loopback URL means in a GitHub Actions container step; the anchor is the
/// README's section on it.
pub const LOOPBACK_HINT: &str = "a container step's localhost is its own container, not the runner, so a server started by an earlier step is not there; use a service container or the Docker bridge gateway (see the README, #localhost-in-a-workflow)";

/// Why one attempt was unhealthy, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The host name could not be resolved.
    Dns(String),
    /// Nothing listens on the port.
    Refused,
    /// Nothing listens on a loopback port, seen from a GitHub Actions container step: its
    /// loopback is the container's own, not the job's.
    RefusedInContainer,
    /// The server closed or reset the connection before answering in full.
    Reset,
    /// The TLS handshake failed; the reason is rustls's.
    Tls(String),
    /// No complete response within the attempt's time limit.
    Timeout(Duration),
    /// More than the allowed number of redirects.
    TooManyRedirects(usize),
    /// A redirect pointed back at a URL already visited.
    RedirectLoop(String),
    /// A redirect that cannot be followed (bad Location, another scheme).
    BadRedirect(String),
    /// Another connection-level failure.
    Connection(String),
    /// The final status is outside the expected set.
    Status { code: u16, expected: String },
    /// `body-contains` text was not found.
    BodyMissing(String),
    /// `body-not-contains` text was found.
    BodyForbidden(String),
    /// The check was cancelled by a signal before it finished.
    Cancelled,
}

impl Failure {
    /// Connection errors, timeouts and the usual "try again" statuses: what `retry-on: transient`
    /// retries.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Dns(_)
            | Failure::Refused
            | Failure::RefusedInContainer
            | Failure::Reset
            | Failure::Connection(_)
            | Failure::Timeout(_) => true,
            Failure::Status { code, .. } => {
                matches!(code, 408 | 425 | 429 | 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// A short word for the class of failure (stable, for machines).
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Dns(_) => "dns",
            Failure::Refused | Failure::RefusedInContainer => "refused",
            Failure::Reset => "reset",
            Failure::Tls(_) => "tls",
            Failure::Timeout(_) => "timeout",
            Failure::TooManyRedirects(_) => "redirects",
            Failure::RedirectLoop(_) => "redirect_loop",
            Failure::BadRedirect(_) => "redirect",
            Failure::Connection(_) => "connection",
            Failure::Status { .. } => "status",
            Failure::BodyMissing(_) | Failure::BodyForbidden(_) => "body",
            Failure::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Dns(detail) => write!(f, "DNS lookup failed ({detail})"),
            Failure::Refused => f.write_str("connection refused (nothing listens on that port)"),
            Failure::RefusedInContainer => write!(
                f,
                "connection refused (nothing listens on that port): {LOOPBACK_HINT}"
            ),
            Failure::Reset => f.write_str("connection reset by the server"),
            Failure::Tls(reason) => write!(f, "TLS handshake failed: {reason}"),
            Failure::Timeout(limit) => write!(
                f,
                "timed out: no complete response within {}",
                crate::text::format_duration(*limit)
            ),
            Failure::TooManyRedirects(n) => write!(f, "too many redirects (more than {n})"),
            Failure::RedirectLoop(url) => write!(f, "redirect loop (back to {url})"),
            Failure::BadRedirect(why) => write!(f, "redirect cannot be followed: {why}"),
            Failure::Connection(detail) => write!(f, "connection failed: {detail}"),
            Failure::Status { code, expected } => {
                write!(f, "HTTP {code}")?;
                if let Some(reason) = reqwest::StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                {
                    write!(f, " {reason}")?;
                }
                write!(f, " (expected {expected})")
            }
            Failure::BodyMissing(text) => {
                write!(f, "body does not contain {:?}", crate::text::clip(text, 80))
            }
            Failure::BodyForbidden(text) => {
                write!(f, "body contains {:?}", crate::text::clip(text, 80))
            }
            Failure::Cancelled => f.write_str("cancelled before the check finished"),
        }
    }
}

/// Why a passing URL is `degraded`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Degradation {
    Slow {
        took: Duration,
        limit: Duration,
    },
    CertExpiring {
        days_left: i64,
        not_after: OffsetDateTime,
        min_days: u32,
    },
}

impl fmt::Display for Degradation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::text::format_duration;
        match self {
            Degradation::Slow { took, limit } => write!(
                f,
                "slow: answered in {}, over max-response-time {}",
                format_duration(*took),
                format_duration(*limit)
            ),
            Degradation::CertExpiring {
                days_left,
                not_after,
                min_days,
            } => {
                let date = crate::text::date(*not_after);
                if *days_left < 0 {
                    write!(f, "certificate expired on {date}")
                } else {
                    write!(
                        f,
                        "certificate expires in {days_left} day{} ({date}), within cert-min-days {min_days}",
                        if *days_left == 1 { "" } else { "s" }
                    )
                }
            }
        }
    }
}

/// What one URL's check came to.
#[derive(Debug, Clone)]
pub struct UrlResult {
    pub url: RedactedUrl,
    /// The display name given in the `url` input (`Name=https://…`).
    pub name: Option<String>,
    /// The URL's identity in the state between runs (see `config::url_key`).
    pub key: String,
    pub status: Status,
    /// Status of the last attempt's final response, if one came.
    pub http_status: Option<u16>,
    /// Requests made (redirects inside one attempt are not counted).
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Waits between attempts, in order.
    pub waits: Vec<Duration>,
    /// Time of the last attempt, first byte sent to last byte read.
    pub response_time: Option<Duration>,
    /// Why the URL is down (the last attempt's failure), or why the check was cut short.
    pub failure: Option<Failure>,
    /// Why a passing URL is degraded.
    pub degradations: Vec<Degradation>,
    /// The URL of the final response after redirects, redacted.
    pub final_url: Option<RedactedUrl>,
    /// The server certificate's expiry (https only).
    pub cert_not_after: Option<OffsetDateTime>,
    /// What the state between runs adds (`None` without state).
    pub memory: Option<Memory>,
    /// Came back after the restart hook was called, this long after the call.
    pub healed: Option<Duration>,
    /// The URL's uptime over the last 7 days, this run included (from the history): time up ÷
    /// time observed, 0–1; None when nothing of the week was observed.
    pub uptime_7d: Option<f64>,
}

/// What the state between runs adds to one URL's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Memory {
    /// The counted status of the last run (`None`: not seen before).
    pub previous: Option<Status>,
    /// This run's own verdict; `UrlResult::status` is the counted one, after thresholds.
    pub observed: Status,
    /// When the counted status began.
    pub since: OffsetDateTime,
    /// When the current outage began, or the one that just ended.
    pub down_since: Option<OffsetDateTime>,
    /// How long that outage has lasted, or lasted.
    pub downtime: Option<Duration>,
    /// A threshold keeps the counted status from following this run's verdict.
    pub held: Option<Held>,
}

/// Why the counted status differs from what this run saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Failing, but not for `threshold` runs in a row yet.
    NotYetDown { failures: u32, threshold: u32 },
    /// Passing again, but not for `threshold` runs in a row yet.
    NotYetUp { successes: u32, threshold: u32 },
}

impl fmt::Display for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Held::NotYetDown {
                failures,
                threshold,
            } => write!(
                f,
                "not counted as down yet: {failures} of {threshold} failed runs (failure-threshold)"
            ),
            Held::NotYetUp {
                successes,
                threshold,
            } => write!(
                f,
                "still counted as down: {successes} of {threshold} good runs (success-threshold)"
            ),
        }
    }
}

impl UrlResult {
    /// The display name, else the shown URL.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.url.as_str())
    }

    /// "Shop (https://shop.example/?k=***)" for a named URL, else the shown URL.
    pub fn named_url(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.url),
            None => self.url.to_string(),
        }
    }

    /// Whether this URL's counted status changed since the last run.
    pub fn changed(&self) -> bool {
        is_change(self.status, self.memory.as_ref().and_then(|m| m.previous))
    }

    /// "back up after 6 h 4 min (down since 03:00 UTC)" for a recovery, "new: down since 03:00
    /// UTC" for an outage that begins in this run, "down since 03:00 UTC (6 h 4 min)" for one that
    /// goes on; `None` without state or outage.
    pub fn outage_note(&self, now: OffsetDateTime) -> Option<String> {
        let memory = self.memory.as_ref()?;
        let (start, lasted) = (memory.down_since?, memory.downtime?);
        let since = crate::text::clock(start, now);
        let lasted = crate::text::human_duration(lasted);
        Some(if self.recovered() {
            format!("back up after {lasted} (down since {since})")
        } else if self.changed() {
            format!("new: down since {since}")
        } else {
            format!("down since {since} ({lasted})")
        })
    }

    /// Whether this run ends an outage.
    pub fn recovered(&self) -> bool {
        matches!(self.status, Status::Up | Status::Degraded)
            && self.memory.as_ref().and_then(|m| m.previous) == Some(Status::Down)
    }

    /// "HTTP 503 Service Unavailable (expected 200-399) after 3 attempts (1s apart)".
    pub fn reason(&self) -> Option<String> {
        let held = self.memory.as_ref().and_then(|m| m.held);
        let base = self.verdict_reason();
        match (base, held) {
            (Some(b), Some(h)) => Some(format!("{b}; {h}")),
            (None, Some(h)) => Some(h.to_string()),
            (b, None) => b,
        }
    }

    fn verdict_reason(&self) -> Option<String> {
        match &self.failure {
            Some(Failure::Cancelled) => Some(Failure::Cancelled.to_string()),
            Some(failure) => {
                let mut s = failure.to_string();
                if self.status == Status::Unknown {
                    s.push_str(&format!(
                        " (cancelled after {} of {} attempts)",
                        self.attempts, self.max_attempts
                    ));
                } else if self.attempts > 1 {
                    s.push_str(&format!(" after {} attempts", self.attempts));
                    s.push_str(&crate::text::waits_phrase(&self.waits));
                }
                Some(s)
            }
            None if self.degradations.is_empty() => None,
            None => Some(
                self.degradations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }
}

/// Which signal cut the run short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        })
    }
}

/// Everything a run found, in input order.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub results: Vec<UrlResult>,
    /// The run's status the last time (`None`: unknown, no state).
    pub previous: Option<Status>,
    pub started_at: OffsetDateTime,
    pub duration: Duration,
    /// Set when a signal stopped the run before every check finished.
    pub cancelled: Option<Signal>,
    /// A stretch with no run although runs usually come more often: the last run before it, and
    /// this one. Silence there means the monitor did not run, not that all was well.
    pub missed: Option<(OffsetDateTime, OffsetDateTime)>,
    /// What the restart hook step did, when it ran.
    pub heal: Option<HealReport>,
}

impl RunReport {
    /// "no check ran between 03:05 and 08:55 UTC", when runs were missed.
    pub fn missed_note(&self) -> Option<String> {
        let (last, now) = self.missed?;
        Some(format!(
            "no check ran between {} and {}: scheduled runs were late, dropped or disabled",
            crate::text::clock(last, now),
            crate::text::clock(now, now)
        ))
    }

    /// The worst status of all URLs (`up` for an empty report).
    pub fn status(&self) -> Status {
        self.results
            .iter()
            .map(|r| r.status)
            .max()
            .unwrap_or(Status::Up)
    }

    /// True when no URL is down (and none was left unchecked).
    pub fn healthy(&self) -> bool {
        self.results
            .iter()
            .all(|r| matches!(r.status, Status::Up | Status::Degraded))
    }

    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    pub fn down(&self) -> impl Iterator<Item = &UrlResult> {
        self.results.iter().filter(|r| r.status == Status::Down)
    }

    /// Results with the worst first, input order kept among equals.
    pub fn worst_first(&self) -> Vec<&UrlResult> {
        let mut rows: Vec<&UrlResult> = self.results.iter().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.status));
        rows
    }

    /// "2 of 5 URLs down", "all 3 URLs up", "1 URL degraded".
    pub fn headline(&self) -> String {
        let total = self.results.len();
        let noun = |n: usize| if n == 1 { "URL" } else { "URLs" };
        let status = self.status();
        let count = self.count(status);
        let mut s = if count == total {
            match total {
                1 => format!("1 URL {status}"),
                _ => format!("all {total} {} {status}", noun(total)),
            }
        } else {
            format!("{count} of {total} {} {status}", noun(total))
        };
        if status == Status::Down && self.count(Status::Degraded) > 0 {
            s.push_str(&format!(", {} degraded", self.count(Status::Degraded)));
        }
        if let Some(signal) = self.cancelled {
            s.push_str(&format!(" (cancelled by {signal})"));
        }
        s
    }
}

/// One entry of the `results` output and of `--json`.
#[derive(Debug, Serialize)]
pub struct ResultJson<'a> {
    pub url: &'a RedactedUrl,
    pub name: Option<&'a str>,
    pub status: Status,
    pub http_status: Option<u16>,
    pub attempts: u32,
    pub response_time_ms: Option<u64>,
    pub error: Option<String>,
    pub error_kind: Option<&'static str>,
    pub warning: Option<String>,
    pub final_url: Option<&'a RedactedUrl>,
    pub cert_expires_at: Option<String>,
    pub previous_status: Option<Status>,
    pub changed: bool,
    pub down_since: Option<String>,
    pub downtime_s: Option<u64>,
    pub healed: bool,
    pub heal_s: Option<u64>,
}

impl UrlResult {
    pub fn response_time_ms(&self) -> Option<u64> {
        self.response_time
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn to_json(&self) -> ResultJson<'_> {
        let reason = self.reason();
        let failing = self.failure.is_some();
        ResultJson {
            url: &self.url,
            name: self.name.as_deref(),
            status: self.status,
            http_status: self.http_status,
            attempts: self.attempts,
            response_time_ms: self.response_time_ms(),
            error: if failing { reason.clone() } else { None },
            error_kind: self.failure.as_ref().map(Failure::kind),
            warning: if failing { None } else { reason },
            final_url: self.final_url.as_ref(),
            cert_expires_at: self.cert_not_after.map(crate::text::rfc3339),
            previous_status: self.memory.as_ref().and_then(|m| m.previous),
            changed: self.changed(),
            down_since: self
                .memory
                .as_ref()
                .and_then(|m| m.down_since)
                .map(crate::text::rfc3339),
            downtime_s: self
                .memory
                .as_ref()
                .and_then(|m| m.downtime)
                .map(|d| d.as_secs()),
            healed: self.healed.is_some(),
            heal_s: self.healed.map(|d| d.as_secs()),
        }
    }
}

impl RunReport {
    /// The `results` JSON array, in input order.
    pub fn results_json(&self) -> serde_json::Value {
        serde_json::to_value(
            self.results
                .iter()
                .map(UrlResult::to_json)
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    }
}

/// Whether `now` differs from `previous`; an unknown previous status counts as a change only to
/// `degraded` or `down`, so a first healthy run is quiet.
pub fn is_change(now: Status, previous: Option<Status>) -> bool {
    if now == Status::Unknown {
        return false; // a run cut short found nothing new
    }
    match previous {
        None | Some(Status::Unknown) => matches!(now, Status::Degraded | Status::Down),
        Some(before) => before != now,
    }
}

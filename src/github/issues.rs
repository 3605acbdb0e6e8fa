//! Incidents as GitHub issues, the I/O part: the REST calls (list the open incident issues,
//! open, comment, edit, close), GitHub's rate limits honoured within the notification budget,
//! a 403 explained as the `issues: write` permission, and `notify`, which runs the phase for a
//! report and says what this channel did. What to do and what to write is `crate::github::incident`.

use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::{json, Value};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::github::context::RunContext;
use crate::github::incident::{self as incidents, Action, Marker, OpenIssue, Texts};
use crate::report::RunReport;

/// The whole phase's limit, the same as Slack's (both run at once).
pub const BUDGET: Duration = crate::deadline::NOTIFY_BUDGET;
/// One call's limit.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Pages of 100 open issues read at most when looking for the marker.
pub const MAX_PAGES: u32 = 10;
/// The most of one answer that is read.
const MAX_ANSWER: usize = 8 << 20;
/// Tries of one call (rate limits and 502/503/504 are tried again while the budget lasts).
const MAX_TRIES: u32 = 4;

/// What one channel did this run, for the log, the summary and the `notified` / `notify-error`
/// outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelOutcome {
    /// Something was posted: what.
    Delivered(String),
    /// Nothing was due: why.
    Skipped(String),
    /// Something due did not arrive: why (and what did arrive before).
    Failed(String),
}

impl ChannelOutcome {
    pub const CHANNEL: &'static str = "GitHub issues";

    pub fn delivered(&self) -> bool {
        matches!(self, ChannelOutcome::Delivered(_))
    }

    /// The failure, for `notify-error`.
    pub fn error(&self) -> Option<&str> {
        match self {
            ChannelOutcome::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// One line for the log and the summary.
    pub fn describe(&self) -> String {
        match self {
            ChannelOutcome::Delivered(what) => format!("{}: {what}", Self::CHANNEL),
            ChannelOutcome::Skipped(why) => format!("{}: nothing to do ({why})", Self::CHANNEL),
            ChannelOutcome::Failed(why) => format!("{}: {why}", Self::CHANNEL),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("the token may not {what} in {repo} (GitHub answered 403 {message}): add `permissions: issues: write` to the job")]
    Forbidden {
        what: &'static str,
        repo: String,
        message: String,
    },
    #[error("GitHub's rate limit stopped the call to {what}: {wait} (the notification budget is {}s); the next run catches up", BUDGET.as_secs())]
    RateLimited { what: &'static str, wait: String },
    #[error("GitHub answered HTTP {status} when asked to {what}{}", if .message.is_empty() { String::new() } else { format!(": {}", .message) })]
    Status {
        what: &'static str,
        status: u16,
        message: String,
    },
    #[error("{repo} was not found, or the token cannot see it (GitHub answered 404 when asked to {what})")]
    NotFound { what: &'static str, repo: String },
    #[error("issues are turned off in {repo} (GitHub answered 410 when asked to {what})")]
    Disabled { what: &'static str, repo: String },
    #[error("cannot reach the GitHub API to {what} ({why})")]
    Unreachable { what: &'static str, why: String },
    #[error("no time left in the {}s notification budget to {what}", BUDGET.as_secs())]
    OutOfTime { what: &'static str },
    #[error("cancelled before it could {what}")]
    Cancelled { what: &'static str },
}

/// The REST calls on one repository's issues, within one deadline.
pub struct Issues<'a> {
    pub client: &'a Client,
    /// `GITHUB_API_URL`, without a trailing slash.
    pub base: &'a str,
    pub token: &'a str,
    /// `owner/name`.
    pub repo: &'a str,
    pub deadline: Instant,
    pub cancel: &'a CancellationToken,
}

/// How long GitHub asks to wait, from `retry-after` or `x-ratelimit-remaining: 0` with
/// `x-ratelimit-reset`; `Some(None)` for a rate limit that names no time (a secondary limit
/// told only in the body); `None` for no rate limit.
pub fn rate_limit_wait(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &str,
    now_unix: u64,
) -> Option<Option<Duration>> {
    if !matches!(status, 403 | 429) {
        return None;
    }
    if let Some(wait) = crate::net::retry_after(headers) {
        return Some(Some(wait));
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
        return Some(reset.map(|at| Duration::from_secs(at.saturating_sub(now_unix) + 1)));
    }
    if status == 429 || body.to_ascii_lowercase().contains("rate limit") {
        return Some(None);
    }
    None
}

/// GitHub's `message` from an error answer, made safe for one log line.
fn message_of(body: &str) -> String {
    let text = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_default();
    crate::text::clip(&crate::redact::log_safe(&text), 200)
}

impl Issues<'_> {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        what: &'static str,
    ) -> Result<Value, IssueError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(IssueError::OutOfTime { what });
            }
            let limit = left.min(REQUEST_TIMEOUT);
            let url = format!("{}/repos/{}{path}", self.base, self.repo);
            let mut request =
                crate::github::api::rest_request(self.client, method.clone(), url, self.token)
                    .timeout(limit);
            if let Some(body) = body {
                request = request.json(body);
            }
            let sent = tokio::select! {
                sent = request.send() => sent,
                () = self.cancel.cancelled() => return Err(IssueError::Cancelled { what }),
            };
            let response = sent.map_err(|e| IssueError::Unreachable {
                what,
                why: crate::net::unanswered(&e, limit),
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let read = tokio::select! {
                read = crate::net::read_capped(response, MAX_ANSWER) => read,
                () = self.cancel.cancelled() => return Err(IssueError::Cancelled { what }),
            };
            let answer = read.map_err(|e| IssueError::Unreachable {
                what,
                why: format!("the answer broke off ({})", crate::net::classify(&e)),
            })?;
            let text = answer.text();
            if (200..300).contains(&status) {
                if answer.cut {
                    return Err(IssueError::Unreachable {
                        what,
                        why: format!("the answer is larger than {} MiB", MAX_ANSWER >> 20),
                    });
                }
                if text.trim().is_empty() {
                    return Ok(Value::Null);
                }
                return serde_json::from_str(&text).map_err(|_| IssueError::Unreachable {
                    what,
                    why: "the answer was not JSON".into(),
                });
            }
            let now_unix = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let wait = match rate_limit_wait(status, &headers, &text, now_unix) {
                Some(Some(wait)) => Some(wait),
                Some(None) => {
                    return Err(IssueError::RateLimited {
                        what,
                        wait: format!("HTTP {status} without a time to wait"),
                    })
                }
                None if matches!(status, 502..=504) => Some(Duration::from_secs(1)),
                None => None,
            };
            if let Some(wait) = wait {
                let left = self.deadline.saturating_duration_since(Instant::now());
                let limited = matches!(status, 403 | 429);
                if tries >= MAX_TRIES || wait >= left {
                    return Err(if limited {
                        IssueError::RateLimited {
                            what,
                            wait: format!("it asked to wait {}s", wait.as_secs_f64().ceil() as u64),
                        }
                    } else {
                        IssueError::Status {
                            what,
                            status,
                            message: message_of(&text),
                        }
                    });
                }
                tokio::select! {
                    () = tokio::time::sleep(wait) => continue,
                    () = self.cancel.cancelled() => return Err(IssueError::Cancelled { what }),
                }
            }
            let repo = self.repo.to_string();
            return Err(match status {
                403 => IssueError::Forbidden {
                    what,
                    repo,
                    message: Some(message_of(&text))
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| "Forbidden".into()),
                },
                404 => IssueError::NotFound { what, repo },
                410 => IssueError::Disabled { what, repo },
                _ => IssueError::Status {
                    what,
                    status,
                    message: message_of(&text),
                },
            });
        }
    }

    /// The open issues with `label` that carry an upcheck marker, oldest first; at most
    /// `MAX_PAGES` pages of 100.
    pub async fn list_open(&self, label: &str) -> Result<Vec<OpenIssue>, IssueError> {
        let label: String = url::form_urlencoded::byte_serialize(label.as_bytes()).collect();
        let mut found = Vec::new();
        for page in 1..=MAX_PAGES {
            let v = self
                .call(
                    Method::GET,
                    &format!("/issues?state=open&labels={label}&per_page=100&page={page}"),
                    None,
                    "list the open incident issues",
                )
                .await?;
            let items = v.as_array().cloned().unwrap_or_default();
            for item in &items {
                if item.get("pull_request").is_some() {
                    continue;
                }
                let (Some(number), Some(body)) = (item["number"].as_u64(), item["body"].as_str())
                else {
                    continue;
                };
                let Some(marker) = Marker::parse(body) else {
                    continue;
                };
                let time = |name: &str| {
                    item[name].as_str().and_then(|s| {
                        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                };
                found.push(OpenIssue {
                    number,
                    marker,
                    body: body.to_string(),
                    created_at: time("created_at"),
                    updated_at: time("updated_at"),
                });
            }
            if items.len() < 100 {
                break;
            }
        }
        found.sort_by_key(|i| i.number);
        Ok(found)
    }

    /// Open an issue; its number. Assignees GitHub refuses (422) are dropped and the issue is
    /// opened without them (`Ok((number, Some(warning)))`).
    pub async fn open(
        &self,
        title: &str,
        body: &str,
        labels: &[String],
        assignees: &[String],
    ) -> Result<(u64, Option<String>), IssueError> {
        let what = "open an issue";
        let payload =
            json!({"title": title, "body": body, "labels": labels, "assignees": assignees});
        let (v, warning) = match self
            .call(Method::POST, "/issues", Some(&payload), what)
            .await
        {
            Err(IssueError::Status {
                status: 422,
                message,
                ..
            }) if !assignees.is_empty() => {
                let payload = json!({"title": title, "body": body, "labels": labels});
                let v = self
                    .call(Method::POST, "/issues", Some(&payload), what)
                    .await?;
                let why = if message.is_empty() {
                    "422".to_string()
                } else {
                    message
                };
                (
                    v,
                    Some(format!(
                        "GitHub refused the assignees {} ({why}); the issue was opened without them",
                        assignees.join(", ")
                    )),
                )
            }
            other => (other?, None),
        };
        let number = v["number"].as_u64().ok_or(IssueError::Unreachable {
            what,
            why: "the answer has no issue number".into(),
        })?;
        Ok((number, warning))
    }

    pub async fn comment(&self, number: u64, body: &str) -> Result<(), IssueError> {
        self.call(
            Method::POST,
            &format!("/issues/{number}/comments"),
            Some(&json!({"body": body})),
            "comment on an issue",
        )
        .await
        .map(drop)
    }

    pub async fn edit_body(&self, number: u64, body: &str) -> Result<(), IssueError> {
        self.call(
            Method::PATCH,
            &format!("/issues/{number}"),
            Some(&json!({"body": body})),
            "edit an issue",
        )
        .await
        .map(drop)
    }

    /// Close, as `completed` or `not_planned`.
    pub async fn close(&self, number: u64, reason: &str) -> Result<(), IssueError> {
        self.call(
            Method::PATCH,
            &format!("/issues/{number}"),
            Some(&json!({"state": "closed", "state_reason": reason})),
            "close an issue",
        )
        .await
        .map(drop)
    }
}

/// What the phase did, for the outcome line.
#[derive(Default)]
struct Done {
    lines: Vec<String>,
    warnings: Vec<String>,
}

/// Run the issues phase for `report`: find the open incident issues, then open, comment on or
/// close each URL's issue as `incidents::decide` says (and `quiet`, what the quiet windows hold
/// back, allows), and close the duplicates two overlapping runs may have opened. Never fails the
/// run by itself; the outcome says what happened.
pub async fn notify(
    config: &Config,
    report: &RunReport,
    quiet: &crate::policy::Quiet,
    ctx: &RunContext,
    client: &Client,
    cancel: &CancellationToken,
    deadline: Instant,
) -> ChannelOutcome {
    let settings = &config.issues;
    if !settings.enabled {
        return ChannelOutcome::Skipped("github-issues is false".into());
    }
    if let Some(signal) = report.cancelled {
        return ChannelOutcome::Skipped(format!("the run was cancelled by {signal}"));
    }
    if config.slack.notify == crate::config::NotifyPolicy::Never {
        return ChannelOutcome::Skipped("notify: never".into());
    }
    let Some(token) = config.slack.github_token.as_deref() else {
        return ChannelOutcome::Failed("no github_token was given".into());
    };
    let Some(repo) = ctx.repository.as_deref() else {
        return ChannelOutcome::Failed("this is not a workflow run (no GITHUB_REPOSITORY)".into());
    };
    let api = Issues {
        client,
        base: &ctx.api_url,
        token,
        repo,
        deadline,
        cancel,
    };
    let mut done = Done::default();
    match run(config, report, quiet, ctx, &api, &mut done).await {
        Ok(()) if done.lines.is_empty() && quiet.holds() => {
            ChannelOutcome::Skipped(quiet.why().unwrap_or_default()).with_warnings(&done.warnings)
        }
        Ok(()) if done.lines.is_empty() => {
            let open = report.down().count();
            ChannelOutcome::Skipped(match open {
                0 => "no URL is down and no incident issue is open".into(),
                n => format!(
                    "{n} {} down, {} issue already open and up to date",
                    if n == 1 { "URL is" } else { "URLs are" },
                    if n == 1 { "its" } else { "their" }
                ),
            })
            .with_warnings(&done.warnings)
        }
        Ok(()) => ChannelOutcome::Delivered(done.lines.join("; ")).with_warnings(&done.warnings),
        Err(e) => {
            let mut line = e.to_string();
            if !done.lines.is_empty() {
                line = format!("{} before that: {line}", done.lines.join("; "));
            }
            ChannelOutcome::Failed(line).with_warnings(&done.warnings)
        }
    }
}

impl ChannelOutcome {
    fn with_warnings(self, warnings: &[String]) -> ChannelOutcome {
        if warnings.is_empty() {
            return self;
        }
        let extra = warnings.join("; ");
        match self {
            ChannelOutcome::Delivered(s) => ChannelOutcome::Delivered(format!("{s} ({extra})")),
            ChannelOutcome::Skipped(s) => ChannelOutcome::Skipped(format!("{s} ({extra})")),
            ChannelOutcome::Failed(s) => ChannelOutcome::Failed(format!("{s} ({extra})")),
        }
    }
}

async fn run(
    config: &Config,
    report: &RunReport,
    quiet: &crate::policy::Quiet,
    ctx: &RunContext,
    api: &Issues<'_>,
    done: &mut Done,
) -> Result<(), IssueError> {
    let settings = &config.issues;
    let label = settings.labels.first().map_or("upcheck", String::as_str);
    let now = report.started_at;
    let texts = Texts {
        run: ctx,
        secrets: &config.secrets,
        now,
    };
    let mut open = api.list_open(label).await?;
    // Duplicates left by overlapping runs: the oldest issue of a key stays.
    close_duplicates(api, &mut open, done).await?;
    let mut opened = false;
    for (i, r) in report.results.iter().enumerate() {
        let key = incidents::incident_key(report, i);
        let issue = open.iter().find(|o| o.marker.key == key);
        let reason = incidents::reason_id(r, &config.secrets);
        let action = incidents::decide(
            r,
            issue,
            reason.as_deref(),
            config.slack.notify,
            config.state.remind_every,
            now,
        );
        let action = incidents::held(action, quiet.inside.is_some());
        let shown = incidents::title(r);
        match (action, issue) {
            (Action::Open, _) => {
                let marker = Marker {
                    key,
                    since: Some(r.memory.as_ref().and_then(|m| m.down_since).unwrap_or(now)),
                    reason,
                };
                let body = incidents::body(r, &marker, &texts);
                let (number, warning) = api
                    .open(&shown, &body, &settings.labels, &settings.assignees)
                    .await?;
                done.warnings.extend(warning);
                done.lines.push(format!("opened #{number} ({})", r.url));
                opened = true;
            }
            (Action::Remind, Some(issue)) => {
                let since = issue.since().unwrap_or(now);
                api.comment(issue.number, &incidents::remind_comment(r, since, &texts))
                    .await?;
                done.lines
                    .push(format!("reminded on #{} ({})", issue.number, r.url));
            }
            (Action::ReasonChanged, Some(issue)) => {
                let since = issue.since().unwrap_or(now);
                api.comment(issue.number, &incidents::reason_comment(r, since, &texts))
                    .await?;
                let marker = Marker {
                    reason,
                    ..issue.marker.clone()
                };
                api.edit_body(issue.number, &incidents::with_marker(&issue.body, &marker))
                    .await?;
                done.lines.push(format!(
                    "told the new reason on #{} ({})",
                    issue.number, r.url
                ));
            }
            (Action::Close, Some(issue)) => {
                let since = issue.since().unwrap_or(now);
                api.comment(issue.number, &incidents::recovery_comment(r, since, &texts))
                    .await?;
                api.close(issue.number, "completed").await?;
                done.lines
                    .push(format!("closed #{} ({} is back up)", issue.number, r.url));
            }
            _ => {}
        }
    }
    if opened {
        // Another run may have opened the same URL's issue at the same time: look again.
        let mut again = api.list_open(label).await?;
        close_duplicates(api, &mut again, done).await?;
    }
    Ok(())
}

/// Close every open issue whose key an older open issue already has, as not planned, with a
/// comment pointing to the one kept. `open` keeps one issue per key.
async fn close_duplicates(
    api: &Issues<'_>,
    open: &mut Vec<OpenIssue>,
    done: &mut Done,
) -> Result<(), IssueError> {
    let mut kept: Vec<OpenIssue> = Vec::new();
    for issue in std::mem::take(open) {
        match kept.iter().find(|k| k.marker.key == issue.marker.key) {
            Some(first) => {
                api.comment(issue.number, &incidents::duplicate_comment(first.number))
                    .await?;
                api.close(issue.number, "not_planned").await?;
                done.lines.push(format!(
                    "closed #{} as a duplicate of #{}",
                    issue.number, first.number
                ));
            }
            None => kept.push(issue),
        }
    }
    *open = kept;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn rate_limits_are_told_from_permissions() {
        let now = 1_000_000;
        assert_eq!(
            rate_limit_wait(429, &headers(&[("retry-after", "2")]), "", now),
            Some(Some(Duration::from_secs(2)))
        );
        assert_eq!(
            rate_limit_wait(
                403,
                &headers(&[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1000003")
                ]),
                "",
                now
            ),
            Some(Some(Duration::from_secs(4)))
        );
        assert_eq!(
            rate_limit_wait(
                403,
                &HeaderMap::new(),
                r#"{"message":"You have exceeded a secondary rate limit."}"#,
                now
            ),
            Some(None)
        );
        assert_eq!(
            rate_limit_wait(
                403,
                &headers(&[("x-ratelimit-remaining", "4999")]),
                r#"{"message":"Resource not accessible by integration"}"#,
                now
            ),
            None
        );
        assert_eq!(
            rate_limit_wait(500, &headers(&[("retry-after", "2")]), "", now),
            None
        );
    }

    #[test]
    fn a_403_names_the_permission_to_add() {
        let e = IssueError::Forbidden {
            what: "open an issue",
            repo: "octo/site".into(),
            message: "Resource not accessible by integration".into(),
        };
        assert_eq!(
            e.to_string(),
            "the token may not open an issue in octo/site (GitHub answered 403 Resource not accessible by integration): add `permissions: issues: write` to the job"
        );
    }

    #[test]
    fn error_messages_from_github_are_made_safe() {
        assert_eq!(
            message_of("{\"message\":\"bad\\n::error::owned\"}"),
            "bad ::error::owned"
        );
        assert_eq!(message_of("<html>"), "");
    }
}

//! Inputs and flags → `Config`. Inputs come from `INPUT_<NAME>` variables (hyphens kept) and from
//! command-line flags of the same names; a flag wins. Empty means unset, values are trimmed, and
//! any invalid value stops the run here with one `InputError`, before any request is sent.

mod choices;
mod heal;
mod raw;
mod urls;
mod values;

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use url::Url;

use crate::redact::redact_raw;
pub use choices::{
    Backoff, Choice, Digest, HealPreset, MentionOn, NotifyPolicy, RetryOn, SlackField,
};
pub use heal::{PresetSettings, PresetTarget};
pub use raw::{raw_secrets, Form, Input, RawInputs, Secret, ACTION_ONLY_INPUTS, INPUTS};
pub use urls::{parse_url_list, split_name, url_key, url_secrets, Target, MAX_NAME_CHARS};
pub use values::{parse_bool, parse_count, parse_duration, StatusSet};

/// One invalid input: which, what is wrong with the value, and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input `{input}`: {problem}; {accepted}")]
pub struct InputError {
    pub input: &'static str,
    pub problem: String,
    pub accepted: String,
}

impl InputError {
    pub fn new(
        input: &'static str,
        problem: impl Into<String>,
        accepted: impl Into<String>,
    ) -> Self {
        InputError {
            input,
            problem: problem.into(),
            accepted: accepted.into(),
        }
    }
}

/// How many attempts, how long between them, and which failures are worth another try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub delay: Duration,
    pub backoff: Backoff,
    pub retry_on: RetryOn,
}

/// What a response must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct Checks {
    pub expected: StatusSet,
    pub body_contains: Option<String>,
    pub body_not_contains: Option<String>,
    pub max_response_time: Option<Duration>,
    /// 0 turns the certificate check off.
    pub cert_min_days: u32,
}

/// How each request is made.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSpec {
    pub method: Method,
    pub headers: HeaderMap,
    pub follow_redirects: bool,
    pub timeout: Duration,
    pub insecure: bool,
    /// Extra root certificates, PEM.
    pub ca_pem: Option<Vec<u8>>,
}

/// Where and when Slack is told, and what the message carries.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackSettings {
    pub notify: NotifyPolicy,
    pub webhook: Option<String>,
    pub token: Option<String>,
    pub channel: Option<String>,
    pub api_url: Url,
    pub mention: Vec<String>,
    pub mention_on: MentionOn,
    /// In the order asked, each once, `all` expanded.
    pub fields: Vec<SlackField>,
    pub fail_on_notify_error: bool,
    pub github_token: Option<String>,
}

impl SlackSettings {
    pub fn is_configured(&self) -> bool {
        self.webhook.is_some() || self.token.is_some()
    }
}

/// The channels beside Slack: Discord, Microsoft Teams and a signed webhook. They follow the
/// same `notify` policy as Slack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelSettings {
    pub discord: Option<Url>,
    pub teams: Option<Url>,
    pub webhook: Option<Url>,
    /// The key of the webhook body's HMAC-SHA256 signature.
    pub webhook_secret: Option<String>,
}

impl ChannelSettings {
    pub fn is_configured(&self) -> bool {
        self.discord.is_some() || self.teams.is_some() || self.webhook.is_some()
    }
}

/// Memory between runs.
#[derive(Debug, Clone, PartialEq)]
pub struct StateSettings {
    pub file: Option<PathBuf>,
    pub key: Option<String>,
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub remind_every: Option<Duration>,
}

/// The restart hook and its re-check loop.
#[derive(Debug, Clone, PartialEq)]
pub struct HealSettings {
    pub url: Option<Url>,
    pub method: Method,
    pub headers: HeaderMap,
    pub body: Option<String>,
    pub wait: Duration,
    pub interval: Duration,
    pub cooldown: Duration,
    /// `heal-preset`: the restart goes through a platform's API instead of `url`.
    pub preset: Option<PresetSettings>,
}

/// The history's views: the status site, the Slack digest, and where to rebuild it from.
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    /// `status-dir`: where the status site is written (relative to the working directory).
    pub status_dir: Option<PathBuf>,
    /// `status-title`: the page's title.
    pub status_title: String,
    pub digest: Digest,
    /// `history-url`: a published `history.json`, read when the state holds no history.
    pub url: Option<Url>,
}

/// The default `status-title`.
pub const DEFAULT_STATUS_TITLE: &str = "Status";

/// Incidents as GitHub issues (`github-issues`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueSettings {
    pub enabled: bool,
    /// At least one; the first is the one the open issues are listed by.
    pub labels: Vec<String>,
    /// GitHub logins, without `@`.
    pub assignees: Vec<String>,
}

/// Everything a run needs, validated. Built once, read-only afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub targets: Vec<Target>,
    pub request: RequestSpec,
    pub retry: RetryPolicy,
    pub checks: Checks,
    pub concurrency: usize,
    pub fail_on_down: bool,
    pub slack: SlackSettings,
    pub channels: ChannelSettings,
    pub state: StateSettings,
    pub heal: HealSettings,
    pub heartbeat_url: Option<Url>,
    pub history: HistorySettings,
    pub issues: IssueSettings,
    /// `every` (and `run-for`): rounds of checks; `None` checks once.
    pub rounds: Option<crate::rounds::Schedule>,
    /// `quiet-hours` and `maintenance`: when outages are recorded but not announced.
    pub windows: crate::window::Windows,
    /// `keepalive`: re-enable the workflow after 50 quiet days (with `slack.github_token`).
    pub keepalive: bool,
    /// Values to mask before anything is sent or printed.
    pub secrets: Vec<String>,
}

pub const MAX_REDIRECTS: usize = 10;
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

const DURATION_HINT: &str = "use e.g. 500ms, 3s, 1m or 1m30s (a bare number is seconds)";
const BOOL_HINT: &str = "use true or false";

fn duration(
    input: &'static str,
    v: &Option<String>,
    default: Duration,
) -> Result<Duration, InputError> {
    Ok(optional_duration(input, v)?.unwrap_or(default))
}

fn optional_duration(
    input: &'static str,
    v: &Option<String>,
) -> Result<Option<Duration>, InputError> {
    v.as_deref()
        .map(|v| parse_duration(v).map_err(|p| InputError::new(input, p, DURATION_HINT)))
        .transpose()
}

/// The shortest `every`: 1 s, unless `UPCHECK_MIN_EVERY` (a testing aid, like `UPCHECK_NOW`)
/// gives a shorter floor, which the benchmark uses for 10,000 rounds in seconds.
fn min_every() -> Duration {
    std::env::var(crate::rounds::MIN_EVERY_VAR)
        .ok()
        .and_then(|v| parse_duration(&v).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(crate::rounds::MIN_EVERY)
}

/// `every` and `run-for`: at least 1 s between rounds, at most 6 h of them; `run-for` alone
/// is an error.
fn schedule(raw: &RawInputs) -> Result<Option<crate::rounds::Schedule>, InputError> {
    use crate::rounds::MAX_RUN_FOR;
    let every = optional_duration("every", &raw.every)?;
    let run_for = optional_duration("run-for", &raw.run_for)?;
    let Some(every) = every else {
        return match run_for {
            Some(_) => Err(InputError::new(
                "run-for",
                "is set without every",
                "set every too, e.g. every: 1m with run-for: 4m30s",
            )),
            None => Ok(None),
        };
    };
    if every < min_every() {
        return Err(InputError::new(
            "every",
            format!("{} is too short", crate::text::format_duration(every)),
            "use at least 1s, e.g. 30s or 1m",
        ));
    }
    if let Some(run_for) = run_for {
        if run_for.is_zero() || run_for > MAX_RUN_FOR {
            return Err(InputError::new(
                "run-for",
                format!("{} is out of range", crate::text::format_duration(run_for)),
                "use more than 0s and at most 6h (GitHub ends a job after 6 hours), e.g. 4m30s",
            ));
        }
    }
    Ok(Some(crate::rounds::Schedule { every, run_for }))
}

fn boolean(input: &'static str, v: &Option<String>, default: bool) -> Result<bool, InputError> {
    v.as_deref().map_or(Ok(default), |v| {
        parse_bool(v).map_err(|p| InputError::new(input, p, BOOL_HINT))
    })
}

fn count(
    input: &'static str,
    v: &Option<String>,
    default: u64,
    min: u64,
    max: u64,
    what: &str,
) -> Result<u64, InputError> {
    v.as_deref().map_or(Ok(default), |v| {
        parse_count(v, min, max).map_err(|p| {
            InputError::new(
                input,
                p,
                format!("use a whole number from {min} to {max} ({what})"),
            )
        })
    })
}

/// One of a few words; the error lists them all.
fn choice<T: Choice>(input: &'static str, v: &Option<String>, default: T) -> Result<T, InputError> {
    let Some(v) = v.as_deref() else {
        return Ok(default);
    };
    T::parse(v).ok_or_else(|| {
        InputError::new(
            input,
            format!("{v:?} is not {}", T::NOUN),
            format!("use {}", T::words()),
        )
    })
}

fn method(input: &'static str, v: &Option<String>, default: Method) -> Result<Method, InputError> {
    let Some(v) = v.as_deref() else {
        return Ok(default);
    };
    let upper = v.to_ascii_uppercase();
    Method::from_bytes(upper.as_bytes()).map_err(|_| {
        InputError::new(
            input,
            format!("{upper:?} is not an HTTP method"),
            "use GET, HEAD, POST or another method name",
        )
    })
}

/// An http(s) URL input other than `url`; its problem never shows the value, which may be secret.
fn http_url(input: &'static str, v: &Option<String>) -> Result<Option<Url>, InputError> {
    let Some(v) = v.as_deref() else {
        return Ok(None);
    };
    let accepted = "give an http or https URL";
    let url = Url::parse(v).map_err(|e| {
        InputError::new(
            input,
            format!("the value is not a valid URL ({e})"),
            accepted,
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(InputError::new(
            input,
            "the value is not an http or https URL",
            accepted,
        ));
    }
    Ok(Some(url))
}

/// `Name: value` lines; every value is kept as a secret.
fn header_lines(
    input: &'static str,
    text: &Option<String>,
    secrets: &mut Vec<String>,
) -> Result<HeaderMap, InputError> {
    let mut headers = HeaderMap::new();
    let Some(text) = text else { return Ok(headers) };
    let accepted = "give one `Name: value` header per line";
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            let shown = redact_raw(line);
            let shown = crate::text::clip(shown.split_whitespace().next().unwrap_or(""), 40);
            return Err(InputError::new(
                input,
                format!("the line starting {shown:?} has no colon"),
                accepted,
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            InputError::new(
                input,
                format!(
                    "{:?} is not a valid header name",
                    crate::text::clip(name, 40)
                ),
                accepted,
            )
        })?;
        secrets.push(value.to_string());
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            InputError::new(
                input,
                format!("the value of {name} has characters a header cannot carry"),
                accepted,
            )
        })?;
        value.set_sensitive(true);
        headers.append(name, value);
    }
    Ok(headers)
}

impl Config {
    /// Validate raw inputs. `slack_env` is `$SLACK_WEBHOOK_URL`, the webhook's fallback.
    pub fn from_inputs(raw: RawInputs, slack_env: Option<String>) -> Result<Config, InputError> {
        let raw = RawInputs::default().over(raw);
        let mut secrets = raw_secrets(&raw, slack_env.as_deref());

        let url = raw.url.as_deref().ok_or_else(|| {
            InputError::new(
                "url",
                "no URL given",
                "set it to one or more http(s) URLs, separated by newlines or |",
            )
        })?;
        let targets = parse_url_list(url).map_err(|p| {
            InputError::new(
                "url",
                p,
                "give one or more http(s) URLs, separated by newlines or |",
            )
        })?;
        for t in &targets {
            secrets.extend(t.secrets());
        }
        let request = request_spec(&raw, &mut secrets)?;
        let retry = retry_policy(&raw)?;
        let checks = checks(&raw, &request.method)?;
        let concurrency = count(
            "concurrency",
            &raw.concurrency,
            8,
            1,
            1024,
            "URLs checked at once",
        )? as usize;
        let fail_on_down = boolean("fail-on-down", &raw.fail_on_down, true)?;
        let slack = slack_settings(&raw, slack_env)?;
        let channels = channel_settings(&raw, &mut secrets)?;
        let state = StateSettings {
            file: raw.state_file.as_ref().map(PathBuf::from),
            key: raw.state_key.clone(),
            failure_threshold: count(
                "failure-threshold",
                &raw.failure_threshold,
                1,
                1,
                100,
                "consecutive failed runs",
            )? as u32,
            success_threshold: count(
                "success-threshold",
                &raw.success_threshold,
                1,
                1,
                100,
                "consecutive good runs",
            )? as u32,
            remind_every: optional_duration("remind-every", &raw.remind_every)?,
        };
        let heal = HealSettings {
            url: http_url("heal-url", &raw.heal_url)?,
            method: method("heal-method", &raw.heal_method, Method::POST)?,
            headers: header_lines("heal-headers", &raw.heal_headers, &mut secrets)?,
            body: raw.heal_body.clone(),
            wait: duration("heal-wait", &raw.heal_wait, Duration::from_secs(180))?,
            interval: {
                let d = duration("heal-interval", &raw.heal_interval, Duration::from_secs(10))?;
                if d < Duration::from_millis(100) {
                    return Err(InputError::new(
                        "heal-interval",
                        format!(
                            "{} is too short: the service would be flooded with re-checks",
                            crate::text::format_duration(d)
                        ),
                        "use at least 100ms, e.g. 10s",
                    ));
                }
                d
            },
            cooldown: duration(
                "heal-cooldown",
                &raw.heal_cooldown,
                Duration::from_secs(1800),
            )?,
            preset: heal::preset_settings(&raw, &mut secrets)?,
        };
        let heartbeat_url = http_url("heartbeat-url", &raw.heartbeat_url)?;
        let history = history_settings(&raw, &mut secrets)?;
        let issues = issue_settings(&raw)?;
        let rounds = schedule(&raw)?;
        let windows = windows(&raw)?;
        let keepalive = boolean("keepalive", &raw.keepalive, false)?;
        if keepalive && raw.github_token.is_none() {
            return Err(InputError::new(
                "github_token",
                "keepalive is true but no token is given",
                "give a token that may enable workflows (in a workflow the default ${{ github.token }} with `permissions: actions: write`)",
            ));
        }

        secrets.retain(|s| !s.trim().is_empty());
        secrets.sort();
        secrets.dedup();

        Ok(Config {
            targets,
            request,
            retry,
            checks,
            concurrency,
            fail_on_down,
            slack,
            channels,
            state,
            heal,
            heartbeat_url,
            history,
            issues,
            rounds,
            windows,
            keepalive,
            secrets,
        })
    }
}

/// `quiet-hours` and `maintenance`; a bad window names its input and the bad part.
fn windows(raw: &RawInputs) -> Result<crate::window::Windows, InputError> {
    use crate::window::{parse_maintenance, parse_quiet_hours, MAINTENANCE_HINT, QUIET_HOURS_HINT};
    let quiet = raw
        .quiet_hours
        .as_deref()
        .map(parse_quiet_hours)
        .transpose()
        .map_err(|e| InputError::new("quiet-hours", e.to_string(), QUIET_HOURS_HINT))?;
    let maintenance = raw
        .maintenance
        .as_deref()
        .map(parse_maintenance)
        .transpose()
        .map_err(|e| InputError::new("maintenance", e.to_string(), MAINTENANCE_HINT))?;
    Ok(crate::window::Windows {
        quiet: quiet.unwrap_or_default(),
        maintenance: maintenance.unwrap_or_default(),
    })
}

fn history_settings(
    raw: &RawInputs,
    secrets: &mut Vec<String>,
) -> Result<HistorySettings, InputError> {
    let url = http_url("history-url", &raw.history_url)?;
    if let Some(u) = &url {
        secrets.extend(url_secrets(u));
    }
    let status_title = raw
        .status_title
        .clone()
        .unwrap_or_else(|| DEFAULT_STATUS_TITLE.to_string());
    if status_title.chars().count() > 200 || status_title.chars().any(char::is_control) {
        return Err(InputError::new(
            "status-title",
            "the title is longer than 200 characters or holds a line break",
            "give one line of at most 200 characters",
        ));
    }
    let status_dir = raw.status_dir.as_ref().map(PathBuf::from);
    if let Some(dir) = &raw.status_dir {
        if dir.contains(['\n', '\r']) {
            return Err(InputError::new(
                "status-dir",
                "the path contains a line break",
                "give one directory path",
            ));
        }
    }
    Ok(HistorySettings {
        status_dir,
        status_title,
        digest: choice("digest", &raw.digest, Digest::Off)?,
        url,
    })
}

fn request_spec(raw: &RawInputs, secrets: &mut Vec<String>) -> Result<RequestSpec, InputError> {
    let mut headers = header_lines("headers", &raw.headers, secrets)?;
    if let Some(auth) = &raw.basic_auth {
        let accepted = "use user:password";
        if !auth.contains(':') {
            return Err(InputError::new(
                "basic-auth",
                "the value has no colon",
                accepted,
            ));
        }
        let token = base64::engine::general_purpose::STANDARD.encode(auth.as_bytes());
        secrets.push(token.clone());
        let mut value = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
            InputError::new(
                "basic-auth",
                "the value has characters a header cannot carry",
                accepted,
            )
        })?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    if let Some(cookie) = &raw.cookie {
        let accepted = "use Name=Value, several joined with `; `";
        for pair in cookie.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((_, value)) = pair.split_once('=') else {
                return Err(InputError::new(
                    "cookie",
                    format!("{:?} has no `=`", crate::text::clip(pair, 40)),
                    accepted,
                ));
            };
            secrets.push(value.trim().to_string());
        }
        let mut value = HeaderValue::from_str(cookie).map_err(|_| {
            InputError::new(
                "cookie",
                "the value has characters a header cannot carry",
                accepted,
            )
        })?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::COOKIE, value);
    }
    let timeout = duration("timeout", &raw.timeout, Duration::from_secs(10))?;
    if timeout.is_zero() {
        return Err(InputError::new(
            "timeout",
            "0 leaves no time for a request",
            DURATION_HINT,
        ));
    }
    Ok(RequestSpec {
        method: method("method", &raw.method, Method::GET)?,
        headers,
        follow_redirects: boolean("follow-redirect", &raw.follow_redirect, true)?,
        timeout,
        insecure: boolean("insecure", &raw.insecure, false)?,
        ca_pem: raw.ca_cert.as_deref().map(load_ca).transpose()?,
    })
}

fn retry_policy(raw: &RawInputs) -> Result<RetryPolicy, InputError> {
    let max_attempts = count(
        "max-attempts",
        &raw.max_attempts,
        3,
        1,
        100,
        "total requests per URL",
    )? as u32;
    let delay = duration("retry-delay", &raw.retry_delay, Duration::from_secs(3))?;
    let backoff = choice("backoff", &raw.backoff, Backoff::Fixed)?;
    // `retry-on` wins; else jtalk's `retry-all`; else any.
    let from_retry_all = match boolean("retry-all", &raw.retry_all, true)? {
        true => RetryOn::Any,
        false => RetryOn::Transient,
    };
    let retry_on = choice("retry-on", &raw.retry_on, from_retry_all)?;
    Ok(RetryPolicy {
        max_attempts,
        delay,
        backoff,
        retry_on,
    })
}

fn checks(raw: &RawInputs, method: &Method) -> Result<Checks, InputError> {
    let expected =
        StatusSet::parse(raw.expected_status.as_deref().unwrap_or("200-399")).map_err(|p| {
            InputError::new(
                "expected-status",
                p,
                "use codes, ranges and classes, e.g. 200,204 or 200-299 or 2xx,301",
            )
        })?;
    if *method == Method::HEAD {
        for (input, text) in [
            ("body-contains", &raw.body_contains),
            ("body-not-contains", &raw.body_not_contains),
        ] {
            if text.is_some() {
                return Err(InputError::new(
                    input,
                    "a HEAD response has no body to check",
                    "use method GET, or drop the body check",
                ));
            }
        }
    }
    Ok(Checks {
        expected,
        body_contains: raw.body_contains.clone(),
        body_not_contains: raw.body_not_contains.clone(),
        max_response_time: optional_duration("max-response-time", &raw.max_response_time)?,
        cert_min_days: count(
            "cert-min-days",
            &raw.cert_min_days,
            14,
            0,
            3650,
            "days; 0 turns the check off",
        )? as u32,
    })
}

fn slack_settings(raw: &RawInputs, slack_env: Option<String>) -> Result<SlackSettings, InputError> {
    let notify = choice("notify", &raw.notify, NotifyPolicy::Change)?;
    let mention_on = choice("mention-on", &raw.mention_on, MentionOn::Failure)?;
    let webhook = raw.slack_webhook.clone().or(raw::set(slack_env));
    if let Some(w) = &webhook {
        http_url("slack-webhook", &Some(w.clone()))?;
    }
    if raw.slack_token.is_some() && raw.slack_channel.is_none() {
        return Err(InputError::new(
            "slack-channel",
            "slack-token is set but no channel is given",
            "set slack-channel to a channel id or name, e.g. C0123456789 or #ops",
        ));
    }
    let api_url = http_url("slack-api-url", &raw.slack_api_url)?
        .unwrap_or_else(|| Url::parse("https://slack.com/api/").expect("a valid URL"));
    let mut mention = Vec::new();
    for who in raw
        .mention
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let id = |s: &str, prefix: char| {
            s.starts_with(prefix)
                && s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        let ok = matches!(who, "here" | "channel")
            || id(who, 'U')
            || id(who, 'W')
            || who.strip_prefix("subteam^").is_some_and(|g| id(g, 'S'));
        if !ok {
            return Err(InputError::new("mention", format!("{:?} is not someone Slack can mention", crate::text::clip(who, 40)), "use here, channel, user ids like U0123ABCD or user groups like subteam^S0123ABCD, comma-separated"));
        }
        mention.push(who.to_string());
    }
    let mut fields = Vec::new();
    for name in raw
        .fields
        .as_deref()
        .unwrap_or("repo,workflow,ref")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        if name == "all" {
            fields = SlackField::ALL.to_vec();
            break;
        }
        let Some(known) = SlackField::parse(name) else {
            let all: Vec<&str> = SlackField::ALL.iter().map(|f| f.as_str()).collect();
            return Err(InputError::new(
                "fields",
                format!(
                    "{:?} is not {}",
                    crate::text::clip(name, 40),
                    SlackField::NOUN
                ),
                format!("use all, or some of {}", all.join(",")),
            ));
        };
        if !fields.contains(&known) {
            fields.push(known);
        }
    }
    Ok(SlackSettings {
        notify,
        webhook,
        token: raw.slack_token.clone(),
        channel: raw.slack_channel.clone(),
        api_url,
        mention,
        mention_on,
        fields,
        fail_on_notify_error: boolean("fail-on-notify-error", &raw.fail_on_notify_error, false)?,
        github_token: raw.github_token.clone(),
    })
}

/// `github-issues`, `issue-labels` and `issue-assignees`. Issues need a token: `github_token`
/// (in a workflow it defaults to the job's token).
fn issue_settings(raw: &RawInputs) -> Result<IssueSettings, InputError> {
    let enabled = boolean("github-issues", &raw.github_issues, false)?;
    let list = |v: &Option<String>, default: &str| -> Vec<String> {
        v.as_deref()
            .unwrap_or(default)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut labels: Vec<String> = Vec::new();
    for label in list(&raw.issue_labels, "upcheck,incident") {
        if label.chars().count() > 50 || label.chars().any(char::is_control) {
            return Err(InputError::new(
                "issue-labels",
                format!(
                    "{:?} is not a GitHub label name",
                    crate::text::clip(&label, 60)
                ),
                "use label names of at most 50 characters, comma-separated, e.g. upcheck,incident",
            ));
        }
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    let mut assignees: Vec<String> = Vec::new();
    for who in list(&raw.issue_assignees, "") {
        let login = who.strip_prefix('@').unwrap_or(&who).to_string();
        let valid = !login.is_empty()
            && login.len() <= 39
            && !login.starts_with('-')
            && !login.ends_with('-')
            && !login.contains("--")
            && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(InputError::new(
                "issue-assignees",
                format!(
                    "{:?} is not a GitHub login",
                    crate::text::clip(&who, 60)
                ),
                "use GitHub logins (letters, digits and single hyphens), comma-separated, e.g. octocat,hubot",
            ));
        }
        if !assignees.contains(&login) {
            assignees.push(login);
        }
    }
    if enabled && raw.github_token.is_none() {
        return Err(InputError::new(
            "github_token",
            "github-issues is true but no token is given",
            "give a token that may write issues (in a workflow the default ${{ github.token }} with `permissions: issues: write`)",
        ));
    }
    Ok(IssueSettings {
        enabled,
        labels,
        assignees,
    })
}

/// The Discord, Teams and webhook inputs. Beyond the whole URLs (masked as raw inputs), the
/// parts that carry the credential are masked on their own too (Teams' `sig`), the
/// user info's password and long path segments and query values (Discord's webhook token).
/// Short parts such as `api-version=2016-06-01` are left alone: masking them would hide
/// ordinary words of the log.
fn channel_settings(
    raw: &RawInputs,
    secrets: &mut Vec<String>,
) -> Result<ChannelSettings, InputError> {
    let discord = http_url("discord-webhook", &raw.discord_webhook)?;
    let teams = http_url("teams-webhook", &raw.teams_webhook)?;
    let webhook = http_url("webhook-url", &raw.webhook_url)?;
    if raw.webhook_secret.is_some() && webhook.is_none() {
        return Err(InputError::new(
            "webhook-secret",
            "webhook-secret is set but webhook-url is not",
            "set webhook-url to the receiver's URL, or remove webhook-secret",
        ));
    }
    for url in [&discord, &teams, &webhook].into_iter().flatten() {
        secrets.extend(
            url.query_pairs()
                .map(|(_, v)| v.into_owned())
                .filter(|v| v.len() >= 16),
        );
        secrets.extend(url.password().map(str::to_string));
        secrets.extend(
            url.path_segments()
                .into_iter()
                .flatten()
                .filter(|s| s.len() >= 16)
                .map(str::to_string),
        );
    }
    Ok(ChannelSettings {
        discord,
        teams,
        webhook,
        webhook_secret: raw.webhook_secret.clone(),
    })
}

/// The `ca-cert` input: PEM text, or a path to a PEM file; it must hold at least one certificate.
fn load_ca(value: &str) -> Result<Vec<u8>, InputError> {
    let accepted = "give PEM text (-----BEGIN CERTIFICATE-----…) or the path of a PEM file";
    let pem = if value.contains("-----BEGIN") {
        value.as_bytes().to_vec()
    } else {
        std::fs::read(value).map_err(|e| {
            InputError::new(
                "ca-cert",
                format!("cannot read the file {value:?} ({e})"),
                accepted,
            )
        })?
    };
    // What the HTTP client would refuse is refused here, as an input error: both take the
    // certificates from the same reading of the bundle.
    crate::net::usable_roots(&pem)
        .map_err(|why| InputError::new("ca-cert", format!("it {why}"), accepted))?;
    Ok(pem)
}

#[cfg(test)]
mod tests;

//! Inputs and flags → `Config`. Inputs come from `INPUT_<NAME>` variables (hyphens kept) and from
//! command-line flags of the same names; a flag wins. Empty means unset, values are trimmed, and
//! any invalid value stops the run here with one `InputError`, before any request is sent.

mod urls;
mod values;

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::Deserialize;

pub use urls::{parse_url_list, RedactedUrl, Target};
pub use values::{format_duration, parse_bool, parse_count, parse_duration, StatusSet};

/// Every input of the contract as raw text, from `INPUT_*` (through envy) or from flags (clap).
#[derive(Debug, Default, Clone, Deserialize, clap::Args)]
pub struct RawInputs {
    /// URLs to check, separated by newlines or `|` (positional URLs are added to these)
    #[arg(long)]
    pub url: Option<String>,
    /// Total requests per URL, the first included [default: 3]
    #[arg(long = "max-attempts", value_name = "N")]
    #[serde(rename = "max-attempts")]
    pub max_attempts: Option<String>,
    /// Wait between attempts: 500ms, 3s, 1m30s; a bare number is seconds [default: 3s]
    #[arg(long = "retry-delay", value_name = "DURATION")]
    #[serde(rename = "retry-delay")]
    pub retry_delay: Option<String>,
    /// fixed or exponential (doubles each retry, up to 60s) [default: fixed]
    #[arg(long)]
    pub backoff: Option<String>,
    /// any (retry every failure) or transient (connection errors, timeouts, 408/425/429/5xx) [default: any]
    #[arg(long = "retry-on", value_name = "WHICH")]
    #[serde(rename = "retry-on")]
    pub retry_on: Option<String>,
    /// Limit for one attempt, from connect to the last byte of the body [default: 10s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Statuses that pass: codes, ranges, classes, e.g. 200,204 or 2xx,301 [default: 200-399]
    #[arg(long = "expected-status", value_name = "SET")]
    #[serde(rename = "expected-status")]
    pub expected_status: Option<String>,
    /// Follow up to 10 redirects and judge the final response (true/false) [default: true]
    #[arg(long = "follow-redirect", value_name = "BOOL")]
    #[serde(rename = "follow-redirect")]
    pub follow_redirect: Option<String>,
    /// HTTP method [default: GET]
    #[arg(long)]
    pub method: Option<String>,
    /// Extra request headers, one `Name: value` per line
    #[arg(long)]
    pub headers: Option<String>,
    /// user:password for HTTP basic authentication
    #[arg(long = "basic-auth", value_name = "USER:PASSWORD")]
    #[serde(rename = "basic-auth")]
    pub basic_auth: Option<String>,
    /// Cookie string, Name=Value
    #[arg(long)]
    pub cookie: Option<String>,
    /// Text the response body must contain
    #[arg(long = "body-contains", value_name = "TEXT")]
    #[serde(rename = "body-contains")]
    pub body_contains: Option<String>,
    /// Text the response body must not contain
    #[arg(long = "body-not-contains", value_name = "TEXT")]
    #[serde(rename = "body-not-contains")]
    pub body_not_contains: Option<String>,
    /// Slower than this: the URL is degraded
    #[arg(long = "max-response-time", value_name = "DURATION")]
    #[serde(rename = "max-response-time")]
    pub max_response_time: Option<String>,
    /// A certificate expiring within this many days makes the URL degraded; 0 turns it off [default: 14]
    #[arg(long = "cert-min-days", value_name = "DAYS")]
    #[serde(rename = "cert-min-days")]
    pub cert_min_days: Option<String>,
    /// Accept invalid TLS certificates (true/false) [default: false]
    #[arg(long, value_name = "BOOL")]
    pub insecure: Option<String>,
    /// Extra trusted root certificates: PEM text or a path to a PEM file
    #[arg(long = "ca-cert", value_name = "PEM|PATH")]
    #[serde(rename = "ca-cert")]
    pub ca_cert: Option<String>,
    /// How many URLs are checked at once [default: 8]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<String>,
    /// Exit 1 when a URL is down (true/false) [default: true]
    #[arg(long = "fail-on-down", value_name = "BOOL")]
    #[serde(rename = "fail-on-down")]
    pub fail_on_down: Option<String>,
    /// When Slack is told: always, failure, success, change, never [default: change]
    #[arg(long)]
    pub notify: Option<String>,
    /// jtalk compatibility: true is --retry-on any, false is --retry-on transient
    #[arg(long = "retry-all", value_name = "BOOL")]
    #[serde(rename = "retry-all")]
    pub retry_all: Option<String>,
    /// Slack incoming-webhook URL (else $SLACK_WEBHOOK_URL)
    #[arg(long = "slack-webhook", value_name = "URL")]
    #[serde(rename = "slack-webhook")]
    pub slack_webhook: Option<String>,
    /// Slack bot token (with --slack-channel)
    #[arg(long = "slack-token", value_name = "TOKEN")]
    #[serde(rename = "slack-token")]
    pub slack_token: Option<String>,
    /// Slack channel for the bot token
    #[arg(long = "slack-channel", value_name = "CHANNEL")]
    #[serde(rename = "slack-channel")]
    pub slack_channel: Option<String>,
    /// GitHub token (read from the action's github_token input)
    #[arg(skip)]
    pub github_token: Option<String>,
    /// Restart hook (not available in this version; masked and reported)
    #[arg(skip)]
    #[serde(rename = "heal-url")]
    pub heal_url: Option<String>,
    /// Restart hook headers (not available in this version; values masked)
    #[arg(skip)]
    #[serde(rename = "heal-headers")]
    pub heal_headers: Option<String>,
    /// Dead-man's-switch URL (not available in this version; masked and reported)
    #[arg(skip)]
    #[serde(rename = "heartbeat-url")]
    pub heartbeat_url: Option<String>,
}

impl RawInputs {
    /// `INPUT_*` variables from the process environment.
    pub fn from_env() -> Result<RawInputs, InputError> {
        envy::prefixed("INPUT_")
            .from_env::<RawInputs>()
            .map_err(|e| InputError::new("inputs", e.to_string(), "text values"))
    }

    /// Fields of `self` (flags) win over `env` (variables); empty values count as unset.
    pub fn over(self, env: RawInputs) -> RawInputs {
        macro_rules! pick {
            ($($f:ident),* $(,)?) => {
                RawInputs { $($f: set(self.$f).or(set(env.$f)),)* }
            };
        }
        pick!(
            url,
            max_attempts,
            retry_delay,
            backoff,
            retry_on,
            timeout,
            expected_status,
            follow_redirect,
            method,
            headers,
            basic_auth,
            cookie,
            body_contains,
            body_not_contains,
            max_response_time,
            cert_min_days,
            insecure,
            ca_cert,
            concurrency,
            fail_on_down,
            notify,
            retry_all,
            slack_webhook,
            slack_token,
            slack_channel,
            github_token,
            heal_url,
            heal_headers,
            heartbeat_url,
        )
    }
}

/// Trimmed, and `None` when empty.
fn set(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backoff {
    Fixed,
    Exponential,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOn {
    Any,
    Transient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyPolicy {
    Always,
    Failure,
    Success,
    Change,
    Never,
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
#[derive(Debug, Clone)]
pub struct Checks {
    pub expected: StatusSet,
    pub body_contains: Option<String>,
    pub body_not_contains: Option<String>,
    pub max_response_time: Option<Duration>,
    /// 0 turns the certificate check off.
    pub cert_min_days: u32,
}

/// How each request is made.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: Method,
    pub headers: HeaderMap,
    pub follow_redirects: bool,
    pub timeout: Duration,
    pub insecure: bool,
    /// Extra root certificates, PEM.
    pub ca_pem: Option<Vec<u8>>,
}

/// Where Slack messages would go, if anywhere.
#[derive(Debug, Clone, Default)]
pub struct SlackTarget {
    pub webhook: Option<String>,
    pub token: Option<String>,
    pub channel: Option<String>,
}

impl SlackTarget {
    pub fn is_configured(&self) -> bool {
        self.webhook.is_some() || self.token.is_some()
    }
}

/// Everything a run needs, validated. Built once, read-only afterwards.
#[derive(Debug, Clone)]
pub struct Config {
    pub targets: Vec<Target>,
    pub request: RequestSpec,
    pub retry: RetryPolicy,
    pub checks: Checks,
    pub concurrency: usize,
    pub fail_on_down: bool,
    pub notify: NotifyPolicy,
    pub slack: SlackTarget,
    /// Values to mask before anything is sent or printed.
    pub secrets: Vec<String>,
    /// Inputs that were set but whose feature this version does not have.
    pub unavailable: Vec<&'static str>,
}

pub const MAX_REDIRECTS: usize = 10;
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

const DURATION_HINT: &str = "use e.g. 500ms, 3s, 1m or 1m30s (a bare number is seconds)";
const BOOL_HINT: &str = "use true or false";

impl Config {
    /// Validate raw inputs. `slack_env` is `$SLACK_WEBHOOK_URL`, the webhook's fallback.
    pub fn from_inputs(raw: RawInputs, slack_env: Option<String>) -> Result<Config, InputError> {
        let raw = RawInputs::default().over(raw);
        let mut secrets = Vec::new();

        // Secrets first, so a caller can mask them even when a later input is invalid.
        let slack = SlackTarget {
            webhook: raw.slack_webhook.clone().or(set(slack_env)),
            token: raw.slack_token.clone(),
            channel: raw.slack_channel.clone(),
        };
        secrets.extend(slack.webhook.clone());
        secrets.extend(slack.token.clone());
        secrets.extend(raw.github_token.clone());
        secrets.extend(raw.heal_url.clone());
        secrets.extend(raw.heartbeat_url.clone());
        if let Some(lines) = &raw.heal_headers {
            secrets.extend(
                lines
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string()),
            );
        }
        let unavailable = [
            ("slack-webhook", slack.webhook.is_some()),
            ("slack-token", slack.token.is_some()),
            ("heal-url", raw.heal_url.is_some()),
            ("heartbeat-url", raw.heartbeat_url.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();

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

        let mut headers = HeaderMap::new();
        if let Some(text) = &raw.headers {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let accepted = "give one `Name: value` header per line";
                let (name, value) = line.split_once(':').ok_or_else(|| {
                    InputError::new(
                        "headers",
                        format!("the line {:?} has no colon", crate::text::clip(line, 40)),
                        accepted,
                    )
                })?;
                let (name, value) = (name.trim(), value.trim());
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    InputError::new(
                        "headers",
                        format!("{name:?} is not a valid header name"),
                        accepted,
                    )
                })?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    InputError::new(
                        "headers",
                        format!("the value of {name} has characters a header cannot carry"),
                        accepted,
                    )
                })?;
                value.set_sensitive(true);
                secrets.push(value.to_str().unwrap_or_default().to_string());
                headers.append(name, value);
            }
        }
        if let Some(auth) = &raw.basic_auth {
            let (user, password) = auth.split_once(':').ok_or_else(|| {
                InputError::new("basic-auth", "the value has no colon", "use user:password")
            })?;
            secrets.push(password.to_string());
            let token = base64::engine::general_purpose::STANDARD.encode(auth.as_bytes());
            secrets.push(token.clone());
            let mut value = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
                InputError::new(
                    "basic-auth",
                    "the value has characters a header cannot carry",
                    "use user:password",
                )
            })?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
            let _ = user;
        }
        if let Some(cookie) = &raw.cookie {
            let accepted = "use Name=Value, several joined with `; `";
            for pair in cookie.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (_, value) = pair.split_once('=').ok_or_else(|| {
                    InputError::new(
                        "cookie",
                        format!("{:?} has no `=`", crate::text::clip(pair, 40)),
                        accepted,
                    )
                })?;
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

        let max_attempts = match &raw.max_attempts {
            None => 3,
            Some(v) => parse_count(v, 1, 100).map_err(|p| {
                InputError::new(
                    "max-attempts",
                    p,
                    "use a whole number from 1 to 100 (total requests per URL)",
                )
            })? as u32,
        };
        let duration = |input: &'static str, v: &Option<String>, default: Duration| {
            v.as_deref().map_or(Ok(default), |v| {
                parse_duration(v).map_err(|p| InputError::new(input, p, DURATION_HINT))
            })
        };
        let delay = duration("retry-delay", &raw.retry_delay, Duration::from_secs(3))?;
        let backoff = match raw.backoff.as_deref() {
            None | Some("fixed") => Backoff::Fixed,
            Some("exponential") => Backoff::Exponential,
            Some(other) => {
                return Err(InputError::new(
                    "backoff",
                    format!("{other:?} is not a backoff"),
                    "use fixed or exponential",
                ))
            }
        };
        let retry_on = match (raw.retry_on.as_deref(), raw.retry_all.as_deref()) {
            (Some("any"), _) => RetryOn::Any,
            (Some("transient"), _) => RetryOn::Transient,
            (Some(other), _) => {
                return Err(InputError::new(
                    "retry-on",
                    format!("{other:?} is not a retry rule"),
                    "use any or transient",
                ))
            }
            (None, None) => RetryOn::Any,
            (None, Some(all)) => {
                match parse_bool(all).map_err(|p| InputError::new("retry-all", p, BOOL_HINT))? {
                    true => RetryOn::Any,
                    false => RetryOn::Transient,
                }
            }
        };
        let timeout = duration("timeout", &raw.timeout, Duration::from_secs(10))?;
        if timeout.is_zero() {
            return Err(InputError::new(
                "timeout",
                "0 leaves no time for a request",
                DURATION_HINT,
            ));
        }
        let expected = StatusSet::parse(raw.expected_status.as_deref().unwrap_or("200-399"))
            .map_err(|p| {
                InputError::new(
                    "expected-status",
                    p,
                    "use codes, ranges and classes, e.g. 200,204 or 200-299 or 2xx,301",
                )
            })?;
        let boolean = |input: &'static str, v: &Option<String>, default: bool| {
            v.as_deref().map_or(Ok(default), |v| {
                parse_bool(v).map_err(|p| InputError::new(input, p, BOOL_HINT))
            })
        };
        let follow_redirects = boolean("follow-redirect", &raw.follow_redirect, true)?;
        let insecure = boolean("insecure", &raw.insecure, false)?;
        let fail_on_down = boolean("fail-on-down", &raw.fail_on_down, true)?;
        let method_text = raw.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
        let method = Method::from_bytes(method_text.as_bytes()).map_err(|_| {
            InputError::new(
                "method",
                format!("{method_text:?} is not an HTTP method"),
                "use GET, HEAD, POST or another method name",
            )
        })?;
        if method == Method::HEAD {
            for (input, set) in [
                ("body-contains", &raw.body_contains),
                ("body-not-contains", &raw.body_not_contains),
            ] {
                if set.is_some() {
                    return Err(InputError::new(
                        input,
                        "a HEAD response has no body to check",
                        "use method GET, or drop the body check",
                    ));
                }
            }
        }
        let max_response_time = match &raw.max_response_time {
            None => None,
            Some(v) => Some(
                parse_duration(v)
                    .map_err(|p| InputError::new("max-response-time", p, DURATION_HINT))?,
            ),
        };
        let cert_min_days = match &raw.cert_min_days {
            None => 14,
            Some(v) => parse_count(v, 0, 3650).map_err(|p| {
                InputError::new(
                    "cert-min-days",
                    p,
                    "use a whole number of days from 0 (off) to 3650",
                )
            })? as u32,
        };
        let concurrency = match &raw.concurrency {
            None => 8,
            Some(v) => parse_count(v, 1, 1024).map_err(|p| {
                InputError::new("concurrency", p, "use a whole number from 1 to 1024")
            })? as usize,
        };
        let ca_pem = match &raw.ca_cert {
            None => None,
            Some(v) => Some(load_ca(v)?),
        };
        let notify = match raw.notify.as_deref().unwrap_or("change") {
            "always" => NotifyPolicy::Always,
            "failure" => NotifyPolicy::Failure,
            "success" => NotifyPolicy::Success,
            "change" => NotifyPolicy::Change,
            "never" => NotifyPolicy::Never,
            other => {
                return Err(InputError::new(
                    "notify",
                    format!("{other:?} is not a notification policy"),
                    "use always, failure, success, change or never",
                ))
            }
        };
        secrets.retain(|s| !s.trim().is_empty());
        secrets.sort();
        secrets.dedup();

        Ok(Config {
            targets,
            request: RequestSpec {
                method,
                headers,
                follow_redirects,
                timeout,
                insecure,
                ca_pem,
            },
            retry: RetryPolicy {
                max_attempts,
                delay,
                backoff,
                retry_on,
            },
            checks: Checks {
                expected,
                body_contains: raw.body_contains,
                body_not_contains: raw.body_not_contains,
                max_response_time,
                cert_min_days,
            },
            concurrency,
            fail_on_down,
            notify,
            slack,
            secrets,
            unavailable,
        })
    }
}

/// Secret values in raw inputs, found without validating anything else: used to mask before an
/// input error is printed.
pub fn raw_secrets(raw: &RawInputs, slack_env: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = [
        raw.slack_webhook.as_deref(),
        raw.slack_token.as_deref(),
        raw.github_token.as_deref(),
        raw.heal_url.as_deref(),
        raw.heartbeat_url.as_deref(),
        slack_env,
    ]
    .into_iter()
    .flatten()
    .map(|s| s.trim().to_string())
    .collect();
    if let Some((_, password)) = raw.basic_auth.as_deref().and_then(|a| a.split_once(':')) {
        out.push(password.trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
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
    let mut count = 0;
    for block in x509_parser::pem::Pem::iter_from_buffer(&pem) {
        let bad = || {
            InputError::new(
                "ca-cert",
                "it holds a PEM block that is not a valid certificate",
                accepted,
            )
        };
        let block = block.map_err(|_| bad())?;
        if block.label == "CERTIFICATE" {
            block.parse_x509().map_err(|_| bad())?;
            count += 1;
        }
    }
    if count == 0 {
        return Err(InputError::new(
            "ca-cert",
            "no PEM certificate found in it",
            accepted,
        ));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests;

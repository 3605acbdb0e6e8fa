//! Every input of the contract as raw text. The same struct is filled from `INPUT_<NAME>`
//! variables (envy, hyphens kept: `INPUT_MAX-ATTEMPTS`) and from command-line flags of the same
//! names (clap); `over` merges them, a flag winning, empty values counting as unset.

use serde::Deserialize;

use super::InputError;

/// The raw text of each input; `None` or empty means "not set".
#[derive(Debug, Default, Clone, Deserialize, clap::Args)]
pub struct RawInputs {
    /// URLs to check, separated by newlines or `|` (positional URLs are added to these)
    #[arg(long = "url", value_name = "URLS")]
    pub url: Option<String>,
    /// Total requests per URL, the first included [default: 3]
    #[arg(long = "max-attempts", value_name = "N")]
    #[serde(rename = "max-attempts")]
    pub max_attempts: Option<String>,
    /// Wait between attempts: 500ms, 3s, 1m30s; a bare number is seconds [default: 3s]
    #[arg(long = "retry-delay", value_name = "DURATION")]
    #[serde(rename = "retry-delay")]
    pub retry_delay: Option<String>,
    /// fixed, or exponential (doubles each retry, up to 60s) [default: fixed]
    #[arg(long = "backoff", value_name = "KIND")]
    pub backoff: Option<String>,
    /// any (retry every failure) or transient (connection errors, timeouts, 408/425/429/500/502/503/504) [default: any]
    #[arg(long = "retry-on", value_name = "WHICH")]
    #[serde(rename = "retry-on")]
    pub retry_on: Option<String>,
    /// Limit for one attempt, from connect to the last byte of the body [default: 10s]
    #[arg(long = "timeout", value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Statuses that pass: codes, ranges, classes, e.g. 200,204 or 2xx,301 [default: 200-399]
    #[arg(long = "expected-status", value_name = "SET")]
    #[serde(rename = "expected-status")]
    pub expected_status: Option<String>,
    /// Follow up to 10 redirects and judge the final response [default: true]
    #[arg(long = "follow-redirect", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(rename = "follow-redirect")]
    pub follow_redirect: Option<String>,
    /// HTTP method [default: GET]
    #[arg(long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    /// Extra request headers, one `Name: value` per line
    #[arg(long = "headers", value_name = "LINES")]
    pub headers: Option<String>,
    /// user:password for HTTP basic authentication
    #[arg(long = "basic-auth", value_name = "USER:PASSWORD")]
    #[serde(rename = "basic-auth")]
    pub basic_auth: Option<String>,
    /// Cookie string, Name=Value
    #[arg(long = "cookie", value_name = "NAME=VALUE")]
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
    /// Accept invalid TLS certificates [default: false]
    #[arg(long = "insecure", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub insecure: Option<String>,
    /// Extra trusted root certificates: PEM text or a path to a PEM file
    #[arg(long = "ca-cert", value_name = "PEM|PATH")]
    #[serde(rename = "ca-cert")]
    pub ca_cert: Option<String>,
    /// How many URLs are checked at once [default: 8]
    #[arg(long = "concurrency", value_name = "N")]
    pub concurrency: Option<String>,
    /// Exit 1 when a URL is down [default: true]
    #[arg(long = "fail-on-down", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(rename = "fail-on-down")]
    pub fail_on_down: Option<String>,
    /// When Slack is told: always, failure, success, change, never [default: change]
    #[arg(long = "notify", value_name = "POLICY")]
    pub notify: Option<String>,
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
    /// Base of Slack's Web API [default: https://slack.com/api/]
    #[arg(long = "slack-api-url", value_name = "URL")]
    #[serde(rename = "slack-api-url")]
    pub slack_api_url: Option<String>,
    /// Who to mention: here, channel, user ids U…, user groups subteam^S…, comma-separated
    #[arg(long = "mention", value_name = "WHO")]
    pub mention: Option<String>,
    /// When the mention is added: always, failure, success, change [default: failure]
    #[arg(long = "mention-on", value_name = "WHEN")]
    #[serde(rename = "mention-on")]
    pub mention_on: Option<String>,
    /// Extra context in the message: repo,message,commit,author,action,eventName,ref,workflow,job,took or all [default: repo,workflow,ref]
    #[arg(long = "fields", value_name = "LIST")]
    pub fields: Option<String>,
    /// A Slack delivery failure fails the run [default: false]
    #[arg(long = "fail-on-notify-error", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(rename = "fail-on-notify-error")]
    pub fail_on_notify_error: Option<String>,
    /// GitHub token for run details
    #[arg(long = "github-token", value_name = "TOKEN")]
    pub github_token: Option<String>,
    /// jtalk compatibility: true is --retry-on any, false is --retry-on transient
    #[arg(long = "retry-all", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(rename = "retry-all")]
    pub retry_all: Option<String>,
    /// Where the state between runs is kept
    #[arg(long = "state-file", value_name = "PATH")]
    #[serde(rename = "state-file")]
    pub state_file: Option<String>,
    /// Separates the state of several monitors
    #[arg(long = "state-key", value_name = "KEY")]
    #[serde(rename = "state-key")]
    pub state_key: Option<String>,
    /// Consecutive failed runs before a URL counts as down [default: 1]
    #[arg(long = "failure-threshold", value_name = "N")]
    #[serde(rename = "failure-threshold")]
    pub failure_threshold: Option<String>,
    /// Consecutive good runs before a down URL counts as recovered [default: 1]
    #[arg(long = "success-threshold", value_name = "N")]
    #[serde(rename = "success-threshold")]
    pub success_threshold: Option<String>,
    /// While still down, notify again at most this often
    #[arg(long = "remind-every", value_name = "DURATION")]
    #[serde(rename = "remind-every")]
    pub remind_every: Option<String>,
    /// Called (GET) at the end of every completed run
    #[arg(long = "heartbeat-url", value_name = "URL")]
    #[serde(rename = "heartbeat-url")]
    pub heartbeat_url: Option<String>,
    /// Restart or deploy hook called once when a URL is down
    #[arg(long = "heal-url", value_name = "URL")]
    #[serde(rename = "heal-url")]
    pub heal_url: Option<String>,
    /// HTTP method for the restart hook [default: POST]
    #[arg(long = "heal-method", value_name = "METHOD")]
    #[serde(rename = "heal-method")]
    pub heal_method: Option<String>,
    /// Headers for the restart hook, one `Name: value` per line
    #[arg(long = "heal-headers", value_name = "LINES")]
    #[serde(rename = "heal-headers")]
    pub heal_headers: Option<String>,
    /// Request body for the restart hook
    #[arg(long = "heal-body", value_name = "TEXT")]
    #[serde(rename = "heal-body")]
    pub heal_body: Option<String>,
    /// How long to re-check after the hook [default: 3m]
    #[arg(long = "heal-wait", value_name = "DURATION")]
    #[serde(rename = "heal-wait")]
    pub heal_wait: Option<String>,
    /// Time between re-checks after the hook [default: 10s]
    #[arg(long = "heal-interval", value_name = "DURATION")]
    #[serde(rename = "heal-interval")]
    pub heal_interval: Option<String>,
    /// Least time between two hook calls [default: 30m]
    #[arg(long = "heal-cooldown", value_name = "DURATION")]
    #[serde(rename = "heal-cooldown")]
    pub heal_cooldown: Option<String>,
}

impl RawInputs {
    /// `INPUT_*` variables from the process environment.
    pub fn from_env() -> Result<RawInputs, InputError> {
        Self::from_vars(std::env::vars())
    }

    /// `INPUT_*` variables from the given pairs.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RawInputs, InputError> {
        envy::prefixed("INPUT_")
            .from_iter(vars)
            .map_err(|e| InputError::new("inputs", e.to_string(), "text values"))
    }

    /// Fields of `self` (flags) win over `env` (variables); values are trimmed and empty ones
    /// count as unset.
    pub fn over(self, env: RawInputs) -> RawInputs {
        RawInputs {
            url: set(self.url).or(set(env.url)),
            max_attempts: set(self.max_attempts).or(set(env.max_attempts)),
            retry_delay: set(self.retry_delay).or(set(env.retry_delay)),
            backoff: set(self.backoff).or(set(env.backoff)),
            retry_on: set(self.retry_on).or(set(env.retry_on)),
            timeout: set(self.timeout).or(set(env.timeout)),
            expected_status: set(self.expected_status).or(set(env.expected_status)),
            follow_redirect: set(self.follow_redirect).or(set(env.follow_redirect)),
            method: set(self.method).or(set(env.method)),
            headers: set(self.headers).or(set(env.headers)),
            basic_auth: set(self.basic_auth).or(set(env.basic_auth)),
            cookie: set(self.cookie).or(set(env.cookie)),
            body_contains: set(self.body_contains).or(set(env.body_contains)),
            body_not_contains: set(self.body_not_contains).or(set(env.body_not_contains)),
            max_response_time: set(self.max_response_time).or(set(env.max_response_time)),
            cert_min_days: set(self.cert_min_days).or(set(env.cert_min_days)),
            insecure: set(self.insecure).or(set(env.insecure)),
            ca_cert: set(self.ca_cert).or(set(env.ca_cert)),
            concurrency: set(self.concurrency).or(set(env.concurrency)),
            fail_on_down: set(self.fail_on_down).or(set(env.fail_on_down)),
            notify: set(self.notify).or(set(env.notify)),
            slack_webhook: set(self.slack_webhook).or(set(env.slack_webhook)),
            slack_token: set(self.slack_token).or(set(env.slack_token)),
            slack_channel: set(self.slack_channel).or(set(env.slack_channel)),
            slack_api_url: set(self.slack_api_url).or(set(env.slack_api_url)),
            mention: set(self.mention).or(set(env.mention)),
            mention_on: set(self.mention_on).or(set(env.mention_on)),
            fields: set(self.fields).or(set(env.fields)),
            fail_on_notify_error: set(self.fail_on_notify_error).or(set(env.fail_on_notify_error)),
            github_token: set(self.github_token).or(set(env.github_token)),
            retry_all: set(self.retry_all).or(set(env.retry_all)),
            state_file: set(self.state_file).or(set(env.state_file)),
            state_key: set(self.state_key).or(set(env.state_key)),
            failure_threshold: set(self.failure_threshold).or(set(env.failure_threshold)),
            success_threshold: set(self.success_threshold).or(set(env.success_threshold)),
            remind_every: set(self.remind_every).or(set(env.remind_every)),
            heartbeat_url: set(self.heartbeat_url).or(set(env.heartbeat_url)),
            heal_url: set(self.heal_url).or(set(env.heal_url)),
            heal_method: set(self.heal_method).or(set(env.heal_method)),
            heal_headers: set(self.heal_headers).or(set(env.heal_headers)),
            heal_body: set(self.heal_body).or(set(env.heal_body)),
            heal_wait: set(self.heal_wait).or(set(env.heal_wait)),
            heal_interval: set(self.heal_interval).or(set(env.heal_interval)),
            heal_cooldown: set(self.heal_cooldown).or(set(env.heal_cooldown)),
        }
    }
}

/// Trimmed, and `None` when empty.
pub(super) fn set(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The input names, in the contract's order (for tests that compare with `action.yml`).
pub const INPUT_NAMES: &[&str] = &[
    "url",
    "max-attempts",
    "retry-delay",
    "backoff",
    "retry-on",
    "timeout",
    "expected-status",
    "follow-redirect",
    "method",
    "headers",
    "basic-auth",
    "cookie",
    "body-contains",
    "body-not-contains",
    "max-response-time",
    "cert-min-days",
    "insecure",
    "ca-cert",
    "concurrency",
    "fail-on-down",
    "notify",
    "slack-webhook",
    "slack-token",
    "slack-channel",
    "slack-api-url",
    "mention",
    "mention-on",
    "fields",
    "fail-on-notify-error",
    "github_token",
    "retry-all",
    "state-file",
    "state-key",
    "state-scope",
    "failure-threshold",
    "success-threshold",
    "remind-every",
    "heartbeat-url",
    "heal-url",
    "heal-method",
    "heal-headers",
    "heal-body",
    "heal-wait",
    "heal-interval",
    "heal-cooldown",
];

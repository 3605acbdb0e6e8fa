//! Every input of the contract, listed once, as raw text. The one table below gives each input's
//! name (`INPUT_<NAME>` with hyphens kept, e.g. `INPUT_MAX-ATTEMPTS`, read with envy), its
//! command-line flag (clap), its help line, and which part of its value is secret; `RawInputs`,
//! `over` (a flag winning, values trimmed, empty ones unset), `get` and `INPUTS` all come from it.

use clap::builder::ValueRange;
use serde::Deserialize;

use super::InputError;

/// How a command-line flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `--name VALUE`.
    Text,
    /// A boolean: `--name` alone means `--name true`.
    Switch,
}

impl Form {
    fn num_args(self) -> ValueRange {
        match self {
            Form::Text => ValueRange::SINGLE,
            Form::Switch => ValueRange::new(0..=1),
        }
    }

    fn missing_value(self) -> Option<&'static str> {
        match self {
            Form::Text => None,
            Form::Switch => Some("true"),
        }
    }
}

/// Which part of an input's value must be masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    /// Nothing.
    No,
    /// The whole value (tokens, webhook and hook URLs).
    Whole,
    /// The part after the first `:` of `user:password`.
    Password,
    /// The value of each `Name: value` line.
    HeaderValues,
    /// Parts known only once the value is parsed (a URL's user info and query values, cookie
    /// values); `Config::from_inputs` collects them.
    WhenParsed,
}

/// One input of the contract, as `action.yml` declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    /// The name in `action.yml` and in `INPUT_<NAME>`.
    pub name: &'static str,
    /// The command-line flag, without `--` (the name, except `github-token`).
    pub flag: &'static str,
    pub form: Form,
    pub secret: Secret,
}

/// The flag of an input: its name unless the row gives another.
macro_rules! flag_name {
    ($name:tt) => {
        $name
    };
    ($name:tt, $flag:tt) => {
        $flag
    };
}

/// The table: `field: "name" [/ "flag"] <"VALUE NAME"> Form, Secret;` with the help line above.
macro_rules! inputs {
    ($(
        $(#[doc = $help:tt])*
        $field:ident: $name:tt $(/ $flag:tt)? <$value:tt> $form:ident, $secret:ident;
    )*) => {
        /// The raw text of each input; `None` or empty means "not set".
        #[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, clap::Args)]
        pub struct RawInputs {
            $(
                $(#[doc = $help])*
                #[arg(
                    long = flag_name!($name $(, $flag)?),
                    value_name = $value,
                    num_args = Form::$form.num_args(),
                    default_missing_value = Form::$form.missing_value()
                )]
                #[serde(rename = $name)]
                pub $field: Option<String>,
            )*
        }

        /// Every input, in the contract's (and `action.yml`'s) order.
        pub const INPUTS: &[Input] = &[$(
            Input {
                name: $name,
                flag: flag_name!($name $(, $flag)?),
                form: Form::$form,
                secret: Secret::$secret,
            },
        )*];

        impl RawInputs {
            /// Fields of `self` (flags) win over `env` (variables); values are trimmed and empty
            /// ones count as unset.
            pub fn over(self, env: RawInputs) -> RawInputs {
                RawInputs {
                    $($field: set(self.$field).or(set(env.$field)),)*
                }
            }

            /// The raw value of the input named `name` (as in `action.yml`).
            pub fn get(&self, name: &str) -> Option<&str> {
                match name {
                    $($name => self.$field.as_deref(),)*
                    _ => None,
                }
            }
        }
    };
}

inputs! {
    /// URLs to check, separated by newlines or `|`; `Name=https://…` names one (positional URLs are added to these)
    url: "url" <"URLS"> Text, WhenParsed;
    /// Total requests per URL, the first included [default: 3]
    max_attempts: "max-attempts" <"N"> Text, No;
    /// Wait between attempts: 500ms, 3s, 1m30s; a bare number is seconds [default: 3s]
    retry_delay: "retry-delay" <"DURATION"> Text, No;
    /// fixed, or exponential (doubles each retry, up to 60s) [default: fixed]
    backoff: "backoff" <"KIND"> Text, No;
    /// any (retry every failure) or transient (connection errors, timeouts, 408/425/429/500/502/503/504) [default: any]
    retry_on: "retry-on" <"WHICH"> Text, No;
    /// Limit for one attempt, from connect to the last byte of the body [default: 10s]
    timeout: "timeout" <"DURATION"> Text, No;
    /// Statuses that pass: codes, ranges, classes, e.g. 200,204 or 2xx,301 [default: 200-399]
    expected_status: "expected-status" <"SET"> Text, No;
    /// Follow up to 10 redirects and judge the final response [default: true]
    follow_redirect: "follow-redirect" <"BOOL"> Switch, No;
    /// HTTP method [default: GET]
    method: "method" <"METHOD"> Text, No;
    /// Extra request headers, one `Name: value` per line
    headers: "headers" <"LINES"> Text, HeaderValues;
    /// user:password for HTTP basic authentication
    basic_auth: "basic-auth" <"USER:PASSWORD"> Text, Password;
    /// Cookie string, Name=Value
    cookie: "cookie" <"NAME=VALUE"> Text, WhenParsed;
    /// Text the response body must contain
    body_contains: "body-contains" <"TEXT"> Text, No;
    /// Text the response body must not contain
    body_not_contains: "body-not-contains" <"TEXT"> Text, No;
    /// Slower than this: the URL is degraded
    max_response_time: "max-response-time" <"DURATION"> Text, No;
    /// A certificate expiring within this many days makes the URL degraded; 0 turns it off [default: 14]
    cert_min_days: "cert-min-days" <"DAYS"> Text, No;
    /// Accept invalid TLS certificates [default: false]
    insecure: "insecure" <"BOOL"> Switch, No;
    /// Extra trusted root certificates: PEM text or a path to a PEM file
    ca_cert: "ca-cert" <"PEM|PATH"> Text, No;
    /// How many URLs are checked at once [default: 8]
    concurrency: "concurrency" <"N"> Text, No;
    /// Check every URL again this often, e.g. 1m (at least 1s); with run-for, rounds inside one step
    every: "every" <"DURATION"> Text, No;
    /// How long the rounds go on, e.g. 4m30s (at most 6h); empty: one round in a workflow, until stopped on a terminal
    run_for: "run-for" <"DURATION"> Text, No;
    /// Exit 1 when a URL is down [default: true]
    fail_on_down: "fail-on-down" <"BOOL"> Switch, No;
    /// When Slack, Discord, Teams and the webhook are told: always, failure, success, change, never [default: change]
    notify: "notify" <"POLICY"> Text, No;
    /// Slack incoming-webhook URL (else $SLACK_WEBHOOK_URL)
    slack_webhook: "slack-webhook" <"URL"> Text, Whole;
    /// Slack bot token (with --slack-channel)
    slack_token: "slack-token" <"TOKEN"> Text, Whole;
    /// Slack channel for the bot token
    slack_channel: "slack-channel" <"CHANNEL"> Text, No;
    /// Base of Slack's Web API [default: https://slack.com/api/]
    slack_api_url: "slack-api-url" <"URL"> Text, No;
    /// Who to mention: here, channel, user ids U…, user groups subteam^S…, comma-separated
    mention: "mention" <"WHO"> Text, No;
    /// When the mention is added: always, failure, success, change [default: failure]
    mention_on: "mention-on" <"WHEN"> Text, No;
    /// Extra context in the message: repo,message,commit,author,action,eventName,ref,workflow,job,took or all [default: repo,workflow,ref]
    fields: "fields" <"LIST"> Text, No;
    /// A delivery failure (Slack, Discord, Teams, the webhook) fails the run [default: false]
    fail_on_notify_error: "fail-on-notify-error" <"BOOL"> Switch, No;
    /// Discord webhook URL (Server Settings → Integrations → Webhooks)
    discord_webhook: "discord-webhook" <"URL"> Text, Whole;
    /// Microsoft Teams Workflows webhook URL ("When a Teams webhook request is received")
    teams_webhook: "teams-webhook" <"URL"> Text, Whole;
    /// Any URL to POST a signed JSON document to (upcheck.webhook/1)
    webhook_url: "webhook-url" <"URL"> Text, Whole;
    /// Key for the HMAC-SHA256 signature of the webhook body (X-Upcheck-Signature)
    webhook_secret: "webhook-secret" <"SECRET"> Text, Whole;
    /// GitHub token for run details, the incident issues and keepalive
    github_token: "github_token" / "github-token" <"TOKEN"> Text, Whole;
    /// jtalk compatibility: true is --retry-on any, false is --retry-on transient
    retry_all: "retry-all" <"BOOL"> Switch, No;
    /// Where the state between runs is kept
    state_file: "state-file" <"PATH"> Text, No;
    /// Separates the state of several monitors
    state_key: "state-key" <"KEY"> Text, No;
    /// Consecutive failed runs before a URL counts as down [default: 1]
    failure_threshold: "failure-threshold" <"N"> Text, No;
    /// Consecutive good runs before a down URL counts as recovered [default: 1]
    success_threshold: "success-threshold" <"N"> Text, No;
    /// While still down, notify again at most this often
    remind_every: "remind-every" <"DURATION"> Text, No;
    /// Called (GET) at the end of every completed run
    heartbeat_url: "heartbeat-url" <"URL"> Text, Whole;
    /// Restart or deploy hook called once when a URL is down
    heal_url: "heal-url" <"URL"> Text, Whole;
    /// HTTP method for the restart hook [default: POST]
    heal_method: "heal-method" <"METHOD"> Text, No;
    /// Headers for the restart hook, one `Name: value` per line
    heal_headers: "heal-headers" <"LINES"> Text, HeaderValues;
    /// Request body for the restart hook
    heal_body: "heal-body" <"TEXT"> Text, No;
    /// How long to re-check after the hook [default: 3m]
    heal_wait: "heal-wait" <"DURATION"> Text, No;
    /// Time between re-checks after the hook [default: 10s]
    heal_interval: "heal-interval" <"DURATION"> Text, No;
    /// Least time between two hook calls [default: 30m]
    heal_cooldown: "heal-cooldown" <"DURATION"> Text, No;
    /// Restart through a platform's API instead of heal-url: render, railway, fly, koyeb or cloudtype
    heal_preset: "heal-preset" <"PLATFORM"> Text, No;
    /// The platform API token for heal-preset
    heal_token: "heal-token" <"TOKEN"> Text, Whole;
    /// What heal-preset restarts: the service id (render, railway, koyeb), the app name (fly), or stage/deployment (cloudtype)
    heal_service: "heal-service" <"ID"> Text, No;
    /// The CloudType project for heal-preset cloudtype, as scope/project
    heal_project: "heal-project" <"SCOPE/PROJECT"> Text, No;
    /// The Railway environment id for heal-preset railway with an account or workspace token
    heal_environment: "heal-environment" <"ID"> Text, No;
    /// Base URL of the platform's API for heal-preset (for tests and proxies)
    heal_api_url: "heal-api-url" <"URL"> Text, No;
    /// Daily windows in which outages are recorded but not announced, e.g. `03:00-09:00 Asia/Seoul`; one per line or comma-separated
    quiet_hours: "quiet-hours" <"WINDOWS"> Text, No;
    /// Maintenance windows in which outages are recorded but not announced: START/END as RFC 3339 instants, or local times and a zone
    maintenance: "maintenance" <"WINDOWS"> Text, No;
    /// Open a GitHub issue per URL that counts as down, comment on it, close it on recovery [default: false]
    github_issues: "github-issues" <"BOOL"> Switch, No;
    /// Labels of the incident issues, comma-separated; the first finds them again [default: upcheck,incident]
    issue_labels: "issue-labels" <"LIST"> Text, No;
    /// GitHub logins assigned to the incident issues, comma-separated
    issue_assignees: "issue-assignees" <"LOGINS"> Text, No;
    /// Re-enable this workflow through GitHub's API after 50 days without a push, so that the 60-day rule never disables its schedule; needs `permissions: actions: write` [default: false]
    keepalive: "keepalive" <"BOOL"> Switch, No;
    /// Write a static status page, badges and history.json into this directory
    status_dir: "status-dir" <"DIR"> Text, No;
    /// The status page's title [default: Status]
    status_title: "status-title" <"TEXT"> Text, No;
    /// A Slack digest of the history: daily, weekly or off [default: off]
    digest: "digest" <"WHEN"> Text, No;
    /// A published history.json to rebuild the history from when the state holds none
    history_url: "history-url" <"URL"> Text, WhenParsed;
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
}

/// Trimmed, and `None` when empty.
pub(super) fn set(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Inputs of `action.yml` that the composite action itself consumes and never forwards to the
/// binary (`state-scope` only goes into the state step's monitor hash).
pub const ACTION_ONLY_INPUTS: &[&str] = &["state-scope"];

/// Secret values in raw inputs, found without validating anything (the inputs marked `Whole`,
/// `Password` or `HeaderValues`, and `$SLACK_WEBHOOK_URL`): masked before any message, including
/// an input error.
pub fn raw_secrets(raw: &RawInputs, slack_env: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for input in INPUTS {
        let Some(value) = raw.get(input.name) else {
            continue;
        };
        match input.secret {
            Secret::Whole => out.push(value.trim().to_string()),
            Secret::Password => {
                if let Some((_, password)) = value.split_once(':') {
                    out.push(password.trim().to_string());
                }
            }
            Secret::HeaderValues => out.extend(
                value
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string()),
            ),
            Secret::No | Secret::WhenParsed => {}
        }
    }
    out.extend(slack_env.map(|s| s.trim().to_string()));
    out.retain(|s| !s.is_empty());
    out
}

//! The channels beside Slack: Discord (`discord`), Microsoft Teams (`teams`) and any receiver of
//! a signed JSON document (`webhook`). Each has a pure renderer and a judge of the receiver's
//! answers; `deliver` gets a body there (429 waits, 5xx and connection errors retried with
//! backoff, other answers final, one time budget, the cancel token). `notify` decides with the
//! policy every channel shares (`crate::policy`), then sends to every configured channel at once;
//! one's failure never stops another.

pub mod deliver;
pub mod discord;
pub mod teams;
pub mod webhook;

use std::fmt;

use reqwest::Client;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::config::{ChannelSettings, NotifyPolicy};
use crate::github::context::RunContext;
use crate::report::RunReport;
pub use deliver::{ChannelError, Delivered};

/// A channel beside Slack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    Discord,
    Teams,
    Webhook,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Discord, Channel::Teams, Channel::Webhook];

    /// The name in the log, the summary and `notify-error` lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Discord => "Discord",
            Channel::Teams => "Teams",
            Channel::Webhook => "Webhook",
        }
    }

    /// The input that configures it.
    pub fn input(self) -> &'static str {
        match self {
            Channel::Discord => "discord-webhook",
            Channel::Teams => "teams-webhook",
            Channel::Webhook => "webhook-url",
        }
    }

    /// What the channel is, in an error message.
    pub fn target(self) -> &'static str {
        match self {
            Channel::Discord => "the Discord webhook",
            Channel::Teams => "the Teams workflow",
            Channel::Webhook => "the webhook",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one channel came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Delivered(Delivered),
    Failed(ChannelError),
    /// No message was due, or none could be sent; why, for the log.
    Skipped(String),
}

/// One configured channel and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub channel: Channel,
    pub sent: Sent,
}

impl Outcome {
    /// "Discord: message delivered", "Teams: message not delivered: …", "Webhook: no message (…)".
    pub fn describe(&self) -> String {
        let name = self.channel.as_str();
        match &self.sent {
            Sent::Delivered(d) if d.tries > 1 => {
                format!("{name}: message delivered after {} tries", d.tries)
            }
            Sent::Delivered(_) => format!("{name}: message delivered"),
            Sent::Failed(e) => format!("{name}: message not delivered: {e}"),
            Sent::Skipped(why) => format!("{name}: no message ({why})"),
        }
    }

    /// The `notify-error` line: the channel's name, then why its message did not arrive.
    pub fn error_line(&self) -> Option<String> {
        match &self.sent {
            Sent::Failed(e) => Some(format!("{}: {e}", self.channel.as_str())),
            _ => None,
        }
    }
}

/// Every configured channel's outcome, in `Channel::ALL` order (empty: none is configured).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcomes(pub Vec<Outcome>);

impl Outcomes {
    /// Some channel got its message.
    pub fn notified(&self) -> bool {
        self.0.iter().any(|o| matches!(o.sent, Sent::Delivered(_)))
    }

    /// Some channel's due message did not arrive (a cancel included).
    pub fn failed(&self) -> impl Iterator<Item = &Outcome> {
        self.0.iter().filter(|o| matches!(o.sent, Sent::Failed(_)))
    }

    /// A cancel stopped some channel's delivery.
    pub fn cut_short(&self) -> bool {
        self.0
            .iter()
            .any(|o| o.sent == Sent::Failed(ChannelError::Cancelled))
    }

    /// The `notify-error` lines, one per channel whose message did not arrive.
    pub fn error_lines(&self) -> Vec<String> {
        self.0.iter().filter_map(Outcome::error_line).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The configured channels, in order.
pub fn configured(settings: &ChannelSettings) -> Vec<Channel> {
    Channel::ALL
        .into_iter()
        .filter(|c| match c {
            Channel::Discord => settings.discord.is_some(),
            Channel::Teams => settings.teams.is_some(),
            Channel::Webhook => settings.webhook.is_some(),
        })
        .collect()
}

/// What a message says about one URL, unescaped and one line each: the outage note, the
/// reason (or the HTTP code), the attempts and the response time; the same as Slack's line.
pub fn url_facts(r: &crate::report::UrlResult, now: time::OffsetDateTime) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(note) = r.outage_note(now) {
        facts.push(note);
    }
    match r.reason() {
        Some(reason) => facts.push(crate::text::clip(&crate::redact::log_safe(&reason), 300)),
        None => {
            if let Some(code) = r.http_status {
                facts.push(format!("HTTP {code}"));
            }
        }
    }
    if r.failure.is_none() && r.attempts > 1 {
        facts.push(format!("{} attempts", r.attempts));
    }
    if let Some(t) = r.response_time {
        facts.push(crate::text::format_duration(t));
    }
    facts
}

/// A URL without its scheme, for a label.
pub fn url_label(url: &str) -> &str {
    url.trim_start_matches("https://")
        .trim_start_matches("http://")
}

/// "checked 2026-11-25 03:04:05 UTC in 1.2s".
pub fn checked_line(report: &RunReport) -> String {
    format!(
        "checked {} UTC in {}",
        crate::text::rfc3339(report.started_at)
            .replace('T', " ")
            .trim_end_matches('Z'),
        crate::text::format_duration(report.duration)
    )
}

/// "octo/repo · CI #12", from what the run knows.
pub fn run_label(ctx: &RunContext) -> Option<String> {
    let run = match (&ctx.workflow, &ctx.run_number) {
        (Some(w), Some(n)) => Some(format!("{w} #{n}")),
        (Some(w), None) => Some(w.clone()),
        _ => None,
    };
    let parts: Vec<String> = ctx.repository.iter().cloned().chain(run).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Keys whose values are the format's own words, never text from a run: left alone, so a short
/// secret that happens to be such a word cannot break the message's shape.
const STRUCTURAL: [&str; 10] = [
    "type",
    "contentType",
    "version",
    "$schema",
    "schema",
    "size",
    "weight",
    "color",
    "width",
    "username",
];

/// Replace every secret (of at least 4 characters) in every text string of `v` with `***`:
/// nothing a receiver gets carries one, whatever a server put into a reason.
pub fn scrub(v: &mut Value, secrets: &[String]) {
    match v {
        Value::String(s) => {
            for secret in secrets.iter().filter(|s| s.chars().count() >= 4) {
                if s.contains(secret.as_str()) {
                    *s = s.replace(secret.as_str(), "***");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| scrub(i, secrets)),
        Value::Object(map) => map
            .iter_mut()
            .filter(|(k, _)| !STRUCTURAL.contains(&k.as_str()))
            .for_each(|(_, i)| scrub(i, secrets)),
        _ => {}
    }
}

/// Decide with `policy` (the same decision Slack's), build each configured channel's message and
/// send them all at once, each done by `deadline` (the step's notification deadline). `remind`: a reminder is due for a URL
/// that is still down; `quiet`: what the quiet windows hold back. `secrets` are scrubbed from
/// every body.
#[expect(
    clippy::too_many_arguments,
    reason = "one call carries everything every channel may need, told at once under one deadline"
)]
pub async fn notify(
    settings: &ChannelSettings,
    policy: NotifyPolicy,
    report: &RunReport,
    remind: bool,
    quiet: &crate::policy::Quiet,
    ctx: &RunContext,
    secrets: &[String],
    client: &Client,
    cancel: &CancellationToken,
    deadline: std::time::Instant,
) -> Outcomes {
    let channels = configured(settings);
    let skip_all = |why: String| {
        Outcomes(
            channels
                .iter()
                .map(|&channel| Outcome {
                    channel,
                    sent: Sent::Skipped(why.clone()),
                })
                .collect(),
        )
    };
    if let Some(signal) = report.cancelled {
        return skip_all(format!("the run was cancelled by {signal}"));
    }
    if let Err(why) = crate::policy::due(policy, report, remind, quiet) {
        return skip_all(why);
    }
    let requests: Vec<(Channel, deliver::Request)> = channels
        .iter()
        .filter_map(|&channel| {
            let request = match channel {
                Channel::Discord => {
                    let mut body = discord::render(report, ctx);
                    scrub(&mut body, secrets);
                    discord::request(settings.discord.as_ref()?, &body)
                }
                Channel::Teams => {
                    let mut body = teams::render(report, ctx);
                    scrub(&mut body, secrets);
                    teams::request(settings.teams.as_ref()?, &body)
                }
                Channel::Webhook => {
                    let delivery = uuid::Uuid::new_v4().to_string();
                    let sent_at = time::OffsetDateTime::now_utc();
                    let mut body = webhook::render(report, ctx, remind, &delivery, sent_at);
                    scrub(&mut body, secrets);
                    webhook::request(
                        settings.webhook.as_ref()?,
                        &body,
                        &delivery,
                        settings.webhook_secret.as_deref(),
                    )
                }
            };
            Some((channel, request))
        })
        .collect();
    let budget = deadline.saturating_duration_since(std::time::Instant::now());
    let sends = requests.iter().map(|(channel, request)| async move {
        let result = deliver::deliver_within(client, *channel, request, cancel, budget).await;
        Outcome {
            channel: *channel,
            sent: match result {
                Ok(d) => Sent::Delivered(d),
                Err(e) => Sent::Failed(e),
            },
        }
    });
    Outcomes(futures_util::future::join_all(sends).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_replaces_secrets_everywhere() {
        let mut v = serde_json::json!({"a": "x tok3n y", "b": ["tok3n"], "c": 1, "type": "tok3n", "d": "ab"});
        scrub(&mut v, &["tok3n".into(), String::new(), "ab".into()]);
        assert_eq!(
            v,
            serde_json::json!({"a": "x *** y", "b": ["***"], "c": 1, "type": "tok3n", "d": "ab"})
        );
    }

    #[test]
    fn lines_name_the_channel() {
        let failed = Outcome {
            channel: Channel::Discord,
            sent: Sent::Failed(ChannelError::Cancelled),
        };
        assert_eq!(
            failed.error_line().unwrap(),
            "Discord: the message was not sent: the run was cancelled"
        );
        let done = Outcome {
            channel: Channel::Teams,
            sent: Sent::Delivered(Delivered { tries: 2 }),
        };
        assert_eq!(done.describe(), "Teams: message delivered after 2 tries");
        let all = Outcomes(vec![failed, done]);
        assert!(all.notified());
        assert_eq!(all.error_lines().len(), 1);
    }
}

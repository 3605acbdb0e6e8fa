//! Slack: when to tell (`policy`), what to say (`message`, `fields`), and getting it there
//! (`deliver`). `notify` runs the whole phase for a report and says what happened.

pub mod deliver;
pub mod fields;
pub mod message;
pub mod policy;

use reqwest::Client;
use tokio_util::sync::CancellationToken;

use crate::config::SlackSettings;
use crate::github::api::Api;
use crate::github::context::RunContext;
use crate::report::RunReport;
use crate::state::Incident;
pub use deliver::{ApiMethod, Delivered, Destination, SlackError};

/// What the Slack phase came to.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Set when a message was delivered.
    pub delivered: Option<Delivered>,
    /// Set when a message was due but did not arrive.
    pub error: Option<SlackError>,
    /// Why no message was due, for the log.
    pub skipped: Option<String>,
    /// Fields left out of a message, with the reason.
    pub warnings: Vec<String>,
}

impl Outcome {
    fn skipped(why: impl Into<String>) -> Outcome {
        Outcome {
            skipped: Some(why.into()),
            ..Outcome::default()
        }
    }

    pub fn notified(&self) -> bool {
        self.delivered.is_some()
    }

    /// One line for the log and the summary.
    pub fn describe(&self) -> String {
        match (&self.delivered, &self.error, &self.skipped) {
            (Some(d), _, _) => format!(
                "Slack: message delivered{}",
                if d.tries > 1 {
                    format!(" after {} tries", d.tries)
                } else {
                    String::new()
                }
            ),
            (None, Some(e), _) => format!("Slack: message not delivered: {e}"),
            (None, None, Some(why)) => format!("Slack: no message ({why})"),
            (None, None, None) => "Slack: no message".into(),
        }
    }
}

/// Where the settings send messages: the webhook first, else the bot token and channel.
pub fn destination(s: &SlackSettings) -> Option<Destination> {
    if let Some(webhook) = &s.webhook {
        return Some(Destination::Webhook(webhook.clone()));
    }
    Some(Destination::Api {
        base: s.api_url.clone(),
        token: s.token.clone()?,
        channel: s.channel.clone()?,
        method: ApiMethod::PostMessage,
    })
}

/// Decide, build and send the message for `report`. `remind`: a reminder is due for a URL that
/// is still down. `thread`: the outage message this run's recovery answers (bot token only).
#[allow(clippy::too_many_arguments)]
pub async fn notify(
    settings: &SlackSettings,
    report: &RunReport,
    remind: bool,
    thread: Option<&Incident>,
    ctx: &RunContext,
    client: &Client,
    cancel: &CancellationToken,
) -> Outcome {
    let Some(to) = destination(settings) else {
        return Outcome::skipped("no slack-webhook, SLACK_WEBHOOK_URL or slack-token is set");
    };
    if let Some(signal) = report.cancelled {
        return Outcome {
            error: Some(SlackError::Cancelled),
            skipped: Some(format!("the run was cancelled by {signal}")),
            ..Outcome::default()
        };
    }
    if let Err(why) = crate::policy::due(settings.notify, report, remind) {
        return Outcome::skipped(why);
    }
    let status = report.status();
    let changed = crate::policy::changed(report);
    let mention = policy::should_mention(settings.mention_on, status, changed)
        .then_some(settings.mention.as_slice());
    let started = std::time::Instant::now();
    let api = Api {
        client,
        base: &ctx.api_url,
        token: settings.github_token.as_deref(),
    };
    let gathered = tokio::select! {
        gathered = fields::gather(&settings.fields, ctx, &api) => gathered,
        () = cancel.cancelled() => return Outcome { error: Some(SlackError::Cancelled), ..Outcome::default() },
    };
    let (fields, warnings) = gathered;
    let mut payload = message::render(report, ctx, &fields, mention);
    // A recovery answers its outage in the thread, and shows in the channel too.
    let to = match (to, thread) {
        (Destination::Api { base, token, .. }, Some(incident)) => {
            payload["thread_ts"] = incident.ts.clone().into();
            payload["reply_broadcast"] = true.into();
            Destination::Api {
                base,
                token,
                channel: incident.channel.clone(),
                method: ApiMethod::PostMessage,
            }
        }
        (to, _) => to,
    };
    // The API calls for the fields count against the phase's budget too.
    let budget = deliver::BUDGET.saturating_sub(started.elapsed());
    match deliver::deliver_within(client, &to, &payload, cancel, budget).await {
        Ok(d) => Outcome {
            delivered: Some(d),
            warnings,
            ..Outcome::default()
        },
        Err(e) => Outcome {
            error: Some(e),
            warnings,
            ..Outcome::default()
        },
    }
}

/// Mark the outage messages this run ends as resolved (`chat.update`, bot token only).
pub async fn resolve(
    settings: &SlackSettings,
    incidents: &[Incident],
    report: &RunReport,
    client: &Client,
    cancel: &CancellationToken,
) -> Vec<SlackError> {
    let (Some(token), false) = (&settings.token, settings.webhook.is_some()) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for incident in incidents {
        let mut payload = message::render_resolved(report);
        payload["ts"] = incident.ts.clone().into();
        let to = Destination::Api {
            base: settings.api_url.clone(),
            token: token.clone(),
            channel: incident.channel.clone(),
            method: ApiMethod::Update,
        };
        let budget = deliver::REQUEST_TIMEOUT;
        if let Err(e) = deliver::deliver_within(client, &to, &payload, cancel, budget).await {
            errors.push(e);
        }
    }
    errors
}

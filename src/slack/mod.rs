//! Slack: when to tell (`policy`), what to say (`message`, `fields`), and getting it there
//! (`deliver`). `notify` runs the whole phase for a report and says what happened.

pub mod deliver;
pub mod fields;
pub mod message;
pub mod policy;

use std::time::Instant;

use reqwest::Client;
use tokio_util::sync::CancellationToken;

use crate::config::SlackSettings;
use crate::github::api::Api;
use crate::github::context::RunContext;
use crate::report::{Incident, RunView, SlackOutcome};
pub use deliver::{ApiMethod, Delivered, Destination, SlackError};

/// What the Slack phase came to.
pub type Outcome = SlackOutcome<SlackError>;

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

/// Decide, build and send the message for the run in `view`, done by `deadline`. `remind`: a reminder is
/// due for a URL that is still down; `quiet`: what the quiet windows hold back. `thread`: the
/// outage message this run's recovery answers (bot token only).
#[expect(
    clippy::too_many_arguments,
    reason = "Slack's send needs the view, thread, context, client, cancel token and deadline of the run"
)]
pub async fn notify(
    settings: &SlackSettings,
    view: &RunView<'_>,
    remind: bool,
    quiet: &crate::policy::Quiet,
    thread: Option<&Incident>,
    ctx: &RunContext,
    client: &Client,
    cancel: &CancellationToken,
    deadline: Instant,
) -> Outcome {
    let report = view.report;
    let Some(to) = destination(settings) else {
        return Outcome::NotConfigured;
    };
    if report.cancelled.is_some() {
        return Outcome::Cancelled {
            due: false,
            warnings: Vec::new(),
        };
    }
    if let Err(why) = crate::policy::due(settings.notify, report, remind, quiet) {
        return Outcome::Skipped { why };
    }
    let status = report.status();
    let changed = crate::policy::changed(report, quiet);
    let mention = policy::should_mention(settings.mention_on, status, changed)
        .then_some(settings.mention.as_slice());
    let api = Api {
        client,
        base: &ctx.api_url,
        token: settings.github_token.as_deref(),
    };
    let cut_short = Outcome::Cancelled {
        due: true,
        warnings: Vec::new(),
    };
    // The API calls for the fields count against the phase's time too.
    let gathered = tokio::select! {
        gathered = fields::gather(&settings.fields, ctx, &api) => gathered,
        () = cancel.cancelled() => return cut_short,
        () = tokio::time::sleep_until(deadline.into()) => (Vec::new(), vec!["the fields were left out: the GitHub API did not answer in time".to_string()]),
    };
    let (fields, warnings) = gathered;
    let mut payload = message::render(view, ctx, &fields, mention);
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
    let budget = deadline.saturating_duration_since(Instant::now());
    match deliver::deliver_within(client, &to, &payload, cancel, budget).await {
        Ok(d) => Outcome::Delivered {
            tries: d.tries,
            posted: match (d.channel, d.ts) {
                (Some(channel), Some(ts)) => Some(Incident { channel, ts }),
                _ => None,
            },
            warnings,
        },
        Err(SlackError::Cancelled) => Outcome::Cancelled {
            due: true,
            warnings,
        },
        Err(error) => Outcome::Failed { error, warnings },
    }
}

/// Mark the outage messages this run ends as resolved (`chat.update`, bot token only), each
/// within one request's time and all by `deadline`.
pub async fn resolve(
    settings: &SlackSettings,
    incidents: &[Incident],
    view: &RunView<'_>,
    client: &Client,
    cancel: &CancellationToken,
    deadline: Instant,
) -> Vec<SlackError> {
    let (Some(token), false) = (&settings.token, settings.webhook.is_some()) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for incident in incidents {
        let mut payload = message::render_resolved(view);
        payload["ts"] = incident.ts.clone().into();
        let to = Destination::Api {
            base: settings.api_url.clone(),
            token: token.clone(),
            channel: incident.channel.clone(),
            method: ApiMethod::Update,
        };
        let budget =
            deliver::REQUEST_TIMEOUT.min(deadline.saturating_duration_since(Instant::now()));
        if let Err(e) = deliver::deliver_within(client, &to, &payload, cancel, budget).await {
            errors.push(e);
        }
    }
    errors
}

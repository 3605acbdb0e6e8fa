//! What the Slack phase came to (`SlackOutcome`), and how it is said in the log, the summary and
//! the `notified` / `notify-error` outputs. The error type is the sender's (`slack::SlackError`);
//! this side only needs to say it, so the report does not depend on the code that sends.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A message in a Slack channel (bot token only): what a thread reply answers and what
/// `chat.update` changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Incident {
    pub channel: String,
    pub ts: String,
}

/// The words a cancelled send leaves in `notify-error`.
pub const CANCELLED: &str = "the message was not sent: the run was cancelled";

/// What the Slack phase came to. `E` is why a message did not arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackOutcome<E> {
    /// No `slack-webhook`, `SLACK_WEBHOOK_URL` or `slack-token`: Slack is not part of this run.
    NotConfigured,
    /// No message was due (the `notify` policy), and why.
    Skipped { why: String },
    /// The message arrived after `tries` tries; `posted` is where (bot token only).
    Delivered {
        tries: u32,
        posted: Option<Incident>,
        /// Fields left out of the message, with the reason.
        warnings: Vec<String>,
    },
    /// A message was due and did not arrive: its changes are told again next run.
    Failed { error: E, warnings: Vec<String> },
    /// A signal stopped the phase. `due`: the message was due and on its way (its changes are
    /// told again next run); `false`: the run was cancelled before Slack's turn.
    Cancelled { due: bool, warnings: Vec<String> },
}

impl<E: fmt::Display> SlackOutcome<E> {
    /// The `notified` output.
    pub fn notified(&self) -> bool {
        matches!(self, SlackOutcome::Delivered { .. })
    }

    /// The `notify-error` output: why a message did not arrive, empty when none was lost.
    pub fn notify_error(&self) -> String {
        match self {
            SlackOutcome::Failed { error, .. } => error.to_string(),
            SlackOutcome::Cancelled { .. } => CANCELLED.to_string(),
            _ => String::new(),
        }
    }

    /// A message was due and did not arrive (failed, or cancelled on its way).
    pub fn lost(&self) -> bool {
        matches!(
            self,
            SlackOutcome::Failed { .. } | SlackOutcome::Cancelled { due: true, .. }
        )
    }

    /// Fields left out of the message, with the reason.
    pub fn warnings(&self) -> &[String] {
        match self {
            SlackOutcome::Delivered { warnings, .. }
            | SlackOutcome::Failed { warnings, .. }
            | SlackOutcome::Cancelled { warnings, .. } => warnings,
            SlackOutcome::NotConfigured | SlackOutcome::Skipped { .. } => &[],
        }
    }

    /// One line for the log and the summary.
    pub fn describe(&self) -> String {
        match self {
            SlackOutcome::Delivered { tries, .. } if *tries > 1 => {
                format!("Slack: message delivered after {tries} tries")
            }
            SlackOutcome::Delivered { .. } => "Slack: message delivered".into(),
            SlackOutcome::Failed { .. } | SlackOutcome::Cancelled { .. } => {
                format!("Slack: message not delivered: {}", self.notify_error())
            }
            SlackOutcome::Skipped { why } => format!("Slack: no message ({why})"),
            SlackOutcome::NotConfigured => {
                "Slack: no message (no slack-webhook, SLACK_WEBHOOK_URL or slack-token is set)"
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = SlackOutcome<String>;

    #[test]
    fn each_outcome_in_words_and_outputs() {
        let delivered = Outcome::Delivered {
            tries: 2,
            posted: None,
            warnings: vec![],
        };
        assert_eq!(
            delivered.describe(),
            "Slack: message delivered after 2 tries"
        );
        assert!(delivered.notified() && !delivered.lost());
        assert_eq!(delivered.notify_error(), "");

        let failed = Outcome::Failed {
            error: "the Slack webhook answered HTTP 404 no_service".into(),
            warnings: vec!["w".into()],
        };
        assert_eq!(
            failed.describe(),
            "Slack: message not delivered: the Slack webhook answered HTTP 404 no_service"
        );
        assert!(!failed.notified() && failed.lost());
        assert_eq!(failed.warnings(), ["w"]);

        let early = Outcome::Cancelled {
            due: false,
            warnings: vec![],
        };
        assert_eq!(early.notify_error(), CANCELLED);
        assert!(!early.lost());
        assert!(Outcome::Cancelled {
            due: true,
            warnings: vec![]
        }
        .lost());

        assert_eq!(
            Outcome::Skipped {
                why: "notify: never".into()
            }
            .describe(),
            "Slack: no message (notify: never)"
        );
        assert_eq!(Outcome::NotConfigured.notify_error(), "");
        assert!(!Outcome::NotConfigured.lost());
    }
}

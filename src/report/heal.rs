//! What the restart hook step did (`HealReport`): the hook's answer, the re-check rounds, and
//! how each is said in the log, the summary, Slack and the outputs.

use std::time::Duration;

use time::OffsetDateTime;

/// What the hook answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAnswer {
    /// A 2xx status.
    Accepted { status: u16 },
    /// Another status, with the start of the body (cleaned, bounded).
    Refused { status: u16, body: String },
    /// No answer: timeout or connection failure.
    Failed(String),
    /// A platform preset's call did not restart anything; the whole reason in plain words
    /// (scrubbed of the token), e.g. "Render answered HTTP 401: …".
    Explained(String),
}

impl HookAnswer {
    /// Why the call failed, for `heal-error`; `None` when it was accepted.
    pub fn error(&self) -> Option<String> {
        match self {
            HookAnswer::Accepted { .. } => None,
            HookAnswer::Refused { status, body } if body.is_empty() => {
                Some(format!("the restart hook answered HTTP {status}"))
            }
            HookAnswer::Refused { status, body } => {
                Some(format!("the restart hook answered HTTP {status}: {body}"))
            }
            HookAnswer::Failed(why) => Some(format!("the restart hook {why}")),
            HookAnswer::Explained(why) => Some(why.clone()),
        }
    }
}

/// One re-check round: when it ran (seconds after the hook call) and how many URLs were up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub after: Duration,
    pub up: usize,
    pub of: usize,
}

/// What was called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// `heal-url`, shown as scheme and host only (its path and query are often the secret).
    Url(String),
    /// `heal-preset`: the platform and what it restarts, e.g. "Render (service srv-abc123)".
    Preset(String),
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hook::Url(shown) | Hook::Preset(shown) => f.write_str(shown),
        }
    }
}

/// What the restart step did.
#[derive(Debug, Clone)]
pub struct HealReport {
    pub hook: Hook,
    pub called_at: OffsetDateTime,
    pub answer: HookAnswer,
    /// The URLs that were down when the hook was called, and why (shown form).
    pub triggered_by: Vec<(String, String)>,
    pub rounds: Vec<Round>,
    /// How long the re-checks went on.
    pub waited: Duration,
    /// A signal cut the re-checks short.
    pub cancelled: bool,
}

impl HealReport {
    /// "true" when every URL that triggered the hook came back.
    pub fn healed(&self) -> bool {
        self.rounds.last().is_some_and(|r| r.up == r.of)
    }

    /// "restart requested (HTTP 202), back up after 47 s", "restart requested (HTTP 202), still
    /// down after 3 min", "restart requested from Render (service srv-…): HTTP 202, back up
    /// after 47 s", or why the hook failed.
    pub fn outcome(&self) -> String {
        let lasted = crate::text::human_duration(self.waited);
        let requested = |status: &u16| match &self.hook {
            Hook::Url(_) => format!("restart requested (HTTP {status})"),
            Hook::Preset(what) => format!("restart requested from {what}: HTTP {status}"),
        };
        match &self.answer {
            HookAnswer::Accepted { status } if self.healed() => {
                let back = self.rounds.last().map_or(self.waited, |r| r.after);
                format!(
                    "{}, back up after {}",
                    requested(status),
                    crate::text::human_duration(back)
                )
            }
            HookAnswer::Accepted { status } if self.cancelled => {
                format!(
                    "{}, re-checks cut short after {lasted} by a cancel",
                    requested(status)
                )
            }
            HookAnswer::Accepted { status } => {
                format!("{}, still down after {lasted}", requested(status))
            }
            other => format!("restart failed: {}", other.error().unwrap_or_default()),
        }
    }

    /// "api.example.com/health was down (HTTP 503 …) — restart requested, back up after 47 s".
    pub fn headline(&self) -> String {
        let (url, why) = self.triggered_by.first().cloned().unwrap_or_default();
        let more = match self.triggered_by.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        format!("{url}{more} was down ({why}) — {}", self.outcome())
    }

    /// Markdown lines for the job summary (cells escaped by the caller's rules).
    pub fn timeline(&self) -> Vec<String> {
        const HEAD: usize = 10;
        const TAIL: usize = 10;
        let line = |r: &Round| {
            format!(
                "after {}: {} of {} up",
                crate::text::human_duration(r.after),
                r.up,
                r.of
            )
        };
        if self.rounds.len() <= HEAD + TAIL + 1 {
            return self.rounds.iter().map(line).collect();
        }
        let mut out: Vec<String> = self.rounds[..HEAD].iter().map(line).collect();
        out.push(format!(
            "… {} more re-checks …",
            self.rounds.len() - HEAD - TAIL
        ));
        out.extend(self.rounds[self.rounds.len() - TAIL..].iter().map(line));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn report(answer: HookAnswer, rounds: Vec<Round>) -> HealReport {
        let waited = rounds.last().map_or(Duration::ZERO, |r| r.after);
        HealReport {
            hook: Hook::Url(crate::redact::host_only(
                &url::Url::parse("https://hooks.example/restart?key=abc").unwrap(),
            )),
            called_at: datetime!(2026-11-25 03:05 UTC),
            answer,
            triggered_by: vec![(
                "https://api.example.com/health".into(),
                "HTTP 503 Service Unavailable (expected 200-399)".into(),
            )],
            rounds,
            waited,
            cancelled: false,
        }
    }

    #[test]
    fn long_timelines_are_cut_in_the_middle() {
        let rounds: Vec<Round> = (1..=90)
            .map(|n| Round {
                after: Duration::from_secs(n),
                up: 0,
                of: 1,
            })
            .collect();
        let r = report(HookAnswer::Accepted { status: 200 }, rounds);
        let lines = r.timeline();
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[10], "… 70 more re-checks …");
        assert_eq!(lines[20], "after 1 min: 0 of 1 up");
    }

    #[test]
    fn outcomes_in_words() {
        let back = report(
            HookAnswer::Accepted { status: 202 },
            vec![
                Round {
                    after: Duration::from_secs(10),
                    up: 0,
                    of: 1,
                },
                Round {
                    after: Duration::from_secs(47),
                    up: 1,
                    of: 1,
                },
            ],
        );
        assert!(back.healed());
        assert_eq!(
            back.headline(),
            "https://api.example.com/health was down (HTTP 503 Service Unavailable (expected 200-399)) — restart requested (HTTP 202), back up after 47 s"
        );
        assert_eq!(
            back.timeline(),
            ["after 10 s: 0 of 1 up", "after 47 s: 1 of 1 up"]
        );
        let still = report(
            HookAnswer::Accepted { status: 200 },
            vec![Round {
                after: Duration::from_secs(180),
                up: 0,
                of: 1,
            }],
        );
        assert!(!still.healed());
        assert_eq!(
            still.outcome(),
            "restart requested (HTTP 200), still down after 3 min"
        );
        let refused = report(
            HookAnswer::Refused {
                status: 404,
                body: "Not Found".into(),
            },
            vec![],
        );
        assert!(!refused.healed());
        assert_eq!(
            refused.answer.error().unwrap(),
            "the restart hook answered HTTP 404: Not Found"
        );
        assert_eq!(
            refused.outcome(),
            "restart failed: the restart hook answered HTTP 404: Not Found"
        );
        assert_eq!(HookAnswer::Accepted { status: 200 }.error(), None);
    }

    #[test]
    fn a_preset_is_named_in_the_outcome() {
        let mut r = report(
            HookAnswer::Accepted { status: 202 },
            vec![Round {
                after: Duration::from_secs(30),
                up: 1,
                of: 1,
            }],
        );
        r.hook = Hook::Preset("Render (service srv-abc123)".into());
        assert_eq!(
            r.outcome(),
            "restart requested from Render (service srv-abc123): HTTP 202, back up after 30 s"
        );
        r.answer = HookAnswer::Explained("Render answered HTTP 401: the API key is wrong".into());
        assert_eq!(
            r.outcome(),
            "restart failed: Render answered HTTP 401: the API key is wrong"
        );
    }
}

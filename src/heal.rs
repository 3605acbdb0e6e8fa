//! The restart hook: when a URL is down (and the cooldown has passed), call the platform's
//! restart or deploy hook once per run, then re-check the down URLs every `heal-interval` until
//! they are up or `heal-wait` runs out. The hook's URL and header values are secrets: the URL is
//! only ever shown redacted, and its answer is bounded and treated as untrusted.

use std::time::{Duration, Instant};

use reqwest::Client;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, HealSettings};
use crate::report::{Status, UrlResult};

/// The hook call's own limit.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// What the hook answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAnswer {
    /// A 2xx status.
    Accepted { status: u16 },
    /// Another status, with the start of the body (cleaned, bounded).
    Refused { status: u16, body: String },
    /// No answer: timeout or connection failure.
    Failed(String),
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

/// What the restart step did.
#[derive(Debug, Clone)]
pub struct HealReport {
    /// The hook as shown: scheme and host only (its path and query are often the secret).
    pub hook: String,
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

/// "https://hooks.example/…": what may be shown of a hook URL.
pub fn shown(url: &url::Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}/…",
        url.scheme(),
        url.host_str().unwrap_or("")
    )
}

/// The parts of a hook URL that may be its secret: the whole URL, query values and long path
/// segments (a deploy hook's token usually sits in one of them).
pub fn secret_parts(url: &url::Url) -> Vec<String> {
    let mut parts = vec![url.to_string()];
    parts.extend(url.query_pairs().map(|(_, v)| v.into_owned()));
    parts.extend(
        url.path_segments()
            .into_iter()
            .flatten()
            .filter(|seg| seg.len() >= 8)
            .map(str::to_string),
    );
    parts.retain(|p| p.chars().count() >= 4);
    parts
}

/// `text` with every secret replaced by `***`, longest first.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 4).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in sorted {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

impl HealReport {
    /// "true" when every URL that triggered the hook came back.
    pub fn healed(&self) -> bool {
        self.rounds.last().is_some_and(|r| r.up == r.of)
    }

    /// "restart requested (HTTP 202), back up after 47 s", "restart requested (HTTP 202), still
    /// down after 3 min", or why the hook failed.
    pub fn outcome(&self) -> String {
        let lasted = crate::text::human_duration(self.waited);
        match &self.answer {
            HookAnswer::Accepted { status } if self.healed() => {
                let back = self.rounds.last().map_or(self.waited, |r| r.after);
                format!(
                    "restart requested (HTTP {status}), back up after {}",
                    crate::text::human_duration(back)
                )
            }
            HookAnswer::Accepted { status } if self.cancelled => {
                format!("restart requested (HTTP {status}), re-checks cut short after {lasted} by a cancel")
            }
            HookAnswer::Accepted { status } => {
                format!("restart requested (HTTP {status}), still down after {lasted}")
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

/// Why the hook was not called although a URL was down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCalled {
    /// The last call is more recent than `heal-cooldown`.
    Cooldown { last: OffsetDateTime },
}

/// Whether the cooldown lets the hook be called now.
pub fn cooldown_passed(
    settings: &HealSettings,
    last: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), NotCalled> {
    match last {
        Some(last)
            if now - last
                < time::Duration::try_from(settings.cooldown).unwrap_or(time::Duration::MAX) =>
        {
            Err(NotCalled::Cooldown { last })
        }
        _ => Ok(()),
    }
}

/// Call the hook once. `secrets` are removed from whatever the hook answers.
pub async fn call_hook(
    client: &Client,
    settings: &HealSettings,
    secrets: &[String],
    cancel: &CancellationToken,
) -> HookAnswer {
    let Some(url) = &settings.url else {
        return HookAnswer::Failed("is not set".into());
    };
    let mut request = client
        .request(settings.method.clone(), url.clone())
        .headers(settings.headers.clone())
        .timeout(HOOK_TIMEOUT);
    if let Some(body) = &settings.body {
        if !settings.headers.contains_key(reqwest::header::CONTENT_TYPE) {
            let json = body.trim_start().starts_with(['{', '[']);
            let kind = if json {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            };
            request = request.header(reqwest::header::CONTENT_TYPE, kind);
        }
        request = request.body(body.clone());
    }
    let exchange = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = crate::net::read_capped(response, 4096).await?;
        Ok::<_, reqwest::Error>((status, body.text()))
    };
    let outcome = tokio::select! {
        outcome = exchange => outcome,
        () = cancel.cancelled() => return HookAnswer::Failed("was not answered: the run was cancelled".into()),
    };
    match outcome {
        Ok((status, _)) if (200..300).contains(&status) => HookAnswer::Accepted { status },
        Ok((status, body)) => {
            let mut all = secrets.to_vec();
            all.extend(secret_parts(url));
            HookAnswer::Refused {
                status,
                body: crate::text::clip(&crate::text::log_safe(&scrub(body.trim(), &all)), 200),
            }
        }
        Err(e) => match crate::net::classify(&e) {
            crate::net::Transport::Timeout => {
                HookAnswer::Failed(format!("did not answer within {}s", HOOK_TIMEOUT.as_secs()))
            }
            why => {
                let mut all = secrets.to_vec();
                all.extend(secret_parts(url));
                HookAnswer::Failed(format!(
                    "cannot be reached ({})",
                    scrub(&why.to_string(), &all)
                ))
            }
        },
    }
}

/// Re-check the URLs at `down` (indexes into `results`) every interval until all are up, the
/// wait runs out or the run is cancelled; results that come back replace the old ones.
pub async fn recheck(
    config: &Config,
    settings: crate::check::Settings<'_>,
    client: &Client,
    results: &mut [UrlResult],
    down: &[usize],
    cancel: &CancellationToken,
) -> (Vec<Round>, Duration) {
    let started = Instant::now();
    let retry_once = crate::config::RetryPolicy {
        max_attempts: 1,
        ..settings.retry.clone()
    };
    let once = crate::check::Settings {
        retry: &retry_once,
        ..settings
    };
    let mut rounds = Vec::new();
    let mut pending: Vec<usize> = down.to_vec();
    loop {
        let left = config.heal.wait.saturating_sub(started.elapsed());
        if left.is_zero() || pending.is_empty() {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(config.heal.interval.min(left)) => {}
            () = cancel.cancelled() => break,
        }
        // One round: every URL still down, at once (up to `concurrency`).
        let fresh: Vec<(usize, UrlResult)> = {
            use futures_util::StreamExt;
            futures_util::stream::iter(pending.iter().copied())
                .map(|i| async move {
                    (
                        i,
                        crate::check::check_url(once, client, &config.targets[i], cancel).await,
                    )
                })
                .buffer_unordered(config.concurrency)
                .collect()
                .await
        };
        let mut still = Vec::new();
        for (i, fresh) in fresh {
            let old = &mut results[i];
            if matches!(fresh.status, Status::Up | Status::Degraded) {
                *old = UrlResult {
                    attempts: old.attempts + fresh.attempts,
                    max_attempts: old.max_attempts,
                    healed: Some(started.elapsed()),
                    ..fresh
                };
            } else {
                old.attempts += fresh.attempts;
                still.push(i);
            }
        }
        still.sort_unstable();
        pending = still;
        rounds.push(Round {
            after: started.elapsed(),
            up: down.len() - pending.len(),
            of: down.len(),
        });
        if cancel.is_cancelled() {
            break;
        }
    }
    (rounds, started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn settings(cooldown_min: u64) -> HealSettings {
        HealSettings {
            url: Some(url::Url::parse("https://hooks.example/restart?key=abc").unwrap()),
            method: reqwest::Method::POST,
            headers: reqwest::header::HeaderMap::new(),
            body: None,
            wait: Duration::from_secs(180),
            interval: Duration::from_secs(10),
            cooldown: Duration::from_secs(cooldown_min * 60),
        }
    }

    fn report(answer: HookAnswer, rounds: Vec<Round>) -> HealReport {
        let waited = rounds.last().map_or(Duration::ZERO, |r| r.after);
        HealReport {
            hook: shown(&url::Url::parse("https://hooks.example/restart?key=abc").unwrap()),
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
    fn hook_urls_are_shown_by_their_host_and_scrubbed_from_answers() {
        let url =
            url::Url::parse("https://api.render.example:8443/deploy/srv-d7f3a9c2e1b4x?key=abc123")
                .unwrap();
        assert_eq!(shown(&url), "https://api.render.example:8443/…");
        let parts = secret_parts(&url);
        assert_eq!(
            scrub("bad key abc123 for srv-d7f3a9c2e1b4x", &parts),
            "bad key *** for ***"
        );
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
    fn the_cooldown_holds_across_runs() {
        let now = datetime!(2026-11-25 03:30 UTC);
        assert_eq!(cooldown_passed(&settings(30), None, now), Ok(()));
        let last = datetime!(2026-11-25 03:05 UTC);
        assert_eq!(
            cooldown_passed(&settings(30), Some(last), now),
            Err(NotCalled::Cooldown { last })
        );
        assert_eq!(cooldown_passed(&settings(20), Some(last), now), Ok(()));
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
}

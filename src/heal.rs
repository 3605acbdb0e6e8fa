//! The restart hook, as an action: when a URL is down (and the cooldown has passed), call the
//! platform's restart or deploy hook once per run, then re-check the down URLs every
//! `heal-interval` until they are up or `heal-wait` runs out. The hook's answer is bounded,
//! scrubbed of its secrets and treated as untrusted; what came of it is `report::heal`. The
//! hook is `heal-url`, or a platform's API through `heal-preset` (`preset`).

mod preset;

use std::time::{Duration, Instant};

use reqwest::Client;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, HealSettings};
use crate::redact::{scrub, secret_parts};
use crate::report::heal::{Hook, HookAnswer, Round};
use crate::report::{Status, UrlResult};

/// The hook call's own limit.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

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

/// What the heal phase calls, as shown; `None` when neither `heal-url` nor `heal-preset` is set.
pub fn target(settings: &HealSettings) -> Option<Hook> {
    match (&settings.preset, &settings.url) {
        (Some(p), _) => Some(Hook::Preset(preset::shown(&p.target))),
        (None, Some(url)) => Some(Hook::Url(crate::redact::host_only(url))),
        (None, None) => None,
    }
}

/// Call the hook once (`heal-url`, or the platform's API of `heal-preset`). `secrets` are
/// removed from whatever the hook answers.
pub async fn call_hook(
    client: &Client,
    settings: &HealSettings,
    secrets: &[String],
    cancel: &CancellationToken,
) -> HookAnswer {
    if let Some(p) = &settings.preset {
        return preset::call(client, p, secrets, cancel).await;
    }
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
                body: crate::text::clip(&crate::redact::log_safe(&scrub(body.trim(), &all)), 200),
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
            preset: None,
        }
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
}

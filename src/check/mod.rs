//! Checking URLs: each URL is tried up to `max-attempts` times with the retry policy's waits, many
//! URLs at once up to `concurrency`, results in input order. A cancel token stops every wait and
//! request at once; what is known so far is still reported.

mod http;
mod matcher;
pub mod retry;
pub mod verdict;

use std::time::Instant;

use futures_util::StreamExt;
use reqwest::Client;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

pub use http::build_client;
pub use matcher::StreamMatcher;

use crate::config::{Checks, Config, RequestSpec, RetryPolicy, Target};
use crate::redact::RedactedUrl;
use crate::report::{Failure, RunReport, Signal, Status, UrlResult};

/// What checking one URL needs: how to ask, when to try again, what to accept, and where the
/// check runs.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub request: &'a RequestSpec,
    pub retry: &'a RetryPolicy,
    pub checks: &'a Checks,
    /// A GitHub Actions step (`GITHUB_ACTIONS=true`): a container whose loopback is not the
    /// runner's, so a refused loopback URL gets a reason that says so.
    pub in_actions: bool,
}

impl<'a> Settings<'a> {
    pub fn of(config: &'a Config, in_actions: bool) -> Settings<'a> {
        Settings {
            request: &config.request,
            retry: &config.retry,
            checks: &config.checks,
            in_actions,
        }
    }
}

/// Check every target, up to `concurrency` at once. Returns when all are done or soon after
/// `cancel` fires.
pub async fn run(
    targets: &[Target],
    concurrency: usize,
    settings: Settings<'_>,
    client: &Client,
    cancel: &CancellationToken,
    signal: impl Fn() -> Option<Signal>,
) -> RunReport {
    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    // Unordered, so one slow URL never holds a free slot; input order is restored after.
    let mut indexed = futures_util::stream::iter(targets.iter().enumerate())
        .map(|(i, target)| async move { (i, check_url(settings, client, target, cancel).await) })
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await;
    indexed.sort_by_key(|(i, _)| *i);
    let results = indexed.into_iter().map(|(_, r)| r).collect();
    RunReport {
        results,
        previous: None,
        missed: None,
        heal: None,
        started_at,
        duration: clock.elapsed(),
        cancelled: if cancel.is_cancelled() {
            signal()
        } else {
            None
        },
    }
}

/// Check one URL with its retries.
pub async fn check_url(
    settings: Settings<'_>,
    client: &Client,
    target: &Target,
    cancel: &CancellationToken,
) -> UrlResult {
    let mut result = UrlResult {
        url: target.shown.clone(),
        name: target.name.clone(),
        key: target.key.clone(),
        status: Status::Unknown,
        http_status: None,
        attempts: 0,
        max_attempts: settings.retry.max_attempts,
        waits: Vec::new(),
        response_time: None,
        failure: Some(Failure::Cancelled),
        degradations: Vec::new(),
        final_url: None,
        cert_not_after: None,
        memory: None,
        healed: None,
        uptime_7d: None,
    };
    loop {
        if cancel.is_cancelled() {
            return result;
        }
        result.attempts += 1;
        let outcome = tokio::select! {
            outcome = http::attempt(client, &target.url, settings) => outcome,
            // The request in flight counts as an attempt: the server may have seen it.
            () = cancel.cancelled() => return result,
        };
        let (failure, retry_after) = match outcome {
            http::Outcome::Answered(answer, final_url) => {
                result.http_status = Some(answer.status);
                result.response_time = Some(answer.elapsed);
                result.final_url = Some(RedactedUrl::new(&final_url));
                result.cert_not_after = answer.cert_not_after;
                match verdict::judge(&answer, settings.checks, OffsetDateTime::now_utc()) {
                    Ok(degradations) => {
                        result.status = if degradations.is_empty() {
                            Status::Up
                        } else {
                            Status::Degraded
                        };
                        result.degradations = degradations;
                        result.failure = None;
                        return result;
                    }
                    Err(failure) => (failure, answer.retry_after),
                }
            }
            http::Outcome::Failed(failure, elapsed) => {
                result.http_status = None;
                result.final_url = None;
                result.response_time = Some(elapsed);
                (failure, None)
            }
        };
        let wait = retry::next_wait(settings.retry, result.attempts, &failure, retry_after);
        result.failure = Some(failure);
        let Some(wait) = wait else {
            result.status = Status::Down;
            return result;
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => result.waits.push(wait),
            () = cancel.cancelled() => return result,
        }
    }
}

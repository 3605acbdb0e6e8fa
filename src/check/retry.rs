//! Retry decisions: whether a failed attempt earns another, and how long to wait first. Pure
//! functions of the policy and of what the attempt returned.

use std::time::Duration;

use crate::config::{Backoff, RetryOn, RetryPolicy, MAX_BACKOFF};
use crate::report::Failure;

/// The most a server's `Retry-After` can make us wait.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// Whether this failure is worth another request under the policy (attempts aside).
pub fn is_retryable(policy: &RetryPolicy, failure: &Failure) -> bool {
    match failure {
        Failure::Cancelled => false,
        _ => match policy.retry_on {
            RetryOn::Any => true,
            RetryOn::Transient => failure.is_transient(),
        },
    }
}

/// The wait before attempt `done + 1`, after `done` attempts (1-based), or `None` when the URL
/// gets no more attempts. `retry_after` is the server's `Retry-After` on a 429 or 503.
pub fn next_wait(
    policy: &RetryPolicy,
    done: u32,
    failure: &Failure,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    if done >= policy.max_attempts || !is_retryable(policy, failure) {
        return None;
    }
    let ours = match policy.backoff {
        Backoff::Fixed => policy.delay,
        Backoff::Exponential => {
            let factor = 2u32.saturating_pow(done.saturating_sub(1));
            policy
                .delay
                .saturating_mul(factor)
                .min(MAX_BACKOFF.max(policy.delay))
        }
    };
    // A server that asks for more time on a 429 or 503 gets it, up to the cap; it never makes
    // the wait shorter than the policy's.
    let server = match failure {
        Failure::Status {
            code: 429 | 503, ..
        } => retry_after.map(|d| d.min(RETRY_AFTER_CAP)),
        _ => None,
    };
    Some(server.map_or(ours, |server| server.max(ours)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max: u32, delay_ms: u64, backoff: Backoff, retry_on: RetryOn) -> RetryPolicy {
        RetryPolicy {
            max_attempts: max,
            delay: Duration::from_millis(delay_ms),
            backoff,
            retry_on,
        }
    }

    fn status(code: u16) -> Failure {
        Failure::Status {
            code,
            expected: "200-399".into(),
        }
    }

    #[test]
    fn max_attempts_counts_total_requests() {
        let p = policy(3, 1000, Backoff::Fixed, RetryOn::Any);
        let f = status(503);
        assert_eq!(next_wait(&p, 1, &f, None), Some(Duration::from_secs(1)));
        assert_eq!(next_wait(&p, 2, &f, None), Some(Duration::from_secs(1)));
        assert_eq!(next_wait(&p, 3, &f, None), None);
        let one = policy(1, 1000, Backoff::Fixed, RetryOn::Any);
        assert_eq!(next_wait(&one, 1, &f, None), None);
    }

    #[test]
    fn any_retries_4xx_transient_does_not() {
        let any = policy(3, 10, Backoff::Fixed, RetryOn::Any);
        let transient = policy(3, 10, Backoff::Fixed, RetryOn::Transient);
        assert!(next_wait(&any, 1, &status(404), None).is_some());
        assert!(next_wait(&transient, 1, &status(404), None).is_none());
        assert!(next_wait(&transient, 1, &status(501), None).is_none());
        for code in [408, 425, 429, 500, 502, 503, 504] {
            assert!(
                next_wait(&transient, 1, &status(code), None).is_some(),
                "{code}"
            );
        }
        for f in [
            Failure::Refused,
            Failure::Reset,
            Failure::Timeout(Duration::from_secs(1)),
            Failure::Dns("x".into()),
        ] {
            assert!(next_wait(&transient, 1, &f, None).is_some(), "{f}");
        }
        for f in [
            Failure::Tls("x".into()),
            Failure::TooManyRedirects(10),
            Failure::BodyMissing("ok".into()),
        ] {
            assert!(next_wait(&transient, 1, &f, None).is_none(), "{f}");
            assert!(next_wait(&any, 1, &f, None).is_some(), "{f}");
        }
    }

    #[test]
    fn exponential_doubles_up_to_a_minute() {
        let p = policy(12, 1000, Backoff::Exponential, RetryOn::Any);
        let f = status(500);
        let waits: Vec<u64> = (1..12)
            .map(|n| next_wait(&p, n, &f, None).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]);
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503_with_a_cap() {
        let p = policy(3, 1000, Backoff::Fixed, RetryOn::Any);
        let s = Duration::from_secs;
        assert_eq!(next_wait(&p, 1, &status(429), Some(s(2))), Some(s(2)));
        assert_eq!(next_wait(&p, 1, &status(503), Some(s(0))), Some(s(1)));
        assert_eq!(
            next_wait(&p, 1, &status(503), Some(s(3600))),
            Some(RETRY_AFTER_CAP)
        );
        assert_eq!(next_wait(&p, 1, &status(500), Some(s(5))), Some(s(1)));
    }

    #[test]
    fn cancelled_is_never_retried() {
        let p = policy(3, 10, Backoff::Fixed, RetryOn::Any);
        assert_eq!(next_wait(&p, 1, &Failure::Cancelled, None), None);
    }
}

//! `Retry-After` (URL checks and Slack): `net::parse_retry_after`, then the wait it leads to in
//! `check::retry::next_wait`, which must stay within its cap.
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use upcheck::check::retry::{next_wait, RETRY_AFTER_CAP};
use upcheck::config::{Backoff, RetryOn, RetryPolicy};
use upcheck::net::parse_retry_after;
use upcheck::report::Failure;
use upcheck_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    let parsed = parse_retry_after(value);
    if let Ok(secs) = value.trim().parse::<u64>() {
        assert_eq!(parsed, Some(Duration::from_secs(secs)), "{value:?}");
    }
    if parsed.is_some() {
        let is_number = value.trim().parse::<u64>().is_ok();
        let is_date = httpdate::parse_http_date(value.trim()).is_ok();
        assert!(
            is_number || is_date,
            "{value:?} is neither seconds nor a date"
        );
    }
    if let Ok(when) = httpdate::parse_http_date(value.trim()) {
        let d = parsed.expect("an HTTP date is a wait");
        let ahead = when.duration_since(SystemTime::now()).unwrap_or_default();
        assert!(d >= ahead, "{value:?}: {d:?} is less than {ahead:?}");
    }

    // The wait it leads to: at least the policy's, at most the cap (or the policy's if longer).
    let seed = data
        .iter()
        .fold(0u64, |a, &b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    for backoff in [Backoff::Fixed, Backoff::Exponential] {
        let policy = RetryPolicy {
            max_attempts: 100,
            delay: Duration::from_millis(seed % 200_000),
            backoff,
            retry_on: RetryOn::Transient,
        };
        for done in [1, 2, 7, 99] {
            let failure = Failure::Status {
                code: 503,
                expected: "200-399".into(),
            };
            let ours = next_wait(&policy, done, &failure, None).expect("503 is retried");
            let wait = next_wait(&policy, done, &failure, parsed).expect("503 is retried");
            assert!(wait >= ours, "{value:?}: {wait:?} < {ours:?}");
            assert!(
                wait <= ours.max(RETRY_AFTER_CAP),
                "{value:?}: {wait:?} is over the cap"
            );
        }
    }
});

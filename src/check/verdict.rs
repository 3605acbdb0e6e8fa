//! The verdict on one answered attempt: status, body checks, then what makes a passing URL
//! degraded (slow, certificate expiring). Pure: the clock comes in as a value.

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::Checks;
use crate::report::{Degradation, Failure};

/// What the HTTP adapter saw for one attempt that got a response.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// First byte sent to last byte read.
    pub elapsed: Duration,
    /// `Some(found)` when `body-contains` was set.
    pub contains_found: Option<bool>,
    /// `Some(found)` when `body-not-contains` was set.
    pub forbidden_found: Option<bool>,
    /// The server's `Retry-After`, as a wait.
    pub retry_after: Option<Duration>,
    /// The server certificate's expiry (https).
    pub cert_not_after: Option<OffsetDateTime>,
    /// Redirects were to be followed, but this redirect had no usable `Location`.
    pub broken_redirect: bool,
}

/// `Ok(degradations)` when the answer passes (an empty list means `up`), else the failure.
pub fn judge(
    answer: &Answer,
    checks: &Checks,
    now: OffsetDateTime,
) -> Result<Vec<Degradation>, Failure> {
    if answer.broken_redirect {
        return Err(Failure::BadRedirect(format!(
            "HTTP {} without a usable http(s) Location",
            answer.status
        )));
    }
    if !checks.expected.contains(answer.status) {
        return Err(Failure::Status {
            code: answer.status,
            expected: checks.expected.to_string(),
        });
    }
    if let (Some(false), Some(text)) = (answer.contains_found, &checks.body_contains) {
        return Err(Failure::BodyMissing(text.clone()));
    }
    if let (Some(true), Some(text)) = (answer.forbidden_found, &checks.body_not_contains) {
        return Err(Failure::BodyForbidden(text.clone()));
    }
    let mut degraded = Vec::new();
    if let Some(limit) = checks.max_response_time {
        if answer.elapsed > limit {
            degraded.push(Degradation::Slow {
                took: answer.elapsed,
                limit,
            });
        }
    }
    if let (Some(not_after), true) = (answer.cert_not_after, checks.cert_min_days > 0) {
        let left = not_after - now;
        if left < time::Duration::days(i64::from(checks.cert_min_days)) {
            degraded.push(Degradation::CertExpiring {
                days_left: if left.is_negative() {
                    -1
                } else {
                    left.whole_days()
                },
                not_after,
                min_days: checks.cert_min_days,
            });
        }
    }
    Ok(degraded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StatusSet;
    use time::macros::datetime;

    fn checks() -> Checks {
        Checks {
            expected: StatusSet::parse("200-399").unwrap(),
            body_contains: None,
            body_not_contains: None,
            max_response_time: None,
            cert_min_days: 14,
        }
    }

    fn answer(status: u16) -> Answer {
        Answer {
            status,
            elapsed: Duration::from_millis(20),
            contains_found: None,
            forbidden_found: None,
            retry_after: None,
            cert_not_after: None,
            broken_redirect: false,
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

    #[test]
    fn status_outside_the_set_fails() {
        assert_eq!(judge(&answer(200), &checks(), NOW), Ok(vec![]));
        assert_eq!(
            judge(&answer(404), &checks(), NOW),
            Err(Failure::Status {
                code: 404,
                expected: "200-399".into()
            })
        );
        assert_eq!(
            judge(&answer(404), &checks(), NOW).unwrap_err().to_string(),
            "HTTP 404 Not Found (expected 200-399)"
        );
    }

    #[test]
    fn body_checks() {
        let mut c = checks();
        c.body_contains = Some("ok".into());
        c.body_not_contains = Some("error".into());
        let mut a = answer(200);
        a.contains_found = Some(false);
        a.forbidden_found = Some(false);
        assert_eq!(judge(&a, &c, NOW), Err(Failure::BodyMissing("ok".into())));
        a.contains_found = Some(true);
        assert_eq!(judge(&a, &c, NOW), Ok(vec![]));
        a.forbidden_found = Some(true);
        assert_eq!(
            judge(&a, &c, NOW),
            Err(Failure::BodyForbidden("error".into()))
        );
        assert_eq!(
            judge(&a, &c, NOW).unwrap_err().to_string(),
            "body contains \"error\""
        );
    }

    #[test]
    fn a_redirect_that_cannot_be_followed_is_down() {
        let mut a = answer(302);
        a.broken_redirect = true;
        assert_eq!(
            judge(&a, &checks(), NOW).unwrap_err().to_string(),
            "redirect cannot be followed: HTTP 302 without a usable http(s) Location"
        );
    }

    #[test]
    fn slow_is_degraded() {
        let mut c = checks();
        c.max_response_time = Some(Duration::from_millis(10));
        let d = judge(&answer(200), &c, NOW).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "slow: answered in 20ms, over max-response-time 10ms"
        );
    }

    #[test]
    fn certificate_expiry() {
        let mut a = answer(200);
        a.cert_not_after = Some(datetime!(2026-11-30 12:00 UTC));
        let d = judge(&a, &checks(), NOW).unwrap();
        assert_eq!(
            d[0].to_string(),
            "certificate expires in 5 days (2026-11-30), within cert-min-days 14"
        );
        a.cert_not_after = Some(datetime!(2027-01-30 12:00 UTC));
        assert_eq!(judge(&a, &checks(), NOW), Ok(vec![]));
        a.cert_not_after = Some(datetime!(2026-11-20 12:00 UTC));
        assert_eq!(
            judge(&a, &checks(), NOW).unwrap()[0].to_string(),
            "certificate expired on 2026-11-20"
        );
        let mut off = checks();
        off.cert_min_days = 0;
        assert_eq!(judge(&a, &off, NOW), Ok(vec![]));
    }
}

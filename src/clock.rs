//! The run's clock: the system clock, or the fixed time `UPCHECK_NOW` (RFC 3339) gives, a
//! testing aid that replaces "now" for the state, the history, the heal cooldown, reminders,
//! the digest and the times in the summary. Read once, from the environment.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The variable that fixes the clock.
pub const VAR: &str = "UPCHECK_NOW";

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(OffsetDateTime),
}

/// `UPCHECK_NOW` holds something that is not an RFC 3339 time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the environment variable {VAR} is {shown:?}, not an RFC 3339 time; use e.g. 2026-12-03T12:00:00Z, or unset it")]
pub struct BadClock {
    pub shown: String,
}

impl Clock {
    /// The clock for the value of `UPCHECK_NOW` (unset or empty: the system clock).
    pub fn from_value(value: Option<&str>) -> Result<Clock, BadClock> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Clock::System),
            Some(v) => OffsetDateTime::parse(v, &Rfc3339)
                .map(|t| Clock::Fixed(t.to_offset(time::UtcOffset::UTC)))
                .map_err(|_| BadClock {
                    shown: crate::text::clip(&crate::redact::log_safe(v), 40),
                }),
        }
    }

    pub fn now(self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(t) => t,
        }
    }

    /// The fixed time, if any.
    pub fn fixed(self) -> Option<OffsetDateTime> {
        match self {
            Clock::System => None,
            Clock::Fixed(t) => Some(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn unset_fixed_and_bad() {
        assert_eq!(Clock::from_value(None), Ok(Clock::System));
        assert_eq!(Clock::from_value(Some("  ")), Ok(Clock::System));
        assert_eq!(
            Clock::from_value(Some("2026-12-03T13:00:00+01:00")),
            Ok(Clock::Fixed(datetime!(2026-12-03 12:00 UTC)))
        );
        let e = Clock::from_value(Some("yesterday")).unwrap_err();
        assert!(
            e.to_string().contains("UPCHECK_NOW is \"yesterday\""),
            "{e}"
        );
    }
}

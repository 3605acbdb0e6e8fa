//! How one URL's remembered status moves from run to run: thresholds decide when a failing URL
//! counts as down and when a down URL counts as recovered. Pure: the clock comes in as a value.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::report::Status;

/// What is remembered about one URL between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlState {
    /// The URL as shown (redacted), for people reading the file.
    #[serde(default)]
    pub url: String,
    /// The status that counts (after thresholds).
    pub status: Status,
    /// When the counted status began.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    /// Consecutive runs in which the URL was down.
    pub failures: u32,
    /// Consecutive runs in which it was up or degraded.
    pub successes: u32,
    /// When a message about this URL was last sent.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_notified: Option<OffsetDateTime>,
    /// The last reason it failed.
    #[serde(default)]
    pub last_error: Option<String>,
    /// The Slack message that announced the open outage (bot token only), for the thread reply
    /// and the update when it ends.
    #[serde(default)]
    pub incident: Option<Incident>,
    /// A change of this URL was due in Slack but did not arrive: the next run tells it again.
    #[serde(default)]
    pub unannounced: bool,
    /// Its outage began inside a quiet window and has not been told: still down after the
    /// window, it is told then; back up before that, never.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
}

pub use crate::report::Incident;

/// Consecutive runs needed before a status counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub failure: u32,
    pub success: u32,
}

/// One URL's move in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The counted status before this run (`None`: never seen).
    pub previous: Option<Status>,
    pub state: UrlState,
}

impl Step {
    pub fn changed(&self) -> bool {
        crate::report::is_change(self.state.status, self.previous)
    }
}

/// Advance a URL's state by this run's observed status.
pub fn advance(
    before: Option<&UrlState>,
    observed: Status,
    error: Option<String>,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Step {
    let previous = before.map(|s| s.status);
    // A URL seen for the first time counts as up until its failures count.
    let mut state = before.cloned().unwrap_or(UrlState {
        url: String::new(),
        status: Status::Up,
        since: now,
        failures: 0,
        successes: 0,
        last_notified: None,
        last_error: None,
        incident: None,
        unannounced: false,
        held: false,
    });
    let counted = match observed {
        // A run cut short tells nothing new.
        Status::Unknown => return Step { previous, state },
        Status::Down => {
            state.failures = state.failures.saturating_add(1);
            state.successes = 0;
            state.last_error = error;
            if state.status == Status::Down || state.failures >= thresholds.failure {
                Status::Down
            } else {
                state.status
            }
        }
        Status::Up | Status::Degraded => {
            state.successes = state.successes.saturating_add(1);
            state.failures = 0;
            if state.status == Status::Down && state.successes < thresholds.success {
                Status::Down
            } else {
                observed
            }
        }
    };
    if counted != state.status {
        state.status = counted;
        state.since = now;
    }
    Step { previous, state }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use Status::*;

    const T0: OffsetDateTime = datetime!(2026-11-25 03:00 UTC);

    fn run(seq: &[Status], t: Thresholds) -> Vec<(Option<Status>, Status)> {
        let mut state: Option<UrlState> = None;
        let mut out = Vec::new();
        for (i, observed) in seq.iter().enumerate() {
            let now = T0 + time::Duration::minutes(5 * i as i64);
            let step = advance(state.as_ref(), *observed, None, t, now);
            out.push((step.previous, step.state.status));
            state = Some(step.state);
        }
        out
    }

    const ONE: Thresholds = Thresholds {
        failure: 1,
        success: 1,
    };
    const GATUS: Thresholds = Thresholds {
        failure: 3,
        success: 2,
    };

    #[test]
    fn first_run_starts_from_unknown() {
        assert_eq!(run(&[Up], ONE), [(None, Up)]);
        assert_eq!(run(&[Down], ONE), [(None, Down)]);
    }

    #[test]
    fn immediate_thresholds_follow_every_run() {
        let statuses: Vec<Status> = run(&[Up, Down, Down, Up, Degraded], ONE)
            .into_iter()
            .map(|s| s.1)
            .collect();
        assert_eq!(statuses, [Up, Down, Down, Up, Degraded]);
    }

    #[test]
    fn thresholds_absorb_one_flaky_run() {
        let statuses: Vec<Status> = run(&[Up, Down, Up, Down, Down, Down, Up, Up], GATUS)
            .into_iter()
            .map(|s| s.1)
            .collect();
        assert_eq!(statuses, [Up, Up, Up, Up, Up, Down, Down, Up]);
    }

    #[test]
    fn since_marks_the_start_of_the_counted_status() {
        let mut state = None;
        for (i, observed) in [Up, Down, Down, Down].into_iter().enumerate() {
            let now = T0 + time::Duration::minutes(5 * i as i64);
            state =
                Some(advance(state.as_ref(), observed, Some("HTTP 503".into()), ONE, now).state);
        }
        let s = state.unwrap();
        assert_eq!(s.since, T0 + time::Duration::minutes(5));
        assert_eq!(s.failures, 3);
        assert_eq!(s.last_error.as_deref(), Some("HTTP 503"));
    }

    #[test]
    fn a_cancelled_run_changes_nothing() {
        let first = advance(None, Down, None, ONE, T0).state;
        let step = advance(
            Some(&first),
            Unknown,
            None,
            ONE,
            T0 + time::Duration::minutes(5),
        );
        assert_eq!(step.state, first);
        assert!(!step.changed());
    }
}

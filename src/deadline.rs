//! The step's time limit. The network calls after the checks (Slack, `chat.update`, the
//! heartbeat) are done by one point in time set from the step's start, so that a Slack or a
//! heartbeat that never answers cannot hold the step past 30 s: a few seconds are kept back for
//! the state, the outputs and the summary.

use std::time::{Duration, Instant};

/// The step ends within this of its start (when the checks leave room for it).
pub const STEP_LIMIT: Duration = Duration::from_secs(30);
/// The longest one channel's delivery may try (retries and waits included), within the deadline.
pub const NOTIFY_BUDGET: Duration = Duration::from_secs(30);
/// Kept back after the last network call for writing the state, the outputs and the summary.
pub const WRITE_MARGIN: Duration = Duration::from_secs(3);
/// What the network calls get however long the checks took (a long `heal-wait`, many URLs):
/// one request's time, so that a run that is already late still tells Slack.
pub const MIN_TAIL: Duration = Duration::from_secs(10);

/// When the network calls after the checks must be done: `STEP_LIMIT - WRITE_MARGIN` after the
/// step started, or `MIN_TAIL` after `now` when the checks took longer than that leaves.
pub fn network_deadline(step_started: Instant, now: Instant) -> Instant {
    (step_started + STEP_LIMIT - WRITE_MARGIN).max(now + MIN_TAIL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_comes_from_the_step_start() {
        let start = Instant::now();
        let s = Duration::from_secs;
        // Quick checks: the network calls end 27 s after the start, whenever they begin.
        assert_eq!(network_deadline(start, start + s(1)), start + s(27));
        assert_eq!(network_deadline(start, start + s(15)), start + s(27));
        // Checks that took most of the time still leave one request's time.
        assert_eq!(network_deadline(start, start + s(20)), start + s(30));
        assert_eq!(network_deadline(start, start + s(200)), start + s(210));
    }
}

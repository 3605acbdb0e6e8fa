//! When Slack is told and when the mention is added: pure functions of the policy, this run's
//! status and the previous one (unknown until state between runs exists).

use crate::config::{MentionOn, NotifyPolicy};
use crate::report::Status;

/// `changed`: some URL's status changed since the last run (an unknown previous status counts
/// as a change only to degraded or down), or a reminder is due.
pub fn should_notify(policy: NotifyPolicy, now: Status, changed: bool) -> bool {
    match policy {
        NotifyPolicy::Always => true,
        NotifyPolicy::Failure => now != Status::Up,
        NotifyPolicy::Success => now == Status::Up,
        NotifyPolicy::Change => changed,
        NotifyPolicy::Never => false,
    }
}

pub fn should_mention(on: MentionOn, now: Status, changed: bool) -> bool {
    match on {
        MentionOn::Always => true,
        MentionOn::Failure => now != Status::Up,
        MentionOn::Success => now == Status::Up,
        MentionOn::Change => changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    use crate::report::is_change;

    #[test]
    fn policies_against_statuses_with_an_unknown_past() {
        let table = [
            (NotifyPolicy::Always, [true, true, true]),
            (NotifyPolicy::Failure, [false, true, true]),
            (NotifyPolicy::Success, [true, false, false]),
            (NotifyPolicy::Change, [false, true, true]),
            (NotifyPolicy::Never, [false, false, false]),
        ];
        for (policy, expected) in table {
            for (now, want) in [Up, Degraded, Down].into_iter().zip(expected) {
                let changed = is_change(now, None);
                assert_eq!(
                    should_notify(policy, now, changed),
                    want,
                    "{policy:?} {now}"
                );
            }
        }
    }

    #[test]
    fn change_follows_the_change() {
        assert!(should_notify(
            NotifyPolicy::Change,
            Up,
            is_change(Up, Some(Down))
        ));
        assert!(!should_notify(
            NotifyPolicy::Change,
            Down,
            is_change(Down, Some(Down))
        ));
        assert!(should_notify(
            NotifyPolicy::Change,
            Degraded,
            is_change(Degraded, Some(Up))
        ));
    }

    #[test]
    fn mentions() {
        assert!(should_mention(MentionOn::Failure, Down, false));
        assert!(!should_mention(MentionOn::Failure, Up, true));
        assert!(should_mention(MentionOn::Always, Up, false));
        assert!(should_mention(MentionOn::Success, Up, false));
        assert!(!should_mention(MentionOn::Change, Up, false));
        assert!(should_mention(MentionOn::Change, Up, true));
    }
}

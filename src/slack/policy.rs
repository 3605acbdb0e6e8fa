//! When Slack is told and when the mention is added: pure functions of the policy, this run's
//! status and the previous one (unknown until state between runs exists).

use crate::config::{MentionOn, NotifyPolicy};
use crate::report::{is_change, Status};

pub fn should_notify(policy: NotifyPolicy, now: Status, previous: Option<Status>) -> bool {
    match policy {
        NotifyPolicy::Always => true,
        NotifyPolicy::Failure => now != Status::Up,
        NotifyPolicy::Success => now == Status::Up,
        NotifyPolicy::Change => is_change(now, previous),
        NotifyPolicy::Never => false,
    }
}

pub fn should_mention(on: MentionOn, now: Status, previous: Option<Status>) -> bool {
    match on {
        MentionOn::Always => true,
        MentionOn::Failure => now != Status::Up,
        MentionOn::Success => now == Status::Up,
        MentionOn::Change => is_change(now, previous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn policies_against_statuses() {
        let table = [
            (NotifyPolicy::Always, [true, true, true]),
            (NotifyPolicy::Failure, [false, true, true]),
            (NotifyPolicy::Success, [true, false, false]),
            (NotifyPolicy::Change, [false, true, true]),
            (NotifyPolicy::Never, [false, false, false]),
        ];
        for (policy, expected) in table {
            for (now, want) in [Up, Degraded, Down].into_iter().zip(expected) {
                assert_eq!(should_notify(policy, now, None), want, "{policy:?} {now}");
            }
        }
    }

    #[test]
    fn change_compares_with_the_previous_status() {
        assert!(!should_notify(NotifyPolicy::Change, Up, None));
        assert!(should_notify(NotifyPolicy::Change, Up, Some(Down)));
        assert!(!should_notify(NotifyPolicy::Change, Down, Some(Down)));
        assert!(should_notify(NotifyPolicy::Change, Degraded, Some(Up)));
    }

    #[test]
    fn mentions() {
        assert!(should_mention(MentionOn::Failure, Down, None));
        assert!(!should_mention(MentionOn::Failure, Up, None));
        assert!(should_mention(MentionOn::Always, Up, None));
        assert!(should_mention(MentionOn::Success, Up, None));
        assert!(!should_mention(MentionOn::Change, Up, None));
    }
}

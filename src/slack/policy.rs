//! When the mention is added: a pure function of `mention-on`, this run's status and whether it
//! changed. Whether a message is due at all is `crate::policy`, shared by every channel.

use crate::config::MentionOn;
use crate::report::Status;

pub use crate::policy::should_notify;

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

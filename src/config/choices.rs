//! The inputs that take one of a few words, as enums: each has `ALL` (in the contract's order),
//! `as_str` (its word) and `parse` (the word back), so the words are written once, here, and the
//! error for an unknown word lists `ALL`.

use std::fmt;

/// An enum whose values are the words of one input.
pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the contract's order.
    const ALL: &'static [Self];
    /// What a value is called in an error: "is not {NOUN}".
    const NOUN: &'static str;
    fn as_str(self) -> &'static str;

    /// The value whose word is exactly `word`.
    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == word)
    }

    /// "a, b or c": the words of `ALL`, for an error message.
    fn words() -> String {
        let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }
}

macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($noun:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word for this value, as the input spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The value whose word is exactly `word`.
            pub fn parse(word: &str) -> Option<$name> {
                <$name as Choice>::parse(word)
            }
        }

        impl Choice for $name {
            const ALL: &'static [$name] = $name::ALL;
            const NOUN: &'static str = $noun;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

choice_enum! {
    /// The `backoff` input: how the delay between attempts grows.
    pub enum Backoff ("a backoff") {
        Fixed = "fixed",
        Exponential = "exponential",
    }
}

choice_enum! {
    /// The `retry-on` input: which failures are retried.
    pub enum RetryOn ("a retry rule") {
        Any = "any",
        Transient = "transient",
    }
}

choice_enum! {
    /// The `notify` input: when Slack is told.
    pub enum NotifyPolicy ("a notification policy") {
        Always = "always",
        Failure = "failure",
        Success = "success",
        Change = "change",
        Never = "never",
    }
}

choice_enum! {
    /// The `mention-on` input: when the mention is added to a message.
    pub enum MentionOn ("a mention rule") {
        Always = "always",
        Failure = "failure",
        Success = "success",
        Change = "change",
    }
}

choice_enum! {
    /// One name of the `fields` input: 8398a7/action-slack's context fields (`all` is every one).
    pub enum SlackField ("a field") {
        Repo = "repo",
        Message = "message",
        Commit = "commit",
        Author = "author",
        Action = "action",
        EventName = "eventName",
        Ref = "ref",
        Workflow = "workflow",
        Job = "job",
        Took = "took",
    }
}

choice_enum! {
    /// The `digest` input: how often Slack gets a summary of the history.
    pub enum Digest ("a digest schedule") {
        Daily = "daily",
        Weekly = "weekly",
        Off = "off",
    }
}

choice_enum! {
    /// The `heal-preset` input: a hosting platform whose restart API upcheck knows.
    pub enum HealPreset ("a restart preset") {
        Render = "render",
        Railway = "railway",
        Fly = "fly",
        Koyeb = "koyeb",
        Cloudtype = "cloudtype",
    }
}

impl HealPreset {
    /// The platform's name as it is shown.
    pub fn title(self) -> &'static str {
        match self {
            HealPreset::Render => "Render",
            HealPreset::Railway => "Railway",
            HealPreset::Fly => "Fly.io",
            HealPreset::Koyeb => "Koyeb",
            HealPreset::Cloudtype => "CloudType",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Choice + PartialEq + fmt::Debug>() {
        for &v in T::ALL {
            assert_eq!(T::parse(v.as_str()), Some(v));
        }
        let mut words: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), T::ALL.len(), "each word once");
        assert_eq!(T::parse("nonsense"), None);
    }

    #[test]
    fn words_round_trip() {
        round_trip::<Backoff>();
        round_trip::<RetryOn>();
        round_trip::<NotifyPolicy>();
        round_trip::<MentionOn>();
        round_trip::<SlackField>();
        round_trip::<Digest>();
        round_trip::<HealPreset>();
    }

    #[test]
    fn words_are_exact_and_listed() {
        assert_eq!(NotifyPolicy::parse("Change"), None);
        assert_eq!(SlackField::parse("eventName"), Some(SlackField::EventName));
        assert_eq!(
            NotifyPolicy::words(),
            "always, failure, success, change or never"
        );
        assert_eq!(Backoff::words(), "fixed or exponential");
    }
}

//! Workflow commands printed to stdout: masks, annotations and their escaping. Every message goes
//! through `log_safe` first, so text from servers can never start a command of its own.

use crate::redact::log_safe;

/// The shortest value registered as a mask: shorter ones would blank out ordinary log text.
pub const MIN_MASK_LEN: usize = 4;

/// Escape a command's message: `%`, CR, LF (the runner decodes them back).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command's property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::add-mask::value` lines for each secret long enough to mask, each line of it too.
pub fn mask_lines(secrets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for secret in secrets {
        let value = secret.trim();
        if value.chars().count() >= MIN_MASK_LEN {
            out.push(format!("::add-mask::{}", escape_data(value)));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// `::error title=…::message`, with untrusted text neutralised and escaped.
pub fn annotation(level: Level, title: Option<&str>, message: &str) -> String {
    let message = escape_data(&log_safe(message));
    match title {
        Some(t) => format!(
            "::{} title={}::{message}",
            level.as_str(),
            escape_property(&log_safe(t))
        ),
        None => format!("::{}::{message}", level.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("50% a\nb\rc"), "50%25 a%0Ab%0Dc");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn annotations() {
        assert_eq!(
            annotation(
                Level::Error,
                Some("https://a/: down"),
                "HTTP 503, 3 attempts"
            ),
            "::error title=https%3A//a/%3A down::HTTP 503, 3 attempts"
        );
        assert_eq!(annotation(Level::Warning, None, "slow"), "::warning::slow");
        // Untrusted text cannot close the command or start another one.
        assert_eq!(
            annotation(
                Level::Error,
                None,
                "x\n::add-mask::y ##[set-output name=a]b"
            ),
            "::error::x ::add-mask::y #\u{200b}#[set-output name=a]b"
        );
    }

    #[test]
    fn masks_skip_short_values() {
        let lines = mask_lines(&["abc".into(), "  hunter2 ".into(), "a%b\nc-long".into()]);
        assert_eq!(lines, ["::add-mask::hunter2", "::add-mask::a%25b%0Ac-long"]);
    }
}

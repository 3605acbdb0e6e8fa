//! Step outputs: which values the contract names, and how they are written to `$GITHUB_OUTPUT`
//! (every value as a heredoc with a fresh random delimiter that the value is checked against).

use std::io::Write;
use std::path::Path;

use crate::report::{RunReport, SlackOutcome};

/// The outputs of a run, in a fixed order; `notified` and `notify-error` say what `slack` came
/// to, and the other channels: `others_notified` (one of them got its message) and
/// `other_errors` (a line each, after Slack's).
pub fn outputs<E: std::fmt::Display>(
    report: &RunReport,
    slack: &SlackOutcome<E>,
    others_notified: bool,
    other_errors: &[String],
) -> Vec<(&'static str, String)> {
    let status = report.status();
    let previous = report
        .previous
        .map_or("unknown".to_string(), |p| p.to_string());
    let changed = crate::report::is_change(status, report.previous);
    let first = report.results.first();
    let failed: Vec<&str> = report.down().map(|r| r.url.as_str()).collect();
    vec![
        ("healthy", report.healthy().to_string()),
        ("status", status.to_string()),
        ("previous-status", previous),
        ("changed", changed.to_string()),
        ("failed-urls", failed.join("\n")),
        ("results", report.results_json().to_string()),
        (
            "status-code",
            first
                .and_then(|r| r.http_status)
                .map_or(String::new(), |c| c.to_string()),
        ),
        (
            "response-time-ms",
            first
                .and_then(|r| r.response_time_ms())
                .map_or(String::new(), |ms| ms.to_string()),
        ),
        (
            "notified",
            (slack.notified() || others_notified).to_string(),
        ),
        (
            "notify-error",
            std::iter::once(slack.notify_error())
                .chain(other_errors.iter().cloned())
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "healed",
            report
                .heal
                .as_ref()
                .map_or(String::new(), |h| h.healed().to_string()),
        ),
        (
            "heal-error",
            report
                .heal
                .as_ref()
                .and_then(|h| h.answer.error())
                .unwrap_or_default(),
        ),
    ]
}

/// `name<<delimiter\nvalue\ndelimiter\n`, with a delimiter found in neither name nor value.
pub fn encode(name: &str, value: &str, mut fresh_delimiter: impl FnMut() -> String) -> String {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = loop {
        let d = fresh_delimiter();
        if !value.contains(&d) && !name.contains(&d) {
            break d;
        }
    };
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

pub fn random_delimiter() -> String {
    format!("ghadelimiter_{}", uuid::Uuid::new_v4())
}

/// Append every output to the file the runner gave.
pub fn write(path: &Path, outputs: &[(&'static str, String)]) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, value) in outputs {
        text.push_str(&encode(name, value, random_delimiter));
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_encoding() {
        assert_eq!(encode("status", "up", || "D".into()), "status<<D\nup\nD\n");
        assert_eq!(encode("e", "", || "D".into()), "e<<D\n\nD\n");
        assert_eq!(encode("m", "a\r\nb", || "D".into()), "m<<D\na\nb\nD\n");
    }

    #[test]
    fn a_delimiter_inside_the_value_is_never_used() {
        let mut candidates = vec!["SAFE".to_string(), "EVIL".to_string()];
        let encoded = encode("results", "x\nEVIL\ninjected=1", || {
            candidates.pop().unwrap()
        });
        assert_eq!(encoded, "results<<SAFE\nx\nEVIL\ninjected=1\nSAFE\n");
    }

    #[test]
    fn delimiters_are_fresh() {
        assert_ne!(random_delimiter(), random_delimiter());
        assert!(random_delimiter().starts_with("ghadelimiter_"));
    }
}

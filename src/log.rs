//! The one log sink of a run: lines for the step log (on Actions, stdout, where the runner reads
//! workflow commands) or for a terminal (stderr, prefixed `upcheck:`). Warnings and errors become
//! annotations on Actions. Every message is made log-safe before it is printed; only `command`
//! prints a line as it is, for the workflow commands upcheck builds itself.

use std::io::Write;

use crate::github::commands::{annotation, Level};
use crate::redact::log_safe;

/// Where the run's lines go: the Actions step log or a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Log {
    actions: bool,
    /// Routine lines (`note`) are left out: rounds say only what changed.
    quiet: bool,
}

impl Log {
    /// `actions`: `GITHUB_ACTIONS=true`, workflow commands are read from stdout.
    pub fn new(actions: bool) -> Log {
        Log {
            actions,
            quiet: false,
        }
    }

    /// The same sink without routine lines (`note`), for rounds after the first.
    pub fn quiet(self) -> Log {
        Log {
            quiet: true,
            ..self
        }
    }

    /// A routine line ("no message was due"): `info`, unless the sink is quiet.
    pub fn note(self, line: &str) {
        if !self.quiet {
            self.info(line);
        }
    }

    /// Whether the lines go to the Actions step log.
    pub fn on_actions(self) -> bool {
        self.actions
    }

    /// A line for the step log (Actions) or stderr (local).
    pub fn info(self, line: &str) {
        if self.actions {
            stdout(&log_safe(line));
        } else {
            eprintln!("upcheck: {}", log_safe(line));
        }
    }

    /// A warning: a `::warning::` annotation on Actions, `upcheck: warning: …` locally.
    pub fn warn(self, message: &str) {
        if self.actions {
            stdout(&annotation(Level::Warning, None, message));
        } else {
            eprintln!("upcheck: warning: {}", log_safe(message));
        }
    }

    /// An error that ends the run or fails it: a titled `::error` on Actions.
    pub fn fail(self, title: &str, message: &str) {
        if self.actions {
            stdout(&annotation(Level::Error, Some(title), message));
        } else {
            eprintln!("upcheck: {}", log_safe(message));
        }
    }

    /// A workflow command built by upcheck (a mask, an annotation), printed on Actions only.
    pub fn command(self, line: &str) {
        if self.actions {
            stdout(line);
        }
    }

    /// The report itself (the readable lines or `--json`), to stdout in either place.
    pub fn report(self, text: &str) {
        for line in text.lines() {
            stdout(line);
        }
    }
}

/// One line to stdout, ignoring a closed pipe.
fn stdout(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

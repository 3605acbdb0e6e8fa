//! `keepalive`: when the repository has had no push for 50 days, re-enable this run's workflow
//! through the REST API (`PUT /repos/{owner}/{repo}/actions/workflows/{file}/enable`), so that
//! GitHub's 60-day rule for scheduled workflows in public repositories never disables it. The
//! pure part (`workflow_file`, `due`) decides; `run` makes the calls by the deadline and says
//! what it did. A failure is a warning: it never fails the step.

use std::time::Instant;

use reqwest::Client;
use time::OffsetDateTime;

use crate::github::api::Api;
use crate::github::context::RunContext;

/// Days without activity after which the workflow is re-enabled: ten days before GitHub's 60,
/// so that a few dropped or failed runs still leave time.
pub const QUIET_DAYS: i64 = 50;

/// What `keepalive` did this run, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was due: why.
    Skipped(String),
    /// The workflow was re-enabled at `at`: what, in words.
    Enabled { line: String, at: OffsetDateTime },
    /// Something due did not happen: why.
    Failed(String),
}

impl Outcome {
    /// One line for the log.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Skipped(why) => format!("Keepalive: nothing to do ({why})"),
            Outcome::Enabled { line, .. } => format!("Keepalive: {line}"),
            Outcome::Failed(why) => format!("Keepalive: {why}"),
        }
    }

    /// When the workflow was re-enabled this run, for the state.
    pub fn enabled_at(&self) -> Option<OffsetDateTime> {
        match self {
            Outcome::Enabled { at, .. } => Some(*at),
            _ => None,
        }
    }
}

/// The workflow's file name from `GITHUB_WORKFLOW_REF`
/// (`octo/site/.github/workflows/health.yml@refs/heads/main` → `health.yml`), which the REST API
/// takes in place of the workflow's id. `None` for a ref that names no file under
/// `.github/workflows/`.
pub fn workflow_file(workflow_ref: &str) -> Option<String> {
    let (_, rest) = workflow_ref.split_once("/.github/workflows/")?;
    let name = rest.split('@').next()?;
    let fits = !name.is_empty()
        && !name.contains('/')
        && (name.ends_with(".yml") || name.ends_with(".yaml"));
    fits.then(|| name.to_string())
}

/// Days from `at` to `now`, whole days down (0 for a time ahead of the run's clock).
fn days_since(now: OffsetDateTime, at: OffsetDateTime) -> i64 {
    (now - at).whole_days().max(0)
}

/// Whether re-enabling is due: the later of the last push and the last re-enable (the call
/// counts as activity too) is `QUIET_DAYS` or more before `now`; also when neither is known.
pub fn due(
    now: OffsetDateTime,
    pushed_at: Option<OffsetDateTime>,
    enabled_at: Option<OffsetDateTime>,
) -> bool {
    pushed_at
        .max(enabled_at)
        .is_none_or(|last| days_since(now, last) >= QUIET_DAYS)
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Read the repository's last push and, when due, re-enable the workflow, every call by
/// `deadline`. `enabled_at` is the state's last re-enable; `now` the run's time.
pub async fn run(
    client: &Client,
    ctx: &RunContext,
    token: Option<&str>,
    enabled_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    deadline: Instant,
) -> Outcome {
    if let Some(at) = enabled_at.filter(|at| !due(now, None, Some(*at))) {
        return Outcome::Skipped(format!(
            "it re-enabled the workflow {} ago",
            days(days_since(now, at))
        ));
    }
    let Some(repo) = ctx.repository.as_deref() else {
        return Outcome::Failed("this is not a workflow run (no GITHUB_REPOSITORY)".into());
    };
    let Some(file) = ctx.workflow_ref.as_deref().and_then(workflow_file) else {
        return Outcome::Failed(format!(
            "cannot tell this run's workflow file from GITHUB_WORKFLOW_REF ({})",
            ctx.workflow_ref.as_deref().map_or_else(
                || "not set".to_string(),
                |r| format!("{:?}", crate::text::clip(r, 200))
            )
        ));
    };
    let api = Api {
        client,
        base: &ctx.api_url,
        token,
    };
    let left = || deadline.saturating_duration_since(Instant::now());
    let repository = match api.repository(repo, left()).await {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if repository.private {
        return Outcome::Skipped(
            "a private repository: GitHub's 60-day rule is for public ones".into(),
        );
    }
    if repository.archived {
        return Outcome::Skipped("the repository is archived".into());
    }
    if !due(now, repository.pushed_at, enabled_at) {
        let pushed = repository.pushed_at.map_or(0, |at| days_since(now, at));
        return Outcome::Skipped(format!("the last push was {} ago", days(pushed)));
    }
    let quiet = repository.pushed_at.map_or_else(
        || "no push known".to_string(),
        |at| format!("no push for {}", days(days_since(now, at))),
    );
    match api.enable_workflow(repo, &file, left()).await {
        Ok(()) => Outcome::Enabled {
            line: format!("re-enabled {file} ({quiet})"),
            at: now,
        },
        Err(e) => Outcome::Failed(format!("{e} ({quiet})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_workflow_file_comes_from_the_workflow_ref() {
        let file = |r| workflow_file(r);
        assert_eq!(
            file("octo-org/site/.github/workflows/healthcheck.yml@refs/heads/main").as_deref(),
            Some("healthcheck.yml")
        );
        assert_eq!(
            file("octo/site/.github/workflows/up check.yaml@refs/heads/feature@2").as_deref(),
            Some("up check.yaml")
        );
        assert_eq!(
            file("octo/site/.github/workflows/health.yml@refs/pull/3/merge").as_deref(),
            Some("health.yml")
        );
        assert_eq!(
            file("octo/site/.github/workflows/health.yml").as_deref(),
            Some("health.yml")
        );
        // Not a workflow file of the repository.
        assert_eq!(
            file("octo/site/dynamic/github-code-scanning/codeql@main"),
            None
        );
        assert_eq!(file("octo/site/.github/workflows/sub/x.yml@main"), None);
        assert_eq!(file("octo/site/.github/workflows/@main"), None);
        assert_eq!(file("octo/site/.github/workflows/notes.txt@main"), None);
        assert_eq!(file(""), None);
    }

    #[test]
    fn due_after_fifty_quiet_days() {
        let now = datetime!(2026-12-03 12:00 UTC);
        let ago = |d: i64| Some(now - time::Duration::days(d));
        assert!(!due(now, ago(0), None));
        assert!(!due(now, ago(49), None));
        assert!(!due(
            now,
            Some(now - time::Duration::hours(50 * 24 - 1)),
            None
        ));
        assert!(due(now, ago(50), None));
        assert!(due(now, ago(59), None));
        assert!(due(now, ago(400), None));
        // Nothing known: better one call too many.
        assert!(due(now, None, None));
        // A push ahead of the run's clock is recent.
        assert!(!due(now, Some(now + time::Duration::days(2)), None));
        assert_eq!(days_since(now, now + time::Duration::days(2)), 0);
    }

    #[test]
    fn a_recent_re_enable_counts_as_activity() {
        let now = datetime!(2026-12-03 12:00 UTC);
        let ago = |d: i64| Some(now - time::Duration::days(d));
        assert!(!due(now, ago(80), ago(10)));
        assert!(!due(now, None, ago(49)));
        assert!(due(now, ago(80), ago(50)));
        // A push after the re-enable is what counts then.
        assert!(!due(now, ago(3), ago(55)));
    }

    #[test]
    fn lines_say_what_happened() {
        assert_eq!(
            Outcome::Skipped(format!("the last push was {} ago", days(1))).describe(),
            "Keepalive: nothing to do (the last push was 1 day ago)"
        );
        let at = datetime!(2026-12-03 12:00 UTC);
        let done = Outcome::Enabled {
            line: "re-enabled healthcheck.yml (no push for 51 days)".into(),
            at,
        };
        assert_eq!(
            done.describe(),
            "Keepalive: re-enabled healthcheck.yml (no push for 51 days)"
        );
        assert_eq!(done.enabled_at(), Some(at));
        assert_eq!(Outcome::Failed("x".into()).enabled_at(), None);
    }
}

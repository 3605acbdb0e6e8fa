//! Black-box tests of `keepalive`: the real binary runs under `shared/tools/runner-sim`
//! (action.yml, with its cache steps) against a checked URL on 127.0.0.1 and the fake GitHub
//! API ([`FakeGitHub`]), whose `GET /repos/{owner}/{repo}` tells the last push. Each test
//! asserts on the requests the fake received, the log and annotations, and the step's outcome.

mod common;

use common::fake_github::{Canned, FakeGitHub};
use common::{Behaviour, Sim, TempDir, TestServer};

const TOKEN: &str = "ghs_keepalivetesttoken0123456789";

/// A run with keepalive on, its state in `cache`, GitHub's API at `github`.
fn sim(github: &FakeGitHub, cache: &TempDir, url: &str) -> Sim {
    Sim::new()
        .cache_dir(cache.path())
        .arg(&format!("--api-url={}", github.url()))
        .arg(&format!("--token={TOKEN}"))
        .with("url", url)
        .with("max-attempts", "1")
        .with("keepalive", "true")
}

/// RFC 3339, `days` before now.
fn days_ago(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() - time::Duration::days(days) - time::Duration::hours(1);
    t.replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// "METHOD path" of every request the fake received.
fn requests(github: &FakeGitHub) -> Vec<String> {
    github
        .calls()
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect()
}

#[test]
fn fifty_quiet_days_re_enable_the_workflow_once() {
    let site = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let github = FakeGitHub::start();
    github.pushed_at(&days_ago(51));
    let cache = TempDir::new("keepalive-due");
    let r = sim(&github, &cache, &site.url("/")).run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert_eq!(
        requests(&github),
        [
            "GET /repos/octo-org/octo-repo",
            "PUT /repos/octo-org/octo-repo/actions/workflows/healthcheck.yml/enable",
        ]
    );
    let put = &github.calls()[1];
    assert_eq!(
        put.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(put.header("accept"), Some("application/vnd.github+json"));
    assert!(
        r.line_with("Keepalive:")
            .ends_with("Keepalive: re-enabled healthcheck.yml (no push for 51 days)"),
        "{r}"
    );
    assert!(r.annotations("warning").is_empty(), "{r}");
    // The state remembers the call: the next run makes none while it counts as activity.
    let r = sim(&github, &cache, &site.url("/")).run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert_eq!(github.calls().len(), 2, "{:?}", requests(&github));
    assert!(
        r.line_with("Keepalive:")
            .contains("nothing to do (it re-enabled the workflow 0 days ago)"),
        "{r}"
    );
}

#[test]
fn the_workflow_is_named_by_its_file_in_github_workflow_ref() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    github.pushed_at(&days_ago(300));
    let r = sim(&github, &TempDir::new("keepalive-file"), &site.url("/"))
        .arg("--workflow-file=uptime monitor.yaml")
        .with("fail-on-down", "false")
        .run();
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    assert_eq!(github.enabled(), ["uptime%20monitor.yaml"]);
    assert!(
        r.line_with("Keepalive:")
            .ends_with("re-enabled uptime monitor.yaml (no push for 300 days)"),
        "{r}"
    );
}

#[test]
fn recent_activity_makes_no_call() {
    let site = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let github = FakeGitHub::start();
    github.pushed_at(&days_ago(49));
    let r = sim(&github, &TempDir::new("keepalive-recent"), &site.url("/")).run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert_eq!(requests(&github), ["GET /repos/octo-org/octo-repo"]);
    assert!(github.enabled().is_empty());
    assert!(
        r.line_with("Keepalive:")
            .ends_with("Keepalive: nothing to do (the last push was 49 days ago)"),
        "{r}"
    );
}

#[test]
fn off_by_default_it_calls_nothing() {
    let site = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let github = FakeGitHub::start();
    github.pushed_at(&days_ago(100));
    let r = sim(&github, &TempDir::new("keepalive-off"), &site.url("/"))
        .with("keepalive", "false")
        .run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert!(github.calls().is_empty(), "{:?}", requests(&github));
    assert!(!r.log_text().contains("Keepalive"), "{r}");
}

#[test]
fn a_403_names_actions_write_and_is_only_a_warning() {
    let site = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let github = FakeGitHub::start();
    let repo = format!(
        r#"{{"private":false,"archived":false,"pushed_at":"{}"}}"#,
        days_ago(70)
    );
    let forbidden = Canned::new(
        403,
        &[("x-accepted-github-permissions", "actions=write")],
        r#"{"message":"Resource not accessible by integration"}"#,
    );
    github.script(vec![Canned::new(200, &[], &repo), forbidden.clone()]);
    let cache = TempDir::new("keepalive-403");
    let r = sim(&github, &cache, &site.url("/")).run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert_eq!(r.exit_code(), 0, "{r}");
    let warnings = r.annotations("warning");
    let w = warnings
        .iter()
        .find(|w| w.contains("Keepalive:"))
        .unwrap_or_else(|| panic!("no warning:\n{r}"));
    assert!(
        w.contains("the token may not re-enable this workflow: add `permissions: actions: write` to the job"),
        "{w}"
    );
    assert!(w.ends_with("(no push for 70 days)"), "{w}");
    assert!(!r.log_text().contains(TOKEN), "{r}");
    // Not a notification: fail-on-notify-error leaves it a warning, and nothing was recorded,
    // so the next run tries again.
    github.script(vec![Canned::new(200, &[], &repo), forbidden]);
    let r = sim(&github, &cache, &site.url("/"))
        .with("fail-on-notify-error", "true")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    assert!(r.line_with("Keepalive:").contains("actions: write"), "{r}");
    assert_eq!(
        requests(&github)
            .iter()
            .filter(|c| c.starts_with("PUT "))
            .count(),
        2
    );
}

#[test]
fn a_private_repository_needs_no_keepalive() {
    let site = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let github = FakeGitHub::start();
    let repo = format!(
        r#"{{"private":true,"archived":false,"pushed_at":"{}"}}"#,
        days_ago(90)
    );
    github.script(vec![Canned::new(200, &[], &repo)]);
    let r = sim(&github, &TempDir::new("keepalive-private"), &site.url("/")).run();
    assert_eq!(requests(&github), ["GET /repos/octo-org/octo-repo"]);
    assert!(
        r.line_with("Keepalive:")
            .contains("a private repository: GitHub's 60-day rule is for public ones"),
        "{r}"
    );
}

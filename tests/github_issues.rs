//! Black-box tests of INCIDENTS AS GITHUB ISSUES (`github-issues`): the real binary runs under
//! `shared/tools/runner-sim` (action.yml, with its cache steps) against a checked URL on
//! 127.0.0.1 and a fake GitHub issues API with state ([`FakeGitHub`]), so several runs, or two
//! at once, see the same repository. Each test asserts on the issues and comments the fake
//! holds, the requests it received, the log and annotations, and the step's outcome.
//!
//! One test waits for a call's 10 s limit (a GitHub that never answers); the rest take a few
//! seconds.

mod common;

use std::time::{Duration, Instant};

use common::fake_github::{Canned, FakeGitHub};
use common::{Behaviour, Sim, SimReport, TempDir, TestServer};
use serde_json::Value;

const TOKEN: &str = "ghs_issuestesttoken0123456789";

/// A run of a monitor whose state lives in `cache` (run `n`, a run id of its own), with issues
/// on, one attempt per URL, and GitHub's API at `github`.
fn sim(github: &FakeGitHub, cache: &TempDir, n: u32, url: &str) -> Sim {
    Sim::new()
        .cache_dir(cache.path())
        .arg(&format!("--run-id={}", 9000 + n))
        .arg(&format!("--run-number={n}"))
        .arg(&format!("--api-url={}", github.url()))
        .arg(&format!("--token={TOKEN}"))
        .with("url", url)
        .with("max-attempts", "1")
        .with("timeout", "5s")
        .with("fail-on-down", "false")
        .with("github-issues", "true")
}

fn marker_key(body: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    assert!(
        first.starts_with("<!-- upcheck:incident key=") && first.ends_with(" -->"),
        "no marker: {first}"
    );
    first
        .split_whitespace()
        .find_map(|t| t.strip_prefix("key="))
        .unwrap()
        .to_string()
}

fn labels(issue: &Value) -> Vec<String> {
    issue["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_down_url_opens_one_issue_with_labels_assignees_and_the_reason() {
    let site = TestServer::start(vec![("/health", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    let cache = TempDir::new("issues-open");
    let r = sim(&github, &cache, 1, &site.url("/health"))
        .with("issue-assignees", "octocat, @hubot")
        .run();
    assert_eq!(r.outcome(), "success", "{r}");
    let issues = github.issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let issue = &issues[0];
    let host = format!("127.0.0.1:{}", site.port());
    assert_eq!(issue["title"], format!("🔴 {host}/health is down"));
    assert_eq!(labels(issue), ["upcheck", "incident"]);
    let assignees: Vec<&str> = issue["assignees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["login"].as_str().unwrap())
        .collect();
    assert_eq!(assignees, ["octocat", "hubot"]);
    let body = issue["body"].as_str().unwrap();
    assert_eq!(marker_key(body).len(), 32);
    assert!(
        body.contains(&format!("`{}`", site.url("/health"))),
        "{body}"
    );
    assert!(
        body.contains("HTTP 503 Service Unavailable (expected 200-399)"),
        "{body}"
    );
    assert!(body.contains("- **Since:** "), "{body}");
    assert!(
        body.contains("(https://github.com/octo-org/octo-repo/actions/runs/9001)"),
        "{body}"
    );
    assert!(
        body.contains("- **Attempts:** 1 of 1; the last answered HTTP 503"),
        "{body}"
    );
    // The list came first, with the first label; every call carried the token.
    let calls = github.calls();
    assert_eq!(calls[0].method, "GET");
    assert_eq!(
        calls[0].path,
        "/repos/octo-org/octo-repo/issues?state=open&labels=upcheck&per_page=100&page=1"
    );
    for c in &calls {
        assert_eq!(
            c.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(c.header("x-github-api-version"), Some("2022-11-28"));
    }
    assert!(r.line_with("GitHub issues:").contains("opened #1"), "{r}");
    // A second run while still down: nothing new, no second issue.
    let again = sim(&github, &cache, 2, &site.url("/health")).run();
    assert_eq!(github.issues().len(), 1);
    assert!(github.comments(1).is_empty());
    assert!(
        again.line_with("GitHub issues:").contains("nothing to do"),
        "{again}"
    );
}

#[test]
fn a_changed_reason_comments_and_a_recovery_closes_with_the_duration() {
    let site = TestServer::start(vec![(
        "/",
        Behaviour::Sequence(vec![
            Behaviour::Status(503),
            Behaviour::Status(500),
            Behaviour::Status(200),
        ]),
    )]);
    let github = FakeGitHub::start();
    let cache = TempDir::new("issues-cycle");
    let url = site.url("/");
    sim(&github, &cache, 1, &url).run();
    assert_eq!(github.open_issues().len(), 1);
    let second = sim(&github, &cache, 2, &url).run();
    let comments = github.comments(1);
    assert_eq!(comments.len(), 1, "{comments:#?}\n{second}");
    assert!(
        comments[0].contains("still down, for another reason now"),
        "{}",
        comments[0]
    );
    assert!(
        comments[0].contains("HTTP 500 Internal Server Error"),
        "{}",
        comments[0]
    );
    // The marker now remembers the new reason: the same reason again would say nothing.
    let body = github.issues()[0]["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("HTTP 503"),
        "the body keeps the first reason: {body}"
    );
    let third = sim(&github, &cache, 3, &url).run();
    let comments = github.comments(1);
    assert_eq!(comments.len(), 2, "{comments:#?}\n{third}");
    assert!(comments[1].contains(": back up after "), "{}", comments[1]);
    assert!(comments[1].contains("(down since "), "{}", comments[1]);
    let issue = &github.issues()[0];
    assert_eq!(issue["state"], "closed");
    assert_eq!(issue["state_reason"], "completed");
    assert!(
        third.line_with("GitHub issues:").contains("closed #1"),
        "{third}"
    );
}

#[test]
fn a_reminder_comments_after_remind_every() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    let cache = TempDir::new("issues-remind");
    let url = site.url("/");
    sim(&github, &cache, 1, &url)
        .with("remind-every", "2s")
        .run();
    // Too soon: nothing.
    sim(&github, &cache, 2, &url)
        .with("remind-every", "1h")
        .run();
    assert!(github.comments(1).is_empty());
    std::thread::sleep(Duration::from_millis(2100));
    let r = sim(&github, &cache, 3, &url)
        .with("remind-every", "2s")
        .run();
    let comments = github.comments(1);
    assert_eq!(comments.len(), 1, "{r}");
    assert!(
        comments[0].contains(": still down after "),
        "{}",
        comments[0]
    );
    assert!(comments[0].contains("HTTP 503"), "{}", comments[0]);
    assert_eq!(github.issues().len(), 1);
}

#[test]
fn a_lost_state_finds_the_open_issue_and_closes_the_right_one() {
    let site = TestServer::start(vec![
        (
            "/a",
            Behaviour::Sequence(vec![
                Behaviour::Status(503),
                Behaviour::Status(503),
                Behaviour::Status(200),
            ]),
        ),
        ("/b", Behaviour::Status(503)),
    ]);
    let github = FakeGitHub::start();
    github.seed("Unrelated", "no marker here", &["upcheck"]);
    let both = format!("{}\n{}", site.url("/a"), site.url("/b"));
    sim(&github, &TempDir::new("issues-lost-1"), 1, &both).run();
    let opened = github.open_issues();
    assert_eq!(opened.len(), 3, "{opened:#?}");
    let key_a = marker_key(github.issues()[1]["body"].as_str().unwrap());
    // A marker that is not on the first line is no marker.
    let decoy = github.seed(
        "Decoy",
        &format!("quoted:\n<!-- upcheck:incident key={key_a} -->"),
        &["upcheck", "incident"],
    );
    // A fresh cache each time: no state at all.
    let r = sim(&github, &TempDir::new("issues-lost-2"), 2, &both).run();
    assert_eq!(github.issues().len(), 4, "a duplicate was opened\n{r}");
    let r = sim(&github, &TempDir::new("issues-lost-3"), 3, &both).run();
    let issues = github.issues();
    let state = |n: usize| issues[n - 1]["state"].as_str().unwrap().to_string();
    assert_eq!(
        [state(1), state(2), state(3), state(decoy as usize)],
        ["open", "closed", "open", "open"],
        "{r}"
    );
    let comments = github.comments(2);
    assert_eq!(comments.len(), 1, "{r}");
    assert!(comments[0].contains(": back up after "), "{}", comments[0]);
    assert!(github.comments(3).is_empty() && github.comments(decoy).is_empty());
}

#[test]
fn two_overlapping_runs_leave_one_open_issue() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    // Each run's first listing sees the repository as it was before either opened an issue,
    // so both open one, whenever each of them started.
    github.overlap(2);
    let url = site.url("/");
    let runs: Vec<_> = (1..=2)
        .map(|n| {
            let s = sim(&github, &TempDir::new("issues-overlap"), n, &url)
                .arg(&format!("--token={TOKEN}{n}"));
            std::thread::spawn(move || s.run())
        })
        .collect();
    let reports: Vec<SimReport> = runs.into_iter().map(|h| h.join().unwrap()).collect();
    let open = github.open_issues();
    assert_eq!(open.len(), 1, "{open:#?}\n{}\n{}", reports[0], reports[1]);
    // Both opened one, and the younger was closed as a duplicate of the older.
    assert_eq!(github.issues().len(), 2, "{:#?}", github.issues());
    let kept = open[0]["number"].as_u64().unwrap();
    assert_eq!(kept, 1);
    let younger = &github.issues()[1];
    assert_eq!(younger["state"], "closed");
    assert_eq!(younger["state_reason"], "not_planned");
    let comments = github.comments(2);
    assert!(
        comments.iter().any(|c| c.contains("duplicate of #1")),
        "{comments:#?}"
    );
    assert!(github.comments(kept).is_empty());
}

#[test]
fn a_403_without_issues_write_names_the_permission_and_changes_no_outcome() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    github.script(vec![Canned::new(
        403,
        &[("x-accepted-github-permissions", "issues=read")],
        r#"{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}"#,
    )]);
    let r = sim(&github, &TempDir::new("issues-403"), 1, &site.url("/")).run();
    assert_eq!(r.outcome(), "success", "{r}");
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"));
    let warnings = r.annotations("warning");
    let w = warnings
        .iter()
        .find(|w| w.contains("GitHub issues:"))
        .unwrap_or_else(|| panic!("no warning:\n{r}"));
    assert!(
        w.contains("the token may not list the open incident issues in octo-org/octo-repo"),
        "{w}"
    );
    assert!(
        w.contains("403 Resource not accessible by integration"),
        "{w}"
    );
    assert!(
        w.ends_with("add `permissions: issues: write` to the job"),
        "{w:?}"
    );
    assert!(github.issues().is_empty());
    assert_eq!(github.calls().len(), 1, "nothing after the 403");
    // With fail-on-notify-error the step fails with exit 3, saying the same.
    github.script(vec![Canned::new(
        403,
        &[],
        r#"{"message":"Resource not accessible by integration"}"#,
    )]);
    let r = sim(&github, &TempDir::new("issues-403b"), 2, &site.url("/"))
        .with("fail-on-notify-error", "true")
        .run();
    assert_eq!(r.exit_code(), 3, "{r}");
    assert!(
        r.annotations("error")
            .iter()
            .any(|e| e.contains("issues: write")),
        "{r}"
    );
}

#[test]
fn rate_limits_are_honoured_within_the_budget() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1)
    .to_string();
    github.script(vec![
        // A secondary rate limit on the listing: 429 with retry-after.
        Canned::new(
            429,
            &[("retry-after", "1")],
            r#"{"message":"You have exceeded a secondary rate limit"}"#,
        ),
        // The listing again: fine (no script item: the fake answers).
    ]);
    let started = Instant::now();
    let r = sim(&github, &TempDir::new("issues-429"), 1, &site.url("/")).run();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(github.open_issues().len(), 1, "{r}");
    let gets = github.calls().iter().filter(|c| c.method == "GET").count();
    assert!(gets >= 2, "the listing was tried again");
    // A primary limit: 403 with x-ratelimit-remaining 0, until x-ratelimit-reset.
    let github = FakeGitHub::start();
    github.script(vec![Canned::new(
        403,
        &[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &reset),
        ],
        r#"{"message":"API rate limit exceeded"}"#,
    )]);
    let r = sim(&github, &TempDir::new("issues-reset"), 1, &site.url("/")).run();
    assert_eq!(github.open_issues().len(), 1, "{r}");
    assert!(
        !r.annotations("warning")
            .iter()
            .any(|w| w.contains("issues: write")),
        "{r}"
    );
    // A wait longer than the budget is not waited for: a warning at once.
    let github = FakeGitHub::start();
    github.script(vec![Canned::new(
        403,
        &[("retry-after", "600")],
        r#"{"message":"You have exceeded a secondary rate limit"}"#,
    )]);
    let started = Instant::now();
    let r = sim(&github, &TempDir::new("issues-long"), 1, &site.url("/")).run();
    assert!(started.elapsed() < Duration::from_secs(20), "{r}");
    let line = r.line_with("GitHub issues:");
    assert!(
        line.contains("rate limit") && line.contains("600s"),
        "{line}"
    );
    assert!(
        !line.contains("issues: write"),
        "a rate limit is not a permission: {line}"
    );
    assert!(github.issues().is_empty());
}

#[test]
fn a_github_that_never_answers_ends_within_the_budget() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    github.script(vec![Canned::Hang]);
    let started = Instant::now();
    let r = sim(&github, &TempDir::new("issues-hang"), 1, &site.url("/")).run();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "{took:?}\n{r}");
    assert_eq!(r.outcome(), "success", "{r}");
    let line = r.line_with("GitHub issues:");
    assert!(
        line.contains(
            "cannot reach the GitHub API to list the open incident issues (no answer within 10s)"
        ),
        "{line}"
    );
    assert!(r.output("results").is_some(), "outputs are written");
}

#[test]
fn hostile_text_stays_text() {
    // A redirect loop whose path is Markdown, a mention, and the start of an HTML comment.
    let path = "/loop/@octocat/**bold**/[x](https:/evil)/a--b";
    let site = TestServer::start(vec![(path, Behaviour::redirect(302, path))]);
    let github = FakeGitHub::start();
    // And a GitHub error whose message tries to become a workflow command.
    github.script(vec![
        Canned::new(200, &[], "[]"),
        Canned::new(
            500,
            &[],
            "{\"message\":\"boom\\n::error::injected\\r\\n::set-output name=x::y\"}",
        ),
    ]);
    let r = sim(&github, &TempDir::new("issues-hostile"), 1, &site.url(path)).run();
    let line = r.line_with("GitHub issues:");
    assert!(
        line.contains("GitHub answered HTTP 500 when asked to open an issue: boom"),
        "{line}"
    );
    assert!(
        !r.annotations("error")
            .iter()
            .any(|e| e.contains("injected")),
        "{r}"
    );
    assert!(r.output("x").is_none(), "{r}");
    // Now let it through and look at the body.
    let r = sim(
        &github,
        &TempDir::new("issues-hostile2"),
        2,
        &site.url(path),
    )
    .run();
    let issues = github.issues();
    assert_eq!(issues.len(), 1, "{r}");
    let body = issues[0]["body"].as_str().unwrap();
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
    assert_eq!(body.matches("-->").count(), 1, "{body}");
    let reason = body
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .unwrap_or_else(|| panic!("no reason block: {body}"));
    assert!(reason.contains("redirect loop"), "{reason}");
    assert!(reason.contains("@octocat/**bold**/[x]"), "{reason}");
    // Outside the code: the path only in code spans, never as Markdown.
    let outside: String = body.replace(&format!("```text\n{reason}\n```"), "");
    for piece in outside.split('`').step_by(2) {
        assert!(!piece.contains("@octocat"), "{body}");
    }
}

#[test]
fn nothing_secret_reaches_github() {
    const SECRET: &str = "query-s3cret-value-42";
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    let url = format!("{}?token={SECRET}", site.url("/"));
    let cache = TempDir::new("issues-secret");
    // As `${{ secrets.X }}` would be: the runner masks it in its own echo of the inputs.
    sim(&github, &cache, 1, &url).secret(SECRET).run();
    std::thread::sleep(Duration::from_millis(1100));
    let r = sim(&github, &cache, 2, &url)
        .with("remind-every", "1s")
        .secret(SECRET)
        .run();
    assert_eq!(github.comments(1).len(), 1, "a reminder: {r}");
    assert_eq!(github.issues().len(), 1, "{r}");
    let received = github.received_text();
    assert!(received.contains("token=***"), "{received}");
    assert!(!received.contains(SECRET), "{received}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");
}

#[test]
fn a_hundred_urls_down_at_once_get_a_hundred_issues_past_a_full_page() {
    let routes: Vec<(String, Behaviour)> = (0..100)
        .map(|i| (format!("/s{i}"), Behaviour::Status(503)))
        .collect();
    let site = TestServer::start(
        routes
            .iter()
            .map(|(p, b)| (p.as_str(), b.clone()))
            .collect(),
    );
    let github = FakeGitHub::start();
    // 120 other issues with the label: the listing takes two pages before any is opened.
    for i in 0..120 {
        github.seed(&format!("Other {i}"), "no marker", &["upcheck"]);
    }
    let urls: Vec<String> = (0..100).map(|i| site.url(&format!("/s{i}"))).collect();
    let started = Instant::now();
    let r = sim(&github, &TempDir::new("issues-many"), 1, &urls.join("\n")).run();
    assert!(started.elapsed() < Duration::from_secs(60), "{r}");
    let mine: Vec<Value> = github
        .open_issues()
        .into_iter()
        .filter(|i| {
            i["body"]
                .as_str()
                .unwrap()
                .starts_with("<!-- upcheck:incident")
        })
        .collect();
    assert_eq!(mine.len(), 100, "{r}");
    let mut keys: Vec<String> = mine
        .iter()
        .map(|i| marker_key(i["body"].as_str().unwrap()))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 100);
    let pages: Vec<String> = github
        .calls()
        .iter()
        .filter(|c| c.method == "GET")
        .map(|c| c.path.rsplit('=').next().unwrap().to_string())
        .collect();
    // Two pages before, three after (220 issues).
    assert_eq!(pages, ["1", "2", "1", "2", "3"], "{r}");
    // Nothing new in the next run: every issue is found again.
    sim(&github, &TempDir::new("issues-many-2"), 2, &urls.join("\n")).run();
    assert_eq!(github.issues().len(), 220);
}

#[test]
fn refused_assignees_are_dropped_and_the_issue_opened() {
    let site = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let github = FakeGitHub::start();
    github.script(vec![
        Canned::new(200, &[], "[]"),
        Canned::new(
            422,
            &[],
            r#"{"message":"Validation Failed","errors":[{"field":"assignees","code":"invalid"}]}"#,
        ),
    ]);
    let r = sim(&github, &TempDir::new("issues-422"), 1, &site.url("/"))
        .with("issue-assignees", "nobody-here")
        .run();
    let issues = github.issues();
    assert_eq!(issues.len(), 1, "{r}");
    assert_eq!(issues[0]["assignees"], serde_json::json!([]));
    let posts: Vec<Value> = github
        .calls()
        .iter()
        .filter(|c| c.method == "POST")
        .map(common::fake_github::Call::json)
        .collect();
    assert_eq!(posts[0]["assignees"], serde_json::json!(["nobody-here"]));
    assert!(posts[1].get("assignees").is_none());
    let line = r.line_with("GitHub issues:");
    assert!(
        line.contains("opened #1")
            && line.contains("GitHub refused the assignees nobody-here (Validation Failed)"),
        "{line}"
    );
}

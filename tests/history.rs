//! Black-box tests of THE HISTORY (issue 13), the real binary through `shared/tools/runner-sim`
//! with a test clock (`UPCHECK_NOW`, one run every 5 minutes): the `uptime` output, the job
//! summary's history section and incidents, the recovery message's duration and 7-day uptime,
//! the daily digest (sent once, on the first run after midnight UTC), the files of `status-dir`,
//! the rebuild from `history-url` after a lost state, and `history-url` answers that must never
//! fail the check or leak into a workflow command. Every Slack payload passes
//! `validate-slack-payload --strict` ([`messages`]).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{
    all_text, messages, refused_port, slack_ok, Behaviour, Sim, SimReport, TempDir, TestServer,
    SLACK_HOOK,
};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use time::OffsetDateTime;

/// Runs start at 22:00 UTC, 5 minutes apart; run 24 is the first after midnight.
const START: OffsetDateTime = datetime!(2026-12-02 22:00 UTC);
const RUNS: usize = 30;
/// The service is down (HTTP 503) in runs 10 to 14.
const DOWN: std::ops::Range<usize> = 10..15;

fn at(i: usize) -> String {
    (START + time::Duration::minutes(5 * i as i64))
        .format(&Rfc3339)
        .unwrap()
}

/// One monitor: a workspace (state file and status-dir in it) and a cache kept across runs.
struct Monitor {
    workspace: TempDir,
    cache: TempDir,
}

impl Monitor {
    fn new() -> Monitor {
        Monitor {
            workspace: TempDir::new("hist-ws"),
            cache: TempDir::new("hist-cache"),
        }
    }

    /// Run `n` at time `now`, the state in `.upcheck/state.json`, the site in `site`.
    fn sim(&self, n: usize, now: &str) -> Sim {
        Sim::new()
            .cache_dir(self.cache.path())
            .arg(&format!("--workspace={}", self.workspace.path().display()))
            .arg(&format!("--run-id={}", 9000 + n))
            .arg(&format!("--run-number={n}"))
            .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
            .with("max-attempts", "1")
            .with("timeout", "5s")
            .with("state-file", ".upcheck/state.json")
            .with("status-dir", "site")
            .env("UPCHECK_NOW", now)
    }

    fn site(&self, rel: &str) -> PathBuf {
        self.workspace.path().join("site").join(rel)
    }
}

fn uptime(r: &SimReport) -> Value {
    serde_json::from_str(&r.out("uptime"))
        .unwrap_or_else(|e| panic!("uptime is not JSON ({e}):\n{r}"))
}

#[test]
fn thirty_runs_with_an_outage_give_uptime_incidents_recovery_digest_and_a_site() {
    let steps: Vec<Behaviour> = (0..RUNS)
        .map(|i| {
            if DOWN.contains(&i) {
                Behaviour::Status(503)
            } else {
                Behaviour::text(200, "ok")
            }
        })
        .collect();
    let svc = TestServer::start(vec![("/svc", Behaviour::Sequence(steps))]);
    let slack = slack_ok();
    let m = Monitor::new();
    let url = format!("Shop={}", svc.url("/svc?key=s3cret-key"));
    let mut last = None;
    let mut digest_after = Vec::new();
    for i in 0..RUNS {
        let before = messages(&slack).len();
        let r = m
            .sim(i, &at(i))
            .with("url", &url)
            .with("digest", "daily")
            .env("SLACK_WEBHOOK_URL", &slack.url(SLACK_HOOK))
            .secret("s3cret-key")
            .watch_secret("s3cret-key")
            .run();
        assert!(r.leaks().as_array().is_none_or(Vec::is_empty), "leak:\n{r}");
        let expected = if DOWN.contains(&i) { 1 } else { 0 };
        assert_eq!(r.exit_code(), expected, "run {i}:\n{r}");
        // Written on every run, also when the check fails.
        let u = uptime(&r);
        assert_eq!(u[0]["name"], "Shop");
        assert_eq!(u[0]["url"], svc.url("/svc?key=***"));
        if i == 12 {
            assert_eq!(u[0]["status"], "down");
            assert_eq!(u[0]["incidents"][0]["ongoing"], true, "{u}");
        }
        let sent = messages(&slack);
        digest_after.push(
            sent[before..]
                .iter()
                .filter(|m| all_text(m).contains("digest"))
                .count(),
        );
        last = Some(r);
    }
    let r = last.unwrap();

    // 29 samples after the first, each standing for 5 minutes; 5 of them down.
    let u = uptime(&r);
    let day = &u[0]["uptime"]["24h"];
    assert_eq!(day["observed_seconds"], 29 * 300, "{u}");
    assert_eq!(day["window_seconds"], 86_400);
    assert_eq!(day["percent"], 82.758, "7200 of 8700 s up: {u}");
    assert_eq!(u[0]["uptime"]["7d"]["percent"], 82.758);
    // A 503 is an answer, so it has a response time too.
    assert_eq!(u[0]["response_ms"]["samples"], 30, "{u}");
    let incidents = u[0]["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{u}");
    assert_eq!(incidents[0]["start"], at(10));
    assert_eq!(incidents[0]["end"], at(15));
    assert_eq!(incidents[0]["duration_seconds"], 25 * 60);
    assert_eq!(incidents[0]["reason"], "http_503");

    // The summary's history section, after the results.
    let summary = r.summary();
    let history = summary
        .find("### History")
        .unwrap_or_else(|| panic!("no history section:\n{summary}"));
    assert!(summary.find("| Status | URL |").unwrap() < history);
    let section = &summary[history..];
    assert!(section.contains("| Shop |"), "{section}");
    assert!(section.contains("82.75%"), "{section}");
    assert!(section.contains("```mermaid\nxychart-beta"), "{section}");
    assert!(section.contains("#### Incidents"));
    assert!(
        section
            .contains("| Shop | 2026-12-02T22:50:00Z | 2026-12-02T23:15:00Z | 25 min | HTTP 503 |"),
        "{section}"
    );

    // Slack: the outage, the recovery with its duration and 7-day uptime, one digest.
    let sent = messages(&slack);
    let recovery = sent
        .iter()
        .map(all_text)
        .find(|t| t.contains("back up"))
        .unwrap_or_else(|| panic!("no recovery message: {sent:?}"));
    assert!(
        recovery.contains("Shop is back up after 25 min"),
        "{recovery}"
    );
    // At 23:15: 15 samples of 5 minutes observed, 5 down: 66.66%.
    assert!(recovery.contains("7-day uptime 66.66%"), "{recovery}");
    let digests: Vec<String> = sent
        .iter()
        .map(all_text)
        .filter(|t| t.contains("digest"))
        .collect();
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert_eq!(
        digest_after.iter().position(|&n| n == 1),
        Some(24),
        "{digest_after:?}"
    );
    let digest = &digests[0];
    assert!(digest.contains("daily digest: 2026-12-02"), "{digest}");
    assert!(digest.contains("Shop"), "{digest}");
    assert!(
        digest.contains("*Incidents* (1)") && digest.contains("HTTP 503"),
        "{digest}"
    );
    assert!(digest.contains("*Slowest*"), "{digest}");
    assert!(!digest.contains("s3cret"));

    // The status site.
    let index = std::fs::read_to_string(m.site("index.html")).expect("index.html");
    assert!(
        index.contains("Shop") && index.contains(&svc.url("/svc?key=***")),
        "{index}"
    );
    assert!(!index.contains("s3cret"));
    for badge in [
        "shop-status.svg",
        "shop-uptime-30d.svg",
        "shop-response.svg",
    ] {
        let svg = std::fs::read_to_string(m.site(&format!("badge/{badge}"))).expect(badge);
        assert!(svg.starts_with("<svg"), "{badge}: {svg}");
    }
    let endpoint: Value =
        serde_json::from_str(&std::fs::read_to_string(m.site("api/shop/uptime-30d.json")).unwrap())
            .unwrap();
    assert_eq!(endpoint["schemaVersion"], 1);
    let public = std::fs::read(m.site("history.json")).unwrap();
    let parsed = upcheck::history::public::parse(&public).expect("history.json parses");
    assert_eq!(parsed.urls.len(), 1);
    assert_eq!(parsed.urls[0].slug, "shop");

    // The state is lost (a fresh workspace and cache): history-url brings the history back.
    let page = TestServer::start(vec![(
        "/history.json",
        Behaviour::body(200, "application/json", public),
    )]);
    let fresh = Monitor::new();
    let r = fresh
        .sim(RUNS, &at(RUNS))
        .with("url", &url)
        .with("history-url", &page.url("/history.json"))
        .secret("s3cret-key")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert!(r.annotations("warning").is_empty(), "{r}");
    assert!(
        r.log_text().contains("History: rebuilt from history-url"),
        "{r}"
    );
    let u = uptime(&r);
    assert_eq!(u[0]["uptime"]["24h"]["observed_seconds"], 30 * 300, "{u}");
    assert_eq!(u[0]["incidents"].as_array().unwrap().len(), 1, "{u}");
    assert_eq!(page.hits("/history.json"), 1);
    // With the history restored, the next run does not fetch again.
    let r = fresh
        .sim(RUNS + 1, &at(RUNS + 1))
        .with("url", &url)
        .with("history-url", &page.url("/history.json"))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(page.hits("/history.json"), 1);
}

/// One fresh-state run with `history-url` on `route` of `bad`: the check passes, one warning
/// names the URL (redacted) and nothing of the answer reaches the log as a command.
fn bad_history_url(route: &str, behaviour: Behaviour, why: &str) {
    let svc = TestServer::start(vec![("/ok", Behaviour::text(200, "ok"))]);
    let bad = TestServer::start(vec![(route, behaviour)]);
    let m = Monitor::new();
    let r = m
        .sim(1, "2026-12-03T12:00:00Z")
        .with("url", &svc.url("/ok"))
        .with(
            "history-url",
            &bad.url(&format!("{route}?token=tok-secret")),
        )
        .timeout(Duration::from_secs(60))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("healthy"), "true");
    assert!(r.annotations("error").is_empty(), "{r}");
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "{r}");
    let w = &warnings[0];
    assert!(
        w.contains(&format!(
            "history-url {}",
            bad.url(&format!("{route}?token=***"))
        )),
        "{w}"
    );
    assert!(w.contains(why), "{w}");
    assert!(!w.contains("tok-secret"), "{w}");
    let log = r.log_text();
    for hostile in ["pwned", "set-output", "::error::"] {
        assert!(!log.contains(hostile), "{hostile} in the log:\n{log}");
        assert!(!r.summary().contains("pwned"));
    }
    assert!(r.runner_errors().is_empty(), "{r}");
    assert_eq!(r.output("pwned"), None);
    // The run still records itself.
    assert_eq!(uptime(&r)[0]["status"], "up");
}

#[test]
fn a_history_url_answering_html_is_a_warning() {
    bad_history_url(
        "/h",
        Behaviour::body(200, "text/html", "<html>::error::pwned</html>"),
        "not JSON",
    );
}

#[test]
fn a_history_url_answering_10_mb_is_a_warning() {
    bad_history_url(
        "/h",
        Behaviour::Huge {
            status: 200,
            total: 10 * 1024 * 1024,
            chunk_size: 64 * 1024,
            tail: Vec::new(),
        },
        "larger than 5 MB",
    );
}

#[test]
fn a_hanging_history_url_is_a_warning() {
    bad_history_url("/h", Behaviour::Hang, "no complete answer within 10s");
}

#[test]
fn a_history_url_answering_404_is_a_warning() {
    bad_history_url("/h", Behaviour::Status(404), "answered HTTP 404");
}

#[test]
fn a_history_url_with_hostile_json_is_a_warning() {
    let hostile = serde_json::json!({
        "schema": 1,
        "generated": "::set-output name=pwned::1",
        "urls": [{"slug": "::error::pwned", "url": "::error::pwned", "raw": {}, "hours": {}, "inc": []}]
    });
    bad_history_url(
        "/h",
        Behaviour::json(200, &hostile),
        "not a usable history.json",
    );
    let shaped = serde_json::json!({"schema": 1, "generated": "2026-12-03T00:00:00Z",
        "urls": [{"slug": "x", "url": "\n::error::pwned", "raw": "::set-output name=pwned::1"}]});
    bad_history_url("/h", Behaviour::json(200, &shaped), "JSON of another shape");
}

#[test]
fn a_bad_upcheck_now_is_an_input_error() {
    let svc = TestServer::start(vec![("/ok", Behaviour::text(200, "ok"))]);
    let r = Monitor::new()
        .sim(1, "yesterday")
        .with("url", &svc.url("/ok"))
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{r}");
    assert!(errors[0].contains("UPCHECK_NOW"), "{}", errors[0]);
    assert_eq!(svc.hits("/ok"), 0, "nothing is sent");
}

#[test]
fn a_cancelled_run_records_only_the_checks_that_finished_and_still_writes_uptime() {
    let svc = TestServer::start(vec![
        ("/ok", Behaviour::text(200, "ok")),
        (
            "/slow",
            Behaviour::Sequence(vec![Behaviour::text(200, "ok"), Behaviour::Hang]),
        ),
    ]);
    let m = Monitor::new();
    let urls = format!("Fast={}\nSlow={}", svc.url("/ok"), svc.url("/slow"));
    let r = m.sim(1, &at(0)).with("url", &urls).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    let r = m
        .sim(2, &at(1))
        .with("url", &urls)
        .with("timeout", "30s")
        .signal_after(2.0)
        .run();
    assert_eq!(r.exit_code(), 1, "cancelled: {r}");
    let u = uptime(&r);
    assert_eq!(u[0]["name"], "Fast");
    assert_eq!(
        u[0]["last_checked"],
        at(1),
        "the finished check is recorded: {u}"
    );
    assert_eq!(u[1]["name"], "Slow");
    assert_eq!(
        u[1]["last_checked"],
        at(0),
        "the cut-short check is not: {u}"
    );
    assert_eq!(u[1]["status"], "up");
    assert!(r.summary().contains("### History"), "{r}");
}

#[test]
fn a_status_dir_that_cannot_be_written_is_a_warning_and_exit_3() {
    let svc = TestServer::start(vec![("/ok", Behaviour::text(200, "ok"))]);
    let m = Monitor::new();
    // `site` is a file, so no directory can be made there.
    m.workspace.write("site", "not a directory");
    let r = m.sim(1, &at(0)).with("url", &svc.url("/ok")).run();
    assert_eq!(r.exit_code(), 3, "{r}");
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "{r}");
    assert!(
        warnings[0].contains("cannot write the status page into status-dir site"),
        "{}",
        warnings[0]
    );
    // Everything else is still written.
    assert_eq!(r.out("healthy"), "true");
    assert!(r.output("uptime").is_some());
}

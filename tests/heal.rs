//! Black-box tests of AUTO-RESTART (issue 8): `heal-url` and its companions. The real binary runs
//! under `shared/tools/runner-sim` (action.yml + the test build) against a service on 127.0.0.1
//! that answers 503 until its fake restart hook (a route on the same server) has been called, and
//! 200 a moment later (`Behaviour::AfterHit`, added to `tests/common/server.rs` for this file).
//!
//! Each test asserts on what the hook received (count, method, headers, body), on how often the
//! service was checked (so "nothing was re-checked" is observable), on the outputs `healed`,
//! `heal-error` and `results`, on the exit code, the annotations, the log, the job summary's
//! "🩹 Restart hook" section and on the fake Slack's messages. Every Slack payload goes through
//! `shared/tools/validate-slack-payload --strict` ([`messages`]).
//!
//! Secrets: the hook URL is passed as a runner secret (`Sim::with_secret`), the header values
//! as runner secrets too, so every run checks `leaks()`; [`assert_no_leak`] also reads every
//! Slack payload, which the runner never sees.
//!
//! Timing: `heal-interval` is 250 ms and `heal-wait` a few seconds; the service comes back
//! 700 ms after the hook call. One test waits for the hook call's own 30 s limit and is named
//! `slow_…`. The whole file runs in about 50 s on two cores (the slow test overlaps the rest).
//!
//! Six tests hold expectations the code did not meet when they were written (see each test):
//! `the_hook_path_is_not_shown` (the summary shows the hook redacted only in its query, so a
//! secret in the path, as deploy hooks have, is printed),
//! `a_hook_error_that_echoes_a_secret_does_not_carry_it_out` (the hook's error body goes
//! unfiltered into `heal-error`, the warning, the summary and Slack),
//! `a_cancel_during_the_rechecks_is_reported_as_a_cancelled_run` (a cancel after the checks is
//! reported as "while telling Slack" and the run is not marked cancelled),
//! `heal_wait_bounds_the_rechecks_of_several_slow_urls` (the down URLs are re-checked one after
//! the other), `a_zero_heal_interval_does_not_flood_the_service` (`heal-interval: 0`
//! is accepted and re-checks hundreds of times a second) and
//! `the_restart_timeline_in_the_summary_is_bounded` (one summary line per round, unbounded).

mod common;

use std::time::{Duration, Instant};

use common::{
    all_text, messages, refused_port, slack_ok, Behaviour, Sim, SimReport, TempDir, TestCert,
    TestServer, SLACK_HOOK,
};
use serde_json::Value;

// ---- the fake Slack --------------------------------------------------------------------------

fn top_text(payload: &Value) -> String {
    payload["text"].as_str().unwrap_or_default().to_string()
}

// ---- the service and its restart hook --------------------------------------------------------

/// The checked URL's path.
const HEALTH: &str = "/health";
/// The hook's path: like a platform's deploy hook, it carries the service id, a secret.
const HOOK: &str = "/deploy/srv-d7f3a9c2e1b4x";
/// The hook's `?key=` value, a secret.
const HOOK_KEY: &str = "hk-5ecret-k3y-0f-the-hook";
/// `heal-headers` values, runner secrets.
const TOKEN: &str = "Bearer pl4tform-api-t0ken-9Qx7";
const DEPLOY_KEY: &str = "dk-93b1e6f0a2c4d8";
/// The service comes back this long after the hook's first call.
const BACK_AFTER: Duration = Duration::from_millis(700);

/// The full hook URL on `server`.
fn hook_url(server: &TestServer) -> String {
    server.url(&format!("{HOOK}?key={HOOK_KEY}"))
}

/// A service that answers 503 on `HEALTH` until `HOOK` was called, then 200 `BACK_AFTER` later;
/// the hook answers `hook`.
fn service(hook: Behaviour) -> TestServer {
    TestServer::start(vec![(HEALTH, comes_back()), (HOOK, hook)])
}

/// 503 until `HOOK` was called, 200 `BACK_AFTER` later.
fn comes_back() -> Behaviour {
    Behaviour::after_hit(
        HOOK,
        BACK_AFTER,
        Behaviour::Status(503),
        Behaviour::text(200, "ok"),
    )
}

/// A service that stays down (503) whatever happens; its hook answers `hook`.
fn dead_service(hook: Behaviour) -> TestServer {
    TestServer::start(vec![(HEALTH, Behaviour::Status(503)), (HOOK, hook)])
}

fn hook_ok() -> Behaviour {
    Behaviour::json(200, &serde_json::json!({"deploy": {"id": "dep-1"}}))
}

/// The run: `url` is the service's `HEALTH`, one attempt, the hook as a runner secret (header
/// values too), a short interval and wait, the webhook on the fake Slack (notify: change, the
/// default), GitHub's API on a refused port.
fn base(service: &TestServer, slack: &TestServer) -> Sim {
    Sim::new()
        .with("url", &service.url(HEALTH))
        .with("max-attempts", "1")
        .with("timeout", "5s")
        .with_secret("heal-url", &hook_url(service))
        .secret(TOKEN)
        .watch_secret(TOKEN)
        .secret(DEPLOY_KEY)
        .watch_secret(DEPLOY_KEY)
        .watch_secret(HOOK_KEY)
        .with(
            "heal-headers",
            &format!("Authorization: {TOKEN}\nX-Deploy-Key: {DEPLOY_KEY}"),
        )
        .with("heal-body", r#"{"clearCache":false}"#)
        .with("heal-interval", "250ms")
        .with("heal-wait", "4s")
        .with("slack-webhook", &slack.url(SLACK_HOOK))
        .with("slack-api-url", &slack.url("/api/"))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
}

/// Every secret the hook carries: the whole URL, its key, the header values.
fn hook_secrets(service: &TestServer) -> Vec<String> {
    vec![
        hook_url(service),
        HOOK_KEY.to_string(),
        TOKEN.to_string(),
        DEPLOY_KEY.to_string(),
    ]
}

/// runner-sim found no leak of a watched value, and no Slack payload carries a secret (every
/// payload is validated on the way).
fn assert_no_leak(r: &SimReport, slack: &TestServer, secrets: &[String]) {
    assert_eq!(r.leaks(), &Value::Array(vec![]), "leaks\n{r}");
    messages(slack);
    for request in slack.requests() {
        let body = request.body_str();
        for secret in secrets {
            assert!(
                !body.contains(secret.as_str()),
                "a Slack payload carries the secret {secret:?}: {body}"
            );
        }
    }
}

/// The results entry of the only URL.
fn only_result(r: &SimReport) -> Value {
    let results = r.results();
    assert_eq!(results.as_array().map(Vec::len), Some(1), "{r}");
    results[0].clone()
}

/// The "🩹 Restart hook" section of the summary ("" when there is none).
fn restart_section(r: &SimReport) -> String {
    let summary = r.summary();
    match summary.find("#### 🩹 Restart hook") {
        Some(at) => {
            let rest = &summary[at..];
            let end = rest[1..].find("\n\n<sub>").map_or(rest.len(), |i| i + 1);
            rest[..end].to_string()
        }
        None => String::new(),
    }
}

fn warnings_about_the_hook(r: &SimReport) -> Vec<String> {
    r.annotations("warning")
        .into_iter()
        .filter(|w| w.contains("restart hook"))
        .collect()
}

// ---- the harness addition --------------------------------------------------------------------

/// `Behaviour::AfterHit` answers `before` until the other path was requested, and `after` only
/// once the delay has passed since that first request.
#[test]
fn harness_after_hit_switches_once_the_path_was_hit_and_the_delay_passed() {
    let server = TestServer::start(vec![
        (
            "/svc",
            Behaviour::after_hit(
                "/kick",
                Duration::from_millis(300),
                Behaviour::Status(503),
                Behaviour::text(200, "ok"),
            ),
        ),
        ("/kick", Behaviour::Status(202)),
    ]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let status = |path: &str| {
        let request = client.get(server.url(path));
        rt.block_on(async { request.send().await.unwrap().status().as_u16() })
    };
    assert_eq!(status("/svc"), 503, "before the hook");
    assert_eq!(status("/kick?token=x"), 202);
    let kicked = Instant::now();
    assert_eq!(status("/svc"), 503, "right after the hook");
    std::thread::sleep(Duration::from_millis(300).saturating_sub(kicked.elapsed()));
    assert_eq!(status("/svc"), 200, "the delay has passed");
    assert_eq!(status("/kick"), 202);
    assert_eq!(
        status("/svc"),
        200,
        "a later hit does not restart the delay"
    );
    assert_eq!(server.hits("/svc"), 4);
}

// ---- healed ----------------------------------------------------------------------------------

/// The main case: down, one hook call (POST, the configured headers and body), the service
/// comes back within the wait, the run passes; outputs, results, summary and ONE Slack message
/// tell the story.
#[test]
fn healed_within_the_wait_passes_with_one_hook_call_and_one_slack_message() {
    let service = service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack).run();

    assert_eq!(r.exit_code(), 0, "fail-on-down judges the final state\n{r}");
    assert_eq!(r.out("healed"), "true", "{r}");
    assert_eq!(r.out("heal-error"), "", "{r}");
    assert_eq!(r.out("healthy"), "true", "{r}");
    assert_eq!(r.out("status"), "up", "{r}");
    assert_eq!(r.out("failed-urls"), "", "{r}");
    let result = only_result(&r);
    assert_eq!(result["status"], "up", "{r}");
    assert_eq!(result["http_status"], 200, "{r}");
    assert_eq!(result["healed"], true, "{r}");
    let heal_s = result["heal_s"]
        .as_u64()
        .unwrap_or_else(|| panic!("heal_s is a number of seconds\n{r}"));
    assert!(heal_s <= 2, "back {heal_s} s after the call (700 ms)\n{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    assert!(warnings_about_the_hook(&r).is_empty(), "{r}");

    // The hook: exactly one POST with the configured headers and body.
    let calls = service.requests_to(HOOK);
    assert_eq!(calls.len(), 1, "one hook call per run\n{r}");
    let call = &calls[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.query(), Some(format!("key={HOOK_KEY}").as_str()));
    assert_eq!(call.header("authorization"), Some(TOKEN));
    assert_eq!(call.header("x-deploy-key"), Some(DEPLOY_KEY));
    assert_eq!(call.body_str(), r#"{"clearCache":false}"#);

    // The service: the first check, then re-checks every 250 ms until it was back.
    let checks = service.hit_times(HEALTH);
    assert!(
        (2..=8).contains(&checks.len()),
        "one check and a few re-checks, not {}\n{r}",
        checks.len()
    );
    assert!(checks[0] < call.at, "the hook is called after the check");
    for pair in checks[1..].windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(200),
            "re-checks are heal-interval apart, not {gap:?}"
        );
    }
    let last = *checks.last().unwrap();
    assert!(
        last - call.at >= BACK_AFTER,
        "the last re-check is the one that found it back"
    );

    // The summary's section: what was called (redacted), the answer, the trigger, the timeline.
    let section = restart_section(&r);
    assert!(
        section.starts_with("#### 🩹 Restart hook: restart requested (HTTP 200), back up after"),
        "{section}\n{r}"
    );
    assert!(section.contains("- answered HTTP 200"), "{section}");
    assert!(
        section.contains(&format!("- triggered by {}: HTTP 503", service.url(HEALTH))),
        "{section}"
    );
    assert!(
        section.contains("/…") && !section.contains("key="),
        "only the hook's host is shown: {section}"
    );
    let rounds: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("- re-check after "))
        .collect();
    assert_eq!(
        rounds.len(),
        checks.len() - 1,
        "one line per re-check: {section}"
    );
    assert!(rounds.last().unwrap().ends_with(": 1 of 1 up"), "{section}");
    assert!(
        rounds[..rounds.len() - 1]
            .iter()
            .all(|l| l.ends_with(": 0 of 1 up")),
        "{section}"
    );
    assert!(
        r.log_text()
            .contains("Restart hook: restart requested (HTTP 200), back up after"),
        "{r}"
    );

    // Slack: ONE message, saying it was down and is back.
    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "one message per run, not two\n{r}");
    let text = top_text(&sent[0]);
    let lead = format!(
        ":adhesive_bandage: {} was down (HTTP 503 Service Unavailable (expected 200-399)) — restart requested (HTTP 200), back up after ",
        service.url(HEALTH)
    );
    assert!(text.starts_with(&lead), "{text}");
    // The headline's "after N s" is the round's time, heal_s the URL's: the same whole second
    // unless a boundary fell between them.
    // "N s", or "N ms" under a second.
    let mut words = text[lead.len()..].split(' ');
    let number: u64 = words
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("back up after N s: {text}"));
    let back = if words.next() == Some("ms") {
        number / 1000
    } else {
        number
    };
    assert!(
        back == heal_s || back == heal_s + 1,
        "{text} (heal_s {heal_s})"
    );
    let headline = text.trim_start_matches(":adhesive_bandage: ");
    let headline = headline.split(" in octo-org/").next().unwrap_or_default();
    assert!(all_text(&sent[0]).contains(headline), "{}", sent[0]);
    assert_eq!(
        sent[0]["attachments"][0]["color"], "#2eb886",
        "green: it is up"
    );
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// The seed's night with a hook: the service is up at the first run, stops at "03:00", the
/// next run calls the hook and the service comes back; Slack (notify: change) gets exactly one
/// message over the night, and it says it was down and is back. The run after that is quiet.
#[test]
fn the_night_replayed_one_message_says_it_was_down_and_is_back() {
    let cache = TempDir::new("heal-night");
    let service = TestServer::start(vec![
        (
            HEALTH,
            Behaviour::Sequence(vec![Behaviour::text(200, "ok"), comes_back()]),
        ),
        (HOOK, hook_ok()),
    ]);
    let slack = slack_ok();
    let run = |n: u32| {
        base(&service, &slack)
            .cache_dir(cache.path())
            .arg(&format!("--run-id={}", 8100 + n))
            .arg(&format!("--run-number={n}"))
            .run()
    };

    let before = run(1);
    assert_eq!(before.exit_code(), 0, "{before}");
    assert_eq!(before.out("healed"), "", "not tried when up\n{before}");
    assert_eq!(service.hits(HOOK), 0, "{before}");
    assert!(
        messages(&slack).is_empty(),
        "a healthy first run is quiet\n{before}"
    );

    let night = run(2);
    assert_eq!(night.exit_code(), 0, "{night}");
    assert_eq!(night.out("healed"), "true", "{night}");
    assert_eq!(service.hits(HOOK), 1, "{night}");
    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "one message for the night\n{night}");
    let text = top_text(&sent[0]);
    assert!(
        text.starts_with(&format!(
            ":adhesive_bandage: {} was down (",
            service.url(HEALTH)
        )),
        "{text}"
    );
    assert!(
        text.contains("— restart requested (HTTP 200), back up after"),
        "{text}"
    );

    let after = run(3);
    assert_eq!(after.exit_code(), 0, "{after}");
    assert_eq!(after.out("healed"), "", "{after}");
    assert_eq!(service.hits(HOOK), 1, "{after}");
    assert_eq!(
        messages(&slack).len(),
        1,
        "the morning run is quiet\n{after}"
    );
    for r in [&before, &night, &after] {
        assert_no_leak(r, &slack, &hook_secrets(&service));
    }
}

// ---- not healed, hook errors -----------------------------------------------------------------

/// The hook answers 200 but nothing comes back: re-checks until `heal-wait` runs out, then the
/// run fails; `healed` false; Slack says "still down after".
#[test]
fn not_healed_when_the_hook_does_nothing_fails_and_says_still_down() {
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack).with("heal-wait", "2s").run();

    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    assert_eq!(r.out("heal-error"), "", "the hook itself worked\n{r}");
    assert_eq!(r.out("healthy"), "false", "{r}");
    let result = only_result(&r);
    assert_eq!(result["status"], "down", "{r}");
    assert_eq!(result["healed"], false, "{r}");
    assert_eq!(result["heal_s"], Value::Null, "{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");

    let rechecks = service.hits(HEALTH) - 1;
    assert!(
        (5..=9).contains(&rechecks),
        "2 s of re-checks 250 ms apart, not {rechecks}\n{r}"
    );
    let secs = r.run_secs();
    assert!(
        (2.0..6.0).contains(&secs),
        "heal-wait 2s bounds the run: {secs} s\n{r}"
    );
    let section = restart_section(&r);
    assert!(
        section.starts_with("#### 🩹 Restart hook: restart requested (HTTP 200), still down after"),
        "{section}\n{r}"
    );
    assert!(section.contains(": 0 of 1 up"), "{section}");
    assert!(!section.contains("1 of 1 up"), "{section}");

    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "{r}");
    let text = top_text(&sent[0]);
    assert!(text.starts_with(":adhesive_bandage: "), "{text}");
    assert!(
        text.contains("— restart requested (HTTP 200), still down after 2 s"),
        "{text}"
    );
    assert_eq!(
        sent[0]["attachments"][0]["color"], "#e01e5a",
        "red: still down"
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// What a refused hook call must look like: one call, `heal-error` with the status and the
/// cleaned body, a `::warning` saying the same, no re-check, `healed` false, Slack told.
fn assert_refused(r: &SimReport, service: &TestServer, slack: &TestServer, status: u16) -> String {
    assert_eq!(service.hits(HOOK), 1, "{r}");
    assert_eq!(
        service.hits(HEALTH),
        1,
        "nothing is re-checked after a refused call (the service would have been up)\n{r}"
    );
    assert_eq!(r.out("healed"), "false", "{r}");
    let error = r.out("heal-error");
    let prefix = format!("the restart hook answered HTTP {status}: ");
    assert!(error.starts_with(&prefix), "{error:?}\n{r}");
    assert!(!error.contains('\n') && !error.contains('\r'), "{error:?}");
    assert!(
        error.chars().all(|c| !c.is_control()),
        "control characters are cleaned: {error:?}"
    );
    let warnings = warnings_about_the_hook(r);
    assert_eq!(warnings.len(), 1, "{warnings:?}\n{r}");
    assert!(
        warnings[0].contains(&format!("HTTP {status}")),
        "{warnings:?}"
    );
    let section = restart_section(r);
    assert!(
        section.starts_with(&format!(
            "#### 🩹 Restart hook: restart failed: the restart hook answered HTTP {status}"
        )),
        "{section}\n{r}"
    );
    assert!(
        !section.contains("- re-check"),
        "no re-check rounds: {section}"
    );
    let sent = messages(slack);
    assert_eq!(sent.len(), 1, "{r}");
    let text = top_text(&sent[0]);
    assert!(
        text.starts_with(":adhesive_bandage: ")
            && text.contains(&format!(
                "— restart failed: the restart hook answered HTTP {status}"
            )),
        "{text}"
    );
    assert_no_leak(r, slack, &hook_secrets(service));
    error
}

/// A 500 with a long body full of control characters and workflow-command look-alikes: the body
/// is cleaned and bounded; the exit code is the verdict's (down: 1), not a tool failure.
#[test]
fn hook_answering_500_is_reported_with_status_and_cleaned_body_and_nothing_is_rechecked() {
    let body = format!(
        "Internal error\r\n::error::boom \u{1b}[31mred\u{1b}[0m ##[warning]x {}",
        "y".repeat(600)
    );
    let service = service(Behaviour::text(500, &body));
    let slack = slack_ok();
    let r = base(&service, &slack).run();

    assert_eq!(
        r.exit_code(),
        1,
        "the verdict (down) decides, not the hook\n{r}"
    );
    let error = assert_refused(&r, &service, &slack, 500);
    assert!(error.contains("Internal error"), "{error:?}");
    assert!(
        error.chars().count() <= 260,
        "the body is bounded: {} chars",
        error.chars().count()
    );
    assert!(error.ends_with('…'), "cut with an ellipsis: {error:?}");
    assert!(!error.contains("##[warning]"), "{error:?}");
    assert!(
        r.annotations("error").iter().all(|e| !e.contains("boom")),
        "the hook's body never becomes a workflow command\n{r}"
    );
    assert_eq!(only_result(&r)["status"], "down", "{r}");
}

/// A 404 (wrong hook URL) with `fail-on-down: false`: the step passes; the hook's failure is a
/// warning and `heal-error`, never an exit code of its own.
#[test]
fn hook_answering_404_fails_only_through_the_verdict() {
    let service = service(Behaviour::text(404, "  Not Found: no such hook  \n"));
    let slack = slack_ok();
    let r = base(&service, &slack).with("fail-on-down", "false").run();

    assert_eq!(
        r.exit_code(),
        0,
        "fail-on-down false: the verdict does not fail\n{r}"
    );
    let error = assert_refused(&r, &service, &slack, 404);
    assert_eq!(
        error, "the restart hook answered HTTP 404: Not Found: no such hook",
        "the body is trimmed"
    );
    assert_eq!(r.out("healthy"), "false", "{r}");
    let errors = r.annotations("error");
    assert!(
        errors.iter().all(|e| !e.contains("restart hook")),
        "the hook's failure is a warning, never an error: {errors:?}\n{r}"
    );
}

/// A hook nobody answers on (connection refused): reported, nothing re-checked.
#[test]
fn hook_that_cannot_be_reached_is_reported() {
    let target = dead_service(hook_ok());
    let slack = slack_ok();
    let hook = format!("http://127.0.0.1:{}{HOOK}?key={HOOK_KEY}", refused_port());
    let r = base(&target, &slack).with_secret("heal-url", &hook).run();

    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    let error = r.out("heal-error");
    assert!(error.contains("cannot be reached"), "{error:?}\n{r}");
    assert_eq!(warnings_about_the_hook(&r).len(), 1, "{r}");
    assert_eq!(target.hits(HEALTH), 1, "nothing re-checked\n{r}");
    assert_eq!(messages(&slack).len(), 1, "{r}");
    let mut secrets = hook_secrets(&target);
    secrets.push(hook);
    assert_no_leak(&r, &slack, &secrets);
}

/// A hook that never answers is given up after the call's own 30 s limit: bounded, reported,
/// nothing re-checked.
#[test]
fn slow_hanging_hook_is_given_up_after_its_30_s_limit() {
    let service = service(Behaviour::Hang);
    let slack = slack_ok();
    let r = base(&service, &slack)
        .timeout(Duration::from_secs(60))
        .run();

    let secs = r.run_secs();
    assert!(
        (29.0..36.0).contains(&secs),
        "the hook call is bounded by its 30 s limit: {secs} s\n{r}"
    );
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");
    assert_eq!(service.hits(HEALTH), 1, "nothing re-checked\n{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    let error = r.out("heal-error");
    assert!(
        error.contains("did not answer within 30s"),
        "{error:?}\n{r}"
    );
    assert_eq!(warnings_about_the_hook(&r).len(), 1, "{r}");
    assert_eq!(messages(&slack).len(), 1, "{r}");
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

// ---- once per run, cooldown, thresholds ------------------------------------------------------

/// Two URLs down (and one up): one hook call for both, with `heal-method` PUT and no body; both
/// come back; the headline names the first and counts the other.
#[test]
fn two_down_urls_make_one_hook_call_and_both_come_back() {
    let service = TestServer::start(vec![
        ("/a", comes_back()),
        ("/b", comes_back()),
        ("/up", Behaviour::text(200, "ok")),
        (HOOK, hook_ok()),
    ]);
    let slack = slack_ok();
    let urls = [service.url("/a"), service.url("/b"), service.url("/up")];
    let r = Sim::new()
        .with("url", &urls.join("\n"))
        .with("max-attempts", "1")
        .with("timeout", "5s")
        .with_secret("heal-url", &hook_url(&service))
        .watch_secret(HOOK_KEY)
        .with("heal-method", "PUT")
        .with("heal-interval", "250ms")
        .with("heal-wait", "4s")
        .with("slack-webhook", &slack.url(SLACK_HOOK))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
        .run();

    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("healed"), "true", "{r}");
    let calls = service.requests_to(HOOK);
    assert_eq!(calls.len(), 1, "once per run, not once per URL\n{r}");
    assert_eq!(calls[0].method, "PUT");
    assert!(calls[0].body.is_empty(), "no heal-body, no body");
    assert_eq!(service.hits("/up"), 1, "an up URL is not re-checked\n{r}");
    let results = r.results();
    for (i, url) in urls.iter().enumerate().take(2) {
        assert_eq!(results[i]["url"], url.as_str(), "{r}");
        assert_eq!(results[i]["status"], "up", "{r}");
        assert_eq!(results[i]["healed"], true, "{r}");
    }
    assert_eq!(results[2]["healed"], false, "{r}");
    assert_eq!(results[2]["heal_s"], Value::Null, "{r}");
    let section = restart_section(&r);
    for url in &urls[..2] {
        assert!(
            section.contains(&format!("- triggered by {url}: HTTP 503")),
            "{section}"
        );
    }
    assert!(
        !section.contains(&format!("triggered by {}", urls[2])),
        "{section}"
    );
    assert!(section.contains(": 2 of 2 up"), "{section}");
    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "{r}");
    let text = top_text(&sent[0]);
    assert!(
        text.starts_with(&format!(
            ":adhesive_bandage: {} and 1 more was down (",
            urls[0]
        )),
        "{text}"
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// Of two down URLs only one comes back: `healed` false, the run fails, the one that came back
/// is `up` with `healed: true`, the other stays down.
#[test]
fn one_of_two_coming_back_is_not_healed() {
    let service = TestServer::start(vec![
        ("/a", comes_back()),
        ("/b", Behaviour::Status(502)),
        (HOOK, hook_ok()),
    ]);
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with(
            "url",
            &format!("{}\n{}", service.url("/a"), service.url("/b")),
        )
        .with("heal-wait", "2s")
        .run();

    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    assert_eq!(r.out("failed-urls"), service.url("/b"), "{r}");
    let results = r.results();
    assert_eq!(results[0]["status"], "up", "{r}");
    assert_eq!(results[0]["healed"], true, "{r}");
    assert_eq!(results[1]["status"], "down", "{r}");
    assert_eq!(results[1]["healed"], false, "{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");
    let hits_a = service.hits("/a");
    assert!(
        hits_a < service.hits("/b"),
        "a URL that came back is not re-checked again ({hits_a} vs {})\n{r}",
        service.hits("/b")
    );
    let section = restart_section(&r);
    assert!(section.contains("still down after"), "{section}");
    assert!(section.contains(": 1 of 2 up"), "{section}");
    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "{r}");
    assert!(
        top_text(&sent[0]).contains("still down after 2 s"),
        "{}",
        sent[0]
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// Runs sharing one cache: the first calls the hook (which does not help), the second, within
/// `heal-cooldown` (default 30m), does not call it and says so in the log; a third with a
/// 1 s cooldown, once that second has passed, calls it again.
#[test]
fn cooldown_across_runs_holds_the_hook_back() {
    let cache = TempDir::new("heal-cooldown");
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let run = |n: u32| {
        base(&service, &slack)
            .cache_dir(cache.path())
            .arg(&format!("--run-id={}", 8200 + n))
            .arg(&format!("--run-number={n}"))
            .with("heal-wait", "500ms")
    };

    let first = run(1).run();
    assert_eq!(first.exit_code(), 1, "{first}");
    assert_eq!(first.out("healed"), "false", "{first}");
    assert_eq!(service.hits(HOOK), 1, "{first}");
    let checked = service.hits(HEALTH);

    let second = run(2).run();
    assert_eq!(second.exit_code(), 1, "{second}");
    assert_eq!(
        service.hits(HOOK),
        1,
        "not called again within the cooldown\n{second}"
    );
    assert_eq!(second.out("healed"), "", "not tried\n{second}");
    assert_eq!(second.out("heal-error"), "", "{second}");
    assert_eq!(
        service.hits(HEALTH),
        checked + 1,
        "one check, no re-check\n{second}"
    );
    let said = second
        .log()
        .into_iter()
        .find(|l| l.starts_with("Restart hook: not called"))
        .unwrap_or_else(|| panic!("the log says the hook was not called\n{second}"));
    assert!(
        said.contains("the last call was at") && said.contains("(heal-cooldown 30m)"),
        "{said}"
    );
    assert_eq!(restart_section(&second), "", "{second}");
    assert_eq!(
        messages(&slack).len(),
        1,
        "still down, no restart: nothing new for notify: change\n{second}"
    );

    std::thread::sleep(Duration::from_millis(1100));
    let third = run(3).with("heal-cooldown", "1s").run();
    assert_eq!(service.hits(HOOK), 2, "the cooldown has passed\n{third}");
    assert_eq!(third.out("healed"), "false", "{third}");
    for r in [&first, &second, &third] {
        assert_no_leak(r, &slack, &hook_secrets(&service));
    }
}

/// `failure-threshold: 2`: the first failing run does not count as down yet, so the hook is not
/// called; the second does, and calls it.
#[test]
fn failure_threshold_holds_the_hook_until_the_url_counts_as_down() {
    let cache = TempDir::new("heal-threshold");
    let service = service(hook_ok());
    let slack = slack_ok();
    let run = |n: u32| {
        base(&service, &slack)
            .cache_dir(cache.path())
            .arg(&format!("--run-id={}", 8300 + n))
            .arg(&format!("--run-number={n}"))
            .with("failure-threshold", "2")
            .run()
    };
    let first = run(1);
    assert_eq!(
        service.hits(HOOK),
        0,
        "one failure does not count yet\n{first}"
    );
    assert_eq!(first.out("healed"), "", "{first}");
    let second = run(2);
    assert_eq!(
        service.hits(HOOK),
        1,
        "two failures count as down\n{second}"
    );
    assert_eq!(second.out("healed"), "true", "{second}");
    assert_eq!(second.exit_code(), 0, "{second}");
    for r in [&first, &second] {
        assert_no_leak(r, &slack, &hook_secrets(&service));
    }
}

// ---- cancel ----------------------------------------------------------------------------------

/// SIGINT while re-checking: the loop stops at once, the hook is not called again, the run
/// counts as cancelled (exit 1), Slack is not told.
#[test]
fn sigint_during_the_recheck_loop_stops_at_once_without_another_hook_call() {
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("heal-wait", "30s")
        .with("fail-on-down", "false")
        .signal_after(2.0)
        .run();

    assert_eq!(r.signals()[0]["signal"], "SIGINT", "{r}");
    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");
    let checks = service.hits(HEALTH);
    assert!(
        checks >= 3,
        "the signal came during the re-checks ({checks} checks)\n{r}"
    );
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(service.hits(HEALTH), checks, "nothing after the exit");
    assert_eq!(service.hits(HOOK), 1);
    assert_eq!(
        r.exit_code(),
        1,
        "a run cancelled by SIGINT exits 1, whatever the verdict\n{r}"
    );
    assert!(
        r.annotations("error")
            .iter()
            .any(|e| e.to_lowercase().contains("cancel")),
        "{r}"
    );
    assert!(
        messages(&slack).is_empty(),
        "no message for a cancelled run\n{r}"
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// SIGINT during the checks: the hook is never called.
#[test]
fn never_called_when_the_run_is_cancelled_before() {
    let service = TestServer::start(vec![(HEALTH, Behaviour::Hang), (HOOK, hook_ok())]);
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("timeout", "10s")
        .signal_after(1.0)
        .run();

    assert!(r.exited_after_signal() < 1.0, "{r}");
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(service.hits(HOOK), 0, "{r}");
    assert_eq!(r.out("healed"), "", "{r}");
    assert_eq!(restart_section(&r), "", "{r}");
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

// ---- never called ----------------------------------------------------------------------------

/// Without `heal-url` nothing about a restart appears, and the hook route is never hit.
#[test]
fn never_called_when_heal_url_is_empty() {
    let service = service(hook_ok());
    let slack = slack_ok();
    let r = Sim::new()
        .with("url", &service.url(HEALTH))
        .with("max-attempts", "1")
        .with("heal-url", "")
        .with("heal-interval", "250ms")
        .with("slack-webhook", &slack.url(SLACK_HOOK))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
        .run();

    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(service.hits(HOOK), 0, "{r}");
    assert_eq!(service.hits(HEALTH), 1, "{r}");
    assert_eq!(r.out("healed"), "", "{r}");
    assert_eq!(r.out("heal-error"), "", "{r}");
    assert_eq!(only_result(&r)["healed"], false, "{r}");
    assert_eq!(restart_section(&r), "", "{r}");
    assert!(!r.log_text().contains("Restart hook"), "{r}");
    let sent = messages(&slack);
    assert_eq!(sent.len(), 1, "the usual down message\n{r}");
    assert!(
        !all_text(&sent[0]).contains(":adhesive_bandage:"),
        "{}",
        sent[0]
    );
}

/// A degraded URL (slow) is not down: no hook call.
#[test]
fn never_called_for_a_degraded_url() {
    let service = TestServer::start(vec![
        (
            HEALTH,
            Behaviour::delay(Duration::from_millis(400), Behaviour::text(200, "ok")),
        ),
        (HOOK, hook_ok()),
    ]);
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("max-response-time", "150ms")
        .run();

    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "degraded", "{r}");
    assert_eq!(service.hits(HOOK), 0, "{r}");
    assert_eq!(r.out("healed"), "", "{r}");
    assert_eq!(restart_section(&r), "", "{r}");
    for m in messages(&slack) {
        assert!(!all_text(&m).contains(":adhesive_bandage:"), "{m}");
    }
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

// ---- secrets ---------------------------------------------------------------------------------

/// upcheck registers the hook URL and every header value with `::add-mask::` itself (a header
/// line written in the workflow is not a runner secret).
#[test]
fn hook_url_and_header_values_are_masked_by_upcheck() {
    let service = service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack).run();
    let registered: Vec<String> = r
        .commands()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|c| c["name"] == "add-mask" && c["step"] == "check")
        .map(|c| c["data"].as_str().unwrap_or_default().to_string())
        .collect();
    for secret in [
        hook_url(&service),
        TOKEN.to_string(),
        DEPLOY_KEY.to_string(),
    ] {
        assert!(
            registered.contains(&secret),
            "upcheck masks {secret:?}: {registered:?}\n{r}"
        );
    }
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// A platform's deploy hook often carries its secret in the path (`/deploy/srv-…`,
/// `/build_hooks/…`): anyone with that path can restart the service. The summary, the log and
/// Slack show the hook redacted, so the path's id must not appear either.
#[test]
fn the_hook_path_is_not_shown() {
    let service = service(hook_ok());
    let slack = slack_ok();
    let secret_path = HOOK.trim_start_matches("/deploy/");
    let r = base(&service, &slack).watch_secret(secret_path).run();
    assert_eq!(r.out("healed"), "true", "{r}");
    let mut secrets = hook_secrets(&service);
    secrets.push(secret_path.to_string());
    assert!(
        !r.summary().contains(secret_path),
        "the summary shows the hook's secret path:\n{}",
        restart_section(&r)
    );
    assert_no_leak(&r, &slack, &secrets);
}

/// A hook that answers an error echoing what it was sent (the token, the key): that body goes
/// into `heal-error`, the summary and Slack, so upcheck must not carry its own secrets there.
#[test]
fn a_hook_error_that_echoes_a_secret_does_not_carry_it_out() {
    let echo = format!("401 invalid credentials: Authorization={TOKEN} key={HOOK_KEY}");
    let service = service(Behaviour::text(401, &echo));
    let slack = slack_ok();
    let r = base(&service, &slack).run();
    assert_eq!(service.hits(HOOK), 1, "{r}");
    assert!(
        r.out("heal-error")
            .starts_with("the restart hook answered HTTP 401"),
        "{r}"
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// A cancel that arrives during the re-checks cancels the run, and every report says so as it
/// does for a cancel during the checks: the summary's title says "cancelled by SIGINT", the
/// error does not claim the signal came "while telling Slack", and the restart section does not
/// read as if `heal-wait` had run out ("still down after 1 s" with a 30 s wait).
#[test]
fn a_cancel_during_the_rechecks_is_reported_as_a_cancelled_run() {
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("heal-wait", "30s")
        .signal_after(2.0)
        .run();

    assert_eq!(r.exit_code(), 1, "{r}");
    assert!(
        service.hits(HEALTH) >= 3,
        "the signal came during the re-checks\n{r}"
    );
    let notify_error = r.out("notify-error");
    assert!(notify_error.contains("cancelled"), "{notify_error:?}\n{r}");
    let errors = r.annotations("error");
    assert!(
        errors.iter().all(|e| !e.contains("while telling Slack")),
        "the signal came during the re-checks, not while telling Slack: {errors:?}\n{r}"
    );
    let title = r.summary().lines().next().unwrap_or_default().to_string();
    assert!(
        title.contains("cancelled by SIGINT"),
        "the summary's title says the run was cancelled: {title:?}\n{r}"
    );
    let section = restart_section(&r);
    assert!(
        section
            .lines()
            .next()
            .unwrap_or_default()
            .contains("cancel"),
        "the restart section says the re-checks were cut short by the cancel: {section}"
    );
}

/// SIGINT while the hook call hangs: the call is abandoned at once (not after its 30 s limit),
/// nothing is re-checked, the run exits 1.
#[test]
fn sigint_while_the_hook_call_hangs_stops_at_once() {
    let service = service(Behaviour::Hang);
    let slack = slack_ok();
    let r = base(&service, &slack).signal_after(1.5).run();

    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");
    assert_eq!(service.hits(HEALTH), 1, "nothing re-checked\n{r}");
    assert!(
        messages(&slack).is_empty(),
        "no message for a cancelled run\n{r}"
    );
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// A degraded URL next to a down one: the hook is called for the down one only; the degraded one
/// is neither named as a trigger nor re-checked.
#[test]
fn a_degraded_url_next_to_a_down_one_is_not_a_trigger() {
    let service = TestServer::start(vec![
        (HEALTH, comes_back()),
        (
            "/slow",
            Behaviour::delay(Duration::from_millis(400), Behaviour::text(200, "ok")),
        ),
        (HOOK, hook_ok()),
    ]);
    let slack = slack_ok();
    let (down, slow) = (service.url(HEALTH), service.url("/slow"));
    let r = base(&service, &slack)
        .with("url", &format!("{down}\n{slow}"))
        .with("max-response-time", "150ms")
        .run();

    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("healed"), "true", "{r}");
    assert_eq!(service.hits(HOOK), 1, "{r}");
    assert_eq!(
        service.hits("/slow"),
        1,
        "a degraded URL is not re-checked\n{r}"
    );
    let results = r.results();
    assert_eq!(results[1]["status"], "degraded", "{r}");
    assert_eq!(results[1]["healed"], false, "{r}");
    let section = restart_section(&r);
    assert!(
        section.contains(&format!("- triggered by {down}: ")),
        "{section}"
    );
    assert!(
        !section.contains(&format!("triggered by {slow}")),
        "{section}"
    );
    assert!(section.contains(": 1 of 1 up"), "{section}");
    assert_eq!(messages(&slack).len(), 1, "{r}");
    assert_no_leak(&r, &slack, &hook_secrets(&service));
}

/// `heal-wait` bounds the re-checks also with several slow URLs: the down URLs of one round are
/// checked together (as the checks themselves are, up to `concurrency`), so no re-check starts
/// long after the wait has run out. Four URLs that take 1.5 s to answer 503 after the restart:
/// checked one after the other, one round alone lasts 6 s and the fourth URL's first re-check
/// starts about 4.75 s after the call, well past a 2 s `heal-wait`.
#[test]
fn heal_wait_bounds_the_rechecks_of_several_slow_urls() {
    let slow_after_restart = || {
        Behaviour::after_hit(
            HOOK,
            Duration::ZERO,
            Behaviour::Status(503),
            Behaviour::delay(Duration::from_millis(1500), Behaviour::Status(503)),
        )
    };
    let paths = ["/a", "/b", "/c", "/d"];
    let mut routes: Vec<(&str, Behaviour)> =
        paths.iter().map(|p| (*p, slow_after_restart())).collect();
    routes.push((HOOK, hook_ok()));
    let service = TestServer::start(routes);
    let slack = slack_ok();
    let urls: Vec<String> = paths.iter().map(|p| service.url(p)).collect();
    let r = base(&service, &slack)
        .with("url", &urls.join("\n"))
        .with("heal-wait", "2s")
        .run();

    assert_eq!(r.exit_code(), 1, "{r}");
    let called = service.requests_to(HOOK)[0].at;
    let mut late = Vec::new();
    for path in paths {
        let times = service.hit_times(path);
        assert!(times.len() >= 2, "{path} was re-checked\n{r}");
        for t in &times[1..] {
            let after = t.duration_since(called);
            if after > Duration::from_millis(2500) {
                late.push(format!("{path} re-checked {after:?} after the call"));
            }
        }
    }
    assert!(
        late.is_empty(),
        "re-checks started after heal-wait (2s) had run out: {late:?}\n{r}"
    );
}

/// `heal-interval: 0` would turn the re-checks into a flood on the service (and hundreds of
/// timeline lines in the summary): the input is refused (below the 100 ms floor) with exit 2,
/// one error naming `heal-interval`, nothing checked, no hook called and nothing sent.
#[test]
fn a_zero_heal_interval_does_not_flood_the_service() {
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("heal-interval", "0")
        .with("heal-wait", "1s")
        .run();

    assert_eq!(r.exit_code(), 2, "heal-interval 0 is bad input\n{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "exactly one error\n{r}");
    assert!(
        errors[0].contains("heal-interval") && errors[0].contains("100ms"),
        "the error names the input and the floor: {errors:?}"
    );
    assert_eq!(service.hits(HEALTH), 0, "nothing is checked\n{r}");
    assert_eq!(service.hits(HOOK), 0, "the hook is not called\n{r}");
    assert!(slack.requests().is_empty(), "nothing is sent to Slack\n{r}");
}

/// The summary's re-check timeline stays short whatever the number of rounds (a 30 min wait at
/// 1 s is 1800 rounds; here 100 ms, the shortest interval, for 4 s): the first 10 and the last
/// 10 rounds, the ones between counted in one line.
#[test]
fn the_restart_timeline_in_the_summary_is_bounded() {
    let service = dead_service(hook_ok());
    let slack = slack_ok();
    let r = base(&service, &slack)
        .with("heal-interval", "100ms")
        .with("heal-wait", "4s")
        .run();

    assert_eq!(r.exit_code(), 1, "still down after the wait\n{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    assert_eq!(service.hits(HOOK), 1, "one hook call\n{r}");
    let rounds = service.hits(HEALTH) - 1;
    assert!(
        rounds > 21,
        "enough rounds ran to cut the timeline ({rounds})\n{r}"
    );
    let section = restart_section(&r);
    let lines: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("- re-check"))
        .collect();
    assert_eq!(
        lines.len(),
        21,
        "10 first rounds, one count, 10 last rounds for {rounds} rounds\n{section}"
    );
    let shown = |l: &&str| l.starts_with("- re-check after ") && l.ends_with(": 0 of 1 up");
    assert!(lines[..10].iter().all(shown), "{section}");
    assert!(lines[11..].iter().all(shown), "{section}");
    assert_eq!(
        lines[10],
        format!("- re-check … {} more re-checks …", rounds - 20),
        "the rounds between are counted\n{section}"
    );
}

/// A `heal-url` that is not an http(s) URL is an input error (exit 2), and its value stays
/// masked in the error.
#[test]
fn an_invalid_heal_url_is_an_input_error_and_stays_masked() {
    let service = service(hook_ok());
    let slack = slack_ok();
    let bad = "ftp://deploy.example.net/hooks/s3cr3t-h00k-id";
    let r = base(&service, &slack).with_secret("heal-url", bad).run();

    assert_eq!(r.exit_code(), 2, "{r}");
    let errors = r.annotations("error");
    assert!(
        errors.iter().any(|e| e.contains("heal-url")),
        "{errors:?}\n{r}"
    );
    assert_eq!(
        service.hits(HEALTH),
        0,
        "nothing is checked after an input error\n{r}"
    );
    assert_eq!(service.hits(HOOK), 0, "{r}");
    let mut secrets = hook_secrets(&service);
    secrets.push(bad.to_string());
    assert_no_leak(&r, &slack, &secrets);
}

// ---- a hook behind a private CA --------------------------------------------------------------

/// How the run is told to trust the hook's private CA.
enum Trust<'a> {
    Nothing,
    CaCert(&'a TestCert),
    SslCertFile(&'a TestCert),
    /// `insecure: true`, which is for the checked URLs only.
    Insecure,
}

/// A service that stays down (plain HTTP) and its hook on an HTTPS server whose certificate a
/// private CA signed; one short re-check window.
fn run_with_tls_hook(service: &TestServer, hook: &TestServer, trust: Trust<'_>) -> SimReport {
    let sim = Sim::new()
        .with("url", &service.url(HEALTH))
        .with("max-attempts", "1")
        .with_secret("heal-url", &hook_url(hook))
        .watch_secret(HOOK_KEY)
        .with("heal-interval", "250ms")
        .with("heal-wait", "500ms")
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()));
    let sim = match trust {
        Trust::Nothing => sim,
        Trust::CaCert(cert) => sim.with("ca-cert", &cert.ca_pem()),
        Trust::SslCertFile(cert) => sim.env("SSL_CERT_FILE", &cert.ca_pem_file().to_string_lossy()),
        Trust::Insecure => sim.with("insecure", "true"),
    };
    sim.run()
}

#[test]
fn a_hook_behind_a_private_ca_is_trusted_through_ca_cert_or_ssl_cert_file() {
    let cert = TestCert::new(90);
    let service = TestServer::start(vec![(HEALTH, Behaviour::Status(503))]);
    let hook = TestServer::start_tls(vec![(HOOK, hook_ok())], &cert);

    for (label, trust) in [
        ("ca-cert", Trust::CaCert(&cert)),
        ("SSL_CERT_FILE", Trust::SslCertFile(&cert)),
    ] {
        let before = hook.hits(HOOK);
        let r = run_with_tls_hook(&service, &hook, trust);
        assert_eq!(
            hook.hits(HOOK),
            before + 1,
            "{label}: the hook was called\n{r}"
        );
        assert_eq!(r.out("heal-error"), "", "{label}\n{r}");
        assert_eq!(
            r.out("healed"),
            "false",
            "{label}: the service stays down\n{r}"
        );
        assert_eq!(r.leaks(), &Value::Array(vec![]), "{label}\n{r}");
    }

    // Without either, the handshake fails, and the reason says so and what to set. `insecure`
    // is for the checked URLs: the hook, which carries a secret, is never called unverified.
    for (label, trust) in [("nothing", Trust::Nothing), ("insecure", Trust::Insecure)] {
        let before = hook.hits(HOOK);
        let r = run_with_tls_hook(&service, &hook, trust);
        assert_eq!(
            hook.hits(HOOK),
            before,
            "{label}: no request without a handshake\n{r}"
        );
        assert_eq!(r.out("healed"), "false", "{label}\n{r}");
        let error = r.out("heal-error");
        assert!(
            error.contains("TLS handshake failed")
                && error.contains("trusted authority")
                && error.contains("ca-cert"),
            "{label}: {error:?}\n{r}"
        );
        assert_eq!(r.leaks(), &Value::Array(vec![]), "{label}\n{r}");
    }
}

//! Black-box tests of the SLACK phase: the real `upcheck` binary runs under
//! `shared/tools/runner-sim` (action.yml + the test build) against servers on 127.0.0.1: the
//! URLs it checks, a fake Slack (an incoming-webhook path and `/api/chat.postMessage`) and a
//! fake GitHub REST API (`--api-url`). Each test asserts on what Slack received (count, timing,
//! headers, the exact JSON), on the outputs `notified` and `notify-error`, on the annotations,
//! the summary note and the exit code.
//!
//! Every payload the fake Slack receives is read through [`deliveries`], which writes it to a
//! file and has `shared/tools/validate-slack-payload --strict` (with `--target api` for
//! chat.postMessage bodies) check it: a payload Slack would reject fails the test that sent it.
//!
//! Three tests wait for Slack's delivery budget and are named `slow_…`: a Slack that always
//! answers 503 (≈ 15 s: the backoff outgrows the budget) and a Slack that never answers, after
//! quick and after slow checks (≈ 27 s: the step's calls after the checks end 27 s after its
//! start). Everything else takes a few seconds at most.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{refused_port, validate_payload, Behaviour, Sim, SimReport, TempDir, TestServer};
use serde_json::{json, Value};

// ---- the fake Slack --------------------------------------------------------------------------

/// The incoming webhook's path on the fake Slack.
const HOOK: &str = "/services/T000/B000/XXXX";
/// chat.postMessage on the fake Slack; `slack-api-url` is `http://127.0.0.1:PORT/api/`.
const POST_MESSAGE: &str = "/api/chat.postMessage";

const REPO: &str = "octo-org/octo-repo";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const RUN_ID: &str = "4242";
const JOB: &str = "healthcheck";
const GITHUB_TOKEN: &str = "ghs_slacktestgithubtoken0123";
const BOT_TOKEN: &str = "xoxb-1111-2222-slacktestbottoken";
const CHANNEL: &str = "C0123456789";

/// A fake Slack whose webhook answers `hook` and whose chat.postMessage answers `api`.
fn slack(hook: Behaviour, api: Behaviour) -> TestServer {
    TestServer::start(vec![(HOOK, hook), (POST_MESSAGE, api)])
}

/// A fake Slack whose webhook answers 200 `ok`, as Slack does.
fn slack_ok() -> TestServer {
    slack(webhook_ok(), api_ok())
}

fn webhook_ok() -> Behaviour {
    Behaviour::text(200, "ok")
}

fn api_ok() -> Behaviour {
    Behaviour::json(200, &json!({"ok": true, "channel": "C1", "ts": "1.2"}))
}

/// One request the fake Slack received, its body parsed and validated.
struct Delivery {
    route: String,
    body: Value,
    raw: String,
    authorization: Option<String>,
    content_type: Option<String>,
    method: String,
    at: Instant,
}

/// Every request `slack` received (webhook paths and chat.postMessage), in arrival order. Each
/// body is written to a file and must pass `validate-slack-payload --strict` (chat.postMessage
/// bodies with `--target api`), and parse as JSON.
fn deliveries(slack: &TestServer) -> Vec<Delivery> {
    slack
        .requests()
        .into_iter()
        .filter(|r| r.route().starts_with("/services/") || r.route() == POST_MESSAGE)
        .map(|r| {
            let api = r.route() == POST_MESSAGE;
            validate_payload(&r.body, api);
            Delivery {
                route: r.route().to_string(),
                body: r.body_json(),
                raw: r.body_str(),
                authorization: r.header("authorization").map(str::to_string),
                content_type: r.header("content-type").map(str::to_string),
                method: r.method.clone(),
                at: r.at,
            }
        })
        .collect()
}

/// The only delivery; panics when there were none or several.
fn only_delivery(slack: &TestServer, r: &SimReport) -> Delivery {
    let mut all = deliveries(slack);
    assert_eq!(all.len(), 1, "expected exactly one Slack request\n{r}");
    all.remove(0)
}

/// The blocks inside the payload's one attachment.
fn blocks(payload: &Value) -> Vec<Value> {
    payload["attachments"][0]["blocks"]
        .as_array()
        .unwrap_or_else(|| panic!("no attachments[0].blocks: {payload}"))
        .clone()
}

/// The `fields` section's items as `(title, value)`.
fn fields_of(payload: &Value) -> Vec<(String, String)> {
    blocks(payload)
        .iter()
        .filter(|b| b["type"] == "section" && b["fields"].is_array())
        .flat_map(|b| b["fields"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            let text = f["text"].as_str().unwrap_or_default();
            let (title, value) = text.split_once('\n').unwrap_or((text, ""));
            (title.trim_matches('*').to_string(), value.to_string())
        })
        .collect()
}

fn top_text(payload: &Value) -> String {
    payload["text"].as_str().unwrap_or_default().to_string()
}

// ---- the checked URLs and the run ----------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Up,
    Degraded,
    Down,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Up => "up",
            Verdict::Degraded => "degraded",
            Verdict::Down => "down",
        }
    }

    fn exit(self) -> i64 {
        match self {
            Verdict::Down => 1,
            _ => 0,
        }
    }

    fn color(self) -> &'static str {
        match self {
            Verdict::Up => "#2eb886",
            Verdict::Degraded => "#daa038",
            Verdict::Down => "#e01e5a",
        }
    }
}

const ALL_VERDICTS: [Verdict; 3] = [Verdict::Up, Verdict::Degraded, Verdict::Down];

/// URLs to check: `/up` 200, `/slow` 200 after 400 ms (degraded under a 150 ms limit), `/down`
/// 503.
fn targets() -> TestServer {
    TestServer::start(vec![
        ("/up", Behaviour::text(200, "ok")),
        (
            "/slow",
            Behaviour::delay(Duration::from_millis(400), Behaviour::text(200, "ok")),
        ),
        ("/down", Behaviour::Status(503)),
    ])
}

/// The run: one attempt per URL, Slack's webhook and Web API on the fake Slack, GitHub's API on
/// a refused port (nothing in these runs may reach another host).
fn base(slack: &TestServer) -> Sim {
    Sim::new()
        .with("max-attempts", "1")
        .with("slack-api-url", &slack.url("/api/"))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
        .arg(&format!("--token={GITHUB_TOKEN}"))
}

/// `base` with the webhook set, checking the URL that gives `verdict`.
fn run_for(verdict: Verdict, targets: &TestServer, slack: &TestServer) -> Sim {
    let sim = base(slack).with("slack-webhook", &slack.url(HOOK));
    match verdict {
        Verdict::Up => sim.with("url", &targets.url("/up")),
        Verdict::Degraded => sim
            .with("url", &targets.url("/slow"))
            .with("max-response-time", "150ms"),
        Verdict::Down => sim.with("url", &targets.url("/down")),
    }
}

/// The warnings about Slack's delivery (`Slack: message not delivered: …`).
fn slack_warnings(r: &SimReport) -> Vec<String> {
    r.annotations("warning")
        .into_iter()
        .filter(|w| w.starts_with("Slack:"))
        .collect()
}

/// The step delivered: `notified` true, `notify-error` empty, no Slack warning, a summary note.
fn assert_notified(r: &SimReport) {
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_eq!(r.out("notify-error"), "", "{r}");
    assert!(slack_warnings(r).is_empty(), "{r}");
    assert!(
        r.summary().contains("Slack: message delivered"),
        "the summary notes the delivery:\n{}",
        r.summary()
    );
}

/// A Slack rejection on a healthy URL: not notified, `notify-error` naming the code and the
/// hint, one `::warning` saying the same, no `::error`, exit 0, and one request (no retry).
fn assert_rejected(r: &SimReport, slack: &TestServer, route: &str, code: &str, hint: &str) {
    assert_eq!(
        r.exit_code(),
        0,
        "a Slack failure alone leaves the exit code\n{r}"
    );
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert!(
        error.contains(code),
        "notify-error names {code}: {error:?}\n{r}"
    );
    assert!(
        error.contains(hint),
        "notify-error hints {hint:?}: {error:?}\n{r}"
    );
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "one ::warning: {warnings:?}\n{r}");
    assert!(
        warnings[0].contains(code) && warnings[0].contains(hint),
        "{warnings:?}\n{r}"
    );
    assert!(r.annotations("error").is_empty(), "{r}");
    assert_eq!(
        slack.hits(route),
        1,
        "a {code} answer is final, never retried\n{r}"
    );
    assert!(
        r.summary().contains("Slack: message not delivered"),
        "{}",
        r.summary()
    );
    deliveries(slack);
}

// ---- policy × verdict ------------------------------------------------------------------------

/// Runs `policy` against an up, a degraded and a down URL; `due[i]` says whether a message is
/// due for `ALL_VERDICTS[i]` (the previous status is unknown: no state between runs yet).
fn policy_table(policy: &str, due: [bool; 3]) {
    let targets = targets();
    for (verdict, due) in ALL_VERDICTS.into_iter().zip(due) {
        let slack = slack_ok();
        let r = run_for(verdict, &targets, &slack)
            .with("notify", policy)
            .run();
        let what = format!("notify: {policy}, status {}", verdict.word());
        assert_eq!(r.exit_code(), verdict.exit(), "{what}\n{r}");
        assert_eq!(r.out("status"), verdict.word(), "{what}\n{r}");
        assert_eq!(r.out("notified"), due.to_string(), "{what}\n{r}");
        assert_eq!(r.out("notify-error"), "", "{what}\n{r}");
        assert!(slack_warnings(&r).is_empty(), "{what}\n{r}");
        let sent = deliveries(&slack);
        assert_eq!(sent.len(), usize::from(due), "{what}: messages sent\n{r}");
        if let Some(d) = sent.first() {
            assert_eq!(
                d.body["attachments"][0]["color"],
                verdict.color(),
                "{what}: colour bar\n{}",
                d.raw
            );
            assert!(
                r.summary().contains("Slack: message delivered"),
                "{what}\n{r}"
            );
        } else {
            assert!(
                r.summary().contains("Slack: no message"),
                "{what}: the summary says why nothing was sent\n{}",
                r.summary()
            );
        }
    }
}

#[test]
fn policy_always_notifies_up_degraded_and_down() {
    policy_table("always", [true, true, true]);
}

#[test]
fn policy_failure_notifies_degraded_and_down() {
    policy_table("failure", [false, true, true]);
}

#[test]
fn policy_success_notifies_up_only() {
    policy_table("success", [true, false, false]);
}

/// The previous status is unknown (no state yet): a change only to degraded or down.
#[test]
fn policy_change_with_unknown_previous_notifies_degraded_and_down() {
    policy_table("change", [false, true, true]);
}

#[test]
fn policy_never_notifies() {
    policy_table("never", [false, false, false]);
}

/// The default policy is `change`.
#[test]
fn default_policy_is_change() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Up, &targets, &slack).run();
    assert_eq!(r.out("notified"), "false", "{r}");
    assert_eq!(slack.hits(HOOK), 0, "{r}");
    let r = run_for(Verdict::Down, &targets, &slack).run();
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_eq!(deliveries(&slack).len(), 1, "{r}");
}

// ---- the webhook -----------------------------------------------------------------------------

#[test]
fn webhook_200_ok_delivers_a_block_kit_message() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Down, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    assert_eq!(d.method, "POST");
    assert!(
        d.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        d.content_type
    );
    assert!(d.authorization.is_none(), "a webhook needs no token");
    // The fallback text: what notifications and screen readers show.
    let text = top_text(&d.body);
    assert!(text.contains("upcheck"), "{text}");
    assert!(text.contains(&targets.url("/down")), "the down URL: {text}");
    // Block Kit in one attachment, with the colour bar and a header.
    let b = blocks(&d.body);
    assert_eq!(b[0]["type"], "header", "{}", d.raw);
    assert_eq!(b[0]["text"]["type"], "plain_text", "{}", d.raw);
    assert_eq!(d.body["attachments"][0]["color"], "#e01e5a", "{}", d.raw);
    let lines = b[1]["text"]["text"].as_str().unwrap_or_default();
    assert!(
        lines.contains("HTTP 503"),
        "the reason is in the URL line: {lines}"
    );
    // The default fields, from the run's context: repo, workflow, ref.
    let titles: Vec<String> = fields_of(&d.body).into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, ["repo", "workflow", "ref"], "{}", d.raw);
    let context = b.last().unwrap();
    assert_eq!(context["type"], "context", "{}", d.raw);
    assert!(
        context.to_string().contains(REPO),
        "the context line names the repository: {context}"
    );
}

#[test]
fn webhook_404_no_service_is_explained_not_retried() {
    let targets = targets();
    let slack = slack(Behaviour::text(404, "no_service"), api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_rejected(
        &r,
        &slack,
        HOOK,
        "no_service",
        "create a new incoming webhook",
    );
    assert!(r.out("notify-error").contains("404"), "{r}");
}

#[test]
fn webhook_400_invalid_blocks_is_explained_not_retried() {
    let targets = targets();
    let slack = slack(Behaviour::text(400, "invalid_blocks"), api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_rejected(
        &r,
        &slack,
        HOOK,
        "invalid_blocks",
        "Slack did not accept the message's format",
    );
}

#[test]
fn webhook_410_channel_is_archived_is_explained_not_retried() {
    let targets = targets();
    let slack = slack(Behaviour::text(410, "channel_is_archived"), api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_rejected(
        &r,
        &slack,
        HOOK,
        "channel_is_archived",
        "unarchive it or send to another channel",
    );
}

#[test]
fn webhook_429_waits_for_retry_after_then_delivers() {
    let targets = targets();
    let slack = slack(
        Behaviour::Sequence(vec![
            Behaviour::with_headers(
                429,
                &[("Retry-After", "1"), ("Content-Type", "text/plain")],
                "rate_limited",
            ),
            webhook_ok(),
        ]),
        api_ok(),
    );
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    let sent = deliveries(&slack);
    assert_eq!(sent.len(), 2, "one 429, then the delivery\n{r}");
    let gap = sent[1].at - sent[0].at;
    assert!(
        gap >= Duration::from_secs(1),
        "Retry-After: 1 honoured, the second try came {gap:?} after the first\n{r}"
    );
    assert!(
        gap < Duration::from_secs(5),
        "no needless wait: {gap:?}\n{r}"
    );
    assert_eq!(sent[0].body, sent[1].body, "the same message is sent again");
    assert!(r.log_text().contains("after 2 tries"), "{r}");
}

/// A `Retry-After` longer than the backoff's first step (1 s) is what sets the wait.
#[test]
fn webhook_429_retry_after_3_is_waited_in_full() {
    let targets = targets();
    let slack = slack(
        Behaviour::Sequence(vec![
            Behaviour::with_headers(429, &[("Retry-After", "3")], "rate_limited"),
            webhook_ok(),
        ]),
        api_ok(),
    );
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_notified(&r);
    let sent = deliveries(&slack);
    assert_eq!(sent.len(), 2, "{r}");
    let gap = sent[1].at - sent[0].at;
    assert!(
        gap >= Duration::from_secs(3) && gap < Duration::from_secs(7),
        "Retry-After: 3 honoured: {gap:?}\n{r}"
    );
}

#[test]
fn webhook_500_is_retried_after_a_backoff_then_delivers() {
    let targets = targets();
    let slack = slack(
        Behaviour::Sequence(vec![Behaviour::text(500, "rollup_error"), webhook_ok()]),
        api_ok(),
    );
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    let sent = deliveries(&slack);
    assert_eq!(sent.len(), 2, "{r}");
    let gap = sent[1].at - sent[0].at;
    assert!(
        gap >= Duration::from_millis(900),
        "a backoff before the retry: {gap:?}\n{r}"
    );
    assert!(gap < Duration::from_secs(5), "{gap:?}\n{r}");
}

/// SLOW (≈ 15 s): a Slack that always answers 503. The backoff (1, 2, 4, 8, 16 s) outgrows the
/// 30 s budget after the fifth try, so upcheck gives up then, well inside the budget.
#[test]
fn slow_webhook_always_503_gives_up_within_the_budget() {
    let targets = targets();
    let slack = slack(Behaviour::text(503, "service_unavailable"), api_ok());
    let start = Instant::now();
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(35),
        "the Slack phase is bounded by 30 s; the run took {took:?}\n{r}"
    );
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert!(error.contains("503"), "{error:?}\n{r}");
    assert!(
        error.contains("tries"),
        "says how often it tried: {error:?}\n{r}"
    );
    let hits = slack.hits(HOOK);
    assert!(
        (2..=8).contains(&hits),
        "retried with backoff, not hammered: {hits} requests\n{r}"
    );
    assert_eq!(slack_warnings(&r).len(), 1, "{r}");
    deliveries(&slack);
}

/// SLOW (≈ 27 s): a Slack that reads the request and never answers. Each try is cut at 10 s,
/// and the whole phase 27 s after the step's start: the step ends, explained.
#[test]
fn slow_hanging_webhook_ends_within_the_budget() {
    let targets = targets();
    let slack = slack(Behaviour::Hang, api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    let secs = r.run_secs();
    assert!(
        secs < 33.0,
        "the step ends within the 30 s budget (+ the check); it took {secs} s\n{r}"
    );
    assert!(secs >= 20.0, "it did wait for Slack: {secs} s\n{r}");
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert!(error.contains("no answer"), "{error:?}\n{r}");
    assert!(slack.hits(HOOK) >= 2, "a timed-out try is retried\n{r}");
    assert_eq!(slack_warnings(&r).len(), 1, "{r}");
    deliveries(&slack);
}

/// SLOW (≈ 27 s): checks that take 5 s, then a Slack that never answers. The time limit of the
/// calls after the checks counts from the step's start, not from the Slack phase's: the step
/// ends within 30 s of its start, with the outputs and the summary written.
#[test]
fn slow_hanging_webhook_after_slow_checks_ends_within_30_s_of_the_start() {
    let targets = TestServer::start(vec![(
        "/slow",
        Behaviour::delay(Duration::from_secs(5), Behaviour::text(200, "ok")),
    )]);
    let slack = slack(Behaviour::Hang, api_ok());
    let r = base(&slack)
        .with("slack-webhook", &slack.url(HOOK))
        .with("url", &targets.url("/slow"))
        .with("timeout", "8s")
        .with("notify", "always")
        .run();
    let secs = r.run_secs();
    assert!(
        secs < 30.0,
        "the step ends within 30 s of its start; it took {secs} s\n{r}"
    );
    assert!(secs >= 20.0, "it did wait for Slack: {secs} s\n{r}");
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "up", "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert!(error.contains("no answer"), "{error:?}\n{r}");
    assert!(
        r.summary().contains("Slack: message not delivered"),
        "the summary is written, with Slack's note\n{r}"
    );
    assert!(slack.hits(HOOK) >= 2, "a timed-out try is retried\n{r}");
    deliveries(&slack);
}

#[test]
fn fail_on_notify_error_turns_a_rejection_into_exit_3() {
    let targets = targets();
    let slack = slack(Behaviour::text(404, "no_service"), api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .with("fail-on-notify-error", "true")
        .run();
    assert_eq!(r.exit_code(), 3, "{r}");
    assert_eq!(r.out("healthy"), "true", "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    assert!(r.out("notify-error").contains("no_service"), "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "one ::error says why the step failed\n{r}");
    assert!(errors[0].contains("no_service"), "{errors:?}");
    assert!(
        errors[0].contains("create a new incoming webhook"),
        "{errors:?}"
    );
    assert!(
        slack_warnings(&r).is_empty(),
        "an error, not also a warning\n{r}"
    );
    assert_eq!(slack.hits(HOOK), 1, "{r}");
    deliveries(&slack);
}

#[test]
fn fail_on_notify_error_with_a_delivered_message_exits_0() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .with("fail-on-notify-error", "true")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    assert!(r.annotations("error").is_empty(), "{r}");
    assert_eq!(deliveries(&slack).len(), 1, "{r}");
}

#[test]
fn slack_webhook_url_from_the_step_env_is_used() {
    let targets = targets();
    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &targets.url("/up"))
        .with("notify", "always")
        .env("SLACK_WEBHOOK_URL", &slack.url(HOOK))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    assert_eq!(deliveries(&slack).len(), 1, "{r}");
}

#[test]
fn slack_webhook_input_wins_over_the_env() {
    let targets = targets();
    let slack = TestServer::start(vec![
        (HOOK, webhook_ok()),
        ("/services/T000/B000/FROMENV", webhook_ok()),
    ]);
    let r = base(&slack)
        .with("url", &targets.url("/up"))
        .with("notify", "always")
        .with("slack-webhook", &slack.url(HOOK))
        .env(
            "SLACK_WEBHOOK_URL",
            &slack.url("/services/T000/B000/FROMENV"),
        )
        .run();
    assert_notified(&r);
    let sent = deliveries(&slack);
    assert_eq!(sent.len(), 1, "{r}");
    assert_eq!(sent[0].route, HOOK, "{r}");
}

// ---- the bot token ---------------------------------------------------------------------------

fn bot_run(targets: &TestServer, slack: &TestServer) -> Sim {
    base(slack)
        .with("url", &targets.url("/up"))
        .with("notify", "always")
        .with("slack-token", BOT_TOKEN)
        .with("slack-channel", CHANNEL)
}

#[test]
fn bot_token_posts_with_chat_post_message() {
    let targets = targets();
    let slack = slack_ok();
    let r = bot_run(&targets, &slack).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    assert_eq!(d.route, POST_MESSAGE, "{r}");
    assert_eq!(d.method, "POST");
    assert_eq!(
        d.authorization.as_deref(),
        Some(format!("Bearer {BOT_TOKEN}").as_str()),
        "{r}"
    );
    assert!(
        d.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "a JSON body: {:?}",
        d.content_type
    );
    assert_eq!(d.body["channel"], CHANNEL, "{}", d.raw);
    assert!(d.body["text"].is_string(), "{}", d.raw);
    assert!(!blocks(&d.body).is_empty(), "{}", d.raw);
    assert!(
        !d.raw.contains(BOT_TOKEN),
        "the token is not in the message"
    );
}

#[test]
fn bot_token_ok_false_not_in_channel_is_explained() {
    let targets = targets();
    let slack = slack(
        webhook_ok(),
        Behaviour::json(200, &json!({"ok": false, "error": "not_in_channel"})),
    );
    let r = bot_run(&targets, &slack).run();
    assert_rejected(
        &r,
        &slack,
        POST_MESSAGE,
        "not_in_channel",
        "invite it (/invite @your-app)",
    );
}

#[test]
fn bot_token_ok_false_invalid_auth_is_explained() {
    let targets = targets();
    let slack = slack(
        webhook_ok(),
        Behaviour::json(200, &json!({"ok": false, "error": "invalid_auth"})),
    );
    let r = bot_run(&targets, &slack).run();
    assert_rejected(
        &r,
        &slack,
        POST_MESSAGE,
        "invalid_auth",
        "check slack-token",
    );
}

// ---- mentions ----------------------------------------------------------------------------------

const MENTION: &str = "here,U0123ABCD,subteam^S0ABC";
const MENTION_TEXT: &str = "<!here> <@U0123ABCD> <!subteam^S0ABC>";

#[test]
fn mention_on_failure_leads_the_text_of_a_down_message() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Down, &targets, &slack)
        .with("notify", "always")
        .with("mention", MENTION)
        .with("mention-on", "failure")
        .run();
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    let text = top_text(&d.body);
    assert!(
        text.starts_with(&format!("{MENTION_TEXT} ")),
        "the mentions lead the text: {text:?}"
    );
}

#[test]
fn mention_on_failure_is_left_out_when_up() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .with("mention", MENTION)
        .with("mention-on", "failure")
        .run();
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    for m in ["<!here>", "<@U0123ABCD>", "<!subteam^S0ABC>"] {
        assert!(!d.raw.contains(m), "no {m} in an up message: {}", d.raw);
    }
    // mention-on: always mentions even when up.
    let slack = slack_ok();
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .with("mention", MENTION)
        .with("mention-on", "always")
        .run();
    let d = only_delivery(&slack, &r);
    assert!(top_text(&d.body).starts_with(MENTION_TEXT), "{}", d.raw);
}

// ---- fields and the GitHub API -----------------------------------------------------------------

fn commit_route() -> String {
    format!("/repos/{REPO}/commits/{SHA}")
}

fn jobs_route() -> String {
    format!("/repos/{REPO}/actions/runs/{RUN_ID}/jobs")
}

const JOB_URL: &str = "https://github.com/octo-org/octo-repo/actions/runs/4242/job/99";

fn commit_answer() -> Behaviour {
    Behaviour::json(
        200,
        &json!({
            "sha": SHA,
            "commit": {
                "message": "Fix <b> & more\nbody line",
                "author": {"name": "Ann Example", "email": "ann@example.com", "date": "2026-11-25T03:00:00Z"}
            }
        }),
    )
}

fn jobs_answer() -> Behaviour {
    let started = time::OffsetDateTime::now_utc() - time::Duration::seconds(65);
    let started = started
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    Behaviour::json(
        200,
        &json!({
            "total_count": 2,
            "jobs": [
                {"id": 98, "name": "build", "status": "completed", "html_url": "https://github.com/octo-org/octo-repo/actions/runs/4242/job/98", "started_at": "2026-01-01T00:00:00Z"},
                {"id": 99, "name": JOB, "status": "in_progress", "html_url": JOB_URL, "started_at": started}
            ]
        }),
    )
}

fn fields_run(targets: &TestServer, slack: &TestServer, github: &TestServer) -> Sim {
    Sim::new()
        .with("url", &targets.url("/up"))
        .with("max-attempts", "1")
        .with("notify", "always")
        .with("fields", "all")
        .with("slack-webhook", &slack.url(HOOK))
        .arg(&format!("--api-url={}", github.url("")))
        .arg(&format!("--token={GITHUB_TOKEN}"))
        .arg(&format!("--repository={REPO}"))
        .arg(&format!("--sha={SHA}"))
        .arg(&format!("--run-id={RUN_ID}"))
        .arg(&format!("--job={JOB}"))
}

#[test]
fn fields_all_come_from_the_run_and_the_api() {
    let targets = targets();
    let slack = slack_ok();
    let github = TestServer::start(vec![
        (commit_route().as_str(), commit_answer()),
        (jobs_route().as_str(), jobs_answer()),
    ]);
    let r = fields_run(&targets, &slack, &github).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    assert!(
        r.annotations("warning").is_empty(),
        "every field was found\n{r}"
    );
    for route in [commit_route(), jobs_route()] {
        let req = github
            .last_request(&route)
            .unwrap_or_else(|| panic!("the API was not asked for {route}\n{r}"));
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {GITHUB_TOKEN}").as_str()),
            "{route}"
        );
    }
    let d = only_delivery(&slack, &r);
    let fields = fields_of(&d.body);
    let titles: Vec<&str> = fields.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "repo",
            "message",
            "commit",
            "author",
            "action",
            "eventName",
            "ref",
            "workflow",
            "job",
            "took"
        ],
        "{}",
        d.raw
    );
    let value = |name: &str| {
        fields
            .iter()
            .find(|(t, _)| t == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let message = value("message");
    assert!(
        message.contains("Fix &lt;b&gt; &amp; more"),
        "the commit's first line, escaped: {message}"
    );
    assert!(!message.contains("body line"), "first line only: {message}");
    assert!(!d.raw.contains("<b>"), "no raw <b> anywhere: {}", d.raw);
    assert!(value("author").contains("Ann Example"), "{}", d.raw);
    assert_eq!(value("job"), format!("<{JOB_URL}|{JOB}>"), "{}", d.raw);
    let took = value("took");
    assert!(
        took.contains("min") || took.contains("sec"),
        "took is the job's time so far: {took:?}"
    );
    assert!(took.starts_with("1 min"), "started 65 s ago: {took:?}");
    assert!(value("commit").contains(&SHA[..8]), "{}", d.raw);
    assert_eq!(value("eventName"), "schedule", "{}", d.raw);
}

#[test]
fn fields_without_actions_read_are_left_out_and_the_permission_named() {
    let targets = targets();
    let slack = slack_ok();
    let github = TestServer::start(vec![
        (commit_route().as_str(), commit_answer()),
        (
            jobs_route().as_str(),
            Behaviour::with_headers(
                403,
                &[
                    ("Content-Type", "application/json"),
                    ("X-Accepted-GitHub-Permissions", "actions=read"),
                ],
                r#"{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}"#,
            ),
        ),
    ]);
    let r = fields_run(&targets, &slack, &github).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    let titles: Vec<String> = fields_of(&d.body).into_iter().map(|(t, _)| t).collect();
    assert!(titles.contains(&"message".to_string()), "{titles:?}");
    assert!(
        !titles.contains(&"job".to_string()) && !titles.contains(&"took".to_string()),
        "job and took are left out: {titles:?}"
    );
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "{warnings:?}\n{r}");
    assert!(
        warnings[0].contains("actions: read"),
        "the warning names the permission: {warnings:?}"
    );
    assert!(warnings[0].contains("job"), "{warnings:?}");
}

// ---- hostile text --------------------------------------------------------------------------------

/// A server that answers every connection with the same bytes, then closes.
struct RawServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    fn start(response: Vec<u8>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = conn.write_all(&response);
                let _ = conn.flush();
            }
        });
        RawServer {
            port,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Text that would ping everyone, or fake a user, or form a link, if it reached Slack unescaped.
const PINGS: [&str; 4] = ["<!channel>", "<!here>", "<@U0BAD>", "<!everyone>"];

#[test]
fn hostile_urls_reasons_and_redirects_never_ping() {
    let targets = TestServer::start(vec![
        ("/%3C!channel%3E", Behaviour::Status(503)),
        (
            "/r",
            Behaviour::redirect(302, "/<!channel>?x=<!here>&y=<@U0BAD>"),
        ),
        // A redirect loop whose revisited URL (shown in the reason) is hostile.
        (
            "/loop",
            Behaviour::redirect(302, "/h|<!channel>&<!everyone>"),
        ),
        (
            "/h|%3C!channel%3E&%3C!everyone%3E",
            Behaviour::redirect(302, "/h2"),
        ),
        ("/h2", Behaviour::redirect(302, "/h|<!channel>&<!everyone>")),
        // Up by status, down by `body-contains`: the reason quotes the input's text.
        ("/ok", Behaviour::text(200, "fine")),
    ]);
    let body = "<!channel> <@U0BAD> & more";
    let reason = RawServer::start(
        format!(
            "HTTP/1.1 503 <!channel> <@U0BAD> <https://evil.example|click>\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let urls = [
        targets.url("/%3C!channel%3E"),
        targets.url("/r"),
        targets.url("/loop"),
        reason.url("/status"),
        format!("{}?q=<!here>&<@U0BAD>=1", targets.url("/up-missing")),
        targets.url("/ok"),
    ]
    .join("\n");
    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &urls)
        .with("notify", "always")
        .with("slack-webhook", &slack.url(HOOK))
        .with("mention", "channel")
        .with("mention-on", "failure")
        .with("body-contains", "<!here>")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    // The one `<!channel>` is the mention, at the start of the text.
    assert!(top_text(&d.body).starts_with("<!channel> "), "{}", d.raw);
    assert_eq!(
        d.raw.matches("<!channel>").count(),
        1,
        "only the mention pings: {}",
        d.raw
    );
    for ping in &PINGS[1..] {
        assert!(!d.raw.contains(ping), "{ping} reached Slack: {}", d.raw);
    }
    assert!(
        !d.raw.contains("<https://evil.example"),
        "a server's text formed a link: {}",
        d.raw
    );
    // Every URL is listed (six down lines), escaped.
    let lines = blocks(&d.body)[1]["text"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(lines.lines().count(), 6, "{lines}");
}

#[test]
fn hostile_slack_error_body_is_cleaned() {
    let targets = targets();
    let slack = slack(
        Behaviour::text(400, "::error::pwned\n<!channel>\n##[error]pwned too"),
        api_ok(),
    );
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    // No annotation from Slack's text: no ::error at all, one warning that is upcheck's own.
    assert!(r.annotations("error").is_empty(), "{r}");
    let commands = r.commands().as_array().cloned().unwrap_or_default();
    for c in &commands {
        let name = c["name"].as_str().unwrap_or_default();
        assert!(
            ["add-mask", "warning"].contains(&name),
            "a command upcheck did not mean: {c}\n{r}"
        );
        assert_eq!(c["syntax"], "::", "a legacy ##[ command: {c}\n{r}");
    }
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "{r}");
    let warning = &warnings[0];
    assert!(
        warning.starts_with("Slack: message not delivered"),
        "upcheck's own warning: {warning:?}"
    );
    for bad in ["::", "##[", "<!channel>", "<", ">", "\n"] {
        assert!(
            !warning.contains(bad),
            "{bad:?} in the warning: {warning:?}"
        );
    }
    assert!(
        !warnings
            .iter()
            .any(|w| w.trim() == "pwned" || w.starts_with("pwned")),
        "Slack's text became an annotation: {warnings:?}"
    );
    assert!(
        r.commands()
            .as_array()
            .into_iter()
            .flatten()
            .all(|c| c["data"] != "pwned"),
        "{r}"
    );
    let error = r.out("notify-error");
    for bad in ["::", "##[", "<", ">", "\n"] {
        assert!(!error.contains(bad), "{bad:?} in notify-error: {error:?}");
    }
    assert!(error.contains("HTTP 400"), "{error:?}");
    for line in r.log() {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##[error]"),
            "a log line that looks like a command: {line:?}\n{r}"
        );
    }
    assert_eq!(slack.hits(HOOK), 1, "{r}");
    deliveries(&slack);
}

/// Slack's answer is shown only as an error code. A first line that is not one (here a workflow
/// command) is not echoed, not even with its punctuation stripped ("errorpwned" would read like
/// a code Slack sent).
#[test]
fn hostile_slack_error_body_is_not_echoed_as_a_code() {
    let targets = targets();
    let slack = slack(
        Behaviour::text(400, "::error::pwned\n<!channel>\n##[error]pwned too"),
        api_ok(),
    );
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_eq!(r.out("notified"), "false", "{r}");
    for level in ["error", "warning", "notice"] {
        for a in r.annotations(level) {
            assert!(
                !a.contains("pwned"),
                "Slack's text in an annotation: {a:?}\n{r}"
            );
        }
    }
    let error = r.out("notify-error");
    assert!(
        !error.contains("pwned"),
        "Slack's text in notify-error: {error:?}"
    );
    assert!(error.contains("HTTP 400"), "{error:?}");
    deliveries(&slack);
}

// ---- secrets -------------------------------------------------------------------------------------

const SECRET_HOOK: &str = "/services/T0SECRET1/B0SECRET2/Zq8rT3xW9vK2mN7pL4sD6fH1";

/// The values the binary itself registered with `::add-mask::`.
fn binary_masks(r: &SimReport) -> Vec<String> {
    r.commands()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|c| c["name"] == "add-mask")
        .map(|c| c["data"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn webhook_url_and_bot_token_are_masked_and_never_leak() {
    let targets = targets();
    // The webhook, registered as a secret, on a down URL and a Slack that rejects it.
    let slack = TestServer::start(vec![(SECRET_HOOK, Behaviour::text(404, "no_service"))]);
    let hook = slack.url(SECRET_HOOK);
    let r = base(&slack)
        .with("url", &targets.url("/down"))
        .with("notify", "always")
        .with_secret("slack-webhook", &hook)
        .run();
    assert_eq!(r.leaks(), &json!([]), "{r}");
    assert!(r.masks().contains(&hook), "{r}");
    assert!(
        binary_masks(&r).contains(&hook),
        "upcheck masks it too\n{r}"
    );
    assert!(!r.out("notify-error").contains("T0SECRET1"), "{r}");
    let sent = deliveries(&slack);
    assert_eq!(sent.len(), 1, "{r}");
    assert!(
        !sent[0].raw.contains("Zq8rT3xW9vK2mN7pL4sD6fH1"),
        "{}",
        sent[0].raw
    );

    // The bot token, registered as a secret.
    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &targets.url("/up"))
        .with("notify", "always")
        .with_secret("slack-token", BOT_TOKEN)
        .with("slack-channel", CHANNEL)
        .run();
    assert_notified(&r);
    assert_eq!(r.leaks(), &json!([]), "{r}");
    assert!(r.masks().contains(&BOT_TOKEN.to_string()), "{r}");
    assert!(binary_masks(&r).contains(&BOT_TOKEN.to_string()), "{r}");
    let d = only_delivery(&slack, &r);
    assert!(!d.raw.contains(BOT_TOKEN), "{}", d.raw);
}

/// Not registered by the runner (a value from a variable, or SLACK_WEBHOOK_URL in `env:`):
/// upcheck's own masks must cover it before anything is printed.
#[test]
fn webhook_url_and_bot_token_unregistered_are_masked_by_upcheck() {
    let targets = targets();
    let slack = TestServer::start(vec![(SECRET_HOOK, Behaviour::text(404, "no_service"))]);
    let hook = slack.url(SECRET_HOOK);
    let r = base(&slack)
        .with("url", &targets.url("/down"))
        .with("notify", "always")
        .watch_secret(&hook)
        .env("SLACK_WEBHOOK_URL", &hook)
        .run();
    assert_eq!(r.binary_leaks(), Vec::<Value>::new(), "{r}");
    assert!(binary_masks(&r).contains(&hook), "{r}");
    assert_eq!(slack.hits(SECRET_HOOK), 1, "{r}");
    deliveries(&slack);

    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &targets.url("/up"))
        .with("notify", "always")
        .watch_secret(BOT_TOKEN)
        .with("slack-token", BOT_TOKEN)
        .with("slack-channel", CHANNEL)
        .run();
    assert_notified(&r);
    assert_eq!(r.binary_leaks(), Vec::<Value>::new(), "{r}");
    assert!(binary_masks(&r).contains(&BOT_TOKEN.to_string()), "{r}");
    deliveries(&slack);
}

// ---- size ----------------------------------------------------------------------------------------

#[test]
fn one_url_message_is_small_and_valid() {
    let targets = targets();
    let slack = slack_ok();
    let r = run_for(Verdict::Down, &targets, &slack)
        .with("notify", "always")
        .run();
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    let b = blocks(&d.body);
    let kinds: Vec<&str> = b.iter().map(|x| x["type"].as_str().unwrap_or("")).collect();
    assert_eq!(
        kinds,
        ["header", "section", "section", "context"],
        "{}",
        d.raw
    );
    assert!(!d.raw.contains("more, see"), "{}", d.raw);
}

#[test]
fn five_hundred_urls_fit_slacks_limits() {
    let srv = TestServer::start(vec![("/down", Behaviour::Status(503))]);
    let urls: Vec<String> = (0..500).map(|i| srv.url(&format!("/down?n={i}"))).collect();
    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &urls.join("\n"))
        .with("concurrency", "64")
        .with("notify", "always")
        .with("slack-webhook", &slack.url(HOOK))
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(srv.hits("/down"), 500, "{r}");
    assert_notified(&r);
    let d = only_delivery(&slack, &r);
    let b = blocks(&d.body);
    assert!(b.len() <= 50, "{} blocks", b.len());
    assert!(
        d.raw.contains("more, see"),
        "the rest is counted: {}",
        d.raw
    );
    let mut total = 0;
    for block in &b {
        if let Some(text) = block["text"]["text"].as_str() {
            assert!(text.chars().count() <= 3000, "a block over 3000 characters");
            total += text.chars().count();
        }
        for item in block["elements"].as_array().into_iter().flatten() {
            total += item["text"].as_str().unwrap_or_default().chars().count();
        }
        for item in block["fields"].as_array().into_iter().flatten() {
            total += item["text"].as_str().unwrap_or_default().chars().count();
        }
    }
    // Slack rejects messages whose blocks hold much more than ~13k characters
    // (`msg_blocks_too_long`), below every per-block limit.
    assert!(total < 13_000, "{total} characters of block text");
    assert!(
        top_text(&d.body).contains("and 499 more"),
        "{}",
        top_text(&d.body)
    );
}

// ---- cancellation --------------------------------------------------------------------------------

#[test]
fn cancelled_during_retries_sends_nothing() {
    let srv = TestServer::start(vec![("/", Behaviour::Status(503))]);
    let slack = slack_ok();
    let r = base(&slack)
        .with("url", &srv.url("/"))
        .with("max-attempts", "5")
        .with("retry-delay", "10s")
        .with("notify", "always")
        .with("slack-webhook", &slack.url(HOOK))
        .signal_after(1.0)
        .run();
    assert_eq!(r.signals()[0]["signal"], "SIGINT", "{r}");
    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(slack.hits(HOOK), 0, "no message for a cancelled run\n{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert!(error.contains("cancelled"), "{error:?}\n{r}");
}

/// A signal while Slack is being waited for stops the wait at once: no 30 s budget after a
/// cancel. The run was cancelled, so it exits 1 as every cancelled run does (README, Exit
/// codes).
#[test]
fn cancelled_while_slack_hangs_stops_at_once() {
    let targets = targets();
    let slack = slack(Behaviour::Hang, api_ok());
    let r = run_for(Verdict::Up, &targets, &slack)
        .with("notify", "always")
        .signal_after(1.5)
        .run();
    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(slack.hits(HOOK), 1, "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    assert!(r.out("notify-error").contains("cancelled"), "{r}");
    assert_eq!(
        r.exit_code(),
        1,
        "a run cancelled by SIGINT exits 1, whatever the verdict\n{r}"
    );
    let errors = r.annotations("error");
    assert!(
        errors.iter().any(|e| e.to_lowercase().contains("cancel")),
        "a non-zero exit comes after an ::error that says why: {errors:?}\n{r}"
    );
}

/// With a bot token and state, the recovery answers the outage in its thread (also shown in the
/// channel), and the outage message is updated to say it is resolved.
#[test]
fn a_recovery_replies_in_the_thread_and_resolves_the_outage_message() {
    let slack = TestServer::start(vec![
        (
            "/api/chat.postMessage",
            Behaviour::Sequence(vec![
                Behaviour::json(200, &json!({"ok": true, "channel": "C1", "ts": "100.1"})),
                Behaviour::json(200, &json!({"ok": true, "channel": "C1", "ts": "200.2"})),
            ]),
        ),
        (
            "/api/chat.update",
            Behaviour::json(200, &json!({"ok": true, "channel": "C1", "ts": "100.1"})),
        ),
    ]);
    let site = TestServer::start(vec![(
        "/health",
        Behaviour::Sequence(vec![Behaviour::Status(503), Behaviour::text(200, "ok")]),
    )]);
    let cache = TempDir::new("thread-cache");
    let run = |n: u32| {
        Sim::new()
            .cache_dir(cache.path())
            .arg(&format!("--run-id={n}"))
            .with("url", &site.url("/health"))
            .with("max-attempts", "1")
            .with("notify", "change")
            .with("slack-token", "xoxb-test-token-for-threads")
            .with("slack-channel", "#ops")
            .with("slack-api-url", &slack.url("/api/"))
            .run()
    };
    let first = run(1);
    assert_eq!(first.exit_code(), 1, "{first}");
    assert_eq!(first.output("notified").as_deref(), Some("true"), "{first}");
    let second = run(2);
    assert_eq!(second.exit_code(), 0, "{second}");
    assert_eq!(
        second.output("previous-status").as_deref(),
        Some("down"),
        "{second}"
    );
    assert_eq!(
        second.output("notified").as_deref(),
        Some("true"),
        "{second}"
    );

    let posts = slack.requests_to("/api/chat.postMessage");
    assert_eq!(posts.len(), 2);
    let outage: Value = serde_json::from_slice(&posts[0].body).unwrap();
    assert_eq!(outage["channel"], "#ops");
    assert!(outage.get("thread_ts").is_none(), "{outage}");
    let recovery: Value = serde_json::from_slice(&posts[1].body).unwrap();
    assert_eq!(recovery["channel"], "C1", "{recovery}");
    assert_eq!(recovery["thread_ts"], "100.1", "{recovery}");
    assert_eq!(recovery["reply_broadcast"], true, "{recovery}");
    assert!(
        recovery["text"]
            .as_str()
            .unwrap()
            .contains("is back up after"),
        "{recovery}"
    );
    for post in &posts {
        validate_payload(&post.body, true);
    }

    let updates = slack.requests_to("/api/chat.update");
    assert_eq!(updates.len(), 1, "one update for the one outage message");
    let mut update: Value = serde_json::from_slice(&updates[0].body).unwrap();
    assert_eq!(update["channel"], "C1", "{update}");
    assert_eq!(update["ts"], "100.1", "{update}");
    assert!(
        update["text"]
            .as_str()
            .unwrap()
            .starts_with(":white_check_mark: Resolved: "),
        "{update}"
    );
    assert_eq!(
        updates[0].header("authorization"),
        Some("Bearer xoxb-test-token-for-threads")
    );
    // chat.update's own `ts` aside, the body is a valid message.
    update.as_object_mut().unwrap().remove("ts");
    validate_payload(update.to_string().as_bytes(), true);

    // The incident is closed: a third, healthy run updates nothing more.
    let third = run(3);
    assert_eq!(third.exit_code(), 0, "{third}");
    assert_eq!(slack.requests_to("/api/chat.update").len(), 1);
}

//! Black-box tests of Discord, Microsoft Teams and the signed webhook: the real `upcheck` binary
//! runs under `shared/tools/runner-sim` against a checked server and fake receivers on 127.0.0.1
//! (`common::fake_channels`). Every Teams message is checked by Microsoft's Adaptive Card parser
//! (`tests/tools/validate-adaptive-card.js`), every Discord message against Discord's limits, and
//! every webhook signature is recomputed here.
//!
//! One test waits for the 30 s delivery budget and is named `slow_…`: every receiver hangs.

mod common;

use std::time::Duration;

use common::fake_channels::*;
use common::{refused_port, Behaviour, Sim, SimReport, TestServer};
use serde_json::{json, Value};

const CHECK_SECRET: &str = "chk-hdr-secret-0123456789";

/// URLs to check: `/up` 200 and `/down` 503.
fn targets() -> TestServer {
    TestServer::start(vec![
        ("/up", Behaviour::text(200, "ok")),
        ("/down", Behaviour::Status(503)),
    ])
}

/// One attempt, a secret request header, every channel on `receivers`, no GitHub API.
fn run(targets: &TestServer, receivers: &TestServer, path: &str) -> Sim {
    Sim::new()
        .with("url", &targets.url(path))
        .with("max-attempts", "1")
        .with("headers", &format!("X-Check-Token: {CHECK_SECRET}"))
        .with("discord-webhook", &discord_url(receivers))
        .with("teams-webhook", &teams_url(receivers))
        .with("webhook-url", &webhook_url(receivers))
        .with("webhook-secret", WEBHOOK_SECRET)
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
}

/// The warnings upcheck gave about channel `name`.
fn warnings_of(r: &SimReport, name: &str) -> Vec<String> {
    r.annotations("warning")
        .into_iter()
        .filter(|w| w.starts_with(&format!("{name}:")))
        .collect()
}

/// Nothing a receiver got holds a secret: the check's header, the webhook secret, Discord's
/// token, Teams' signature.
fn assert_no_secret_received(receivers: &TestServer) {
    for request in receivers.requests() {
        let mut seen = request.body_str();
        for (name, values) in &request.headers {
            seen.push_str(&format!("\n{name}: {}", values.join(", ")));
        }
        seen.push_str(
            &request
                .path
                .replace(DISCORD_TOKEN, "")
                .replace(TEAMS_SIG, ""),
        );
        for secret in [CHECK_SECRET, WEBHOOK_SECRET, DISCORD_TOKEN, TEAMS_SIG] {
            assert!(
                !seen.contains(secret),
                "{secret} reached {}: {seen}",
                request.route()
            );
        }
    }
}

#[test]
fn every_channel_gets_a_valid_message_for_a_down_url() {
    let targets = targets();
    let receivers = receivers_ok();
    let r = run(&targets, &receivers, "/down").run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_eq!(r.out("notify-error"), "", "{r}");
    for name in ["Discord", "Teams", "Webhook"] {
        assert!(
            r.summary().contains(&format!("{name}: message delivered")),
            "{}",
            r.summary()
        );
        assert!(
            r.log_text().contains(&format!("{name}: message delivered")),
            "{r}"
        );
        assert!(warnings_of(&r, name).is_empty(), "{r}");
    }

    let discord = discord_messages(&receivers);
    assert_eq!(discord.len(), 1, "{r}");
    let (request, body) = &discord[0];
    assert_eq!(request.query(), Some("wait=true"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let embed = &body["embeds"][0];
    assert_eq!(embed["color"], 0xe0_1e_5a, "the down colour");
    assert_eq!(embed["title"], "🔴 1 URL down");
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains("HTTP 503"), "{description}");

    let teams = teams_messages(&receivers);
    assert_eq!(teams.len(), 1, "{r}");
    let (request, body) = &teams[0];
    assert!(request
        .query()
        .unwrap()
        .contains(&format!("sig={TEAMS_SIG}")));
    let card = &body["attachments"][0]["content"];
    assert_eq!(card["version"], "1.4");
    assert_eq!(card["body"][0]["color"], "Attention");
    assert!(body.to_string().contains("HTTP 503"), "{body}");

    let documents = webhook_documents(&receivers, Some(WEBHOOK_SECRET));
    assert_eq!(documents.len(), 1, "{r}");
    let doc = &documents[0].1;
    assert_eq!(doc["status"], "down");
    assert_eq!(doc["headline"], "1 URL down");
    assert_eq!(doc["changed"], true);
    let results: Value = serde_json::from_str(&r.out("results")).unwrap();
    assert_eq!(doc["results"], results, "the results output, as is");
    assert_eq!(
        doc["changes"],
        json!([{"url": targets.url("/down"), "from": null, "to": "down"}])
    );

    assert_no_secret_received(&receivers);
    let masks = r.masks();
    for secret in [
        discord_url(&receivers),
        teams_url(&receivers),
        webhook_url(&receivers),
        WEBHOOK_SECRET.to_string(),
        DISCORD_TOKEN.to_string(),
        TEAMS_SIG.to_string(),
    ] {
        assert!(masks.contains(&secret), "{secret} is masked: {masks:?}");
    }
    assert!(
        r.leaks().as_array().is_none_or(Vec::is_empty),
        "{}",
        r.leaks()
    );
}

#[test]
fn the_notify_policy_decides_for_every_channel() {
    let targets = targets();
    // change (the default): a healthy first run is quiet.
    let receivers = receivers_ok();
    let r = run(&targets, &receivers, "/up").run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert!(receivers.requests().is_empty(), "{r}");
    assert_eq!(r.out("notified"), "false");
    assert_eq!(r.out("notify-error"), "");
    assert!(
        r.log_text()
            .contains("Discord: no message (notify: change, status up"),
        "{r}"
    );
    // never: not even for a down URL.
    let r = run(&targets, &receivers, "/down")
        .with("notify", "never")
        .run();
    assert!(receivers.requests().is_empty(), "{r}");
    // always: a healthy run is told, green.
    let r = run(&targets, &receivers, "/up")
        .with("notify", "always")
        .run();
    assert_eq!(r.out("notified"), "true", "{r}");
    let discord = discord_messages(&receivers);
    assert_eq!(discord[0].1["embeds"][0]["color"], 0x2e_b8_86);
    assert_eq!(
        teams_messages(&receivers)[0].1["attachments"][0]["content"]["body"][0]["color"],
        "Good"
    );
    assert_eq!(
        webhook_documents(&receivers, Some(WEBHOOK_SECRET))[0].1["status"],
        "up"
    );
}

#[test]
fn discord_429_waits_for_retry_after_in_the_body() {
    let targets = targets();
    let receivers = receivers(
        Behaviour::Sequence(vec![
            Behaviour::with_headers(
                429,
                &[("Content-Type", "application/json"), ("Retry-After", "9")],
                r#"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#,
            ),
            discord_ok(),
        ]),
        teams_ok(),
        webhook_ok(),
    );
    let r = run(&targets, &receivers, "/down").run();
    assert_eq!(r.out("notified"), "true", "{r}");
    let times = receivers.hit_times(DISCORD_HOOK);
    assert_eq!(times.len(), 2, "{r}");
    let gap = times[1] - times[0];
    assert!(
        gap >= Duration::from_millis(1_400) && gap < Duration::from_secs(5),
        "the body's retry_after (1.5 s) wins over Retry-After (9 s): {gap:?}"
    );
    assert!(
        r.log_text()
            .contains("Discord: message delivered after 2 tries"),
        "{r}"
    );
    discord_messages(&receivers);
}

#[test]
fn teams_and_webhook_429_wait_for_retry_after() {
    let targets = targets();
    let limited = || {
        Behaviour::Sequence(vec![
            Behaviour::with_headers(429, &[("Retry-After", "1")], ""),
            Behaviour::Status(202),
        ])
    };
    let receivers = receivers(discord_ok(), limited(), limited());
    let r = run(&targets, &receivers, "/down").run();
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_eq!(r.out("notify-error"), "", "{r}");
    for route in [TEAMS_HOOK, WEBHOOK] {
        let times = receivers.hit_times(route);
        assert_eq!(times.len(), 2, "{route}\n{r}");
        assert!(times[1] - times[0] >= Duration::from_millis(950), "{route}");
    }
    teams_messages(&receivers);
    // A retry is the same document: same delivery id, same signature.
    let docs = webhook_documents(&receivers, Some(WEBHOOK_SECRET));
    assert_eq!(docs[0].0.body, docs[1].0.body);
}

#[test]
fn discord_unknown_webhook_is_explained_and_not_retried() {
    let targets = targets();
    let receivers = receivers(
        Behaviour::json(404, &json!({"message": "Unknown Webhook", "code": 10015})),
        teams_ok(),
        webhook_ok(),
    );
    let r = run(&targets, &receivers, "/down").run();
    assert_eq!(
        r.exit_code(),
        1,
        "the verdict alone sets the exit code\n{r}"
    );
    assert_eq!(
        r.out("notified"),
        "true",
        "Teams and the webhook got theirs\n{r}"
    );
    let error = r.out("notify-error");
    assert!(
        error.starts_with(
            "Discord: the Discord webhook answered HTTP 404 Unknown Webhook (code 10015) (the webhook was deleted or the URL is wrong"
        ),
        "{error:?}"
    );
    assert_eq!(error.lines().count(), 1, "{error:?}");
    assert_eq!(receivers.hits(DISCORD_HOOK), 1, "final, not retried\n{r}");
    assert_eq!(warnings_of(&r, "Discord").len(), 1, "{r}");
    assert!(
        r.annotations("error")
            .iter()
            .all(|e| !e.contains("Discord")),
        "{r}"
    );
    assert!(
        r.summary().contains("Discord: message not delivered"),
        "{}",
        r.summary()
    );
    assert!(!error.contains(DISCORD_TOKEN));
}

#[test]
fn teams_errors_are_explained() {
    let targets = targets();
    let cases = [
        (
            Behaviour::json(
                403,
                &json!({"error": {"code": "DirectApiAuthorizationRequired", "message": "x"}}),
            ),
            "HTTP 403 DirectApiAuthorizationRequired",
            "Who can trigger the flow",
        ),
        (
            Behaviour::json(
                404,
                &json!({"error": {"code": "WorkflowNotFound", "message": "x"}}),
            ),
            "HTTP 404 WorkflowNotFound",
            "the flow was deleted or turned off",
        ),
        (Behaviour::Status(413), "HTTP 413", "too large for Teams"),
        (
            Behaviour::text(400, "Payload too large"),
            "HTTP 400",
            "too large for Teams",
        ),
        (
            Behaviour::json(
                400,
                &json!({"error": {"code": "InvalidRequestContent", "message": "x"}}),
            ),
            "HTTP 400 InvalidRequestContent",
            "When a Teams webhook request is received",
        ),
    ];
    for (answer, words, hint) in cases {
        let receivers = receivers(discord_ok(), answer, webhook_ok());
        let r = run(&targets, &receivers, "/down").run();
        let error = r.out("notify-error");
        assert!(
            error.starts_with(&format!("Teams: the Teams workflow answered {words}")),
            "{error:?}"
        );
        assert!(error.contains(hint), "{error:?}");
        assert_eq!(receivers.hits(TEAMS_HOOK), 1, "{error}");
        assert_eq!(warnings_of(&r, "Teams").len(), 1, "{r}");
        teams_messages(&receivers);
    }
}

#[test]
fn one_failing_channel_never_stops_another() {
    let targets = targets();
    let receivers = receivers(
        Behaviour::json(
            401,
            &json!({"message": "Invalid Webhook Token", "code": 50027}),
        ),
        teams_ok(),
        Behaviour::Status(403),
    );
    let r = run(&targets, &receivers, "/down").run();
    assert_eq!(r.out("notified"), "true", "{r}");
    let error = r.out("notify-error");
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), 2, "{error:?}");
    assert!(
        lines[0].starts_with(
            "Discord: the Discord webhook answered HTTP 401 Invalid Webhook Token (code 50027)"
        ),
        "{error:?}"
    );
    assert!(
        lines[1].starts_with("Webhook: the webhook answered HTTP 403 (the receiver refused"),
        "{error:?}"
    );
    assert_eq!(teams_messages(&receivers).len(), 1);
    assert!(
        r.summary().contains("Teams: message delivered"),
        "{}",
        r.summary()
    );
}

#[test]
fn fail_on_notify_error_covers_the_channels() {
    let targets = targets();
    let receivers = receivers(discord_ok(), teams_ok(), Behaviour::Status(404));
    let r = run(&targets, &receivers, "/up")
        .with("notify", "always")
        .with("fail-on-notify-error", "true")
        .run();
    assert_eq!(r.exit_code(), 3, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("the webhook answered HTTP 404"),
        "{errors:?}"
    );
    assert_eq!(r.out("notified"), "true");
}

#[test]
fn slow_hanging_receivers_end_within_one_budget() {
    let targets = targets();
    let receivers = receivers(Behaviour::Hang, Behaviour::Hang, Behaviour::Hang);
    let slack = TestServer::start(vec![("/services/T/B/X", Behaviour::Hang)]);
    let r = run(&targets, &receivers, "/down")
        .with("slack-webhook", &slack.url("/services/T/B/X"))
        .timeout(Duration::from_secs(90))
        .run();
    let secs = r.run_secs();
    assert!(
        secs < 34.0,
        "Slack and the three channels are told at once, within one 30 s budget: {secs} s\n{r}"
    );
    assert!(secs >= 20.0, "it did wait: {secs} s");
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert_eq!(
        error.lines().count(),
        4,
        "one line per channel, Slack's first: {error:?}"
    );
    for name in ["Discord", "Teams", "Webhook"] {
        assert!(
            error
                .lines()
                .any(|l| l.starts_with(&format!("{name}: ")) && l.contains("no answer")),
            "{error:?}"
        );
        assert_eq!(warnings_of(&r, name).len(), 1, "{r}");
    }
    assert!(r.output("results").is_some(), "outputs are written\n{r}");
    for route in [DISCORD_HOOK, TEAMS_HOOK, WEBHOOK] {
        assert!(
            receivers.hits(route) >= 2,
            "a timed-out try is retried: {route}"
        );
    }
}

#[test]
fn hostile_error_bodies_never_become_commands() {
    let targets = targets();
    let receivers = receivers(
        Behaviour::json(400, &json!({"message": "::error::pwned", "code": 50035})),
        Behaviour::text(
            400,
            "::error::pwned\n##[error]pwned too\n::set-output name=x::y",
        ),
        Behaviour::text(418, "::warning::pwned\n::add-mask::ok"),
    );
    let r = run(&targets, &receivers, "/up")
        .with("notify", "always")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    for c in r.commands().as_array().cloned().unwrap_or_default() {
        let name = c["name"].as_str().unwrap_or_default();
        assert!(
            ["add-mask", "warning"].contains(&name),
            "a command upcheck did not mean: {c}\n{r}"
        );
        assert_eq!(c["syntax"], "::", "{c}");
        assert_ne!(c["data"], "ok", "{c}");
    }
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    let error = r.out("notify-error");
    for text in warnings.iter().chain([&error]) {
        assert!(!text.contains("pwned"), "{text:?}");
        assert!(!text.contains("::") && !text.contains("##["), "{text:?}");
    }
    for line in r.log() {
        assert!(
            !line.trim_start().starts_with("::")
                || line.starts_with("::add-mask::")
                || line.starts_with("::warning"),
            "{line:?}"
        );
    }
}

#[test]
fn a_hundred_urls_down_fit_every_channel() {
    let routes: Vec<(String, Behaviour)> = (0..100)
        .map(|i| {
            (
                format!("/down/{i}/a/rather/long/path/to/the/health/endpoint"),
                Behaviour::Status(503),
            )
        })
        .collect();
    let targets = TestServer::start(
        routes
            .iter()
            .map(|(p, b)| (p.as_str(), b.clone()))
            .collect(),
    );
    let urls: Vec<String> = routes.iter().map(|(p, _)| targets.url(p)).collect();
    let receivers = receivers_ok();
    let r = run(&targets, &receivers, "/")
        .with("url", &urls.join("\n"))
        .with("concurrency", "32")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("notify-error"), "", "{r}");
    let discord = discord_messages(&receivers);
    let description = discord[0].1["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = description.matches("🔴").count();
    assert!(shown > 10 && shown < 100, "{shown}");
    assert!(
        description.contains(&format!("and {} more, see the run summary", 100 - shown))
            || description.contains(&format!("and {} more, see [the run summary]", 100 - shown)),
        "{description}"
    );
    let teams = teams_messages(&receivers);
    assert!(teams[0].0.body.len() < 28_000);
    assert!(
        teams[0].1.to_string().contains("and 50 more, see"),
        "{}",
        teams[0].1
    );
    let docs = webhook_documents(&receivers, Some(WEBHOOK_SECRET));
    assert_eq!(docs[0].1["results"].as_array().unwrap().len(), 100);
}

#[test]
fn the_webhook_is_unsigned_without_a_secret() {
    let targets = targets();
    let receivers = receivers_ok();
    let r = Sim::new()
        .with("url", &targets.url("/down"))
        .with("max-attempts", "1")
        .with("webhook-url", &webhook_url(&receivers))
        .run();
    assert_eq!(r.out("notified"), "true", "{r}");
    assert_eq!(webhook_documents(&receivers, None).len(), 1);
    assert_eq!(receivers.hits(DISCORD_HOOK) + receivers.hits(TEAMS_HOOK), 0);
}

#[test]
fn bad_channel_inputs_are_input_errors_and_nothing_is_sent() {
    let targets = targets();
    let receivers = receivers_ok();
    let cases = [
        ("discord-webhook", "not a url".to_string(), None),
        ("teams-webhook", "ftp://example.com/x".to_string(), None),
        ("webhook-url", "https://".to_string(), None),
        (
            "webhook-secret",
            WEBHOOK_SECRET.to_string(),
            Some("webhook-url is not"),
        ),
    ];
    for (input, value, words) in cases {
        let r = Sim::new()
            .with("url", &targets.url("/down"))
            .with(input, &value)
            .run();
        assert_eq!(r.exit_code(), 2, "{input}\n{r}");
        let errors = r.annotations("error");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains(input), "{errors:?}");
        if let Some(words) = words {
            assert!(errors[0].contains(words), "{errors:?}");
        }
        assert!(
            !errors[0].contains(&value) || value.len() < 12,
            "the value is not shown: {errors:?}"
        );
        assert!(
            r.masks().contains(&value),
            "{input} is masked even when invalid"
        );
    }
    assert!(receivers.requests().is_empty());
    assert_eq!(targets.requests().len(), 0, "nothing is checked either");
}

#[test]
fn a_cancel_while_telling_the_channels_ends_at_once_with_the_outputs() {
    let targets = targets();
    let receivers = receivers(Behaviour::Hang, Behaviour::Hang, Behaviour::Hang);
    let r = run(&targets, &receivers, "/up")
        .with("notify", "always")
        .signal_after(2.0)
        .run();
    assert!(r.exited_after_signal() < 3.0, "{r}");
    assert_eq!(r.exit_code(), 1, "a cancelled run exits 1\n{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("while telling the channels; the checks had finished: 1 URL up"),
        "{errors:?}"
    );
    assert_eq!(r.out("notified"), "false", "{r}");
    let error = r.out("notify-error");
    assert_eq!(error.lines().count(), 3, "{error:?}");
    assert!(
        error.lines().all(|l| l.ends_with("the run was cancelled")),
        "{error:?}"
    );
    for name in ["Discord", "Teams", "Webhook"] {
        assert!(
            warnings_of(&r, name).is_empty(),
            "a cancel is no delivery warning\n{r}"
        );
    }
}

#[test]
fn a_cancel_while_telling_slack_and_the_channels_is_said_once() {
    let targets = targets();
    let receivers = receivers(Behaviour::Hang, Behaviour::Hang, Behaviour::Hang);
    let slack = TestServer::start(vec![("/services/T/B/X", Behaviour::Hang)]);
    let r = run(&targets, &receivers, "/up")
        .with("notify", "always")
        .with("slack-webhook", &slack.url("/services/T/B/X"))
        .signal_after(2.0)
        .run();
    assert!(r.exited_after_signal() < 3.0, "{r}");
    assert_eq!(r.exit_code(), 1, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "one ::error for the cancel: {errors:?}");
    assert_eq!(r.out("notify-error").lines().count(), 4, "{r}");
}

/// A run with only Discord and the webhook (no Slack) and the state kept in `state`.
fn stateful(targets: &TestServer, receivers: &TestServer, state: &std::path::Path) -> Sim {
    Sim::new()
        .with("url", &targets.url("/down"))
        .with("max-attempts", "1")
        .with("discord-webhook", &discord_url(receivers))
        .with("state-file", &state.to_string_lossy())
}

#[test]
fn without_slack_the_channels_drive_the_reminders() {
    let targets = targets();
    let dir = common::TempDir::new("channels-state");
    let state = dir.path().join("state.json");
    let receivers = receivers_ok();
    let r = stateful(&targets, &receivers, &state)
        .with("remind-every", "1h")
        .run();
    assert_eq!(r.out("notified"), "true", "{r}");
    let r = stateful(&targets, &receivers, &state)
        .with("remind-every", "1h")
        .run();
    assert_eq!(
        receivers.hits(DISCORD_HOOK),
        1,
        "still down, reminded an hour after the last message, not on every run\n{r}"
    );
    assert!(
        r.log_text().contains("Discord: no message (notify: change"),
        "{r}"
    );
}

#[test]
fn an_undelivered_outage_is_told_on_the_next_run() {
    let targets = targets();
    let dir = common::TempDir::new("channels-state");
    let state = dir.path().join("state.json");
    let gone = receivers(
        Behaviour::json(404, &json!({"message": "Unknown Webhook", "code": 10015})),
        teams_ok(),
        webhook_ok(),
    );
    let r = stateful(&targets, &gone, &state).run();
    assert_eq!(r.out("notified"), "false", "{r}");
    let fixed = receivers_ok();
    let r = stateful(&targets, &fixed, &state).run();
    assert_eq!(
        r.out("notified"),
        "true",
        "the outage nobody heard of is told now\n{r}"
    );
    assert_eq!(discord_messages(&fixed).len(), 1);
}

/// The README's three lines of Python, run on what the receiver got: they accept the real
/// signature and reject a body changed by one byte.
#[test]
fn the_readme_verification_snippet_verifies() {
    let readme = std::fs::read_to_string(common::crate_root().join("README.md")).unwrap();
    let section = &readme[readme
        .find("## Any webhook")
        .expect("an Any webhook section")..];
    let start = section.find("```python\n").expect("a python block") + "```python\n".len();
    let snippet = &section[start..start + section[start..].find("```").unwrap()];
    assert_eq!(snippet.trim().lines().count(), 3, "{snippet}");

    let targets = targets();
    let receivers = receivers_ok();
    run(&targets, &receivers, "/down").run();
    let (request, _) = webhook_documents(&receivers, Some(WEBHOOK_SECRET)).remove(0);
    let dir = common::TempDir::new("verify");
    let prelude = "import sys\nclass Request: pass\nrequest = Request()\nrequest.headers = {'X-Upcheck-Signature': sys.argv[2]}\nsecret = sys.argv[1]\nraw_body = open(sys.argv[3], 'rb').read()\n";
    let script = dir.write("verify.py", format!("{prelude}{snippet}"));
    let signature = request.header("x-upcheck-signature").unwrap().to_string();
    let verify = |body: &[u8]| {
        let file = dir.write("body.json", body);
        std::process::Command::new("python3")
            .arg(&script)
            .arg(WEBHOOK_SECRET)
            .arg(&signature)
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(verify(&request.body), "the snippet accepts the real body");
    let mut changed = request.body.clone();
    let last = changed.len() - 2;
    changed[last] ^= 1;
    assert!(!verify(&changed), "the snippet rejects a changed body");
}

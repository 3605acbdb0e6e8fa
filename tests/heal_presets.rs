//! Black-box tests of the restart presets (issue 16): `heal-preset` with `heal-token`,
//! `heal-service`, `heal-project`, `heal-environment` and `heal-api-url`. The real binary runs
//! under `shared/tools/runner-sim` against one server on 127.0.0.1 that plays both the checked
//! service (503 on `/health` until the platform's restart route was called, 200 a moment later)
//! and the platform's API (`heal-api-url` points at it), recording every request.
//!
//! Each preset's exact requests are asserted (method, path, the auth header, the body or the
//! GraphQL query and variables), a success path ends in "back up after …", and the platform's
//! error answers (401, 404, 500, a GraphQL error, Fly.io without machines, CloudType already
//! running) are said in plain words without re-checks. The token is given as an input only
//! (not as a runner secret) and watched: the binary's own masking must keep it out of the log,
//! the summary and the outputs, and no Slack payload may carry it.
//!
//! Timing: `heal-interval` is 250 ms and the service comes back 600 ms after the restart route
//! was first called; the file runs in about 35 s on two cores.

mod common;

use std::time::Duration;

use common::{
    messages, refused_port, slack_ok, Behaviour, Sim, SimReport, TempDir, TestServer, SLACK_HOOK,
};
use serde_json::json;

/// The checked URL's path.
const HEALTH: &str = "/health";
/// The platform token: given only as an input, watched for leaks.
const TOKEN: &str = "plt-T0ken-9f3c2a7e5b1d-5ecret";
/// The service comes back this long after the restart route was first called.
const BACK_AFTER: Duration = Duration::from_millis(600);

/// One server: `HEALTH` answers 503 until `kick` was requested, 200 `BACK_AFTER` later; `api`
/// are the platform's routes.
fn platform(kick: &str, api: Vec<(&str, Behaviour)>) -> TestServer {
    let mut routes = vec![(
        HEALTH,
        Behaviour::after_hit(
            kick,
            BACK_AFTER,
            Behaviour::Status(503),
            Behaviour::text(200, "ok"),
        ),
    )];
    routes.extend(api);
    TestServer::start(routes)
}

/// The run: one attempt on `HEALTH`, `preset` with the token as an input only (watched), the
/// API at the server, short re-checks, Slack on the fake, GitHub's API on a refused port.
fn base(server: &TestServer, slack: &TestServer, preset: &str) -> Sim {
    base_with(server, slack, preset, TOKEN)
}

/// `base` with another token (watched too).
fn base_with(server: &TestServer, slack: &TestServer, preset: &str, token: &str) -> Sim {
    Sim::new()
        .with("url", &server.url(HEALTH))
        .with("max-attempts", "1")
        .with("timeout", "5s")
        .with("heal-preset", preset)
        .with("heal-token", token)
        .watch_secret(token)
        .with("heal-api-url", &server.url("/"))
        .with("heal-interval", "250ms")
        .with("heal-wait", "4s")
        .with("slack-webhook", &slack.url(SLACK_HOOK))
        .with("slack-api-url", &slack.url("/api/"))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
}

/// The binary leaked nothing (the runner's echo of the `with:` inputs aside, which only a
/// runner secret would cover), and no Slack payload carries the token.
fn assert_no_leak(r: &SimReport, slack: &TestServer) {
    assert!(
        r.binary_leaks().is_empty(),
        "leaks: {:?}\n{r}",
        r.binary_leaks()
    );
    messages(slack);
    for request in slack.requests() {
        assert!(
            !request.body_str().contains(TOKEN),
            "a Slack payload carries the token: {}",
            request.body_str()
        );
    }
    for name in ["heal-error", "results", "failed-urls"] {
        assert!(
            !r.output(name).unwrap_or_default().contains(TOKEN),
            "{name}\n{r}"
        );
    }
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

/// The top-level text of the only Slack message.
fn slack_text(slack: &TestServer) -> String {
    let sent = messages(slack);
    assert_eq!(sent.len(), 1, "one message per run");
    sent[0]["text"].as_str().unwrap_or_default().to_string()
}

/// A healed run: exit 0, `healed` true, no heal error, the summary and Slack name the preset
/// and what it restarted.
fn assert_healed(r: &SimReport, slack: &TestServer, shown: &str, status: u16) {
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("healed"), "true", "{r}");
    assert_eq!(r.out("heal-error"), "", "{r}");
    let outcome = format!("restart requested from {shown}: HTTP {status}, back up after ");
    let section = restart_section(r);
    assert!(
        section.starts_with(&format!("#### 🩹 Restart hook: {outcome}")),
        "{section}\n{r}"
    );
    assert!(
        section.contains(&format!("- called {shown} (")),
        "{section}"
    );
    assert!(
        r.log_text().contains(&format!("Restart hook: {outcome}")),
        "{r}"
    );
    let text = slack_text(slack);
    assert!(text.contains(&format!("— {outcome}")), "{text}");
    assert_no_leak(r, slack);
}

/// A run whose restart failed: exit 1, `healed` false, `heal-error` as given, a warning, no
/// re-check (the service was checked once).
fn assert_failed(r: &SimReport, server: &TestServer, slack: &TestServer) -> String {
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("healed"), "false", "{r}");
    let error = r.out("heal-error");
    assert!(!error.is_empty(), "{r}");
    assert!(
        r.annotations("warning").iter().any(|w| w.contains(&error)),
        "the error is a warning\n{r}"
    );
    assert_eq!(server.hits(HEALTH), 1, "nothing is re-checked\n{r}");
    assert!(
        restart_section(r).starts_with(&format!(
            "#### 🩹 Restart hook: restart failed: {}",
            md(&error)
        )),
        "{r}"
    );
    assert_no_leak(r, slack);
    error
}

/// `text` as the summary's Markdown cells escape it.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '[' | ']' | '#' | '!' | '~' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

// ---- Render ----------------------------------------------------------------------------------

const RENDER_RESTART: &str = "/v1/services/srv-d7f3a9c2e1b4/restart";

#[test]
fn render_restarts_the_service_with_its_api_key_and_it_comes_back() {
    let server = platform(
        RENDER_RESTART,
        vec![(RENDER_RESTART, Behaviour::Status(202))],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "render")
        .with("heal-service", "srv-d7f3a9c2e1b4")
        .run();

    let calls = server.requests_to(RENDER_RESTART);
    assert_eq!(calls.len(), 1, "{r}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].header("authorization"), Some(bearer().as_str()));
    assert_eq!(calls[0].header("accept"), Some("application/json"));
    assert!(calls[0].body.is_empty(), "no body");
    assert_eq!(
        server.requests().len(),
        server.hits(HEALTH) + 1,
        "nothing else is called"
    );
    assert_healed(&r, &slack, "Render (service srv-d7f3a9c2e1b4)", 202);
}

/// 401 with the token echoed back: plain words, where to make a key, the token scrubbed.
#[test]
fn render_401_says_the_key_is_wrong_and_never_shows_it() {
    let echo = json!({"message": format!("invalid API key {TOKEN}")});
    let server = platform(
        RENDER_RESTART,
        vec![(RENDER_RESTART, Behaviour::json(401, &echo))],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "render")
        .with("heal-service", "srv-d7f3a9c2e1b4")
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert!(
        error.starts_with("Render answered HTTP 401: the token in heal-token is wrong, expired or revoked; make a Render API key (Account Settings → API Keys)"),
        "{error}"
    );
    assert!(
        error.contains("Render said: invalid API key ***"),
        "{error}"
    );
}

#[test]
fn render_500_is_a_problem_on_renders_side() {
    let server = platform(
        RENDER_RESTART,
        vec![(RENDER_RESTART, Behaviour::text(500, "internal error"))],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "render")
        .with("heal-service", "srv-d7f3a9c2e1b4")
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert_eq!(
        error,
        "Render answered HTTP 500: a problem on Render's side; a run after heal-cooldown tries again (Render said: internal error)"
    );
}

/// An API that cannot be reached is named (its host only) with the reason.
#[test]
fn an_api_that_cannot_be_reached_is_named() {
    let server = platform(RENDER_RESTART, vec![]);
    let slack = slack_ok();
    let port = refused_port();
    let r = base(&server, &slack, "render")
        .with("heal-service", "srv-d7f3a9c2e1b4")
        .with("heal-api-url", &format!("http://127.0.0.1:{port}/render"))
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert_eq!(
        error,
        format!("Render's API at http://127.0.0.1:{port}/… cannot be reached (connection refused)")
    );
}

/// The cooldown holds for presets as for `heal-url`: the next run within it does not call the
/// API again.
#[test]
fn a_preset_is_called_at_most_once_per_cooldown() {
    let cache = TempDir::new("preset-cooldown");
    let server = TestServer::start(vec![
        (HEALTH, Behaviour::Status(503)),
        (RENDER_RESTART, Behaviour::Status(202)),
    ]);
    let slack = slack_ok();
    let run = |n: u32| {
        base(&server, &slack, "render")
            .with("heal-service", "srv-d7f3a9c2e1b4")
            .with("heal-wait", "1s")
            .cache_dir(cache.path())
            .arg(&format!("--run-id={}", 9100 + n))
            .arg(&format!("--run-number={n}"))
            .run()
    };
    let first = run(1);
    assert_eq!(first.out("healed"), "false", "{first}");
    assert_eq!(server.hits(RENDER_RESTART), 1, "{first}");
    let second = run(2);
    assert_eq!(
        server.hits(RENDER_RESTART),
        1,
        "within heal-cooldown\n{second}"
    );
    assert_eq!(second.out("healed"), "", "{second}");
    assert!(
        second
            .log_text()
            .contains("Restart hook: not called, the last call was at"),
        "{second}"
    );
}

// ---- Koyeb -----------------------------------------------------------------------------------

const KOYEB_REDEPLOY: &str = "/v1/services/4c7a1e0b-9d2f-4e3a-8b6c-1f0e2d3c4b5a/redeploy";

#[test]
fn koyeb_redeploys_the_service_with_an_empty_json_body() {
    let server = platform(
        KOYEB_REDEPLOY,
        vec![(
            KOYEB_REDEPLOY,
            Behaviour::json(200, &json!({"deployment": {"id": "dep-1"}})),
        )],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "koyeb")
        .with("heal-service", "4c7a1e0b-9d2f-4e3a-8b6c-1f0e2d3c4b5a")
        .run();

    let calls = server.requests_to(KOYEB_REDEPLOY);
    assert_eq!(calls.len(), 1, "{r}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].header("authorization"), Some(bearer().as_str()));
    assert_eq!(calls[0].header("content-type"), Some("application/json"));
    assert_eq!(calls[0].body_json(), json!({}));
    assert_healed(
        &r,
        &slack,
        "Koyeb (service 4c7a1e0b-9d2f-4e3a-8b6c-1f0e2d3c4b5a)",
        200,
    );
}

#[test]
fn koyeb_404_names_the_service_id_and_the_input() {
    let server = platform(
        KOYEB_REDEPLOY,
        vec![(
            KOYEB_REDEPLOY,
            Behaviour::json(
                404,
                &json!({"code": "not_found", "message": "Service not found"}),
            ),
        )],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "koyeb")
        .with("heal-service", "4c7a1e0b-9d2f-4e3a-8b6c-1f0e2d3c4b5a")
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert_eq!(
        error,
        "Koyeb answered HTTP 404: no service 4c7a1e0b-9d2f-4e3a-8b6c-1f0e2d3c4b5a is known to this token; check heal-service (the service id, not its name) (Koyeb said: Service not found)"
    );
}

// ---- Railway ---------------------------------------------------------------------------------

const RAILWAY: &str = "/graphql/v2";
const RAILWAY_SERVICE: &str = "a1b2c3d4-0000-4000-8000-00000000beef";
const RAILWAY_ENV: &str = "e5f6a7b8-0000-4000-8000-00000000cafe";

fn redeploy_query() -> &'static str {
    "mutation ServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {\n  serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)\n}"
}

/// An account or workspace token (with `heal-environment`): one GraphQL mutation, Bearer.
#[test]
fn railway_redeploys_with_an_account_token_and_the_environment() {
    let server = platform(
        RAILWAY,
        vec![(
            RAILWAY,
            Behaviour::json(200, &json!({"data": {"serviceInstanceRedeploy": true}})),
        )],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "railway")
        .with("heal-service", RAILWAY_SERVICE)
        .with("heal-environment", RAILWAY_ENV)
        .run();

    let calls = server.requests_to(RAILWAY);
    assert_eq!(calls.len(), 1, "{r}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].header("authorization"), Some(bearer().as_str()));
    assert_eq!(calls[0].header("project-access-token"), None);
    assert_eq!(calls[0].header("content-type"), Some("application/json"));
    let body = calls[0].body_json();
    assert_eq!(body["query"], redeploy_query());
    assert_eq!(
        body["variables"],
        json!({"environmentId": RAILWAY_ENV, "serviceId": RAILWAY_SERVICE})
    );
    assert_healed(
        &r,
        &slack,
        &format!("Railway (service {RAILWAY_SERVICE}, environment {RAILWAY_ENV})"),
        200,
    );
}

/// A project token (no `heal-environment`): `Project-Access-Token`, the token's environment
/// looked up first, then the mutation with it.
#[test]
fn railway_with_a_project_token_finds_its_environment_first() {
    let server = platform(
        RAILWAY,
        vec![(
            RAILWAY,
            Behaviour::Sequence(vec![
                Behaviour::json(
                    200,
                    &json!({"data": {"projectToken": {"project": {"id": "p-1"}, "environment": {"id": RAILWAY_ENV}}}}),
                ),
                Behaviour::json(200, &json!({"data": {"serviceInstanceRedeploy": true}})),
            ]),
        )],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "railway")
        .with("heal-service", RAILWAY_SERVICE)
        .run();

    let calls = server.requests_to(RAILWAY);
    assert_eq!(calls.len(), 2, "{r}");
    for call in &calls {
        assert_eq!(call.header("project-access-token"), Some(TOKEN));
        assert_eq!(call.header("authorization"), None);
    }
    let lookup = calls[0].body_json();
    assert!(
        lookup["query"].as_str().is_some_and(
            |q| q.starts_with("query ProjectToken {") && q.contains("environment {\n      id")
        ),
        "{lookup}"
    );
    let redeploy = calls[1].body_json();
    assert_eq!(redeploy["query"], redeploy_query());
    assert_eq!(
        redeploy["variables"],
        json!({"environmentId": RAILWAY_ENV, "serviceId": RAILWAY_SERVICE})
    );
    assert_healed(
        &r,
        &slack,
        &format!("Railway (service {RAILWAY_SERVICE})"),
        200,
    );
}

/// GraphQL errors come with HTTP 200: they are read, and "Not Authorized" is said as a token
/// problem.
#[test]
fn railway_graphql_errors_in_a_200_answer_are_a_failure() {
    let server = platform(
        RAILWAY,
        vec![(
            RAILWAY,
            Behaviour::json(
                200,
                &json!({"data": null, "errors": [{"message": "Not Authorized", "locations": [{"line": 2, "column": 3}]}]}),
            ),
        )],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "railway")
        .with("heal-service", RAILWAY_SERVICE)
        .with("heal-environment", RAILWAY_ENV)
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert!(
        error.starts_with("Railway refused: Not Authorized: the token in heal-token is wrong or may not redeploy this service"),
        "{error}"
    );
    assert_eq!(server.hits(RAILWAY), 1, "{r}");
}

// ---- Fly.io ----------------------------------------------------------------------------------

const FLY_LIST: &str = "/v1/apps/shop-api/machines";
const FLY_RESTART: &str = "/v1/apps/shop-api/machines/148ed193b95589/restart";
const FLY_START: &str = "/v1/apps/shop-api/machines/e784079b449483/start";

/// Every machine of the app: a started one is restarted, a stopped one started, a destroyed
/// one left alone; a macaroon token goes as `FlyV1`.
#[test]
fn fly_restarts_every_machine_of_the_app() {
    let machines = json!([
        {"id": "148ed193b95589", "name": "web-1", "state": "started", "region": "ams"},
        {"id": "e784079b449483", "name": "web-2", "state": "stopped", "region": "ams"},
        {"id": "9185e0eb7e9d83", "name": "old", "state": "destroyed", "region": "ams"},
    ]);
    let server = platform(
        FLY_RESTART,
        vec![
            (FLY_LIST, Behaviour::json(200, &machines)),
            (FLY_RESTART, Behaviour::json(200, &json!({"ok": true}))),
            (
                FLY_START,
                Behaviour::json(200, &json!({"previous_state": "stopped"})),
            ),
        ],
    );
    let slack = slack_ok();
    let fly_token = format!("FlyV1 fm2_{TOKEN}");
    let r = base_with(&server, &slack, "fly", &fly_token)
        .watch_secret(TOKEN)
        .with("heal-service", "shop-api")
        .run();

    let list = server.requests_to(FLY_LIST);
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0].method, "GET");
    assert_eq!(list[0].header("authorization"), Some(fly_token.as_str()));
    for path in [FLY_RESTART, FLY_START] {
        let calls = server.requests_to(path);
        assert_eq!(calls.len(), 1, "{path}\n{r}");
        assert_eq!(calls[0].method, "POST");
        assert_eq!(calls[0].header("authorization"), Some(fly_token.as_str()));
    }
    assert!(
        server
            .requests()
            .iter()
            .all(|q| !q.path.contains("9185e0eb7e9d83")),
        "a destroyed machine is left alone"
    );
    assert_healed(&r, &slack, "Fly.io (app shop-api)", 200);
}

#[test]
fn fly_without_machines_has_nothing_to_restart() {
    let server = platform(
        FLY_RESTART,
        vec![(FLY_LIST, Behaviour::json(200, &json!([])))],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "fly")
        .with("heal-service", "shop-api")
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert_eq!(
        error,
        "Fly.io lists no machine of the app shop-api: there is nothing to restart (deploy the app, or check heal-service)"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "the check and the list, nothing else\n{r}"
    );
    assert_eq!(
        server.requests_to(FLY_LIST)[0].header("authorization"),
        Some(bearer().as_str()),
        "a token that is not a macaroon goes as Bearer"
    );
}

// ---- CloudType -------------------------------------------------------------------------------

const CT_STAT: &str = "/project/myspace/shop/stage/main/deployment/web/stat";
const CT_START: &str = "/project/myspace/shop/stage/main/deployment/web/start";

#[test]
fn cloudtype_starts_a_stopped_deployment() {
    let server = platform(
        CT_START,
        vec![
            (
                CT_STAT,
                Behaviour::json(
                    200,
                    &json!({"status": "stopped", "ready": 0, "replicas": 1}),
                ),
            ),
            (CT_START, Behaviour::json(200, &json!({"ok": true}))),
        ],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "cloudtype")
        .with("heal-project", "myspace/shop")
        .with("heal-service", "main/web")
        .run();

    let stat = server.requests_to(CT_STAT);
    assert_eq!(stat.len(), 1, "{r}");
    assert_eq!(stat[0].method, "GET");
    assert_eq!(stat[0].header("authorization"), Some(bearer().as_str()));
    let start = server.requests_to(CT_START);
    assert_eq!(start.len(), 1, "{r}");
    assert_eq!(start[0].method, "PUT");
    assert_eq!(start[0].header("authorization"), Some(bearer().as_str()));
    assert!(start[0].body.is_empty());
    assert!(stat[0].at < start[0].at, "the state is read first");
    assert_healed(
        &r,
        &slack,
        "CloudType (deployment main/web in myspace/shop)",
        200,
    );
}

/// A deployment CloudType reports running is not started again: nothing to do, said plainly.
#[test]
fn cloudtype_already_running_is_not_started() {
    let server = platform(
        CT_START,
        vec![
            (
                CT_STAT,
                Behaviour::json(200, &json!({"stat": {"status": "running", "ready": 1}})),
            ),
            (CT_START, Behaviour::json(200, &json!({"ok": true}))),
        ],
    );
    let slack = slack_ok();
    let r = base(&server, &slack, "cloudtype")
        .with("heal-project", "myspace/shop")
        .with("heal-service", "web")
        .run();

    let error = assert_failed(&r, &server, &slack);
    assert_eq!(
        error,
        "CloudType reports the deployment main/web as \"running\", not stopped: it was not started (look at its logs in the console)"
    );
    assert_eq!(server.hits(CT_START), 0, "no start call\n{r}");
}

// ---- input errors ----------------------------------------------------------------------------

/// Inputs, the input the error names, and words of its problem.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

/// Missing or contradictory inputs stop the run with exit 2 and one error naming the input;
/// nothing is checked or sent.
#[test]
fn missing_and_contradictory_preset_inputs_are_input_errors() {
    let cases: [Case; 4] = [
        (
            &[("heal-preset", "render"), ("heal-service", "srv-1")],
            "heal-token",
            "needs a token",
        ),
        (
            &[("heal-preset", "fly"), ("heal-token", TOKEN)],
            "heal-service",
            "needs to know what to restart",
        ),
        (
            &[
                ("heal-preset", "cloudtype"),
                ("heal-token", TOKEN),
                ("heal-service", "main/web"),
            ],
            "heal-project",
            "needs the project",
        ),
        (
            &[
                ("heal-preset", "koyeb"),
                ("heal-token", TOKEN),
                ("heal-service", "svc"),
                ("heal-url", "https://hooks.example/deploy"),
            ],
            "heal-url",
            "beside heal-preset koyeb",
        ),
    ];
    for (inputs, input, problem) in cases {
        let server = TestServer::start(vec![(HEALTH, Behaviour::Status(503))]);
        let slack = slack_ok();
        let mut sim = Sim::new()
            .with("url", &server.url(HEALTH))
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .watch_secret(TOKEN);
        for (name, value) in inputs {
            sim = sim.with(name, value);
        }
        let r = sim.run();
        assert_eq!(r.exit_code(), 2, "{input}\n{r}");
        let errors = r.annotations("error");
        assert_eq!(errors.len(), 1, "one error\n{r}");
        assert!(
            errors[0].contains(&format!("input `{input}`")) && errors[0].contains(problem),
            "{errors:?}"
        );
        assert!(server.requests().is_empty(), "nothing is checked\n{r}");
        assert!(slack.requests().is_empty(), "nothing is sent\n{r}");
        assert!(r.binary_leaks().is_empty(), "{r}");
    }
}

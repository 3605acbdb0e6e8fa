//! Black-box safety tests of the `upcheck` binary, mostly through `shared/tools/runner-sim`:
//!
//! 1. invalid inputs: exit 2, exactly one `::error` naming the input and what is accepted, and
//!    not a single byte sent to the server;
//! 2. inputs read the way the runner passes them (`INPUT_MAX-ATTEMPTS`, padded values, an
//!    explicit empty value meaning the default, the jtalk seed workflow's `with:` block);
//! 3. secrets masked before use and never leaked (healthy, down, refused and bad-input runs);
//! 4. hostile server text (bodies, reason phrases, headers, redirect targets) never becoming a
//!    workflow command or an extra output;
//! 5. SIGINT and SIGTERM mid-retry and mid-request: exit within a second, outputs still written;
//! 6. an unwritable `$GITHUB_OUTPUT` or `$GITHUB_STEP_SUMMARY`: exit 3 with an `::error`;
//! 7. the static musl build as PID 1 of an empty root (`--sandbox`), HTTPS with `ca-cert` there;
//! 8. local (non-Actions) use: readable report, `--json`, flags over `INPUT_*` variables.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{
    parse_output_file, refused_port, run_direct, Behaviour, Ran, RawServer, Running, Sim,
    SimReport, TempDir, TestCert, TestServer,
};
use serde_json::Value;

/// The contract's outputs, and nothing else.
const OUTPUT_NAMES: [&str; 14] = [
    "healthy",
    "status",
    "previous-status",
    "changed",
    "failed-urls",
    "results",
    "status-code",
    "response-time-ms",
    "notified",
    "notify-error",
    "healed",
    "heal-error",
    "uptime",
    "rounds",
];

// ---- helpers -----------------------------------------------------------------------------

/// The `commands` of the report as an array.
fn commands(r: &SimReport) -> Vec<Value> {
    r.commands().as_array().cloned().unwrap_or_default()
}

fn command_names(r: &SimReport) -> Vec<String> {
    commands(r)
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every `::add-mask::` the binary printed comes first on stdout: stdout lines 1..=k are the
/// k masks, and no mask comes from stderr.
fn assert_masks_first(r: &SimReport) {
    let cmds = commands(r);
    let masks: Vec<&Value> = cmds.iter().filter(|c| c["name"] == "add-mask").collect();
    for m in &masks {
        assert_eq!(m["stream"], "stdout", "a mask on stderr: {m}\n{r}");
    }
    let mut lines: Vec<i64> = masks.iter().filter_map(|m| m["line"].as_i64()).collect();
    lines.sort_unstable();
    let expected: Vec<i64> = (1..=masks.len() as i64).collect();
    assert_eq!(
        lines, expected,
        "the ::add-mask:: lines must be the first lines the binary prints\n{r}"
    );
}

/// The values the binary itself registered with `::add-mask::`.
fn binary_masks(r: &SimReport) -> Vec<String> {
    commands(r)
        .iter()
        .filter(|c| c["name"] == "add-mask")
        .map(|c| c["data"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The fake `github.token` runner-sim hands the action (the binary may mask it).
fn github_token(r: &SimReport) -> String {
    r.json["mask_sources"]
        .as_array()
        .and_then(|a| a.iter().find(|m| m["source"] == "github.token"))
        .and_then(|m| m["value"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The output names of the report, sorted.
fn output_keys(r: &SimReport) -> Vec<String> {
    let mut keys: Vec<String> = r.json["outputs"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

fn contract_output_keys() -> Vec<String> {
    let mut keys: Vec<String> = OUTPUT_NAMES
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    keys.sort();
    keys
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The static musl build for `--sandbox`, or `None` (a notice; a panic under CI).
fn sandbox_binary(test: &str) -> Option<String> {
    match common::static_binary() {
        Some(b) => Some(b),
        None if std::env::var_os("CI").is_some() => panic!(
            "{test}: the static binary is missing; build it with \
             `cargo build --release --target x86_64-unknown-linux-musl`"
        ),
        None => {
            eprintln!(
                "NOTICE {test}: skipped, no static build (cargo build --release --target \
                 x86_64-unknown-linux-musl)"
            );
            None
        }
    }
}

// ---- 1. bad inputs -------------------------------------------------------------------------

/// Runs upcheck with a healthy URL plus `extra` inputs that make the run invalid, and checks
/// the exit code, the single `::error`, its words, and that the server got nothing.
/// `expect` are fragments the error message must contain (besides the input's name).
fn assert_bad_input(input: &str, extra: &[(&str, &str)], expect: &[&str]) -> SimReport {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let mut sim = Sim::new();
    if !extra.iter().any(|(name, _)| *name == "url") {
        sim = sim.with("url", &server.url("/"));
    }
    for (name, value) in extra {
        sim = sim.with(name, value);
    }
    let r = sim.run();
    assert_eq!(r.exit_code(), 2, "bad `{input}` must exit 2\n{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "exactly one ::error annotation\n{r}");
    let error_commands = command_names(&r).iter().filter(|n| *n == "error").count();
    assert_eq!(error_commands, 1, "exactly one ::error line\n{r}");
    let message = &errors[0];
    assert!(
        message.contains(input),
        "the error must name the input `{input}`: {message:?}\n{r}"
    );
    for fragment in expect {
        assert!(
            message.contains(fragment),
            "the error for `{input}` must contain {fragment:?}: {message:?}\n{r}"
        );
    }
    // Nothing is checked or sent.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        server.connections(),
        0,
        "no connection may be made for a bad input\n{r}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent\n{r}");
    r
}

#[test]
fn bad_max_attempts_not_a_number() {
    assert_bad_input(
        "max-attempts",
        &[("max-attempts", "abc")],
        &["abc", "whole number from 1 to 100"],
    );
}

#[test]
fn bad_max_attempts_zero() {
    assert_bad_input(
        "max-attempts",
        &[("max-attempts", "0")],
        &["0", "whole number from 1 to 100"],
    );
}

#[test]
fn bad_retry_delay_unit() {
    assert_bad_input(
        "retry-delay",
        &[("retry-delay", "5 parsecs")],
        &["5 parsecs", "500ms", "3s"],
    );
}

#[test]
fn bad_url_scheme() {
    assert_bad_input("url", &[("url", "ftp://x")], &["ftp://x", "http"]);
}

#[test]
fn bad_url_empty() {
    assert_bad_input("url", &[("url", "")], &["http"]);
}

#[test]
fn bad_url_only_separators() {
    assert_bad_input("url", &[("url", "  |  \n | ")], &["http"]);
}

#[test]
fn bad_url_among_good_ones() {
    // One bad URL in a list stops the run before the good ones are checked.
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let list = format!("{}\nftp://x\n{}", server.url("/"), server.url("/"));
    assert_bad_input("url", &[("url", &list)], &["ftp://x", "http"]);
    assert!(server.requests().is_empty());
}

#[test]
fn bad_expected_status() {
    assert_bad_input(
        "expected-status",
        &[("expected-status", "abc")],
        &["abc", "200-299"],
    );
}

#[test]
fn bad_follow_redirect_boolean() {
    assert_bad_input(
        "follow-redirect",
        &[("follow-redirect", "yes")],
        &["yes", "true or false"],
    );
}

#[test]
fn bad_notify_policy() {
    assert_bad_input(
        "notify",
        &[("notify", "sometimes")],
        &[
            "sometimes",
            "always",
            "failure",
            "success",
            "change",
            "never",
        ],
    );
}

#[test]
fn bad_header_line_without_colon() {
    assert_bad_input(
        "headers",
        &[("headers", "X-Good: 1\nX-Missing-Colon value")],
        &["colon", "Name: value"],
    );
}

#[test]
fn bad_basic_auth_without_colon_is_not_echoed() {
    // The value may be a password: it is named as wrong but never printed.
    let value = "bobWithoutColon-Pw-1a2b3c";
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let r = Sim::new()
        .with("url", &server.url("/"))
        .with("basic-auth", value)
        .watch_secret(value)
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{r}");
    assert!(errors[0].contains("basic-auth"), "{r}");
    assert!(errors[0].contains("user:password"), "{r}");
    assert!(
        r.binary_leaks().is_empty(),
        "the bad basic-auth value must not be printed\n{r}"
    );
    assert!(server.requests().is_empty(), "{r}");
}

#[test]
fn bad_basic_auth_standard_case() {
    assert_bad_input(
        "basic-auth",
        &[("basic-auth", "no-colon-here")],
        &["user:password"],
    );
}

#[test]
fn bad_ca_cert_path() {
    assert_bad_input(
        "ca-cert",
        &[("ca-cert", "/nonexistent/upcheck-test/ca.pem")],
        &["/nonexistent/upcheck-test/ca.pem", "PEM"],
    );
}

#[test]
fn bad_ca_cert_pem_text() {
    assert_bad_input(
        "ca-cert",
        &[(
            "ca-cert",
            "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
        )],
        &["PEM"],
    );
}

#[test]
fn bad_other_inputs_each_give_one_error() {
    // Less common inputs, all through the same path: one run each.
    let cases: &[(&str, &str, &[&str])] = &[
        ("backoff", "linear", &["linear", "fixed or exponential"]),
        ("retry-on", "sometimes", &["sometimes", "any or transient"]),
        ("timeout", "0", &["0"]),
        ("timeout", "soon", &["soon", "500ms"]),
        ("fail-on-down", "1", &["true or false"]),
        ("insecure", "maybe", &["maybe", "true or false"]),
        ("retry-all", "yes", &["yes", "true or false"]),
        ("concurrency", "0", &["1 to 1024"]),
        ("cert-min-days", "-1", &["-1"]),
        ("max-response-time", "fast", &["fast", "500ms"]),
        ("cookie", "novalue", &["Name=Value"]),
    ];
    for (input, value, expect) in cases {
        assert_bad_input(input, &[(input, value)], expect);
    }
}

// ---- 2. inputs as the runner passes them ---------------------------------------------------

/// A server whose `/` always answers 503.
fn always_503() -> TestServer {
    TestServer::start(vec![("/", Behaviour::Status(503))])
}

#[test]
fn hyphenated_input_names_are_read() {
    // runner-sim passes `max-attempts` as INPUT_MAX-ATTEMPTS; an underscore variant in the step
    // env must not be what counts.
    let server = always_503();
    let r = Sim::new()
        .with("url", &server.url("/"))
        .with("max-attempts", "2")
        .with("retry-delay", "50ms")
        .env("INPUT_MAX_ATTEMPTS", "5")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(server.hits("/"), 2, "max-attempts 2 = 2 requests\n{r}");
    assert_eq!(r.results()[0]["attempts"], 2, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
}

#[test]
fn values_are_trimmed() {
    let server = always_503();
    let r = Sim::new()
        .with("url", &format!("   {}   ", server.url("/")))
        .with("max-attempts", "  2  ")
        .with("retry-delay", " 50ms ")
        .with("follow-redirect", " true ")
        .with("expected-status", " 200-299 ")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(server.hits("/"), 2, "{r}");
    assert_eq!(r.results()[0]["url"], server.url("/"), "{r}");
}

#[test]
fn block_scalar_values_with_trailing_newlines_work() {
    // `url: |` and `max-attempts: |` keep their trailing newline.
    let server = always_503();
    let r = Sim::new()
        .with("url", &format!("{}\n", server.url("/")))
        .with("max-attempts", "2\n")
        .with("retry-delay", "50ms\n")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(server.hits("/"), 2, "{r}");
}

#[test]
fn explicitly_empty_max_attempts_means_the_default_3() {
    // `max-attempts: ''` suppresses action.yml's default; the binary must apply 3 itself.
    let server = always_503();
    let r = Sim::new()
        .with("url", &server.url("/"))
        .with("max-attempts", "")
        .with("retry-delay", "50ms")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(server.hits("/"), 3, "{r}");
    assert_eq!(r.results()[0]["attempts"], 3, "{r}");
}

#[test]
fn explicitly_empty_inputs_mean_their_defaults() {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let mut sim = Sim::new().with("url", &server.url("/"));
    for name in upcheck::config::INPUTS
        .iter()
        .map(|i| i.name)
        .filter(|n| *n != "url")
    {
        sim = sim.with(name, "");
    }
    let r = sim.run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(server.hits("/"), 1, "{r}");
    assert_eq!(server.requests()[0].method, "GET", "{r}");
}

#[test]
fn jtalk_seed_block_runs_unchanged() {
    let server = TestServer::start(vec![(
        "/health",
        Behaviour::Sequence(vec![Behaviour::Status(503), Behaviour::text(200, "ok")]),
    )]);
    let r = Sim::new()
        .with("url", &server.url("/health"))
        .with("max-attempts", "3")
        .with("retry-delay", "1s")
        .with("follow-redirect", "true")
        .with("retry-all", "true")
        .with("cookie", "session=seed-cookie-value")
        .with("basic-auth", "seeduser:seed-password")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert!(
        r.runner_warnings().is_empty(),
        "every seed input must be declared\n{r}"
    );
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(r.output("healthy").as_deref(), Some("true"), "{r}");
    let reqs = server.requests_to("/health");
    assert_eq!(reqs.len(), 2, "503 then 200: two requests\n{r}");
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(900) && gap < Duration::from_secs(5),
        "retry-delay 1s, got {gap:?}"
    );
    for req in &reqs {
        assert_eq!(req.header("cookie"), Some("session=seed-cookie-value"));
        assert_eq!(
            req.header("authorization"),
            Some("Basic c2VlZHVzZXI6c2VlZC1wYXNzd29yZA=="),
            "basic-auth seeduser:seed-password"
        );
    }
    assert_eq!(r.results()[0]["attempts"], 2, "{r}");
}

// ---- 3. masks and leaks ------------------------------------------------------------------

/// Secrets passed through every channel that carries one.
struct Secrets {
    password: String,
    cookie: String,
    token: String,
    url_password: String,
    query: String,
    webhook: String,
}

impl Secrets {
    fn new() -> Secrets {
        Secrets {
            password: "Pw-basic-7f3a9c1e5d".into(),
            cookie: "Ck-9b8a7c6d5e4f3a2b".into(),
            token: "tok_4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b".into(),
            url_password: "UrlPw-5d4c3b2a1f".into(),
            query: "Qv-0a1b2c3d4e5f6a7b8c9d".into(),
            webhook: format!(
                "http://127.0.0.1:{}/services/T000/B000/Sw-8c7b6a5f4e3d2c1b",
                refused_port()
            ),
        }
    }

    fn all(&self) -> Vec<&str> {
        vec![
            &self.password,
            &self.cookie,
            &self.token,
            &self.url_password,
            &self.query,
            &self.webhook,
        ]
    }

    /// The two URLs of the run: one with user info, one with a query value.
    fn urls(&self, base: &str, path: &str) -> (String, String) {
        let with_user = base.replacen(
            "http://",
            &format!("http://monitor:{}@", self.url_password),
            1,
        );
        (
            format!("{with_user}{path}"),
            format!("{base}{path}?token={}", self.query),
        )
    }

    /// Every secret as an input; `register` also passes each with `--secret` (as a
    /// `${{ secrets.X }}` would be), otherwise only `--watch-secret`.
    fn apply(&self, mut sim: Sim, url: &str, register: bool) -> Sim {
        for s in self.all() {
            if register {
                sim = sim.secret(s);
            }
            sim = sim.watch_secret(s);
        }
        sim.with("url", url)
            .with("basic-auth", &format!("monitor:{}", self.password))
            .with("cookie", &format!("session={}", self.cookie))
            .with("headers", &format!("Authorization: Bearer {}", self.token))
            .with("slack-webhook", &self.webhook)
    }
}

/// Runs with every secret; `path` is `/ok` (healthy) or `/down` (503).
fn secret_run(path: &str, register: bool, keep: &TempDir) -> (SimReport, Secrets, TestServer) {
    let server = TestServer::start(vec![
        ("/ok", Behaviour::text(200, "fine")),
        ("/down", Behaviour::Status(503)),
    ]);
    let secrets = Secrets::new();
    let base = server.url("");
    let (a, b) = secrets.urls(&base, path);
    let sim = secrets
        .apply(Sim::new(), &format!("{a}\n{b}"), register)
        .with("max-attempts", "2")
        .with("retry-delay", "50ms")
        .arg(&format!("--keep={}", keep.path().display()));
    let r = sim.run();
    (r, secrets, server)
}

/// The checks shared by every secret run.
fn assert_secrets_safe(r: &SimReport, secrets: &Secrets, keep: &TempDir, registered: bool) {
    if registered {
        assert_eq!(r.leaks(), &serde_json::json!([]), "no leaks\n{r}");
    } else {
        let leaks = r.binary_leaks();
        assert!(leaks.is_empty(), "the binary leaked: {leaks:?}\n{r}");
    }
    if registered {
        let masks = r.masks();
        for s in secrets.all() {
            assert!(masks.iter().any(|m| m == s), "{s:?} is not masked\n{r}");
        }
    }
    // Outputs and the raw files the binary wrote never hold a raw secret.
    for (name, value) in r.json["outputs"].as_object().cloned().unwrap_or_default() {
        let value = value.as_str().unwrap_or_default().to_string();
        for s in secrets.all() {
            assert!(
                !value.contains(s),
                "output {name} holds the raw secret {s:?}: {value:?}"
            );
        }
    }
    let summary = r.summary();
    for s in secrets.all() {
        assert!(!summary.contains(s), "summary holds {s:?}\n{r}");
    }
    for file in files_under(keep.path()) {
        if file
            .components()
            .any(|c| c.as_os_str() == "_github_workflow")
        {
            continue; // runner-sim's event payload
        }
        let Ok(text) = std::fs::read(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&text);
        for s in secrets.all() {
            assert!(
                !text.contains(s),
                "{} holds the raw secret {s:?}:\n{text}",
                file.display()
            );
        }
    }
}

/// The masks the binary registered for a run that used every secret: each value, before
/// anything else.
fn assert_binary_masked_everything(r: &SimReport, secrets: &Secrets) {
    assert_masks_first(r);
    let own = binary_masks(r);
    for s in secrets.all() {
        assert!(
            own.iter().any(|m| m.contains(s)),
            "the binary did not ::add-mask:: {s:?} (its masks: {own:?})\n{r}"
        );
    }
    // The exact password too, not only the base64 token or the `user:password` pair.
    assert!(own.iter().any(|m| m == &secrets.password), "{own:?}");
    assert!(own.iter().any(|m| m == &secrets.url_password), "{own:?}");
    assert!(own.iter().any(|m| m == &secrets.query), "{own:?}");
    assert!(own.iter().any(|m| m == &secrets.cookie), "{own:?}");
    assert!(own.iter().any(|m| m == &secrets.webhook), "{own:?}");
}

fn assert_redacted_outputs(r: &SimReport, server: &TestServer, path: &str) {
    let results = r.results();
    let port = server.port();
    assert_eq!(
        results[0]["url"],
        format!("http://***@127.0.0.1:{port}{path}"),
        "{r}"
    );
    assert_eq!(
        results[1]["url"],
        format!("http://127.0.0.1:{port}{path}?token=***"),
        "{r}"
    );
    // The summary shows the same redacted forms (`*` escaped for Markdown).
    let summary = r.summary();
    for shown in [
        format!("http://\\*\\*\\*@127.0.0.1:{port}{path}"),
        format!("http://127.0.0.1:{port}{path}?token=\\*\\*\\*"),
    ] {
        assert!(summary.contains(&shown), "summary lacks {shown:?}\n{r}");
    }
}

#[test]
fn secrets_masked_first_healthy_run() {
    let keep = TempDir::new("keep");
    let (r, secrets, server) = secret_run("/ok", true, &keep);
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(server.hits("/ok"), 2, "{r}");
    assert_secrets_safe(&r, &secrets, &keep, true);
    assert_binary_masked_everything(&r, &secrets);
    assert_redacted_outputs(&r, &server, "/ok");
    // The credentials were really used.
    let reqs = server.requests_to("/ok");
    assert!(reqs
        .iter()
        .all(|q| q.header("cookie") == Some("session=Ck-9b8a7c6d5e4f3a2b")));
    assert!(reqs
        .iter()
        .any(|q| q.query() == Some("token=Qv-0a1b2c3d4e5f6a7b8c9d")));
}

#[test]
fn secrets_masked_first_down_run() {
    let keep = TempDir::new("keep");
    let (r, secrets, server) = secret_run("/down", true, &keep);
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    assert_eq!(server.hits("/down"), 4, "two URLs, two attempts each\n{r}");
    assert_secrets_safe(&r, &secrets, &keep, true);
    assert_binary_masked_everything(&r, &secrets);
    assert_redacted_outputs(&r, &server, "/down");
    let failed = r.output("failed-urls").unwrap_or_default();
    let port = server.port();
    assert_eq!(
        failed,
        format!("http://***@127.0.0.1:{port}/down\nhttp://127.0.0.1:{port}/down?token=***"),
        "{r}"
    );
}

#[test]
fn secrets_never_printed_by_the_binary_healthy_run() {
    // Watched but not registered: only the binary's own masks protect them, so every line it
    // prints is checked against the masks it had registered by then.
    let keep = TempDir::new("keep");
    let (r, secrets, _server) = secret_run("/ok", false, &keep);
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_secrets_safe(&r, &secrets, &keep, false);
    assert_binary_masked_everything(&r, &secrets);
}

#[test]
fn secrets_never_printed_by_the_binary_down_run() {
    let keep = TempDir::new("keep");
    let (r, secrets, _server) = secret_run("/down", false, &keep);
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_secrets_safe(&r, &secrets, &keep, false);
    assert_binary_masked_everything(&r, &secrets);
}

#[test]
fn secrets_never_printed_when_the_connection_is_refused() {
    // Transport errors carry their own texts (reqwest puts URLs in its errors).
    let keep = TempDir::new("keep");
    let secrets = Secrets::new();
    let base = format!("http://127.0.0.1:{}", refused_port());
    let (a, b) = secrets.urls(&base, "/x");
    let r = secrets
        .apply(Sim::new(), &format!("{a}\n{b}"), false)
        .with("max-attempts", "1")
        .arg(&format!("--keep={}", keep.path().display()))
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    assert_secrets_safe(&r, &secrets, &keep, false);
    assert_binary_masked_everything(&r, &secrets);
}

#[test]
fn secrets_masked_in_a_bad_input_run() {
    let server = TestServer::start(vec![("/ok", Behaviour::Status(200))]);
    let keep = TempDir::new("keep");
    let secrets = Secrets::new();
    let (a, b) = secrets.urls(&server.url(""), "/ok");
    let r = secrets
        .apply(Sim::new(), &format!("{a}\n{b}"), true)
        .with("max-attempts", "abc")
        .arg(&format!("--keep={}", keep.path().display()))
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    assert_eq!(r.annotations("error").len(), 1, "{r}");
    assert!(r.annotations("error")[0].contains("max-attempts"), "{r}");
    assert_secrets_safe(&r, &secrets, &keep, true);
    assert_masks_first(&r);
    let own = binary_masks(&r);
    assert!(
        own.contains(&secrets.password),
        "the basic-auth password is masked even when another input is bad: {own:?}\n{r}"
    );
    assert!(own.contains(&secrets.webhook), "{own:?}\n{r}");
    assert!(server.requests().is_empty(), "{r}");
}

#[test]
fn secrets_in_a_bad_input_run_unregistered() {
    // The password of a bad-input run is not printed by the binary, masked or not.
    let server = TestServer::start(vec![("/ok", Behaviour::Status(200))]);
    let keep = TempDir::new("keep");
    let secrets = Secrets::new();
    let (a, b) = secrets.urls(&server.url(""), "/ok");
    let r = secrets
        .apply(Sim::new(), &format!("{a}\n{b}"), false)
        .with("max-attempts", "abc")
        .arg(&format!("--keep={}", keep.path().display()))
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    assert_secrets_safe(&r, &secrets, &keep, false);
    assert!(server.requests().is_empty(), "{r}");
}

#[test]
fn url_user_info_not_printed_in_an_invalid_url_error() {
    // An unparsable URL with a password in it: the error names the input but must not show
    // the password (the contract lists URL user info among the secrets).
    let password = "UrlPw-in-bad-url-9f8e7d";
    let r = Sim::new()
        .with("url", &format!("http://bob:{password}@exa mple.com/"))
        .watch_secret(password)
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    assert_eq!(r.annotations("error").len(), 1, "{r}");
    assert!(r.annotations("error")[0].contains("url"), "{r}");
    let leaks = r.binary_leaks();
    assert!(
        leaks.is_empty(),
        "the URL's password was printed unmasked: {leaks:?}\n{r}"
    );
}

// ---- 4. hostile server text ----------------------------------------------------------------

const HOSTILE_BODY: &str =
    "::error::pwned\n::add-mask::x\n##[set-output name=healthy]false\nghadelimiter_x\n";

fn hostile_response(status: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nX-Evil: ::warning::bad\r\nX-Legacy: ##[warning]bad\r\n\
         Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{HOSTILE_BODY}",
        HOSTILE_BODY.len()
    )
    .into_bytes()
}

/// Nothing the servers said turned into a command, an annotation or an output.
fn assert_no_injection(r: &SimReport, allowed_masks: &[String]) {
    assert_eq!(
        output_keys(r),
        contract_output_keys(),
        "exactly the contract's outputs\n{r}"
    );
    assert_eq!(r.json["output_file_errors"], serde_json::json!([]), "{r}");
    assert!(r.runner_errors().is_empty(), "{r}");
    for level in ["error", "warning", "notice"] {
        for a in r.annotation_entries(level) {
            let text = format!("{} {}", a["message"], a["title"]);
            assert!(
                !text.contains("pwned") && a["message"] != "bad" && !text.contains("::warning"),
                "an annotation from server text: {a}\n{r}"
            );
            assert_eq!(a["source"], "command", "{r}");
        }
    }
    assert!(r.annotations("notice").is_empty(), "{r}");
    for c in commands(r) {
        let name = c["name"].as_str().unwrap_or_default();
        assert_eq!(
            c["syntax"], "::",
            "a legacy ##[ command was parsed: {c}\n{r}"
        );
        assert!(
            ["add-mask", "error", "warning"].contains(&name),
            "unexpected command {c}\n{r}"
        );
        let data = c["data"].as_str().unwrap_or_default();
        if name == "add-mask" {
            assert!(
                allowed_masks.iter().any(|m| m == data),
                "a mask upcheck did not mean: {c}\n{r}"
            );
        } else {
            assert!(!data.contains("pwned"), "{c}\n{r}");
            assert!(
                c["properties"]["title"].as_str().is_some(),
                "upcheck's annotations have titles; this one came from elsewhere: {c}\n{r}"
            );
        }
    }
    assert!(!r.masks().iter().any(|m| m == "x"), "{r}");
    assert_ne!(
        r.output("healthy").as_deref(),
        None,
        "healthy is still written\n{r}"
    );
}

#[test]
fn hostile_status_line_headers_and_bodies() {
    let down = RawServer::start(hostile_response("503 ::warning::bad"));
    let ok = RawServer::start(hostile_response("200 ::warning::bad"));
    let r = Sim::new()
        .with("url", &format!("{}\n{}", down.url("/"), ok.url("/")))
        .with("max-attempts", "2")
        .with("retry-delay", "50ms")
        .with("body-contains", "all good")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(down.hits(), 2, "{r}");
    assert_eq!(ok.hits(), 2, "{r}");
    let allowed = vec![github_token(&r)];
    assert_no_injection(&r, &allowed);
    assert_eq!(r.output("healthy").as_deref(), Some("false"), "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    let results = r.results();
    assert_eq!(results.as_array().map(Vec::len), Some(2), "{r}");
    assert_eq!(results[0]["http_status"], 503, "{r}");
    assert_eq!(results[1]["http_status"], 200, "{r}");
    // Our own annotations: one per down URL.
    assert_eq!(r.annotations("error").len(), 2, "{r}");
    assert!(r.annotations("warning").is_empty(), "{r}");
    // The log never shows a line that starts a command.
    for line in r.log() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a log line that looks like a command: {line:?}\n{r}"
        );
    }
}

#[test]
fn hostile_healthy_response_is_up_and_silent() {
    let ok = RawServer::start(hostile_response("200 ::warning::bad"));
    let r = Sim::new().with("url", &ok.url("/")).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_no_injection(&r, &[github_token(&r)]);
    assert_eq!(r.output("healthy").as_deref(), Some("true"), "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    assert!(r.annotations("warning").is_empty(), "{r}");
}

#[test]
fn hostile_redirect_locations() {
    let server = TestServer::start(vec![
        ("/r1", Behaviour::redirect(302, "/landing##[error]x")),
        (
            "/r2",
            Behaviour::redirect(302, "/::error::pwned?next=##[error]x"),
        ),
        (
            "/r3",
            Behaviour::redirect(302, "ftp://example.invalid/##[error]x"),
        ),
        (
            "/r4",
            Behaviour::redirect(302, "/landing?::error::pwned=##[error]x"),
        ),
        // Not a URL at all (empty host): whatever the verdict, the text stays inert.
        ("/r5", Behaviour::redirect(302, "ftp://##[error]x/")),
        ("/landing", Behaviour::text(200, HOSTILE_BODY)),
    ]);
    let urls = ["/r1", "/r2", "/r3", "/r4", "/r5"]
        .iter()
        .map(|p| server.url(p))
        .collect::<Vec<_>>()
        .join("\n");
    let r = Sim::new()
        .with("url", &urls)
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_no_injection(&r, &[github_token(&r)]);
    let results = r.results();
    let statuses: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses[..4], ["up", "down", "down", "up"], "{r}");
    // Final URLs in the results never carry `##[`.
    for x in results.as_array().unwrap() {
        let text = x.to_string();
        assert!(!text.contains("##["), "{text}\n{r}");
    }
    let summary = r.summary();
    assert!(!summary.contains("##["), "{summary}");
    // Only our own annotations: one per down URL.
    let down = statuses.iter().filter(|s| **s == "down").count();
    assert_eq!(r.annotations("error").len(), down, "{r}");
}

// ---- 5. signals ----------------------------------------------------------------------------

/// Outputs, summary and the cancellation error after a signal.
fn assert_cancelled_report(r: &SimReport, url: &str, min_attempts: u64) {
    let code = r.exit_code();
    assert!(
        (1..=3).contains(&code),
        "a cancelled run exits non-zero by itself (not killed): {code}\n{r}"
    );
    assert!(r.output("status").is_some(), "status written\n{r}");
    assert_eq!(
        output_keys(r),
        contract_output_keys(),
        "every output is written after a signal\n{r}"
    );
    let results = r.results();
    assert_eq!(results[0]["url"], url, "{r}");
    assert!(
        results[0]["attempts"].as_u64().unwrap_or(0) >= min_attempts,
        "attempts ≥ {min_attempts}\n{r}"
    );
    assert!(!r.summary().is_empty(), "a summary is written\n{r}");
    let errors = r.annotations("error");
    assert!(
        errors.iter().any(|e| e.to_lowercase().contains("cancel")),
        "an ::error says it was cancelled: {errors:?}\n{r}"
    );
}

fn sigint_mid_retry(sim: Sim) {
    let server = always_503();
    let r = sim
        .with("url", &server.url("/"))
        .with("max-attempts", "5")
        .with("retry-delay", "10s")
        .signal_after(1.0)
        .run();
    assert_eq!(r.signals()[0]["signal"], "SIGINT", "{r}");
    assert_eq!(
        r.signals().as_array().map(Vec::len),
        Some(1),
        "SIGINT alone must stop it\n{r}"
    );
    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(server.hits("/"), 1, "{r}");
    assert_cancelled_report(&r, &server.url("/"), 1);
}

fn sigint_mid_request(sim: Sim) {
    let server = TestServer::start(vec![("/", Behaviour::Hang)]);
    let r = sim
        .with("url", &server.url("/"))
        .with("timeout", "30s")
        .with("max-attempts", "2")
        .signal_after(1.0)
        .run();
    assert_eq!(r.signals().as_array().map(Vec::len), Some(1), "{r}");
    let after = r.exited_after_signal();
    assert!(after < 1.0, "exited {after} s after SIGINT\n{r}");
    assert_eq!(server.hits("/"), 1, "{r}");
    assert_cancelled_report(&r, &server.url("/"), 0);
}

#[test]
fn sigint_during_retry_wait() {
    sigint_mid_retry(Sim::new());
}

#[test]
fn sigint_during_hanging_request() {
    sigint_mid_request(Sim::new());
}

/// Starts the binary as the runner would (GITHUB_ACTIONS, output and summary files).
fn start_in_actions(
    url: &str,
    extra: &[(&str, &str)],
    dir: &TempDir,
) -> (Running, PathBuf, PathBuf) {
    let out = dir.path().join("output");
    let summary = dir.path().join("summary");
    let (out_s, summary_s) = (
        out.to_string_lossy().into_owned(),
        summary.to_string_lossy().into_owned(),
    );
    let mut envs: Vec<(&str, &str)> = vec![
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_OUTPUT", &out_s),
        ("GITHUB_STEP_SUMMARY", &summary_s),
        ("INPUT_URL", url),
    ];
    envs.extend_from_slice(extra);
    (Running::start(&[], &envs), out, summary)
}

/// Runs the binary directly as the runner would, sends SIGTERM once it is waiting (on a retry
/// or on a hanging request), and checks it exits within a second with every report written.
fn assert_sigterm_stops(server: &TestServer, extra: &[(&str, &str)], min_attempts: u64) {
    let dir = TempDir::new("sigterm");
    let url = server.url("/");
    let (running, out, summary) = start_in_actions(&url, extra, &dir);
    assert!(
        server.wait_for_hits("/", 1, Duration::from_secs(10)),
        "upcheck never reached the server"
    );
    std::thread::sleep(Duration::from_millis(300));
    let sent = running.send("TERM");
    let ran = running.finish(Duration::from_secs(30));
    let since_signal = sent.elapsed();
    assert!(
        since_signal < Duration::from_secs(1),
        "exited {since_signal:?} after SIGTERM\n{}",
        ran.show()
    );
    let code = ran.code();
    assert!(
        (1..=3).contains(&code),
        "exit code {code} after SIGTERM\n{}",
        ran.show()
    );
    assert!(
        ran.stdout
            .lines()
            .any(|l| l.starts_with("::error") && l.to_lowercase().contains("cancel")),
        "an ::error says it was cancelled\n{}",
        ran.show()
    );
    assert!(
        ran.stdout.contains("SIGTERM"),
        "the error names the signal\n{}",
        ran.show()
    );
    let text = std::fs::read_to_string(&out).expect("GITHUB_OUTPUT written");
    let outputs = parse_output_file(&text);
    let keys: Vec<String> = outputs.keys().cloned().collect();
    assert_eq!(keys, contract_output_keys(), "{outputs:?}");
    let results: Value = serde_json::from_str(&outputs["results"]).expect("results JSON");
    assert_eq!(results[0]["url"], url);
    assert!(
        results[0]["attempts"].as_u64().unwrap_or(0) >= min_attempts,
        "{results}"
    );
    assert!(
        !std::fs::read_to_string(&summary)
            .unwrap_or_default()
            .is_empty(),
        "a summary is written after SIGTERM"
    );
    assert_eq!(server.hits("/"), 1, "no request after SIGTERM");
}

#[test]
fn sigterm_during_retry_wait() {
    // runner-sim only sends SIGTERM 7.5 s after SIGINT, so the binary is run directly.
    assert_sigterm_stops(
        &always_503(),
        &[("INPUT_MAX-ATTEMPTS", "5"), ("INPUT_RETRY-DELAY", "10s")],
        1,
    );
}

#[test]
fn sigterm_during_hanging_request() {
    assert_sigterm_stops(
        &TestServer::start(vec![("/", Behaviour::Hang)]),
        &[("INPUT_TIMEOUT", "30s"), ("INPUT_MAX-ATTEMPTS", "2")],
        0,
    );
}

// ---- 6. unwritable outputs -----------------------------------------------------------------

fn run_in_actions_with_files(url: &str, output: &str, summary: &str) -> Ran {
    run_direct(
        &[],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_OUTPUT", output),
            ("GITHUB_STEP_SUMMARY", summary),
            ("INPUT_URL", url),
            ("INPUT_MAX-ATTEMPTS", "1"),
        ],
    )
}

fn assert_tool_failure(ran: &Ran, variable: &str) {
    assert_eq!(ran.code(), 3, "{}", ran.show());
    assert!(
        ran.stdout
            .lines()
            .any(|l| l.starts_with("::error") && l.contains(variable)),
        "an ::error on stdout mentions {variable}\n{}",
        ran.show()
    );
}

#[test]
fn unwritable_github_output_exits_3() {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let dir = TempDir::new("unwritable-out");
    let summary = dir.path().join("summary.md");
    let ran = run_in_actions_with_files(
        &server.url("/"),
        "/nonexistent-upcheck-dir/out",
        &summary.to_string_lossy(),
    );
    assert_tool_failure(&ran, "GITHUB_OUTPUT");
}

#[test]
fn full_github_output_exits_3() {
    // The file opens but every write fails (ENOSPC).
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let dir = TempDir::new("full-out");
    let summary = dir.path().join("summary.md");
    let ran = run_in_actions_with_files(&server.url("/"), "/dev/full", &summary.to_string_lossy());
    assert_tool_failure(&ran, "GITHUB_OUTPUT");
}

#[test]
fn unwritable_output_on_a_down_run_still_exits_3() {
    let server = always_503();
    let dir = TempDir::new("unwritable-down");
    let summary = dir.path().join("summary.md");
    let ran = run_in_actions_with_files(
        &server.url("/"),
        "/nonexistent-upcheck-dir/out",
        &summary.to_string_lossy(),
    );
    assert_tool_failure(&ran, "GITHUB_OUTPUT");
}

#[test]
fn unwritable_step_summary_exits_3() {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let dir = TempDir::new("unwritable-summary");
    let out = dir.path().join("output");
    let ran = run_in_actions_with_files(
        &server.url("/"),
        &out.to_string_lossy(),
        "/nonexistent-upcheck-dir/summary.md",
    );
    assert_tool_failure(&ran, "GITHUB_STEP_SUMMARY");
    let outputs = parse_output_file(&std::fs::read_to_string(&out).expect("outputs still written"));
    assert_eq!(outputs.get("status").map(String::as_str), Some("up"));
}

// ---- 7. sandbox: PID 1, empty root, static binary ------------------------------------------

#[test]
fn sandbox_healthy() {
    let Some(bin) = sandbox_binary("sandbox_healthy") else {
        return;
    };
    let server = TestServer::start(vec![("/", Behaviour::text(200, "ok"))]);
    let r = Sim::new()
        .binary(&bin)
        .sandbox()
        .with("url", &server.url("/"))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(r.output("healthy").as_deref(), Some("true"), "{r}");
    assert_eq!(r.output("status-code").as_deref(), Some("200"), "{r}");
    assert_eq!(output_keys(&r), contract_output_keys(), "{r}");
    assert!(!r.summary().is_empty(), "{r}");
    assert_eq!(server.hits("/"), 1, "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
}

#[test]
fn sandbox_down() {
    let Some(bin) = sandbox_binary("sandbox_down") else {
        return;
    };
    let server = always_503();
    let r = Sim::new()
        .binary(&bin)
        .sandbox()
        .with("url", &server.url("/"))
        .with("max-attempts", "2")
        .with("retry-delay", "100ms")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    assert_eq!(r.output("failed-urls"), Some(server.url("/")), "{r}");
    assert_eq!(server.hits("/"), 2, "{r}");
    assert_eq!(r.results()[0]["attempts"], 2, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{r}");
    assert!(errors[0].contains("503"), "{r}");
    let times = server.hit_times("/");
    assert!(times[1] - times[0] >= Duration::from_millis(90), "{r}");
}

#[test]
fn sandbox_sigint_during_retry_wait() {
    let Some(bin) = sandbox_binary("sandbox_sigint_during_retry_wait") else {
        return;
    };
    sigint_mid_retry(Sim::new().binary(&bin).sandbox());
}

#[test]
fn sandbox_sigint_during_hanging_request() {
    let Some(bin) = sandbox_binary("sandbox_sigint_during_hanging_request") else {
        return;
    };
    sigint_mid_request(Sim::new().binary(&bin).sandbox());
}

#[test]
fn sandbox_https_with_ca_cert_pem_text() {
    let Some(bin) = sandbox_binary("sandbox_https_with_ca_cert_pem_text") else {
        return;
    };
    let cert = TestCert::new(365);
    let server = TestServer::start_tls(vec![("/", Behaviour::text(200, "secure"))], &cert);
    let r = Sim::new()
        .binary(&bin)
        .sandbox()
        .with("url", &server.url("/"))
        .with("ca-cert", &cert.ca_pem())
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(r.output("status-code").as_deref(), Some("200"), "{r}");
    assert_eq!(server.hits("/"), 1, "{r}");
    assert!(server.requests()[0].tls);
}

#[test]
fn sandbox_https_without_ca_cert_is_a_clear_tls_failure() {
    // No CA files in the sandbox and an unknown CA: a TLS verdict, not a crash.
    let Some(bin) = sandbox_binary("sandbox_https_without_ca_cert_is_a_clear_tls_failure") else {
        return;
    };
    let cert = TestCert::new(365);
    let server = TestServer::start_tls(vec![("/", Behaviour::Status(200))], &cert);
    let r = Sim::new()
        .binary(&bin)
        .sandbox()
        .with("url", &server.url("/"))
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    let results = r.results();
    assert_eq!(results[0]["error_kind"], "tls", "{r}");
    assert!(
        results[0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("TLS"),
        "{r}"
    );
}

// ---- 8. local mode -------------------------------------------------------------------------

#[test]
fn local_readable_report_for_a_down_url() {
    let server = always_503();
    let url = server.url("/");
    let ran = run_direct(
        &[&url, "--max-attempts", "2", "--retry-delay", "100ms"],
        &[],
    );
    assert_eq!(ran.code(), 1, "{}", ran.show());
    assert!(ran.stdout.contains(&url), "{}", ran.show());
    assert!(ran.stdout.contains("down"), "{}", ran.show());
    assert!(ran.stdout.contains("503"), "{}", ran.show());
    assert!(
        !ran.stdout.lines().any(|l| l.trim_start().starts_with("::")),
        "no workflow commands outside Actions\n{}",
        ran.show()
    );
    assert_eq!(server.hits("/"), 2);
}

#[test]
fn local_readable_report_for_a_healthy_url() {
    let server = TestServer::start(vec![("/", Behaviour::text(200, "ok"))]);
    let url = server.url("/");
    let ran = run_direct(&[&url], &[]);
    assert_eq!(ran.code(), 0, "{}", ran.show());
    assert!(ran.stdout.contains(&url), "{}", ran.show());
    assert!(ran.stdout.contains("up"), "{}", ran.show());
    assert!(ran.stdout.contains("200"), "{}", ran.show());
}

#[test]
fn local_json_prints_the_results_array() {
    let server = always_503();
    let url = server.url("/");
    let ran = run_direct(&["--json", &url, "--max-attempts", "1"], &[]);
    assert_eq!(ran.code(), 1, "{}", ran.show());
    let json: Value = serde_json::from_str(ran.stdout.trim())
        .unwrap_or_else(|e| panic!("--json must print JSON ({e})\n{}", ran.show()));
    let arr = json.as_array().expect("a JSON array");
    assert_eq!(arr.len(), 1);
    assert_eq!(arr[0]["url"], url);
    assert_eq!(arr[0]["status"], "down");
    assert_eq!(arr[0]["http_status"], 503);
    assert_eq!(arr[0]["attempts"], 1);
}

#[test]
fn local_flag_wins_over_input_variable() {
    let server = always_503();
    let url = server.url("/");
    let ran = run_direct(
        &[&url, "--max-attempts", "1"],
        &[("INPUT_MAX-ATTEMPTS", "5"), ("INPUT_RETRY-DELAY", "100ms")],
    );
    assert_eq!(ran.code(), 1, "{}", ran.show());
    assert_eq!(
        server.hits("/"),
        1,
        "--max-attempts 1 beats INPUT_MAX-ATTEMPTS=5"
    );
}

#[test]
fn local_input_variable_applies_without_a_flag() {
    let server = always_503();
    let url = server.url("/");
    let ran = run_direct(
        &[&url],
        &[("INPUT_MAX-ATTEMPTS", "2"), ("INPUT_RETRY-DELAY", "50ms")],
    );
    assert_eq!(ran.code(), 1, "{}", ran.show());
    assert_eq!(server.hits("/"), 2);
}

#[test]
fn local_bad_flag_value_exits_2() {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let url = server.url("/");
    let ran = run_direct(&[&url, "--max-attempts", "abc"], &[]);
    assert_eq!(ran.code(), 2, "{}", ran.show());
    assert!(ran.stderr.contains("max-attempts"), "{}", ran.show());
    assert!(ran.stderr.contains("abc"), "{}", ran.show());
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.connections(), 0, "nothing sent for a bad flag");
}

#[test]
fn local_bad_flag_value_wins_over_a_good_variable() {
    let server = TestServer::start(vec![("/", Behaviour::Status(200))]);
    let url = server.url("/");
    let ran = run_direct(
        &[&url, "--retry-delay", "5 parsecs"],
        &[("INPUT_RETRY-DELAY", "1s")],
    );
    assert_eq!(ran.code(), 2, "{}", ran.show());
    assert!(ran.stderr.contains("retry-delay"), "{}", ran.show());
    assert_eq!(server.connections(), 0);
}

//! Black-box tests of the CHECKING behaviour: the real `upcheck` binary runs under
//! `shared/tools/runner-sim` (action.yml + the test build) against scriptable servers on
//! 127.0.0.1, and each test asserts on the exit code, the step outputs (`status`, `healthy`,
//! `results`, `failed-urls`, `status-code`, `response-time-ms`), the job summary, the
//! annotations, and on what the server received (request counts, methods, headers and the
//! gaps between requests).
//!
//! Timing assertions use server-side arrival times and generous margins only: a lower bound
//! where the behaviour guarantees one, and a loose upper bound that only a missing or broken
//! behaviour (e.g. a default 3 s delay, or no timeout at all) would exceed.

mod common;

use std::time::{Duration, Instant};

use common::{refused_port, Behaviour, Sim, SimReport, TestCert, TestServer};
use serde_json::Value;

// ---- helpers -----------------------------------------------------------------------------

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Gaps between consecutive arrival times.
fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The `results` output, asserted to hold exactly one entry.
fn only_result(r: &SimReport) -> Value {
    let results = r.results();
    let arr = results
        .as_array()
        .unwrap_or_else(|| panic!("results is not an array:\n{r}"));
    assert_eq!(arr.len(), 1, "expected one result:\n{r}");
    arr[0].clone()
}

/// The `results` output as a vector of entries.
fn all_results(r: &SimReport) -> Vec<Value> {
    r.results()
        .as_array()
        .unwrap_or_else(|| panic!("results is not an array:\n{r}"))
        .clone()
}

/// A string field of a result ("" when null or absent).
fn field(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap_or_default().to_string()
}

/// The common down-URL assertions: exit 1, status down, healthy false, the URL in
/// `failed-urls`, and exactly one `::error` annotation that names it.
fn assert_single_down(r: &SimReport, url: &str) {
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("status"), "down", "{r}");
    assert_eq!(r.out("healthy"), "false", "{r}");
    assert_eq!(r.out("failed-urls"), url, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "one ::error annotation: {errors:?}\n{r}");
    assert!(
        errors[0].contains(url),
        "annotation names the URL: {errors:?}"
    );
    let res = only_result(r);
    assert_eq!(res["status"], "down", "{r}");
    assert_eq!(res["url"], url, "{r}");
    assert!(res["error"].is_string(), "a down URL has an error: {res}");
    assert!(res["warning"].is_null(), "{res}");
}

/// The common up-URL assertions: exit 0, status up, healthy true, nothing failed, no
/// error or warning annotations.
fn assert_single_up(r: &SimReport, url: &str) {
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "up", "{r}");
    assert_eq!(r.out("healthy"), "true", "{r}");
    assert_eq!(r.out("failed-urls"), "", "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    assert!(r.annotations("warning").is_empty(), "{r}");
    let res = only_result(r);
    assert_eq!(res["status"], "up", "{r}");
    assert_eq!(res["url"], url, "{r}");
    assert!(res["error"].is_null(), "{res}");
    assert!(res["error_kind"].is_null(), "{res}");
    assert!(res["warning"].is_null(), "{res}");
}

/// The common degraded-URL assertions: exit 0, status degraded, healthy true, one
/// `::warning` naming the URL, no `::error`. Returns the result entry.
fn assert_single_degraded(r: &SimReport, url: &str) -> Value {
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "degraded", "{r}");
    assert_eq!(r.out("healthy"), "true", "{r}");
    assert_eq!(r.out("failed-urls"), "", "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    let warnings = r.annotations("warning");
    assert_eq!(
        warnings.len(),
        1,
        "one ::warning annotation: {warnings:?}\n{r}"
    );
    assert!(warnings[0].contains(url), "{warnings:?}");
    let res = only_result(r);
    assert_eq!(res["status"], "degraded", "{r}");
    assert!(res["error"].is_null(), "{res}");
    assert!(res["error_kind"].is_null(), "{res}");
    assert!(res["warning"].is_string(), "{res}");
    res
}

/// Waits (up to 3 s) for the TLS server to notice a failed handshake.
fn wait_handshake_failure(srv: &TestServer) -> usize {
    let deadline = Instant::now() + Duration::from_secs(3);
    while srv.handshake_failures() == 0 && Instant::now() < deadline {
        std::thread::sleep(ms(5));
    }
    srv.handshake_failures()
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("format RFC 3339")
}

// ---- healthy, attempts -------------------------------------------------------------------

#[test]
fn healthy_200_is_up_after_one_request() {
    let srv = TestServer::start(vec![("/ok", Behaviour::text(200, "all good"))]);
    let url = srv.url("/ok");
    let r = Sim::new().with("url", &url).run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/ok"), 1, "{r}");
    assert_eq!(r.out("status-code"), "200");
    let rt: u64 = r
        .out("response-time-ms")
        .parse()
        .unwrap_or_else(|e| panic!("response-time-ms is a number ({e}):\n{r}"));
    assert!(rt < 5_000, "{rt}");
    let res = only_result(&r);
    assert_eq!(res["http_status"], 200);
    assert_eq!(res["attempts"], 1);
    assert_eq!(res["final_url"], url.as_str());
    assert!(res["cert_expires_at"].is_null(), "{res}");
    assert!(res["response_time_ms"].is_u64(), "{res}");
    let summary = r.summary();
    assert!(summary.contains("1 URL up"), "{summary}");
    assert!(summary.contains(&url), "{summary}");
}

#[test]
fn max_attempts_3_on_a_constant_503_makes_exactly_3_requests() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "3")
        .with("retry-delay", "100ms")
        .run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/busy"), 3, "{r}");
    assert_eq!(r.out("status-code"), "503");
    let res = only_result(&r);
    assert_eq!(res["attempts"], 3);
    assert_eq!(res["http_status"], 503);
    assert_eq!(res["error_kind"], "status");
    let msg = &r.annotations("error")[0];
    let http = msg.find("HTTP 503").unwrap_or_else(|| panic!("{msg}"));
    let after = msg
        .find(" after 3 attempts (")
        .unwrap_or_else(|| panic!("{msg}"));
    assert!(http < after, "{msg}");
    assert!(msg.ends_with(" apart)"), "{msg}");
    assert!(msg.contains("(100ms apart)"), "{msg}");
}

#[test]
fn max_attempts_1_makes_one_request() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/busy"), 1, "{r}");
    let res = only_result(&r);
    assert_eq!(res["attempts"], 1);
    assert!(!field(&res, "error").contains("after"), "{res}");
    // the default 3 s retry-delay was never waited
    assert!(r.run_secs() < 2.5, "{}", r.run_secs());
}

// ---- delays and backoff ------------------------------------------------------------------

#[test]
fn retry_delay_500ms_waits_500ms() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "3")
        .with("retry-delay", "500ms")
        .run();
    assert_single_down(&r, &url);
    let g = gaps(&srv.hit_times("/busy"));
    assert_eq!(g.len(), 2, "{r}");
    for gap in &g {
        assert!(
            *gap >= ms(500),
            "gap {gap:?} shorter than retry-delay: {g:?}"
        );
        assert!(*gap < ms(800), "gap {gap:?} far longer than 500ms: {g:?}");
    }
    assert!(field(&only_result(&r), "error").contains("(500ms apart)"));
}

#[test]
fn retry_delay_1s_on_503_gives_two_gaps_of_a_second() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "3")
        .with("retry-delay", "1s")
        .run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/busy"), 3);
    let g = gaps(&srv.hit_times("/busy"));
    assert_eq!(g.len(), 2);
    for gap in &g {
        assert!(*gap >= ms(1000), "{g:?}");
        assert!(*gap < ms(1500), "{g:?}");
    }
    assert!(r.annotations("error")[0].contains("after 3 attempts (1s apart)"));
}

#[test]
fn exponential_backoff_doubles_the_delay() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "4")
        .with("retry-delay", "200ms")
        .with("backoff", "exponential")
        .run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/busy"), 4, "{r}");
    let g = gaps(&srv.hit_times("/busy"));
    assert_eq!(g.len(), 3);
    for (gap, want) in g.iter().zip([200, 400, 800]) {
        assert!(*gap >= ms(want), "wanted ≈{want}ms: {g:?}");
        assert!(*gap < ms(want + 300), "wanted ≈{want}ms: {g:?}");
    }
    assert!(
        field(&only_result(&r), "error").contains("after 4 attempts (waited 200ms, 400ms, 800ms)"),
        "{r}"
    );
}

#[test]
fn a_503_then_200_is_up_after_two_requests() {
    let srv = TestServer::start(vec![(
        "/flaky",
        Behaviour::Sequence(vec![Behaviour::Status(503), Behaviour::text(200, "ok")]),
    )]);
    let url = srv.url("/flaky");
    let r = Sim::new()
        .with("url", &url)
        .with("retry-delay", "100ms")
        .run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/flaky"), 2, "{r}");
    let res = only_result(&r);
    assert_eq!(res["attempts"], 2);
    assert_eq!(res["http_status"], 200);
    assert_eq!(r.out("status-code"), "200");
}

#[test]
fn retry_after_on_429_is_honoured() {
    let srv = TestServer::start(vec![(
        "/limited",
        Behaviour::Sequence(vec![
            Behaviour::with_headers(429, &[("Retry-After", "1")], "slow down"),
            Behaviour::text(200, "ok"),
        ]),
    )]);
    let url = srv.url("/limited");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "2")
        .with("retry-delay", "100ms")
        .run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/limited"), 2, "{r}");
    let g = gaps(&srv.hit_times("/limited"));
    assert!(g[0] >= ms(1000), "Retry-After: 1 not honoured: {g:?}");
    assert!(g[0] < ms(2500), "{g:?}");
    assert_eq!(only_result(&r)["attempts"], 2);
}

// ---- retry-on ------------------------------------------------------------------------------

/// Two URLs in one run: a 404 (not transient) and a 503 (transient).
fn retry_rule_run(with: &[(&str, &str)]) -> (TestServer, SimReport) {
    let srv = TestServer::start(vec![
        ("/missing", Behaviour::Status(404)),
        ("/busy", Behaviour::Status(503)),
    ]);
    let mut sim = Sim::new()
        .with(
            "url",
            &format!("{}\n{}", srv.url("/missing"), srv.url("/busy")),
        )
        .with("retry-delay", "100ms");
    for (k, v) in with {
        sim = sim.with(k, v);
    }
    let r = sim.run();
    assert_eq!(r.exit_code(), 1, "{r}");
    let res = all_results(&r);
    assert_eq!(res.len(), 2, "{r}");
    assert!(res.iter().all(|x| x["status"] == "down"), "{r}");
    assert_eq!(res[0]["http_status"], 404);
    assert_eq!(res[1]["http_status"], 503);
    (srv, r)
}

#[test]
fn retry_on_transient_does_not_retry_a_404() {
    let (srv, r) = retry_rule_run(&[("retry-on", "transient")]);
    assert_eq!(srv.hits("/missing"), 1, "404 is not transient:\n{r}");
    assert_eq!(srv.hits("/busy"), 3, "503 is transient:\n{r}");
    let res = all_results(&r);
    assert_eq!(res[0]["attempts"], 1);
    assert_eq!(res[1]["attempts"], 3);
}

#[test]
fn retry_on_any_is_the_default_and_retries_a_404() {
    let (srv, r) = retry_rule_run(&[]);
    assert_eq!(srv.hits("/missing"), 3, "{r}");
    assert_eq!(srv.hits("/busy"), 3, "{r}");
    let explicit = retry_rule_run(&[("retry-on", "any")]);
    assert_eq!(explicit.0.hits("/missing"), 3, "{}", explicit.1);
}

#[test]
fn jtalk_retry_all_false_behaves_as_transient() {
    let (srv, r) = retry_rule_run(&[("retry-all", "false")]);
    assert_eq!(srv.hits("/missing"), 1, "{r}");
    assert_eq!(srv.hits("/busy"), 3, "{r}");
    let (srv, r) = retry_rule_run(&[("retry-all", "true")]);
    assert_eq!(srv.hits("/missing"), 3, "{r}");
}

// ---- transport failures -------------------------------------------------------------------

#[test]
fn connection_refused_is_down_with_refused() {
    let url = format!("http://127.0.0.1:{}/health", refused_port());
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "2")
        .with("retry-delay", "100ms")
        .run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "refused", "{res}");
    assert!(field(&res, "error").contains("connection refused"), "{res}");
    assert!(res["http_status"].is_null(), "{res}");
    assert_eq!(res["attempts"], 2, "a refused connection is retried: {res}");
    assert_eq!(r.out("status-code"), "");
    assert!(r.annotations("error")[0].contains("connection refused"));
}

#[test]
fn a_hanging_server_times_out() {
    let srv = TestServer::start(vec![("/hang", Behaviour::Hang)]);
    let url = srv.url("/hang");
    let r = Sim::new()
        .with("url", &url)
        .with("timeout", "1s")
        .with("max-attempts", "1")
        .timeout(Duration::from_secs(20))
        .run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/hang"), 1);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "timeout", "{res}");
    assert!(field(&res, "error").contains("timed out"), "{res}");
    let secs = r.run_secs();
    assert!(secs < 5.0, "took {secs}s with timeout 1s");
    assert!(secs >= 1.0, "gave up before the timeout: {secs}s");
}

#[test]
fn a_trickling_body_is_cut_off_by_the_timeout() {
    let srv = TestServer::start(vec![(
        "/trickle",
        Behaviour::Trickle {
            status: 200,
            chunk: b"tick\n".to_vec(),
            every: ms(200),
        },
    )]);
    let url = srv.url("/trickle");
    let r = Sim::new()
        .with("url", &url)
        .with("timeout", "1s")
        .with("max-attempts", "1")
        .timeout(Duration::from_secs(20))
        .run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/trickle"), 1);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "timeout", "{res}");
    let secs = r.run_secs();
    assert!(
        secs < 5.0,
        "took {secs}s: the timeout does not cover the body"
    );
}

#[test]
fn a_reset_connection_is_down_with_reset() {
    let srv = TestServer::start(vec![("/reset", Behaviour::Reset)]);
    let url = srv.url("/reset");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/reset"), 1);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "reset", "{res}");
    assert!(field(&res, "error").contains("reset"), "{res}");
}

// ---- redirects -----------------------------------------------------------------------------

#[test]
fn a_301_to_a_404_is_down_when_followed() {
    let srv = TestServer::start(vec![("/old", Behaviour::redirect(301, "/missing"))]);
    let url = srv.url("/old");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    assert_eq!(srv.hits("/old"), 1);
    assert_eq!(srv.hits("/missing"), 1);
    let res = only_result(&r);
    assert_eq!(res["http_status"], 404, "{res}");
    assert_eq!(res["final_url"], srv.url("/missing").as_str(), "{res}");
    assert_eq!(res["error_kind"], "status");
    assert!(field(&res, "error").contains("HTTP 404"), "{res}");
    assert_eq!(r.out("status-code"), "404");
}

#[test]
fn follow_redirect_false_judges_the_301_itself() {
    let srv = TestServer::start(vec![("/old", Behaviour::redirect(301, "/missing"))]);
    let url = srv.url("/old");
    let r = Sim::new()
        .with("url", &url)
        .with("follow-redirect", "false")
        .with("max-attempts", "1")
        .run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/old"), 1);
    assert_eq!(srv.hits("/missing"), 0, "the redirect was followed");
    let res = only_result(&r);
    assert_eq!(res["http_status"], 301, "{res}");
    assert_eq!(res["final_url"], url.as_str());
    assert_eq!(r.out("status-code"), "301");
}

#[test]
fn a_redirect_loop_is_down_with_redirect_loop() {
    let srv = TestServer::start(vec![
        ("/a", Behaviour::redirect(302, "/b")),
        ("/b", Behaviour::redirect(302, "/a")),
    ]);
    let url = srv.url("/a");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "redirect_loop", "{res}");
    assert!(field(&res, "error").contains("redirect loop"), "{res}");
    assert_eq!(srv.hits("/a"), 1, "{r}");
    assert_eq!(srv.hits("/b"), 1, "{r}");
}

#[test]
fn a_redirect_that_cannot_be_followed_is_down() {
    let srv = TestServer::start(vec![
        ("/ftp", Behaviour::redirect(302, "ftp://127.0.0.1/file")),
        ("/none", Behaviour::Status(301)),
    ]);
    for path in ["/ftp", "/none"] {
        let url = srv.url(path);
        let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
        assert_single_down(&r, &url);
        let res = only_result(&r);
        assert_eq!(res["error_kind"], "redirect", "{res}");
        assert!(
            field(&res, "error").contains("redirect cannot be followed"),
            "{res}"
        );
    }
    // Not following redirects, the same 302 is judged on its own status.
    let r = Sim::new()
        .with("url", &srv.url("/ftp"))
        .with("follow-redirect", "false")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
}

/// `/{prefix}0` → `/{prefix}1` → … → `/{prefix}{n}`, which answers 200.
fn redirect_chain(prefix: &str, n: usize) -> TestServer {
    let paths: Vec<String> = (0..=n).map(|i| format!("/{prefix}{i}")).collect();
    let mut routes: Vec<(&str, Behaviour)> = Vec::new();
    for i in 0..n {
        routes.push((paths[i].as_str(), Behaviour::redirect(302, &paths[i + 1])));
    }
    routes.push((paths[n].as_str(), Behaviour::text(200, "the end")));
    TestServer::start(routes)
}

#[test]
fn eleven_redirects_are_too_many() {
    let srv = redirect_chain("r", 11);
    let url = srv.url("/r0");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "redirects", "{res}");
    assert!(field(&res, "error").contains("too many redirects"), "{res}");
    assert_eq!(srv.hits("/r11"), 0, "the 11th redirect was followed");
    assert_eq!(srv.hits("/r10"), 1, "the first 10 redirects are followed");
}

#[test]
fn ten_redirects_are_followed() {
    let srv = redirect_chain("s", 10);
    let url = srv.url("/s0");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/s10"), 1);
    assert_eq!(only_result(&r)["final_url"], srv.url("/s10").as_str());
}

#[test]
fn a_chain_of_3_redirects_is_up_with_the_final_url() {
    let srv = redirect_chain("c", 3);
    let url = srv.url("/c0");
    let r = Sim::new().with("url", &url).run();
    assert_single_up(&r, &url);
    for p in ["/c0", "/c1", "/c2", "/c3"] {
        assert_eq!(srv.hits(p), 1, "{p}");
    }
    let res = only_result(&r);
    assert_eq!(res["final_url"], srv.url("/c3").as_str(), "{res}");
    assert_eq!(res["http_status"], 200);
    assert_eq!(res["attempts"], 1, "redirects are not attempts");
    let summary = r.summary();
    assert!(summary.contains(&srv.url("/c3")), "{summary}");
}

// ---- expected-status -----------------------------------------------------------------------

/// A 204 and a 302 (not followed) against `set`: the 204 is up, the 302 down.
fn expected_status_case(set: &str) {
    let srv = TestServer::start(vec![
        ("/nocontent", Behaviour::Status(204)),
        ("/found", Behaviour::redirect(302, "/elsewhere")),
        ("/ok", Behaviour::Status(200)),
    ]);
    let urls = [srv.url("/nocontent"), srv.url("/found"), srv.url("/ok")];
    let r = Sim::new()
        .with("url", &urls.join("\n"))
        .with("expected-status", set)
        .with("follow-redirect", "false")
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    let res = all_results(&r);
    assert_eq!(res.len(), 3, "{r}");
    assert_eq!(res[0]["status"], "up", "204 in {set}: {r}");
    assert_eq!(res[0]["http_status"], 204);
    assert_eq!(res[1]["status"], "down", "302 not in {set}: {r}");
    assert_eq!(res[1]["http_status"], 302);
    assert_eq!(res[1]["error_kind"], "status");
    assert!(
        field(&res[1], "error").contains(&format!("(expected {set})")),
        "{}",
        res[1]
    );
    assert_eq!(res[2]["status"], "up", "200 in {set}: {r}");
    assert_eq!(r.out("failed-urls"), urls[1]);
    assert_eq!(srv.hits("/elsewhere"), 0);
    assert_eq!(srv.hits("/found"), 1);
}

#[test]
fn expected_status_list() {
    expected_status_case("200,204");
}

#[test]
fn expected_status_class() {
    expected_status_case("2xx");
}

#[test]
fn expected_status_range() {
    expected_status_case("200-299");
}

#[test]
fn default_expected_status_accepts_a_302() {
    let srv = TestServer::start(vec![("/found", Behaviour::redirect(302, "/x"))]);
    let url = srv.url("/found");
    let r = Sim::new()
        .with("url", &url)
        .with("follow-redirect", "false")
        .run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/found"), 1);
}

// ---- body checks ---------------------------------------------------------------------------

#[test]
fn body_contains_found_and_not_found() {
    let srv = TestServer::start(vec![
        ("/yes", Behaviour::text(200, "status: healthy\n")),
        ("/no", Behaviour::text(200, "status: sick\n")),
    ]);
    let (yes, no) = (srv.url("/yes"), srv.url("/no"));
    let r = Sim::new()
        .with("url", &format!("{yes}\n{no}"))
        .with("body-contains", "healthy")
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("failed-urls"), no);
    let res = all_results(&r);
    assert_eq!(res[0]["status"], "up", "{r}");
    assert_eq!(res[1]["status"], "down", "{r}");
    assert_eq!(res[1]["error_kind"], "body");
    assert_eq!(res[1]["http_status"], 200);
    assert!(
        field(&res[1], "error").contains("body does not contain \"healthy\""),
        "{}",
        res[1]
    );
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains(&no), "{errors:?}");
    assert_eq!((srv.hits("/yes"), srv.hits("/no")), (1, 1));
}

#[test]
fn body_not_contains_present_is_down() {
    let srv = TestServer::start(vec![
        ("/clean", Behaviour::text(200, "all fine")),
        ("/dirty", Behaviour::text(200, "db: error: connection lost")),
    ]);
    let (clean, dirty) = (srv.url("/clean"), srv.url("/dirty"));
    let r = Sim::new()
        .with("url", &format!("{clean}|{dirty}"))
        .with("body-not-contains", "error")
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("failed-urls"), dirty);
    let res = all_results(&r);
    assert_eq!(res[0]["status"], "up", "{r}");
    assert_eq!(res[1]["status"], "down", "{r}");
    assert_eq!(res[1]["error_kind"], "body");
    assert!(
        field(&res[1], "error").contains("body contains \"error\""),
        "{}",
        res[1]
    );
}

#[test]
fn body_contains_finds_a_needle_at_the_end_of_a_multi_megabyte_body() {
    // The needle starts in the filler and ends in the tail, which the server writes
    // separately after 4 MiB of 'a'.
    let huge = |tail: &str| Behaviour::Huge {
        status: 200,
        total: 4 * 1024 * 1024,
        chunk_size: 64 * 1024,
        tail: tail.as_bytes().to_vec(),
    };
    let srv = TestServer::start(vec![
        ("/right", huge("TAIL-MARKER")),
        ("/wrong", huge("TAIL-OTHER")),
    ]);
    let (right, wrong) = (srv.url("/right"), srv.url("/wrong"));
    let r = Sim::new()
        .with("url", &format!("{right}\n{wrong}"))
        .with("body-contains", "aaaaaaaaTAIL-MARKER")
        .with("max-attempts", "1")
        .run();
    let res = all_results(&r);
    assert_eq!(res[0]["status"], "up", "{r}");
    assert_eq!(res[1]["status"], "down", "{r}");
    assert_eq!(res[1]["error_kind"], "body");
    assert_eq!(r.exit_code(), 1, "{r}");
}

#[test]
fn body_not_contains_finds_a_needle_split_across_chunks() {
    // Each chunk "thy-heal" arrives 200 ms after the previous one, so "healthy" only exists
    // across a chunk boundary. The verdict is settled at the second chunk, long before the
    // timeout ends the endless body.
    let srv = TestServer::start(vec![(
        "/split",
        Behaviour::Trickle {
            status: 200,
            chunk: b"thy-heal".to_vec(),
            every: ms(200),
        },
    )]);
    let url = srv.url("/split");
    let r = Sim::new()
        .with("url", &url)
        .with("body-not-contains", "healthy")
        .with("timeout", "5s")
        .with("max-attempts", "1")
        .timeout(Duration::from_secs(20))
        .run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "body", "{res}");
    assert!(
        field(&res, "error").contains("body contains \"healthy\""),
        "{res}"
    );
    assert!(
        r.run_secs() < 4.0,
        "waited for the timeout: {}",
        r.run_secs()
    );
}

#[test]
fn a_200_mb_body_does_not_grow_memory() {
    let srv = TestServer::start(vec![(
        "/huge",
        Behaviour::Huge {
            status: 200,
            total: 200 * 1024 * 1024,
            chunk_size: 256 * 1024,
            tail: b"THE-END-OF-IT".to_vec(),
        },
    )]);
    let url = srv.url("/huge");
    let bin = env!("CARGO_BIN_EXE_upcheck");
    let time_bin = std::path::Path::new("/usr/bin/time");
    let use_time = time_bin.is_file();
    let mut cmd = if use_time {
        let mut c = std::process::Command::new(time_bin);
        c.arg("-v").arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.arg("--json")
        .env("INPUT_URL", &url)
        .env("INPUT_BODY-CONTAINS", "aaaTHE-END-OF-IT")
        .env("INPUT_TIMEOUT", "60s")
        .env("INPUT_MAX-ATTEMPTS", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start upcheck");
    let pid = child.id();
    // Fallback without /usr/bin/time: poll the high-water mark while it runs.
    let mut hwm_kb: u64 = 0;
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if !use_time {
            if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                for line in text.lines() {
                    if let Some(v) = line.strip_prefix("VmHWM:") {
                        let kb: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                        hwm_kb = hwm_kb.max(kb);
                    }
                }
            }
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("upcheck did not finish a 200 MB body within 90 s");
        }
        std::thread::sleep(ms(10));
    };
    let took = start.elapsed();
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    assert!(status.success(), "exit {status}\n{stdout}\n{stderr}");
    if use_time {
        hwm_kb = stderr
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes):")
                    .map(|v| v.trim().parse::<u64>().expect("RSS number"))
            })
            .unwrap_or_else(|| panic!("no RSS in /usr/bin/time output:\n{stderr}"));
    }
    let results: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("--json printed no JSON ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(results[0]["status"], "up", "{results}");
    assert_eq!(results[0]["http_status"], 200);
    assert_eq!(srv.hits("/huge"), 1);
    assert!(hwm_kb > 0, "no peak RSS measured");
    assert!(
        hwm_kb < 40 * 1024,
        "peak RSS {hwm_kb} kB for a 200 MB body (limit 40 MB)"
    );
    eprintln!("200 MB body: peak RSS {hwm_kb} kB, {took:?}");
}

// ---- degraded ------------------------------------------------------------------------------

#[test]
fn slower_than_max_response_time_is_degraded() {
    let srv = TestServer::start(vec![(
        "/slow",
        Behaviour::delay(ms(300), Behaviour::text(200, "ok")),
    )]);
    let url = srv.url("/slow");
    let r = Sim::new()
        .with("url", &url)
        .with("max-response-time", "100ms")
        .run();
    let res = assert_single_degraded(&r, &url);
    assert_eq!(srv.hits("/slow"), 1, "a degraded URL is not retried:\n{r}");
    assert!(field(&res, "warning").contains("slow"), "{res}");
    assert!(r.annotations("warning")[0].contains("slow"));
    assert_eq!(res["http_status"], 200);
    let rt: u64 = r.out("response-time-ms").parse().expect("number");
    assert!(rt >= 300, "response-time-ms {rt} below the server's delay");
    assert!(r.summary().contains("degraded"), "{}", r.summary());
}

// ---- HTTPS ---------------------------------------------------------------------------------

fn tls_server(cert: &TestCert) -> TestServer {
    TestServer::start_tls(vec![("/", Behaviour::text(200, "secure"))], cert)
}

#[test]
fn a_certificate_expiring_in_5_days_is_degraded_with_ca_cert_as_pem_text() {
    let cert = TestCert::new(5);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("ca-cert", &cert.ca_pem())
        .run();
    let res = assert_single_degraded(&r, &url);
    let warning = field(&res, "warning");
    assert!(
        warning.contains("certificate expires in ") && warning.contains(" days"),
        "{warning}"
    );
    assert!(r.annotations("warning")[0].contains("certificate expires in"));
    assert_eq!(res["cert_expires_at"], rfc3339(cert.not_after()).as_str());
    assert_eq!(srv.hits("/"), 1);
}

#[test]
fn ca_cert_as_a_file_path() {
    let cert = TestCert::new(5);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let path = cert.ca_pem_file();
    let r = Sim::new()
        .with("url", &url)
        .with("ca-cert", path.to_str().expect("utf-8 path"))
        .run();
    let res = assert_single_degraded(&r, &url);
    assert!(
        field(&res, "warning").contains("certificate expires in "),
        "{res}"
    );
    assert_eq!(srv.hits("/"), 1);
}

#[test]
fn cert_min_days_0_turns_the_expiry_check_off() {
    let cert = TestCert::new(5);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("ca-cert", &cert.ca_pem())
        .with("cert-min-days", "0")
        .run();
    assert_single_up(&r, &url);
    assert_eq!(srv.hits("/"), 1);
}

#[test]
fn a_certificate_valid_for_90_days_is_up_with_its_expiry() {
    let cert = TestCert::new(90);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("ca-cert", &cert.ca_pem())
        .run();
    assert_single_up(&r, &url);
    let res = only_result(&r);
    assert_eq!(
        res["cert_expires_at"],
        rfc3339(cert.not_after()).as_str(),
        "{res}"
    );
    assert_eq!(srv.hits("/"), 1);
}

#[test]
fn an_untrusted_certificate_is_down_with_tls() {
    let cert = TestCert::new(90);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "tls", "{res}");
    assert!(field(&res, "error").contains("trusted authority"), "{res}");
    assert_eq!(srv.hits("/"), 0, "no request without a handshake");
    assert!(wait_handshake_failure(&srv) >= 1);
}

#[test]
fn insecure_accepts_an_untrusted_certificate() {
    let cert = TestCert::new(90);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("insecure", "true")
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_ne!(r.out("status"), "down", "{r}");
    assert_eq!(r.out("healthy"), "true", "{r}");
    assert_eq!(only_result(&r)["http_status"], 200);
    assert_eq!(srv.hits("/"), 1);
}

#[test]
fn an_expired_certificate_is_down_with_tls_expired() {
    let cert = TestCert::expired();
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("ca-cert", &cert.ca_pem())
        .with("max-attempts", "1")
        .run();
    assert_single_down(&r, &url);
    let res = only_result(&r);
    assert_eq!(res["error_kind"], "tls", "{res}");
    assert!(field(&res, "error").contains("expired"), "{res}");
    assert_eq!(srv.hits("/"), 0);
}

// ---- many URLs -----------------------------------------------------------------------------

#[test]
fn many_urls_are_split_trimmed_all_checked_and_kept_in_input_order() {
    // Earlier URLs answer later, so completion order is the reverse of input order.
    let srv = TestServer::start(vec![
        ("/u1", Behaviour::delay(ms(400), Behaviour::Status(503))),
        ("/u2", Behaviour::delay(ms(300), Behaviour::Status(200))),
        ("/u3", Behaviour::delay(ms(200), Behaviour::Status(200))),
        ("/u4", Behaviour::delay(ms(100), Behaviour::Status(200))),
        ("/u5", Behaviour::Status(200)),
    ]);
    let urls: Vec<String> = (1..=5).map(|i| srv.url(&format!("/u{i}"))).collect();
    let input = format!(
        "  {}\n\n{} | {}||  \n   {} |{}\n\n",
        urls[0], urls[1], urls[2], urls[3], urls[4]
    );
    let r = Sim::new()
        .with("url", &input)
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("status"), "down");
    assert_eq!(r.out("failed-urls"), urls[0]);
    assert_eq!(r.out("status-code"), "503", "the first URL's status");
    let res = all_results(&r);
    let got: Vec<String> = res.iter().map(|x| field(x, "url")).collect();
    assert_eq!(got, urls, "{r}");
    let statuses: Vec<String> = res.iter().map(|x| field(x, "status")).collect();
    assert_eq!(statuses, ["down", "up", "up", "up", "up"]);
    for i in 1..=5 {
        assert_eq!(srv.hits(&format!("/u{i}")), 1, "/u{i}:\n{r}");
    }
    assert_eq!(r.annotations("error").len(), 1);
}

/// Five URLs that each answer after 500 ms.
fn five_slow_urls() -> (TestServer, String) {
    let paths = ["/c1", "/c2", "/c3", "/c4", "/c5"];
    let srv = TestServer::start(
        paths
            .iter()
            .map(|p| (*p, Behaviour::delay(ms(500), Behaviour::Status(200))))
            .collect(),
    );
    let urls: Vec<String> = paths.iter().map(|p| srv.url(p)).collect();
    (srv, urls.join("\n"))
}

#[test]
fn concurrency_5_checks_five_slow_urls_at_once() {
    let (srv, urls) = five_slow_urls();
    let r = Sim::new().with("url", &urls).with("concurrency", "5").run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "up");
    assert_eq!(srv.requests().len(), 5);
    let secs = r.run_secs();
    assert!(secs < 1.5, "5 × 500 ms with concurrency 5 took {secs}s");
    let times: Vec<Instant> = srv.requests().iter().map(|q| q.at).collect();
    let spread = *times.iter().max().unwrap() - *times.iter().min().unwrap();
    assert!(
        spread < ms(400),
        "requests not concurrent: spread {spread:?}"
    );
}

#[test]
fn concurrency_1_checks_one_url_at_a_time() {
    let (srv, urls) = five_slow_urls();
    let r = Sim::new().with("url", &urls).with("concurrency", "1").run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(srv.requests().len(), 5);
    let secs = r.run_secs();
    assert!(
        secs >= 2.5,
        "5 × 500 ms with concurrency 1 took only {secs}s"
    );
    let times: Vec<Instant> = srv.requests().iter().map(|q| q.at).collect();
    for g in gaps(&times) {
        assert!(g >= ms(500), "two requests overlapped: {g:?}");
    }
}

// ---- request shape -------------------------------------------------------------------------

#[test]
fn method_head_and_post_reach_the_server() {
    for method in ["HEAD", "POST"] {
        let srv = TestServer::start(vec![("/m", Behaviour::Status(200))]);
        let url = srv.url("/m");
        let r = Sim::new().with("url", &url).with("method", method).run();
        assert_single_up(&r, &url);
        let reqs = srv.requests_to("/m");
        assert_eq!(reqs.len(), 1, "{method}: {r}");
        assert_eq!(reqs[0].method, method, "{r}");
    }
}

#[test]
fn headers_input_sends_every_line() {
    let srv = TestServer::start(vec![("/h", Behaviour::Status(200))]);
    let url = srv.url("/h");
    let r = Sim::new()
        .with("url", &url)
        .with("headers", "X-Check-One: first\nX-Check-Two: second value\n")
        .run();
    assert_single_up(&r, &url);
    let req = srv.last_request("/h").expect("a request");
    assert_eq!(req.header("x-check-one"), Some("first"), "{req:?}");
    assert_eq!(req.header("x-check-two"), Some("second value"), "{req:?}");
}

#[test]
fn basic_auth_arrives_as_an_authorization_header() {
    let srv = TestServer::start(vec![("/private", Behaviour::Status(200))]);
    let url = srv.url("/private");
    let r = Sim::new()
        .with("url", &url)
        .with_secret("basic-auth", "monitor:s3cret-pass")
        .run();
    assert_single_up(&r, &url);
    let req = srv.last_request("/private").expect("a request");
    // base64("monitor:s3cret-pass")
    assert_eq!(
        req.header("authorization"),
        Some("Basic bW9uaXRvcjpzM2NyZXQtcGFzcw=="),
        "{req:?}"
    );
}

#[test]
fn cookie_arrives_as_a_cookie_header() {
    let srv = TestServer::start(vec![("/c", Behaviour::Status(200))]);
    let url = srv.url("/c");
    let r = Sim::new()
        .with("url", &url)
        .with("cookie", "session=abc123; theme=dark")
        .run();
    assert_single_up(&r, &url);
    let req = srv.last_request("/c").expect("a request");
    assert_eq!(
        req.header("cookie"),
        Some("session=abc123; theme=dark"),
        "{req:?}"
    );
}

// ---- fail-on-down, summary -----------------------------------------------------------------

#[test]
fn fail_on_down_false_exits_0_but_reports_down() {
    let srv = TestServer::start(vec![("/busy", Behaviour::Status(503))]);
    let url = srv.url("/busy");
    let r = Sim::new()
        .with("url", &url)
        .with("fail-on-down", "false")
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.conclusion(), "success");
    assert_eq!(r.out("status"), "down");
    assert_eq!(r.out("healthy"), "false");
    assert_eq!(r.out("failed-urls"), url);
    assert_eq!(only_result(&r)["status"], "down");
    assert_eq!(srv.hits("/busy"), 1);
    let errors = r.annotations("error");
    assert_eq!(
        errors.len(),
        1,
        "the down URL is still annotated: {errors:?}"
    );
    assert!(errors[0].contains(&url));
}

#[test]
fn summary_lists_the_down_row_before_the_up_row_with_the_reason() {
    let srv = TestServer::start(vec![
        ("/fine", Behaviour::text(200, "ok")),
        ("/broken", Behaviour::Status(503)),
    ]);
    let (fine, broken) = (srv.url("/fine"), srv.url("/broken"));
    let r = Sim::new()
        .with("url", &format!("{fine}\n{broken}"))
        .with("max-attempts", "1")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    let summary = r.summary();
    assert!(summary.contains("1 of 2 URLs down"), "{summary}");
    let lines: Vec<&str> = summary.lines().collect();
    let row = |url: &str| {
        lines
            .iter()
            .position(|l| l.starts_with('|') && l.contains(url))
            .unwrap_or_else(|| panic!("no row for {url}:\n{summary}"))
    };
    let (down_row, up_row) = (row(&broken), row(&fine));
    assert!(down_row < up_row, "down row after the up row:\n{summary}");
    assert!(lines[down_row].contains("down"), "{}", lines[down_row]);
    assert!(lines[up_row].contains("up"), "{}", lines[up_row]);
    assert!(
        lines[down_row].contains("HTTP 503 Service Unavailable (expected 200-399)"),
        "{}",
        lines[down_row]
    );
    assert!(lines[down_row].contains("503"));
    // outputs keep input order
    let res = all_results(&r);
    assert_eq!(res[0]["url"], fine.as_str());
    assert_eq!(res[1]["url"], broken.as_str());
}

#[test]
fn a_slow_url_does_not_hold_back_the_others() {
    // With 2 slots, the first URL takes 2 s; the other four (400 ms each) must all be checked
    // in the second slot meanwhile, not wait for the first to finish.
    let slow = Behaviour::delay(ms(2000), Behaviour::text(200, "slow"));
    let mut routes = vec![("/slow", slow)];
    let fast_paths = ["/f1", "/f2", "/f3", "/f4"];
    for p in fast_paths {
        routes.push((p, Behaviour::delay(ms(400), Behaviour::text(200, "fast"))));
    }
    let srv = TestServer::start(routes);
    let mut urls = vec![srv.url("/slow")];
    urls.extend(fast_paths.iter().map(|p| srv.url(p)));
    let r = Sim::new()
        .with("url", &urls.join("\n"))
        .with("concurrency", "2")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    let first = srv.hit_times("/slow")[0];
    let last_fast = srv.hit_times("/f4")[0];
    assert!(
        last_fast - first < ms(1800),
        "the last fast URL started {:?} after the slow one",
        last_fast - first
    );
    let order: Vec<String> = r
        .results()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, urls, "results keep input order");
}

// ---- one trust store: SSL_CERT_FILE ------------------------------------------------------

#[test]
fn ssl_cert_file_adds_roots_for_the_checks() {
    let cert = TestCert::new(90);
    let srv = tls_server(&cert);
    let url = srv.url("/");
    let r = Sim::new()
        .with("url", &url)
        .with("max-attempts", "1")
        .env("SSL_CERT_FILE", &cert.ca_pem_file().to_string_lossy())
        .run();
    assert_single_up(&r, &url);
}

// ---- redirects to another origin carry none of the user's credentials -------------------

const API_KEY: &str = "k3y-for-server-a-only";
const BASIC: &str = "monitor:pa55-for-a";
const COOKIE: &str = "session=c00kie-for-a";

/// A run against `url` with `headers`, `basic-auth` and `cookie` set.
fn with_credentials(url: &str) -> SimReport {
    Sim::new()
        .with("url", url)
        .with("max-attempts", "1")
        .with_secret("headers", &format!("X-Api-Key: {API_KEY}"))
        .with_secret("basic-auth", BASIC)
        .with_secret("cookie", COOKIE)
        .run()
}

fn credentials_of(r: &common::Recorded) -> [Option<String>; 3] {
    ["x-api-key", "authorization", "cookie"].map(|h| r.header(h).map(str::to_string))
}

#[test]
fn a_redirect_to_another_origin_drops_headers_basic_auth_and_cookie() {
    let b = TestServer::start(vec![("/land", Behaviour::text(200, "ok"))]);
    let a = TestServer::start(vec![
        ("/go", Behaviour::redirect(302, &b.url("/land"))),
        ("/same", Behaviour::redirect(302, "/ok")),
        ("/ok", Behaviour::text(200, "ok")),
    ]);
    let r = with_credentials(&a.url("/go"));
    assert_eq!(r.exit_code(), 0, "{r}");
    let sent_a = credentials_of(&a.last_request("/go").expect("A was asked"));
    assert!(sent_a.iter().all(Option::is_some), "A gets all: {sent_a:?}");
    assert_eq!(sent_a[0].as_deref(), Some(API_KEY));
    assert_eq!(sent_a[2].as_deref(), Some(COOKIE));
    // Another port is another origin.
    let sent_b = credentials_of(&b.last_request("/land").expect("B was asked"));
    assert_eq!(sent_b, [None, None, None], "B gets none\n{r}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");

    // A redirect on the same origin keeps them.
    let r = with_credentials(&a.url("/same"));
    assert_eq!(r.exit_code(), 0, "{r}");
    let sent = credentials_of(&a.last_request("/ok").expect("followed"));
    assert!(
        sent.iter().all(Option::is_some),
        "same origin keeps all: {sent:?}"
    );
    assert_eq!(sent[0].as_deref(), Some(API_KEY));
}

#[test]
fn no_origin_after_another_gets_the_credentials() {
    let c = TestServer::start(vec![("/ok", Behaviour::text(200, "ok"))]);
    let b = TestServer::start(vec![("/bounce", Behaviour::redirect(307, &c.url("/ok")))]);
    let a = TestServer::start(vec![("/go", Behaviour::redirect(302, &b.url("/bounce")))]);
    // A → B → C: neither B nor C gets them.
    let r = with_credentials(&a.url("/go"));
    assert_eq!(r.exit_code(), 0, "{r}");
    let bounce = credentials_of(&b.last_request("/bounce").expect("B was asked"));
    assert_eq!(bounce, [None, None, None], "{r}");
    let third = credentials_of(&c.last_request("/ok").expect("followed"));
    assert_eq!(third, [None, None, None], "{r}");
}

// ---- localhost in a container step -------------------------------------------------------

#[test]
fn a_refused_loopback_url_in_actions_says_why_and_points_to_the_readme() {
    let port = refused_port();
    for url in [
        format!("http://127.0.0.1:{port}/health"),
        format!("http://localhost:{port}/health"),
    ] {
        let r = Sim::new().with("url", &url).with("max-attempts", "1").run();
        assert_single_down(&r, &url);
        let res = only_result(&r);
        assert_eq!(res["error_kind"], "refused", "{res}");
        let error = field(&res, "error");
        assert!(error.contains("connection refused"), "{error}");
        assert!(
            error.contains("service container") && error.contains("#localhost-in-a-workflow"),
            "{error}"
        );
        assert!(
            r.annotations("error")[0].contains("#localhost-in-a-workflow"),
            "{r}"
        );
    }
    let readme = std::fs::read_to_string(common::crate_root().join("README.md")).unwrap();
    assert!(
        readme.contains("\n## Localhost in a workflow\n"),
        "the README has the section the reason points to"
    );
}

#[test]
fn a_refused_loopback_url_run_locally_has_no_actions_hint() {
    let url = format!("http://127.0.0.1:{}/health", refused_port());
    let out = common::run_direct(
        &["--json"],
        &[("INPUT_URL", &url), ("INPUT_MAX-ATTEMPTS", "1")],
    );
    assert_eq!(out.code(), 1, "{}", out.show());
    let results: Value = serde_json::from_str(&out.stdout).expect("JSON results");
    let error = results[0]["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        error, "connection refused (nothing listens on that port)",
        "{results}"
    );
}

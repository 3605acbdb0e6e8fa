//! The heartbeat: one GET to `heartbeat-url` at the end of every completed run, whatever the
//! verdict; none for a cancelled run; a failing heartbeat is a warning, and its URL never shows.

mod common;

use common::*;

#[test]
fn every_completed_run_sends_one_heartbeat() {
    let srv = TestServer::start(vec![
        ("/health", Behaviour::text(200, "ok")),
        ("/down", Behaviour::Status(503)),
        ("/beat/abc123secret", Behaviour::text(200, "OK")),
    ]);
    let beat = srv.url("/beat/abc123secret");
    let r = Sim::new()
        .with("url", &srv.url("/health"))
        .with_secret("heartbeat-url", &beat)
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(srv.hits("/beat/abc123secret"), 1);
    assert_eq!(
        srv.last_request("/beat/abc123secret").unwrap().method,
        "GET"
    );
    assert!(r.log().iter().any(|l| l == "Heartbeat: sent"), "{r}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");

    // A down URL is a completed run too: the heartbeat says the monitor ran.
    let r = Sim::new()
        .with("url", &srv.url("/down"))
        .with("max-attempts", "1")
        .with_secret("heartbeat-url", &beat)
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(srv.hits("/beat/abc123secret"), 2);
}

#[test]
fn a_failing_heartbeat_is_a_warning() {
    let srv = TestServer::start(vec![
        ("/health", Behaviour::text(200, "ok")),
        ("/beat/broken-heartbeat", Behaviour::Status(500)),
    ]);
    let beat = srv.url("/beat/broken-heartbeat");
    let r = Sim::new()
        .with("url", &srv.url("/health"))
        .with_secret("heartbeat-url", &beat)
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    let warnings = r.annotations("warning");
    assert!(
        warnings
            .iter()
            .any(|w| w == "the heartbeat URL answered HTTP 500"),
        "{r}"
    );
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");
}

#[test]
fn a_cancelled_run_sends_no_heartbeat() {
    let srv = TestServer::start(vec![
        ("/down", Behaviour::Status(503)),
        ("/beat/cancel-check", Behaviour::text(200, "OK")),
    ]);
    let r = Sim::new()
        .with("url", &srv.url("/down"))
        .with("max-attempts", "5")
        .with("retry-delay", "10s")
        .with_secret("heartbeat-url", &srv.url("/beat/cancel-check"))
        .signal_after(1.0)
        .run();
    assert!(
        r.json["exited_after_first_signal_s"].as_f64().unwrap() < 1.0,
        "{r}"
    );
    assert_eq!(srv.hits("/beat/cancel-check"), 0);
}

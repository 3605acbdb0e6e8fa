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

/// A heartbeat endpoint on HTTPS with a certificate a private CA signed.
fn tls_beat(cert: &TestCert) -> TestServer {
    TestServer::start_tls(
        vec![("/beat/private-ca-beat", Behaviour::text(200, "OK"))],
        cert,
    )
}

fn run_with_tls_beat(up: &TestServer, beat: &TestServer) -> Sim {
    Sim::new()
        .with("url", &up.url("/health"))
        .with_secret("heartbeat-url", &beat.url("/beat/private-ca-beat"))
}

#[test]
fn a_heartbeat_behind_a_private_ca_is_trusted_through_ca_cert_or_ssl_cert_file() {
    let cert = TestCert::new(90);
    let up = TestServer::start(vec![("/health", Behaviour::text(200, "ok"))]);
    let beat = tls_beat(&cert);

    let r = run_with_tls_beat(&up, &beat).run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(beat.hits("/beat/private-ca-beat"), 0, "{r}");
    let warnings = r.annotations("warning");
    assert!(
        warnings.iter().any(|w| w.starts_with("the heartbeat URL cannot be reached (TLS handshake failed: the certificate is not signed by a trusted authority") && w.contains("ca-cert")),
        "{r}"
    );

    let r = run_with_tls_beat(&up, &beat)
        .with("ca-cert", &cert.ca_pem())
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(beat.hits("/beat/private-ca-beat"), 1, "{r}");
    assert!(r.log().iter().any(|l| l == "Heartbeat: sent"), "{r}");

    let r = run_with_tls_beat(&up, &beat)
        .env("SSL_CERT_FILE", &cert.ca_pem_file().to_string_lossy())
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(beat.hits("/beat/private-ca-beat"), 2, "{r}");
    assert!(r.annotations("warning").is_empty(), "{r}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");
}

#[test]
fn an_unreadable_ssl_cert_file_is_a_warning_naming_it_not_a_crash() {
    let up = TestServer::start(vec![
        ("/health", Behaviour::text(200, "ok")),
        ("/beat/plain", Behaviour::text(200, "OK")),
    ]);
    let dir = TempDir::new("certs");
    let junk = dir.write("junk.pem", "not a certificate\n");
    for (path, why) in [
        ("/nonexistent/roots.pem".to_string(), "cannot be read"),
        (
            junk.to_string_lossy().into_owned(),
            "holds no PEM certificate",
        ),
    ] {
        let r = Sim::new()
            .with("url", &up.url("/health"))
            .with_secret("heartbeat-url", &up.url("/beat/plain"))
            .env("SSL_CERT_FILE", &path)
            .run();
        assert_eq!(r.exit_code(), 0, "{r}");
        let warnings = r.annotations("warning");
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("SSL_CERT_FILE names {path}, which {why}"))),
            "{r}"
        );
        assert_eq!(r.out("healthy"), "true", "{r}");
        assert!(r.log().iter().any(|l| l == "Heartbeat: sent"), "{r}");
    }
}

//! Self-test of the shared test infrastructure in tests/common: every server
//! behaviour, the TLS variant and the runner-sim wrapper (on a throwaway shell-script
//! action, so nothing here depends on upcheck itself).

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{refused_port, Behaviour, Sim, TempDir, TestCert, TestServer};
use pretty_assertions::assert_eq;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// The whole error chain as one string, for assertions and messages.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(" <- ")
}

fn io_kind_in_chain(e: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    None
}

fn connect(server: &TestServer) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// Reads a response head (up to and including the blank line).
fn read_head(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).expect("read response head");
        assert_eq!(
            n,
            1,
            "EOF inside response head: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

#[tokio::test]
async fn records_requests_and_answers_404() {
    let server = TestServer::start(vec![
        ("/ok", Behaviour::Status(204)),
        ("/echo", Behaviour::json(201, &serde_json::json!({"a": 1}))),
    ]);
    let c = client();
    let r = c
        .post(server.url("/echo?x=1&y=2"))
        .header("X-Test", "value")
        .header("x-multi", "one")
        .header("X-Multi", "two")
        .body("hello body")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"a": 1}));
    assert_eq!(c.get(server.url("/ok")).send().await.unwrap().status(), 204);
    assert_eq!(
        c.get(server.url("/nope?q")).send().await.unwrap().status(),
        404
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let echo = &reqs[0];
    assert_eq!(echo.method, "POST");
    assert_eq!(echo.path, "/echo?x=1&y=2");
    assert_eq!(echo.route(), "/echo");
    assert_eq!(echo.query(), Some("x=1&y=2"));
    assert_eq!(echo.version, "HTTP/1.1");
    assert_eq!(echo.header("X-TEST"), Some("value"));
    assert_eq!(echo.headers["x-test"], vec!["value".to_string()]);
    assert_eq!(
        echo.header_all("x-multi"),
        vec!["one".to_string(), "two".to_string()]
    );
    assert_eq!(echo.header("content-length"), Some("10"));
    assert_eq!(echo.body_str(), "hello body");
    assert!(!echo.tls);
    assert_eq!(server.hits("/echo"), 1);
    assert_eq!(server.hits("/ok"), 1);
    assert_eq!(server.hits("/nope"), 1);
    assert_eq!(server.last_request("/nope").unwrap().path, "/nope?q");
    assert!(reqs[0].at <= reqs[1].at && reqs[1].at <= reqs[2].at);
}

#[tokio::test]
async fn sequence_goes_in_order_and_repeats_the_last() {
    let server = TestServer::start(vec![(
        "/s",
        Behaviour::Sequence(vec![
            Behaviour::Status(500),
            Behaviour::Status(503),
            Behaviour::text(200, "ok"),
        ]),
    )]);
    let c = client();
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(
            c.get(server.url("/s?n"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(got, vec![500, 503, 200, 200, 200]);
    let times = server.hit_times("/s");
    assert_eq!(times.len(), 5);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn redirects_relative_and_absolute() {
    let other = TestServer::start(vec![("/final", Behaviour::text(200, "landed"))]);
    let server = TestServer::start(vec![
        ("/rel", Behaviour::redirect(302, "/target")),
        ("/target", Behaviour::text(200, "here")),
        ("/abs", Behaviour::redirect(301, &other.url("/final"))),
    ]);
    let r = client().get(server.url("/rel")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), "/target");
    assert_eq!(r.text().await.unwrap(), "here");
    let r = client().get(server.url("/abs")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "landed");
    assert_eq!(other.hits("/final"), 1);

    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_follow.get(server.url("/rel")).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/target");
    assert_eq!(server.hits("/rel"), 2);
}

#[tokio::test]
async fn delay_waits_before_answering() {
    let server = TestServer::start(vec![(
        "/slow",
        Behaviour::delay(Duration::from_millis(300), Behaviour::Status(200)),
    )]);
    let t = Instant::now();
    let r = client().get(server.url("/slow")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn hang_never_answers() {
    let server = TestServer::start(vec![("/hang", Behaviour::Hang)]);
    let c = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let t = Instant::now();
    let err = c.get(server.url("/hang")).send().await.unwrap_err();
    assert!(err.is_timeout(), "{}", chain(&err));
    assert!(t.elapsed() < Duration::from_secs(3));
    assert_eq!(
        server.hits("/hang"),
        1,
        "the request is recorded before hanging"
    );
}

#[tokio::test]
async fn trickle_yields_chunks_over_time() {
    let server = TestServer::start(vec![(
        "/trickle",
        Behaviour::Trickle {
            status: 200,
            chunk: b"tick\n".to_vec(),
            every: Duration::from_millis(100),
        },
    )]);
    let t = Instant::now();
    let mut r = client().get(server.url("/trickle")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-length").is_none());
    assert_eq!(r.headers()["transfer-encoding"], "chunked");
    let mut body = Vec::new();
    let mut chunks = 0;
    while body.len() < 3 * 5 {
        let c = r.chunk().await.unwrap().expect("trickle never ends");
        body.extend_from_slice(&c);
        chunks += 1;
    }
    assert_eq!(body, b"tick\ntick\ntick\n");
    assert!(chunks >= 2, "chunks arrive separately");
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(200), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // dropping the server ends the endless response (and does not wait for the client)
    drop(server);
    let mut ended = false;
    for _ in 0..100 {
        match r.chunk().await {
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => {
                ended = true;
                break;
            }
        }
    }
    assert!(ended, "the stream ends once the server is gone");
}

#[tokio::test]
async fn huge_streams_exactly_total_plus_tail() {
    let total: u64 = 8 * 1024 * 1024 + 3;
    let server = TestServer::start(vec![(
        "/huge",
        Behaviour::Huge {
            status: 200,
            total,
            chunk_size: 64 * 1024,
            tail: b"THE-END".to_vec(),
        },
    )]);
    let mut r = client().get(server.url("/huge")).send().await.unwrap();
    assert_eq!(r.content_length(), Some(total + 7));
    let mut n: u64 = 0;
    let mut last = Vec::new();
    while let Some(c) = r.chunk().await.unwrap() {
        n += c.len() as u64;
        last.extend_from_slice(&c);
        if last.len() > 64 {
            last.drain(..last.len() - 64);
        }
    }
    assert_eq!(n, total + 7);
    assert!(last.ends_with(b"aaaTHE-END"));

    let head = client().head(server.url("/huge")).send().await.unwrap();
    assert_eq!(
        head.headers()["content-length"],
        (total + 7).to_string().as_str()
    );
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn reset_gives_connection_reset() {
    let server = TestServer::start(vec![("/reset", Behaviour::Reset)]);
    let mut s = connect(&server);
    s.write_all(b"GET /reset HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let err = s.read(&mut buf).expect_err("reset, not data or EOF");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");

    let err = client().get(server.url("/reset")).send().await.unwrap_err();
    let text = chain(&err);
    assert!(
        io_kind_in_chain(&err) == Some(ErrorKind::ConnectionReset) || text.contains("reset"),
        "{text}"
    );
    assert_eq!(server.hits("/reset"), 2);
}

#[test]
fn close_without_response_gives_eof() {
    let server = TestServer::start(vec![("/close", Behaviour::CloseWithoutResponse)]);
    let mut s = connect(&server);
    s.write_all(b"GET /close HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let n = s.read_to_end(&mut buf).expect("clean EOF");
    assert_eq!(n, 0);
    assert_eq!(server.hits("/close"), 1);
}

#[test]
fn keep_alive_chunked_bodies_and_connection_close() {
    let server = TestServer::start(vec![("/a", Behaviour::text(200, "hi"))]);
    let mut s = connect(&server);
    // two pipelined requests, the second with a chunked body
    s.write_all(
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\
          POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
    )
    .unwrap();
    for _ in 0..2 {
        let head = read_head(&mut s);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Content-Length: 2\r\n"), "{head}");
        let mut body = [0u8; 2];
        s.read_exact(&mut body).unwrap();
        assert_eq!(&body, b"hi");
    }
    s.write_all(b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest)
        .expect("server closes after Connection: close");
    assert!(rest.contains("Connection: close\r\n"), "{rest}");
    assert!(rest.ends_with("\r\n\r\nhi"), "{rest}");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.connection == 0));
    assert_eq!(server.connections(), 1);
    assert_eq!(reqs[1].body_str(), "hello world");

    // HTTP/1.0 without keep-alive is closed after one response
    let mut s = connect(&server);
    s.write_all(b"GET /a HTTP/1.0\r\n\r\n").unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest).unwrap();
    assert!(
        rest.starts_with("HTTP/1.1 200 OK\r\n") && rest.ends_with("hi"),
        "{rest}"
    );
    assert_eq!(server.connections(), 2);
}

#[test]
fn refused_port_refuses() {
    let port = refused_port();
    let err = TcpStream::connect(("127.0.0.1", port)).expect_err("nothing listens");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[tokio::test]
async fn tls_handshake_with_the_ca_and_requested_expiry() {
    let cert = TestCert::new(5);
    let server = TestServer::start_tls(vec![("/", Behaviour::text(200, "secure"))], &cert);
    assert!(server.url("/").starts_with("https://127.0.0.1:"));

    let ca = reqwest::Certificate::from_pem(cert.ca_pem().as_bytes()).unwrap();
    let c = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    for url in [server.url("/"), server.localhost_url("/")] {
        let r = c
            .get(&url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {}", chain(&e)));
        assert_eq!(r.version(), reqwest::Version::HTTP_11);
        assert_eq!(r.text().await.unwrap(), "secure");
    }
    assert!(server.requests().iter().all(|r| r.tls));

    // a client that does not trust the CA fails the handshake
    let err = client().get(server.url("/")).send().await.unwrap_err();
    assert!(
        chain(&err).to_lowercase().contains("certificate"),
        "{}",
        chain(&err)
    );
    // the server notices the failure when the client's alert arrives
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.handshake_failures() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.handshake_failures(), 1);
    assert_eq!(server.hits("/"), 2);

    // the certificate the server presents expires in 5 days
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();
    let connector = tokio_rustls::TlsConnector::from(cert.client_config());
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let tls = connector.connect(name, tcp).await.expect("handshake");
    let peer = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
    let (_, x509) = x509_parser::parse_x509_certificate(&peer).unwrap();
    let not_after = x509.validity().not_after.timestamp();
    assert_eq!(not_after, cert.not_after().unix_timestamp());
    let in_5_days = (time::OffsetDateTime::now_utc() + time::Duration::days(5)).unix_timestamp();
    assert!(
        (not_after - in_5_days).abs() < 60,
        "{not_after} vs {in_5_days}"
    );

    let file = cert.ca_pem_file();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), cert.ca_pem());
    assert!(cert.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    drop(cert);
    assert!(!file.exists(), "the CA file goes with the TestCert");
}

#[tokio::test]
async fn tls_expired_certificate_is_rejected() {
    let cert = TestCert::expired();
    assert!(cert.not_after() < time::OffsetDateTime::now_utc());
    let server = TestServer::start_tls(vec![("/", Behaviour::Status(200))], &cert);
    let ca = reqwest::Certificate::from_pem(cert.ca_pem().as_bytes()).unwrap();
    let c = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let err = c.get(server.url("/")).send().await.unwrap_err();
    assert!(
        chain(&err).to_lowercase().contains("expired"),
        "{}",
        chain(&err)
    );
    assert_eq!(server.hits("/"), 0);
}

const ACTION_YML: &str = "\
name: throwaway
description: harness self-test action
inputs:
  greeting:
    description: echoed
    default: hi
  multi:
    description: multi-line
outputs:
  x:
    description: always 1
runs:
  using: docker
  image: Dockerfile
";

const SCRIPT: &str = r###"#!/bin/sh
echo "x=1" >> "$GITHUB_OUTPUT"
printf 'lines<<EOF\n%s\nEOF\n' "$INPUT_MULTI" >> "$GITHUB_OUTPUT"
echo 'results=[{"ok":true}]' >> "$GITHUB_OUTPUT"
echo "greeting=$INPUT_GREETING"
echo "env=$MY_ENV"
echo "::error::boom"
echo "::warning title=T::careful"
echo "## summary" >> "$GITHUB_STEP_SUMMARY"
exit 3
"###;

#[test]
fn runner_sim_runs_a_throwaway_action() {
    let dir = TempDir::new("action");
    let action = dir.write("action.yml", ACTION_YML);
    dir.write(
        "Dockerfile",
        "FROM scratch\nCOPY bin /bin\nENTRYPOINT [\"/bin\"]\n",
    );
    let script = dir.write_executable("bin.sh", SCRIPT);

    let report = Sim::new()
        .action(&action)
        .binary(script.to_str().unwrap())
        .with("greeting", "-dash-first")
        .with("multi", "line one\nline two")
        .env("MY_ENV", "from-env")
        .watch_secret("hunter2")
        .run();
    assert_eq!(report.exit_code(), 3, "{report}");
    assert_eq!(report.conclusion(), "failure");
    assert_eq!(report.output("x").as_deref(), Some("1"), "{report}");
    assert_eq!(
        report.output("lines").as_deref(),
        Some("line one\nline two"),
        "{report}"
    );
    assert_eq!(report.results(), serde_json::json!([{"ok": true}]));
    assert_eq!(report.annotations("error"), vec!["boom".to_string()]);
    assert_eq!(report.annotations("warning"), vec!["careful".to_string()]);
    assert!(report.annotations("notice").is_empty());
    assert_eq!(report.summary(), "## summary\n");
    let log = report.log();
    assert!(log.iter().any(|l| l == "greeting=-dash-first"), "{report}");
    assert!(log.iter().any(|l| l == "env=from-env"), "{report}");
    assert!(log.iter().any(|l| l == "##[error]boom"), "{report}");
    assert_eq!(report.leaks(), &serde_json::json!([]));
    assert_eq!(report.commands().as_array().unwrap().len(), 2);
    assert!(!report.masks().is_empty());
    assert!(report.wall > Duration::ZERO && report.wall < Duration::from_secs(30));
}

#[test]
#[should_panic(expected = "runner-sim failed")]
fn runner_sim_failure_panics_with_its_output() {
    let dir = TempDir::new("action");
    let action = dir.write("action.yml", ACTION_YML);
    Sim::new().action(&action).arg("--no-such-flag").run();
}

#[test]
fn runner_sim_secret_inputs_are_masked() {
    let dir = TempDir::new("action");
    let action = dir.write("action.yml", ACTION_YML);
    dir.write("Dockerfile", "FROM scratch\n");
    let script = dir.write_executable("bin.sh", "#!/bin/sh\necho \"got $INPUT_GREETING\"\n");
    let report = Sim::new()
        .action(&action)
        .binary(script.to_str().unwrap())
        .with_secret("greeting", "hunter2-secret")
        .run();
    assert_eq!(report.exit_code(), 0, "{report}");
    assert_eq!(report.conclusion(), "success");
    assert_eq!(report.leaks(), &serde_json::json!([]), "{report}");
    assert!(report.log().iter().any(|l| l == "got ***"), "{report}");
    assert!(report.masks().contains(&"hunter2-secret".to_string()));
    assert_eq!(report.summary(), "");
}

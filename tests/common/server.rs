//! A scriptable HTTP/1.1 server for black-box tests, written directly on tokio's
//! `TcpListener` so it can misbehave in ways mock crates cannot (hang, trickle,
//! reset, close without answering, stream gigabytes).
//!
//! Each `TestServer` owns a background thread with its own tokio runtime, so plain
//! `#[test]` functions (which run the action as a subprocess) can use it. It binds
//! 127.0.0.1:0, sets TCP_NODELAY, supports keep-alive, pipelining and
//! `Connection: close`, and records every request before answering it. Dropping the
//! `TestServer` stops the thread and closes every connection.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use super::tls::TestCert;

/// What the server does with a request to a route.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// That status, empty body, `Content-Length: 0` (no length for 1xx/204/304).
    Status(u16),
    /// Full control. `Content-Length` is added unless `headers` has `Content-Length`
    /// or `Transfer-Encoding` (then `body` is written as is, so a lying length or a
    /// hand-framed chunked body is possible).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The n-th request (0-based) to this path gets the n-th item; the last repeats.
    /// Items may themselves be `Delay`, `Hang`, ... Must not be empty.
    Sequence(Vec<Behaviour>),
    /// A redirect with `Location: location` (relative or absolute) and an empty body.
    Redirect { status: u16, location: String },
    /// Wait, then behave as the inner behaviour.
    Delay(Duration, Box<Behaviour>),
    /// Read the request, never answer; the connection closes when the client goes
    /// (or the server is dropped).
    Hang,
    /// Headers with `Transfer-Encoding: chunked` and no length, then `chunk` as one
    /// HTTP chunk right away and again every `every`, forever. An empty `chunk`
    /// sends nothing after the headers (a body that never starts).
    Trickle {
        status: u16,
        chunk: Vec<u8>,
        every: Duration,
    },
    /// `Content-Length: total + tail.len()`, then `total` bytes of b'a' generated
    /// on the fly in `chunk_size` writes (never held in memory), then `tail`.
    Huge {
        status: u16,
        total: u64,
        chunk_size: usize,
        tail: Vec<u8>,
    },
    /// Read the request, then close with RST (SO_LINGER 0): the client sees
    /// "connection reset by peer".
    Reset,
    /// Read the request, then close cleanly (FIN; close_notify over TLS) without
    /// answering.
    CloseWithoutResponse,
    /// `after` once `path` (another route on this server, matched without query) has been
    /// requested at least once and `delay` has passed since its first request; `before`
    /// until then. Decided when the request arrives (after any enclosing `Delay`). For "a
    /// service that is down until its restart hook is called, then comes up after a while".
    AfterHit {
        path: String,
        delay: Duration,
        before: Box<Behaviour>,
        after: Box<Behaviour>,
    },
}

impl Behaviour {
    /// `Respond` with a body and a `Content-Type`.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Behaviour {
        Behaviour::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// `Respond` with a `text/plain; charset=utf-8` body.
    pub fn text(status: u16, body: &str) -> Behaviour {
        Behaviour::body(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// `Respond` with an `application/json` body.
    pub fn json(status: u16, body: &serde_json::Value) -> Behaviour {
        Behaviour::body(status, "application/json", body.to_string().into_bytes())
    }

    /// `Respond` with the given headers and body.
    pub fn with_headers(
        status: u16,
        headers: &[(&str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> Behaviour {
        Behaviour::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    /// `Redirect`.
    pub fn redirect(status: u16, location: &str) -> Behaviour {
        Behaviour::Redirect {
            status,
            location: location.into(),
        }
    }

    /// `Delay(after, Box::new(then))`.
    pub fn delay(after: Duration, then: Behaviour) -> Behaviour {
        Behaviour::Delay(after, Box::new(then))
    }

    /// `AfterHit`: `before` until `path` was first requested `delay` ago, then `after`.
    pub fn after_hit(
        path: &str,
        delay: Duration,
        before: Behaviour,
        after: Behaviour,
    ) -> Behaviour {
        Behaviour::AfterHit {
            path: path.to_string(),
            delay,
            before: Box::new(before),
            after: Box::new(after),
        }
    }

    fn validate(&self) {
        match self {
            Behaviour::Sequence(items) => {
                assert!(!items.is_empty(), "Behaviour::Sequence must not be empty");
                items.iter().for_each(Behaviour::validate);
            }
            Behaviour::Delay(_, inner) => inner.validate(),
            Behaviour::AfterHit { before, after, .. } => {
                before.validate();
                after.validate();
            }
            _ => {}
        }
    }

    /// The behaviour for the n-th request: unwraps `Sequence` (not `Delay` or `AfterHit`).
    fn pick(&self, n: usize) -> &Behaviour {
        match self {
            Behaviour::Sequence(items) => items[n.min(items.len() - 1)].pick(n),
            other => other,
        }
    }
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request-target as sent: path and query (or absolute-form for proxies).
    pub path: String,
    /// e.g. "HTTP/1.1".
    pub version: String,
    /// Lowercase header name → values in arrival order.
    pub headers: BTreeMap<String, Vec<String>>,
    /// The body (Content-Length or de-chunked).
    pub body: Vec<u8>,
    /// When the request head (request line and headers) had been read completely.
    pub at: Instant,
    /// 0-based serial number of the TCP connection it came on (for keep-alive checks).
    pub connection: usize,
    pub tls: bool,
}

impl Recorded {
    /// The path without query or fragment (what routes match on).
    pub fn route(&self) -> &str {
        route_of(&self.path)
    }

    /// The query string without '?', if any.
    pub fn query(&self) -> Option<&str> {
        let p = self.path.split('#').next().unwrap_or("");
        p.split_once('?').map(|(_, q)| q)
    }

    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// All values of a header (name matched case-insensitively).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// The body as (lossy) UTF-8.
    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (panics with the body when it is not JSON).
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", self.body_str()))
    }
}

fn route_of(target: &str) -> &str {
    let mut t = target;
    if let Some(rest) = t
        .strip_prefix("http://")
        .or_else(|| t.strip_prefix("https://"))
    {
        t = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    }
    let end = t.find(['?', '#']).unwrap_or(t.len());
    &t[..end]
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    per_route: HashMap<String, usize>,
    /// When each route was first requested (for `Behaviour::AfterHit`).
    first_hit: HashMap<String, Instant>,
    connections: usize,
    handshake_failures: usize,
}

struct Shared {
    routes: HashMap<String, Behaviour>,
    state: Mutex<State>,
    tls: bool,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running test server; see the module docs. Dropping it stops it.
pub struct TestServer {
    port: u16,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Plain HTTP. `routes` match the path without query exactly; others get 404.
    pub fn start(routes: Vec<(&str, Behaviour)>) -> TestServer {
        Self::spawn(routes, None)
    }

    /// HTTPS with `cert`'s leaf (for 127.0.0.1 and localhost), ALPN http/1.1.
    pub fn start_tls(routes: Vec<(&str, Behaviour)>, cert: &TestCert) -> TestServer {
        Self::spawn(routes, Some(cert.server_config()))
    }

    fn spawn(routes: Vec<(&str, Behaviour)>, tls: Option<Arc<ServerConfig>>) -> TestServer {
        let mut map = HashMap::new();
        for (path, behaviour) in routes {
            behaviour.validate();
            assert!(
                map.insert(path.to_string(), behaviour).is_none(),
                "route {path} given twice"
            );
        }
        let shared = Arc::new(Shared {
            routes: map,
            state: Mutex::new(State::default()),
            tls: tls.is_some(),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("set_nonblocking");
        let port = listener.local_addr().expect("local_addr").port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("test-server-{port}"))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("test server runtime");
                rt.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("tokio listener");
                    let acceptor = tls.map(TlsAcceptor::from);
                    tokio::select! {
                        _ = accept_loop(listener, thread_shared, acceptor) => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime drops every connection task (and so its socket).
                drop(rt);
            })
            .expect("spawn test server thread");
        TestServer {
            port,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn is_tls(&self) -> bool {
        self.shared.tls
    }

    /// "http://127.0.0.1:PORT{path}" (https for a TLS server).
    pub fn url(&self, path: &str) -> String {
        self.url_for_host("127.0.0.1", path)
    }

    /// "http://localhost:PORT{path}" (https for a TLS server).
    pub fn localhost_url(&self, path: &str) -> String {
        self.url_for_host("localhost", path)
    }

    fn url_for_host(&self, host: &str, path: &str) -> String {
        let scheme = if self.shared.tls { "https" } else { "http" };
        format!("{scheme}://{host}:{}{path}", self.port)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state().requests.clone()
    }

    /// The requests whose path without query is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.route() == path)
            .cloned()
            .collect()
    }

    /// The latest request to `path`, if any.
    pub fn last_request(&self, path: &str) -> Option<Recorded> {
        self.requests_to(path).pop()
    }

    /// How many requests had `path` (without query) as their path.
    pub fn hits(&self, path: &str) -> usize {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.route() == path)
            .count()
    }

    /// Arrival times of the requests to `path`.
    pub fn hit_times(&self, path: &str) -> Vec<Instant> {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.route() == path)
            .map(|r| r.at)
            .collect()
    }

    /// TCP connections accepted so far (including failed TLS handshakes).
    pub fn connections(&self) -> usize {
        self.shared.state().connections
    }

    /// TLS handshakes that failed (e.g. the client rejected the certificate).
    pub fn handshake_failures(&self) -> usize {
        self.shared.state().handshake_failures
    }

    /// Polls until `path` has at least `n` hits; false on timeout.
    pub fn wait_for_hits(&self, path: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.hits(path) >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, then released; another
/// process could in theory take it again, but the kernel rarely reuses it soon).
pub fn refused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

// ---- connection handling ---------------------------------------------------------

trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    fn tcp(&self) -> &TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<TlsAcceptor>) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            // e.g. EMFILE: back off instead of spinning
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = sock.set_nodelay(true);
        let conn = {
            let mut st = shared.state();
            st.connections += 1;
            st.connections - 1
        };
        let shared = shared.clone();
        match &tls {
            None => {
                tokio::spawn(serve_conn(sock, shared, conn));
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor.accept(sock).await {
                        Ok(stream) => serve_conn(stream, shared, conn).await,
                        Err(_) => shared.state().handshake_failures += 1,
                    }
                });
            }
        }
    }
}

enum After {
    KeepAlive,
    /// Graceful close (FIN, or close_notify + FIN over TLS).
    Close,
    /// Drop the socket as it is (RST when SO_LINGER 0 was set).
    Drop,
}

async fn serve_conn<S: Conn>(mut s: S, shared: Arc<Shared>, conn: usize) {
    let mut buf = Vec::new();
    loop {
        let Ok(Some(req)) = read_request(&mut s, &mut buf).await else {
            return;
        };
        let route = route_of(&req.path).to_string();
        let n = {
            let mut st = shared.state();
            let counter = st.per_route.entry(route.clone()).or_insert(0);
            let n = *counter;
            *counter += 1;
            st.first_hit.entry(route.clone()).or_insert(req.at);
            st.requests.push(Recorded {
                method: req.method.clone(),
                path: req.path.clone(),
                version: req.version.clone(),
                headers: req.headers.clone(),
                body: req.body.clone(),
                at: req.at,
                connection: conn,
                tls: shared.tls,
            });
            n
        };
        let not_found = Behaviour::Status(404);
        let behaviour = shared.routes.get(&route).unwrap_or(&not_found);
        match respond(&mut s, &req, behaviour, n, &shared).await {
            Ok(After::KeepAlive) if !req.wants_close() => continue,
            Ok(After::KeepAlive) | Ok(After::Close) => {
                let _ = s.shutdown().await;
                return;
            }
            Ok(After::Drop) | Err(_) => return,
        }
    }
}

async fn respond<S: Conn>(
    s: &mut S,
    req: &Request,
    behaviour: &Behaviour,
    n: usize,
    shared: &Shared,
) -> io::Result<After> {
    let head_only = req.method.eq_ignore_ascii_case("HEAD");
    let close = req.wants_close();
    let mut b = behaviour.pick(n);
    loop {
        match b {
            Behaviour::Delay(d, inner) => {
                tokio::time::sleep(*d).await;
                b = inner.pick(n);
            }
            Behaviour::AfterHit {
                path,
                delay,
                before,
                after,
            } => {
                let since = shared.state().first_hit.get(path.as_str()).copied();
                let due = since.is_some_and(|t| t.elapsed() >= *delay);
                b = if due { after } else { before }.pick(n);
            }
            _ => break,
        }
    }
    match b {
        Behaviour::Status(status) => {
            let mut headers = Vec::new();
            if has_body_framing(*status) {
                headers.push(("Content-Length".to_string(), "0".to_string()));
            }
            write_head(s, *status, &headers, close).await?;
            s.flush().await?;
            Ok(After::KeepAlive)
        }
        Behaviour::Respond {
            status,
            headers,
            body,
        } => {
            let mut headers = headers.clone();
            let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
            if !has("content-length") && !has("transfer-encoding") && has_body_framing(*status) {
                headers.push(("Content-Length".to_string(), body.len().to_string()));
            }
            let user_close = headers.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close")
            });
            write_head(s, *status, &headers, close).await?;
            if !head_only {
                s.write_all(body).await?;
            }
            s.flush().await?;
            Ok(if user_close {
                After::Close
            } else {
                After::KeepAlive
            })
        }
        Behaviour::Redirect { status, location } => {
            let headers = vec![
                ("Location".to_string(), location.clone()),
                ("Content-Length".to_string(), "0".to_string()),
            ];
            write_head(s, *status, &headers, close).await?;
            s.flush().await?;
            Ok(After::KeepAlive)
        }
        Behaviour::Hang => {
            let mut scratch = [0u8; 4096];
            while matches!(s.read(&mut scratch).await, Ok(n) if n > 0) {}
            Ok(After::Drop)
        }
        Behaviour::Trickle {
            status,
            chunk,
            every,
        } => {
            let headers = vec![("Transfer-Encoding".to_string(), "chunked".to_string())];
            write_head(s, *status, &headers, close).await?;
            s.flush().await?;
            if head_only {
                return Ok(After::KeepAlive);
            }
            let every = (*every).max(Duration::from_millis(1));
            let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
            frame.extend_from_slice(chunk);
            frame.extend_from_slice(b"\r\n");
            loop {
                if !chunk.is_empty() {
                    s.write_all(&frame).await?;
                    s.flush().await?;
                }
                tokio::time::sleep(every).await;
            }
        }
        Behaviour::Huge {
            status,
            total,
            chunk_size,
            tail,
        } => {
            let len = total + tail.len() as u64;
            let headers = vec![("Content-Length".to_string(), len.to_string())];
            write_head(s, *status, &headers, close).await?;
            if !head_only {
                let filler = vec![b'a'; (*chunk_size).max(1)];
                let mut left = *total;
                while left > 0 {
                    let k = left.min(filler.len() as u64) as usize;
                    s.write_all(&filler[..k]).await?;
                    left -= k as u64;
                }
                s.write_all(tail).await?;
            }
            s.flush().await?;
            Ok(After::KeepAlive)
        }
        Behaviour::Reset => {
            s.tcp().set_zero_linger()?;
            Ok(After::Drop)
        }
        Behaviour::CloseWithoutResponse => Ok(After::Close),
        Behaviour::Sequence(_) | Behaviour::Delay(..) | Behaviour::AfterHit { .. } => {
            unreachable!("unwrapped above")
        }
    }
}

fn has_body_framing(status: u16) -> bool {
    !(100..200).contains(&status) && status != 204 && status != 304
}

async fn write_head<S: Conn>(
    s: &mut S,
    status: u16,
    headers: &[(String, String)],
    close: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("connection"))
    {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

// ---- request parsing -------------------------------------------------------------

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

struct Request {
    method: String,
    path: String,
    version: String,
    headers: BTreeMap<String, Vec<String>>,
    body: Vec<u8>,
    at: Instant,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    fn connection_has(&self, token: &str) -> bool {
        self.headers.get("connection").is_some_and(|values| {
            values
                .iter()
                .flat_map(|v| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    }

    fn wants_close(&self) -> bool {
        self.connection_has("close")
            || (self.version.eq_ignore_ascii_case("HTTP/1.0") && !self.connection_has("keep-alive"))
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

async fn read_more<S: Conn>(s: &mut S, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut tmp = [0u8; 16 * 1024];
    let n = s.read(&mut tmp).await?;
    buf.extend_from_slice(&tmp[..n]);
    Ok(n)
}

/// Reads until `buf.len() >= need`.
async fn fill<S: Conn>(s: &mut S, buf: &mut Vec<u8>, need: usize) -> io::Result<()> {
    while buf.len() < need {
        if read_more(s, buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(())
}

/// Index of the "\r\n" ending the line that starts at `from`.
async fn line_end<S: Conn>(s: &mut S, buf: &mut Vec<u8>, from: usize) -> io::Result<usize> {
    loop {
        if let Some(i) = find(&buf[from..], b"\r\n") {
            return Ok(from + i);
        }
        if buf.len() - from > MAX_HEAD {
            return Err(invalid("line too long"));
        }
        if read_more(s, buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request; `Ok(None)` when the client closed the connection between requests.
async fn read_request<S: Conn>(s: &mut S, buf: &mut Vec<u8>) -> io::Result<Option<Request>> {
    let head_end = loop {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while buf.starts_with(b"\r\n") {
            buf.drain(..2);
        }
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        if read_more(s, buf).await? == 0 {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end - 4]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(path), version) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("bad request line"));
    };
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            headers
                .entry(name.trim().to_ascii_lowercase())
                .or_default()
                .push(value.trim().to_string());
        }
    }
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        version: version.unwrap_or("HTTP/0.9").to_string(),
        headers,
        body: Vec::new(),
        at: Instant::now(),
    };
    if req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        s.flush().await?;
    }
    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let mut pos = head_end;
    if chunked {
        loop {
            let end = line_end(s, buf, pos).await?;
            let size_text = String::from_utf8_lossy(&buf[pos..end]).into_owned();
            let size_text = size_text.split(';').next().unwrap_or("").trim();
            let size =
                usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
            pos = end + 2;
            if size == 0 {
                // trailers, up to an empty line
                loop {
                    let end = line_end(s, buf, pos).await?;
                    let empty = end == pos;
                    pos = end + 2;
                    if empty {
                        break;
                    }
                }
                break;
            }
            if req.body.len() + size > MAX_BODY {
                return Err(invalid("request body too large"));
            }
            fill(s, buf, pos + size + 2).await?;
            req.body.extend_from_slice(&buf[pos..pos + size]);
            pos += size + 2;
        }
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| invalid("bad content-length"))?;
        if len > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        fill(s, buf, pos + len).await?;
        req.body = buf[pos..pos + len].to_vec();
        pos += len;
    }
    buf.drain(..pos);
    Ok(Some(req))
}

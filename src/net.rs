//! HTTP plumbing every request shares. It owns the trust store (the compiled-in webpki roots,
//! `ca-cert`, and the file `SSL_CERT_FILE` names), the one client for the side channels (Slack,
//! the restart hook, the heartbeat and the GitHub API), body reads with a size cap,
//! `Retry-After`, transport errors in words, and the side channels' one retry loop (`retry`).
//! The URL checks build their own client (their
//! redirect rules, `insecure`) on the same trust store.

use std::error::Error as StdError;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Client, ClientBuilder, Response};

pub mod retry;

/// Every client says who it is.
pub const USER_AGENT: &str = concat!("upcheck/", env!("CARGO_PKG_VERSION"));

/// A side channel's connect limit (each caller also bounds its whole request).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct ClientError(String);

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> ClientError {
        ClientError(e.to_string())
    }
}

/// The roots every client trusts beyond the compiled-in webpki roots: `ca-cert`'s certificates
/// and those of `SSL_CERT_FILE`.
#[derive(Clone, Default)]
pub struct Trust {
    extra: Vec<reqwest::Certificate>,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Trust({} extra roots)", self.extra.len())
    }
}

impl Trust {
    /// The trust store from `ca-cert` (PEM, already validated by the config) and the file named
    /// by `SSL_CERT_FILE`. A `ca-cert` that cannot be used is an error; an `SSL_CERT_FILE` that
    /// cannot be read or holds no usable certificate is only a warning (returned), since the
    /// variable may be set for other tools.
    pub fn new(
        ca_pem: Option<&[u8]>,
        ssl_cert_file: Option<&Path>,
    ) -> Result<(Trust, Option<String>), ClientError> {
        let mut extra = Vec::new();
        if let Some(pem) = ca_pem {
            extra.extend(usable_roots(pem).map_err(|why| ClientError(format!("ca-cert {why}")))?);
        }
        let mut warning = None;
        if let Some(path) = ssl_cert_file {
            let shown = path.display();
            match std::fs::read(path) {
                Err(e) => {
                    warning = Some(format!(
                        "SSL_CERT_FILE names {shown}, which cannot be read ({e}); its certificates are not trusted"
                    ));
                }
                Ok(pem) => match usable_roots(&pem) {
                    Ok(roots) => extra.extend(roots),
                    Err(why) => {
                        warning = Some(format!(
                            "SSL_CERT_FILE names {shown}, which {why}; its certificates are not trusted"
                        ));
                    }
                },
            }
        }
        Ok((Trust { extra }, warning))
    }

    /// `builder` with rustls, the webpki roots and these roots.
    pub fn apply(&self, builder: ClientBuilder) -> ClientBuilder {
        let mut builder = builder.use_rustls_tls().tls_built_in_root_certs(true);
        for cert in &self.extra {
            builder = builder.add_root_certificate(cert.clone());
        }
        builder
    }
}

/// The certificates of a PEM bundle that rustls accepts as roots; `Err` says why there are none
/// (or which one is broken). The one reading of a bundle: `config` refuses a `ca-cert` with it,
/// so that what it accepts every client accepts.
pub fn usable_roots(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    let mut out = Vec::new();
    for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
        let block = block.map_err(|_| "holds text that is not valid PEM".to_string())?;
        if block.label != "CERTIFICATE" {
            continue;
        }
        let der = rustls::pki_types::CertificateDer::from(block.contents.as_slice());
        rustls::RootCertStore::empty()
            .add(der)
            .map_err(|e| format!("holds a certificate that cannot be a root ({e})"))?;
        let cert = reqwest::Certificate::from_der(&block.contents)
            .map_err(|e| format!("holds a certificate that cannot be used ({e})"))?;
        out.push(cert);
    }
    if out.is_empty() {
        return Err("holds no PEM certificate".into());
    }
    Ok(out)
}

/// The client for Slack, the restart hook, the heartbeat and the GitHub API: the trust store,
/// no redirects (a secret URL's answer is not followed elsewhere), no `insecure`.
pub fn side_client(trust: &Trust) -> Result<Client, ClientError> {
    trust
        .apply(Client::builder())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
        .build()
        .map_err(ClientError::from)
}

/// An answer's body, read up to a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub bytes: Vec<u8>,
    /// The answer went on past the limit; the rest was not read.
    pub cut: bool,
}

impl Body {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Read at most `limit` bytes of `response`'s body; memory never grows past that, whatever the
/// server sends.
pub async fn read_capped(mut response: Response, limit: usize) -> Result<Body, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Body { bytes, cut: true });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body { bytes, cut: false })
}

/// The `Retry-After` of an answer.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// `Retry-After` as seconds or as an HTTP date (a date in the past is no wait).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Why a request got no answer, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// No answer within the request's limit (the caller knows the limit).
    Timeout,
    /// Nothing listens on the port.
    Refused,
    /// The server closed or reset the connection before answering in full.
    Reset,
    /// The host name could not be resolved; the resolver's words.
    Dns(String),
    Tls(TlsProblem),
    /// Another connection-level failure; the innermost error's words, made log-safe.
    Other(String),
}

/// What went wrong in a TLS handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    UnknownIssuer,
    Expired,
    NotValidYet,
    WrongName,
    Revoked,
    /// rustls's own words.
    Other(String),
}

impl TlsProblem {
    /// The problem without advice.
    pub fn plain(&self) -> String {
        match self {
            TlsProblem::UnknownIssuer => {
                "the certificate is not signed by a trusted authority".into()
            }
            TlsProblem::Expired => "the certificate has expired".into(),
            TlsProblem::NotValidYet => "the certificate is not valid yet".into(),
            TlsProblem::WrongName => "the certificate is not valid for this host name".into(),
            TlsProblem::Revoked => "the certificate was revoked".into(),
            TlsProblem::Other(words) => words.clone(),
        }
    }
}

/// For the side channels, which `insecure` does not reach.
impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())?;
        if *self == TlsProblem::UnknownIssuer {
            f.write_str(
                " (for a private CA or a TLS-inspecting proxy set ca-cert or SSL_CERT_FILE)",
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Timeout => f.write_str("no answer in time"),
            Transport::Refused => f.write_str("connection refused"),
            Transport::Reset => f.write_str("connection reset"),
            Transport::Dns(detail) => write!(f, "DNS lookup failed ({detail})"),
            Transport::Tls(problem) => write!(f, "TLS handshake failed: {problem}"),
            Transport::Other(detail) => write!(f, "connection failed: {detail}"),
        }
    }
}

/// Why a request that had `limit` got no answer, in words: "no answer within 10s" for a
/// timeout, else the transport's words.
pub fn unanswered(e: &reqwest::Error, limit: Duration) -> String {
    match classify(e) {
        Transport::Timeout => format!("no answer within {}s", limit.as_secs_f64().ceil() as u64),
        other => other.to_string(),
    }
}

/// Sort a reqwest error into a `Transport` by walking its source chain.
pub fn classify(e: &reqwest::Error) -> Transport {
    if e.is_timeout() {
        return Transport::Timeout;
    }
    let mut messages = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(tls) = find_tls(err) {
            return Transport::Tls(tls_problem(tls));
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Transport::Refused,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof => return Transport::Reset,
                std::io::ErrorKind::TimedOut => return Transport::Timeout,
                _ => {}
            }
        }
        if let Some(hyper) = err.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() {
                return Transport::Reset;
            }
        }
        messages.push(err.to_string());
        source = err.source();
    }
    let detail = crate::redact::log_safe(messages.last().map_or("", String::as_str));
    let all = messages.join(": ");
    if all.contains("dns error") || all.contains("failed to lookup address") {
        return Transport::Dns(detail);
    }
    Transport::Other(detail)
}

/// The rustls error behind `err`, also when it sits inside (nested) `io::Error`s, whose
/// `source()` skips the wrapped error.
fn find_tls<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    // The connector wraps it twice: io::Error(Other, io::Error(InvalidData, rustls::Error)).
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let io = err.downcast_ref::<std::io::Error>()?;
    find_tls(io.get_ref()?)
}

fn tls_problem(e: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotValidYet,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongName,
            C::Revoked => TlsProblem::Revoked,
            _ => TlsProblem::Other(e.to_string()),
        },
        other => TlsProblem::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        let wait = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn an_unusable_ssl_cert_file_is_a_warning_naming_it() {
        let missing = Path::new("/nonexistent/upcheck-roots.pem");
        let (trust, warning) = Trust::new(None, Some(missing)).unwrap();
        assert!(trust.extra.is_empty());
        let warning = warning.unwrap();
        assert!(
            warning.starts_with(
                "SSL_CERT_FILE names /nonexistent/upcheck-roots.pem, which cannot be read"
            ),
            "{warning}"
        );
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").unwrap();
        let (_, warning) = Trust::new(None, Some(&junk)).unwrap();
        assert!(warning.unwrap().contains("holds no PEM certificate"));
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let (_, warning) = Trust::new(None, Some(&broken)).unwrap();
        assert!(warning.unwrap().contains("cannot be a root"));
        dir.close().unwrap();
        assert!(side_client(&Trust::default()).is_ok());
    }

    #[test]
    fn tls_words_for_the_side_channels_name_ca_cert() {
        assert_eq!(
            Transport::Tls(TlsProblem::UnknownIssuer).to_string(),
            "TLS handshake failed: the certificate is not signed by a trusted authority (for a private CA or a TLS-inspecting proxy set ca-cert or SSL_CERT_FILE)"
        );
        assert_eq!(
            Transport::Tls(TlsProblem::Expired).to_string(),
            "TLS handshake failed: the certificate has expired"
        );
    }
}

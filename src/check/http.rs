//! The HTTP adapter: one reqwest client per run (rustls with compiled-in webpki roots, plus any
//! `ca-cert`), one attempt = one request followed through redirects, its body streamed through
//! the matchers, the whole bounded by `timeout`. Transport errors are sorted into `Failure`s.

use std::error::Error as StdError;
use std::time::{Duration, Instant};

use reqwest::redirect::{Attempt as RedirectAttempt, Policy};
use reqwest::Client;
use time::OffsetDateTime;
use url::Url;

use super::matcher::StreamMatcher;
use super::verdict::Answer;
use crate::config::{Checks, RequestSpec, MAX_REDIRECTS};
use crate::report::Failure;

/// The client could not be built (bad root certificates).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct ClientError(String);

/// Why a redirect was refused; carried through reqwest's error chain.
#[derive(Debug, thiserror::Error)]
enum RedirectRefusal {
    #[error("too many redirects")]
    TooMany,
    #[error("redirect loop")]
    Loop(String),
    #[error("redirect to {0}")]
    Scheme(String),
}

pub fn build_client(spec: &RequestSpec) -> Result<Client, ClientError> {
    let policy = if spec.follow_redirects {
        Policy::custom(redirect_policy)
    } else {
        Policy::none()
    };
    let mut builder = Client::builder()
        .use_rustls_tls()
        .tls_info(true)
        .redirect(policy)
        .connect_timeout(spec.timeout)
        .tcp_nodelay(true)
        .user_agent(concat!("upcheck/", env!("CARGO_PKG_VERSION")))
        .danger_accept_invalid_certs(spec.insecure);
    if let Some(pem) = &spec.ca_pem {
        for cert in
            reqwest::Certificate::from_pem_bundle(pem).map_err(|e| ClientError(e.to_string()))?
        {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| ClientError(e.to_string()))
}

fn redirect_policy(attempt: RedirectAttempt<'_>) -> reqwest::redirect::Action {
    let next = attempt.url().clone();
    if !matches!(next.scheme(), "http" | "https") {
        let scheme = format!("a {}: URL", next.scheme());
        return attempt.error(RedirectRefusal::Scheme(scheme));
    }
    if attempt.previous().contains(&next) {
        let shown = crate::redact::RedactedUrl::new(&next).to_string();
        return attempt.error(RedirectRefusal::Loop(shown));
    }
    if attempt.previous().len() > MAX_REDIRECTS {
        return attempt.error(RedirectRefusal::TooMany);
    }
    attempt.follow()
}

/// One attempt's outcome: an answer to judge, or a transport failure.
pub enum Outcome {
    Answered(Answer, Url),
    Failed(Failure, Duration),
}

/// Make one request (following redirects), stream its body through the matchers, all within
/// `spec.timeout`.
pub async fn attempt(client: &Client, url: &Url, spec: &RequestSpec, checks: &Checks) -> Outcome {
    let started = Instant::now();
    match tokio::time::timeout(spec.timeout, exchange(client, url, spec, checks, started)).await {
        Ok(Ok((answer, final_url))) => Outcome::Answered(answer, final_url),
        Ok(Err(e)) => Outcome::Failed(classify(&e, spec.timeout), started.elapsed()),
        Err(_) => Outcome::Failed(Failure::Timeout(spec.timeout), started.elapsed()),
    }
}

async fn exchange(
    client: &Client,
    url: &Url,
    spec: &RequestSpec,
    checks: &Checks,
    started: Instant,
) -> Result<(Answer, Url), reqwest::Error> {
    let mut response = client
        .request(spec.method.clone(), url.clone())
        .headers(spec.headers.clone())
        .send()
        .await?;
    let status = response.status().as_u16();
    // reqwest hands back a redirect it could not follow (no Location, or not a URL).
    let broken_redirect = spec.follow_redirects && matches!(status, 301 | 302 | 303 | 307 | 308);
    let final_url = response.url().clone();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let cert_not_after = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .and_then(certificate_expiry);

    let mut contains = checks.body_contains.as_deref().map(StreamMatcher::new);
    let mut forbidden = checks.body_not_contains.as_deref().map(StreamMatcher::new);
    while let Some(chunk) = response.chunk().await? {
        if let Some(m) = contains.as_mut() {
            m.feed(&chunk);
        }
        if let Some(m) = forbidden.as_mut() {
            m.feed(&chunk);
            if m.found() {
                break; // the verdict is settled; the rest of the body cannot change it
            }
        }
    }
    let answer = Answer {
        status,
        elapsed: started.elapsed(),
        contains_found: contains.map(|m| m.found()),
        forbidden_found: forbidden.map(|m| m.found()),
        retry_after,
        cert_not_after,
        broken_redirect,
    };
    Ok((answer, final_url))
}

/// `Retry-After` as seconds or as an HTTP date.
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

fn certificate_expiry(der: &[u8]) -> Option<OffsetDateTime> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.validity().not_after.to_datetime())
}

/// Sort a reqwest error into a plain-words failure by walking its source chain.
fn classify(e: &reqwest::Error, timeout: Duration) -> Failure {
    if e.is_timeout() {
        return Failure::Timeout(timeout);
    }
    let mut messages = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(refusal) = err.downcast_ref::<RedirectRefusal>() {
            return match refusal {
                RedirectRefusal::TooMany => Failure::TooManyRedirects(MAX_REDIRECTS),
                RedirectRefusal::Loop(url) => Failure::RedirectLoop(url.clone()),
                RedirectRefusal::Scheme(what) => {
                    Failure::BadRedirect(format!("it points to {what}"))
                }
            };
        }
        if let Some(tls) = find_tls(err) {
            return Failure::Tls(describe_tls(tls));
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Failure::Tls(describe_tls(tls));
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Failure::Refused,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof => return Failure::Reset,
                std::io::ErrorKind::TimedOut => return Failure::Timeout(timeout),
                _ => {}
            }
        }
        if let Some(hyper) = err.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() {
                return Failure::Reset;
            }
        }
        messages.push(err.to_string());
        source = err.source();
    }
    let all = messages.join(": ");
    if all.contains("dns error") || all.contains("failed to lookup address") {
        let detail = messages.last().cloned().unwrap_or_default();
        return Failure::Dns(crate::redact::log_safe(&detail));
    }
    if e.is_redirect() {
        return Failure::BadRedirect(crate::redact::log_safe(
            messages.last().map_or("", String::as_str),
        ));
    }
    Failure::Connection(crate::redact::log_safe(
        messages.last().map_or("", String::as_str),
    ))
}

/// The rustls error behind `err`, also when it sits inside (nested) `io::Error`s, whose `source()`
/// skips the wrapped error.
fn find_tls<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    // The connector wraps it twice: io::Error(Other, io::Error(InvalidData, rustls::Error)).
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let io = err.downcast_ref::<std::io::Error>()?;
    find_tls(io.get_ref()?)
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => "the certificate is not signed by a trusted authority (for a private CA set ca-cert; insecure: true skips the check)".into(),
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "the certificate is not valid yet".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => "the certificate is not valid for this host name".into(),
            C::Revoked => "the certificate was revoked".into(),
            _ => e.to_string(),
        },
        other => other.to_string(),
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
        assert_eq!(parse_retry_after("soon"), None);
    }
}

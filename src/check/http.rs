//! The HTTP adapter of the checks: one reqwest client per run (the shared trust store, `insecure`
//! on request), one attempt = one request followed through redirects by hand, its body streamed
//! through the matchers, the whole bounded by `timeout`. The user's headers (`headers`,
//! `basic-auth`, `cookie`) go only to the checked URL's origin: a redirect elsewhere drops them.
//! Transport errors are sorted into `Failure`s.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use reqwest::{Client, Method};
use time::OffsetDateTime;
use url::Url;

use super::matcher::StreamMatcher;
use super::verdict::Answer;
use super::Settings;
use crate::config::{RequestSpec, MAX_REDIRECTS};
use crate::net::{ClientError, TlsProblem, Transport, Trust};
use crate::redact::RedactedUrl;
use crate::report::Failure;

/// The client for the checked URLs: redirects are followed by `exchange`, not by reqwest.
pub fn build_client(spec: &RequestSpec, trust: &Trust) -> Result<Client, ClientError> {
    trust
        .apply(Client::builder())
        .tls_info(true)
        .redirect(Policy::none())
        .connect_timeout(spec.timeout)
        .tcp_nodelay(true)
        .user_agent(crate::net::USER_AGENT)
        .danger_accept_invalid_certs(spec.insecure)
        .build()
        .map_err(ClientError::from)
}

/// One attempt's outcome: an answer to judge, or a transport failure.
pub enum Outcome {
    Answered(Answer, Url),
    Failed(Failure, Duration),
}

/// Why an attempt got no answer to judge.
enum Broken {
    Transport(reqwest::Error),
    Redirect(Failure),
}

impl From<reqwest::Error> for Broken {
    fn from(e: reqwest::Error) -> Broken {
        Broken::Transport(e)
    }
}

/// Make one request (following redirects), stream its body through the matchers, all within
/// `spec.timeout`.
pub async fn attempt(client: &Client, url: &Url, settings: Settings<'_>) -> Outcome {
    let started = Instant::now();
    let timeout = settings.request.timeout;
    match tokio::time::timeout(timeout, exchange(client, url, settings, started)).await {
        Ok(Ok((answer, final_url))) => Outcome::Answered(answer, final_url),
        Ok(Err(Broken::Redirect(failure))) => Outcome::Failed(failure, started.elapsed()),
        Ok(Err(Broken::Transport(e))) => {
            let failure = classify(&e, timeout, url, settings.in_actions);
            Outcome::Failed(failure, started.elapsed())
        }
        Err(_) => Outcome::Failed(Failure::Timeout(timeout), started.elapsed()),
    }
}

/// The origin of a URL: scheme, host and port (the port a scheme implies counts as given).
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The user's headers (and so `basic-auth` and `cookie`) for a request to `current`: all of them
/// on the checked URL's origin, none elsewhere.
fn headers_for(current: &Url, checked: &Url, user: &HeaderMap) -> HeaderMap {
    if same_origin(current, checked) {
        user.clone()
    } else {
        HeaderMap::new()
    }
}

/// Where a redirect answer points, when it is one that is followed: `Ok(None)` for a status
/// that is not a redirect, `Err(())` for a redirect without a usable `Location`.
fn redirect_target(status: u16, headers: &HeaderMap, current: &Url) -> Result<Option<Url>, ()> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .ok_or(())?;
    let next = current.join(location).map_err(|_| ())?;
    // reqwest must be able to send it (a host is needed for http(s)).
    if matches!(next.scheme(), "http" | "https") && next.host_str().is_none_or(str::is_empty) {
        return Err(());
    }
    Ok(Some(next))
}

/// The method for the request after a redirect: 303 turns anything but HEAD into GET, 301 and
/// 302 turn POST into GET (as browsers do), 307 and 308 keep it.
fn method_after(status: u16, method: &Method) -> Method {
    match status {
        303 if *method != Method::HEAD => Method::GET,
        301 | 302 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    }
}

/// Whether to follow a redirect to `next` after `visited` (the checked URL first).
fn refuse_redirect(next: &Url, visited: &[Url]) -> Option<Failure> {
    if !matches!(next.scheme(), "http" | "https") {
        return Some(Failure::BadRedirect(format!(
            "it points to a {}: URL",
            next.scheme()
        )));
    }
    if visited.contains(next) {
        return Some(Failure::RedirectLoop(RedactedUrl::new(next).to_string()));
    }
    if visited.len() > MAX_REDIRECTS {
        return Some(Failure::TooManyRedirects(MAX_REDIRECTS));
    }
    None
}

async fn exchange(
    client: &Client,
    url: &Url,
    settings: Settings<'_>,
    started: Instant,
) -> Result<(Answer, Url), Broken> {
    let spec = settings.request;
    let checks = settings.checks;
    let mut visited = vec![url.clone()];
    let mut current = url.clone();
    let mut method = spec.method.clone();
    let (mut response, broken_redirect) = loop {
        let response = client
            .request(method.clone(), current.clone())
            .headers(headers_for(&current, url, &spec.headers))
            .send()
            .await?;
        let status = response.status().as_u16();
        if !spec.follow_redirects {
            break (response, false);
        }
        match redirect_target(status, response.headers(), &current) {
            Ok(None) => break (response, false),
            Err(()) => break (response, true),
            Ok(Some(next)) => {
                if let Some(refusal) = refuse_redirect(&next, &visited) {
                    return Err(Broken::Redirect(refusal));
                }
                method = method_after(status, &method);
                visited.push(next.clone());
                current = next;
            }
        }
    };
    let status = response.status().as_u16();
    let final_url = response.url().clone();
    let retry_after = crate::net::retry_after(response.headers());
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

fn certificate_expiry(der: &[u8]) -> Option<OffsetDateTime> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.validity().not_after.to_datetime())
}

/// Whether `url` is on this machine's loopback: `localhost` (and `*.localhost`), 127.0.0.0/8, ::1.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// Sort a reqwest error into a plain-words failure. `in_actions`: this is a container step,
/// whose loopback is its own, so a refused loopback URL says so.
fn classify(e: &reqwest::Error, timeout: Duration, url: &Url, in_actions: bool) -> Failure {
    match crate::net::classify(e) {
        Transport::Timeout => Failure::Timeout(timeout),
        Transport::Refused if in_actions && is_loopback(url) => Failure::RefusedInContainer,
        Transport::Refused => Failure::Refused,
        Transport::Reset => Failure::Reset,
        Transport::Dns(detail) => Failure::Dns(detail),
        Transport::Tls(TlsProblem::UnknownIssuer) => Failure::Tls(format!(
            "{} (for a private CA set ca-cert or SSL_CERT_FILE; insecure: true skips the check)",
            TlsProblem::UnknownIssuer.plain()
        )),
        Transport::Tls(problem) => Failure::Tls(problem.plain()),
        Transport::Other(detail) => Failure::Connection(detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        let a = u("https://api.example.com/health");
        assert!(same_origin(&a, &u("https://api.example.com:443/other?x=1")));
        assert!(!same_origin(&a, &u("http://api.example.com/health")));
        assert!(!same_origin(&a, &u("https://api.example.com:8443/health")));
        assert!(!same_origin(&a, &u("https://cdn.example.com/health")));
    }

    #[test]
    fn the_users_headers_go_only_to_the_checked_origin() {
        let checked = u("https://api.example.com/health");
        let mut user = HeaderMap::new();
        user.insert("x-api-key", "k".parse().unwrap());
        user.insert(
            reqwest::header::AUTHORIZATION,
            "Basic dTpw".parse().unwrap(),
        );
        user.insert(reqwest::header::COOKIE, "s=1".parse().unwrap());
        let chain = [
            ("https://api.example.com/login", 3),
            ("https://sso.example.com/auth", 0),
            ("http://api.example.com/plain", 0),
            ("https://api.example.com/back", 3),
        ];
        for (next, count) in chain {
            assert_eq!(
                headers_for(&u(next), &checked, &user).len(),
                count,
                "{next}"
            );
        }
    }

    #[test]
    fn redirects_resolve_their_location() {
        let here = u("http://a.test/x/y");
        let mut h = HeaderMap::new();
        assert_eq!(redirect_target(200, &h, &here), Ok(None));
        assert_eq!(redirect_target(302, &h, &here), Err(()));
        h.insert("location", "../z?q=1".parse().unwrap());
        assert_eq!(
            redirect_target(302, &h, &here),
            Ok(Some(u("http://a.test/z?q=1")))
        );
        assert_eq!(redirect_target(304, &h, &here), Ok(None));
        h.insert("location", "https://b.test/".parse().unwrap());
        assert_eq!(
            redirect_target(308, &h, &here),
            Ok(Some(u("https://b.test/")))
        );
    }

    #[test]
    fn redirects_change_the_method_as_browsers_do() {
        assert_eq!(method_after(303, &Method::POST), Method::GET);
        assert_eq!(method_after(303, &Method::HEAD), Method::HEAD);
        assert_eq!(method_after(302, &Method::POST), Method::GET);
        assert_eq!(method_after(301, &Method::PUT), Method::PUT);
        assert_eq!(method_after(307, &Method::POST), Method::POST);
        assert_eq!(method_after(308, &Method::DELETE), Method::DELETE);
    }

    #[test]
    fn refused_redirects() {
        let first = u("http://a.test/0");
        assert!(matches!(
            refuse_redirect(&u("ftp://a.test/f"), std::slice::from_ref(&first)),
            Some(Failure::BadRedirect(_))
        ));
        assert!(matches!(
            refuse_redirect(&first, std::slice::from_ref(&first)),
            Some(Failure::RedirectLoop(_))
        ));
        let chain: Vec<Url> = (0..=MAX_REDIRECTS)
            .map(|i| u(&format!("http://a.test/{i}")))
            .collect();
        assert_eq!(
            refuse_redirect(&u("http://a.test/next"), &chain[..MAX_REDIRECTS]),
            None
        );
        assert_eq!(
            refuse_redirect(&u("http://a.test/next"), &chain),
            Some(Failure::TooManyRedirects(MAX_REDIRECTS))
        );
    }

    #[test]
    fn loopback_urls() {
        for s in [
            "http://localhost:3000/",
            "http://LOCALHOST./",
            "http://app.localhost/",
            "http://127.0.0.1/",
            "http://127.8.9.10/",
            "http://[::1]:8080/",
        ] {
            assert!(is_loopback(&u(s)), "{s}");
        }
        for s in [
            "http://172.17.0.1/",
            "http://example.com/",
            "http://[::2]/",
            "http://localhost.example/",
        ] {
            assert!(!is_loopback(&u(s)), "{s}");
        }
    }
}

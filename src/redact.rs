//! Redaction: the shown form of a URL (`RedactedUrl`, `redact_raw`), a hook URL shown by its
//! host only and the parts of it that may be its secret, scrubbing known secrets out of text,
//! and `log_safe`, which keeps untrusted text from ever being read as a workflow command.

use std::fmt;

use serde::{Serialize, Serializer};
use url::Url;

/// A URL safe to show: no password, no user name, no query values, no fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    pub fn new(url: &Url) -> RedactedUrl {
        let mut shown = url.clone();
        shown.set_fragment(None);
        if !shown.username().is_empty() || shown.password().is_some() {
            let _ = shown.set_password(None);
            let _ = shown.set_username("***");
        }
        if shown.query().is_some() {
            let pairs: Vec<String> = url
                .query_pairs()
                .map(|(k, _)| {
                    let key: String = url::form_urlencoded::byte_serialize(k.as_bytes()).collect();
                    format!("{key}=***")
                })
                .collect();
            shown.set_query(Some(&pairs.join("&")));
        }
        RedactedUrl(shown.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RedactedUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Redact text that did not parse as a URL: anything before an `@` in the authority, and the
/// query, are replaced by `***`.
pub fn redact_raw(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(i) => (&text[..i + 3], &text[i + 3..]),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("***{}", &authority[at..]),
        None => authority.to_string(),
    };
    let tail = match tail.find('?') {
        Some(q) => format!("{}?***", &tail[..q]),
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

/// What `redact_raw` reads as user info in `text`: before an `@` in the authority after the first
/// `://` (`None` when there is none, or it is empty).
pub fn raw_user_info(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let user_info = &authority[..authority.rfind('@')?];
    (!user_info.is_empty()).then_some(user_info)
}

/// "https://hooks.example/…": what may be shown of a hook URL.
pub fn host_only(url: &Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}/…",
        url.scheme(),
        url.host_str().unwrap_or("")
    )
}

/// The parts of a hook URL that may be its secret: the whole URL, query values and long path
/// segments (a deploy hook's token usually sits in one of them).
pub fn secret_parts(url: &Url) -> Vec<String> {
    let mut parts = vec![url.to_string()];
    parts.extend(url.query_pairs().map(|(_, v)| v.into_owned()));
    parts.extend(
        url.path_segments()
            .into_iter()
            .flatten()
            .filter(|seg| seg.len() >= 8)
            .map(str::to_string),
    );
    parts.retain(|p| p.chars().count() >= 4);
    parts
}

/// `text` with every secret replaced by `***`, longest first.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 4).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in sorted {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// Make text safe to print on one log line: control characters become spaces, and the two ways
/// the runner recognises a workflow command are broken (`::` at the start of a line, after
/// whitespace, and `##[` anywhere). The result is a single line.
pub fn log_safe(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = one_line.replace("##[", "#\u{200b}#[");
    let trimmed = out.trim_start();
    if trimmed.starts_with("::") {
        let lead = out.len() - trimmed.len();
        out.insert(lead + 1, '\u{200b}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_safe_breaks_commands() {
        assert_eq!(log_safe("::error::x"), ":\u{200b}:error::x");
        assert_eq!(log_safe("  ::add-mask::x"), "  :\u{200b}:add-mask::x");
        assert_eq!(
            log_safe("a ##[set-output name=x]y"),
            "a #\u{200b}#[set-output name=x]y"
        );
        assert_eq!(log_safe("a\nb\r::c"), "a b ::c");
        assert_eq!(log_safe("fine :: text"), "fine :: text");
    }

    #[test]
    fn hook_urls_are_shown_by_their_host_and_scrubbed_from_answers() {
        let url =
            url::Url::parse("https://api.render.example:8443/deploy/srv-d7f3a9c2e1b4x?key=abc123")
                .unwrap();
        assert_eq!(host_only(&url), "https://api.render.example:8443/…");
        let parts = secret_parts(&url);
        assert_eq!(
            scrub("bad key abc123 for srv-d7f3a9c2e1b4x", &parts),
            "bad key *** for ***"
        );
    }

    #[test]
    fn raw_text_is_redacted() {
        assert_eq!(
            redact_raw("http://bob:pw@exa mple.com/x?t=1"),
            "http://***@exa mple.com/x?***"
        );
        assert_eq!(redact_raw("no scheme here"), "no scheme here");
        let url = Url::parse("https://bob:s3cret@api.example.com/h?token=abc123&x=1#frag").unwrap();
        assert_eq!(
            RedactedUrl::new(&url).as_str(),
            "https://***@api.example.com/h?token=***&x=***"
        );
    }
}

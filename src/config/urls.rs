//! URL lists: splitting the `url` input, validating each URL, and the redacted form that is the
//! only form ever shown (user info and query values replaced by `***`).

use url::Url;

use crate::redact::{raw_user_info, redact_raw, RedactedUrl};

/// One URL to check.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub url: Url,
    pub shown: RedactedUrl,
    /// The display name of a `Name=https://…` line, shown instead of the URL where a label is
    /// wanted (the redacted URL stays beside it).
    pub name: Option<String>,
    /// The URL's identity in the state between runs (`url_key`): derived from what is shown,
    /// never from a secret.
    pub key: String,
}

/// The key under which the state between runs (and the history) remembers a URL: 32 hex digits
/// of the SHA-256 of its redacted form (what is shown: no user info, no query values), and `-N`
/// for the N-th earlier URL of the input with the same redacted form (`?r=eu` and `?r=us` are
/// told apart by their order). It reveals nothing the redacted URL does not show, so a state
/// file readable by others leaks no token, and nothing can be brute-forced from it. Also
/// reachable as `state::url_key`.
pub fn url_key(shown: &RedactedUrl, position: usize) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(shown.as_str().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    if position == 0 {
        hex
    } else {
        format!("{hex}-{position}")
    }
}

impl Target {
    /// The parts of this URL that must be masked: user name, password and query values.
    pub fn secrets(&self) -> Vec<String> {
        url_secrets(&self.url)
    }

    /// The display name, else the shown URL.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.shown.as_str())
    }
}

/// Display names are at most this many characters.
pub const MAX_NAME_CHARS: usize = 100;

/// `Name=https://…`: the text before the first `=`, when that `=` comes before `://`, is a
/// display name (trimmed; not empty, at most 100 characters, no control characters). Returns
/// the name and the URL text.
pub fn split_name(piece: &str) -> Result<(Option<String>, &str), String> {
    let Some(eq) = piece.find('=') else {
        return Ok((None, piece));
    };
    if piece.find("://").is_none_or(|scheme| eq > scheme) {
        return Ok((None, piece));
    }
    let (name, url) = (piece[..eq].trim(), piece[eq + 1..].trim());
    let shown = || Url::parse(url).map_or_else(|_| redact_raw(url), |u| refused_form(url, &u));
    if name.is_empty() {
        return Err(format!(
            "the display name before `=` in {:?} is empty",
            crate::text::clip(&shown(), 200)
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the display name of {:?} is longer than {MAX_NAME_CHARS} characters",
            crate::text::clip(&shown(), 200)
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "the display name of {:?} holds a control character",
            crate::text::clip(&shown(), 200)
        ));
    }
    Ok((Some(name.to_string()), url))
}

/// What `redact_raw` reads as user info in `text`, unless it is only colons.
fn raw_user_of(text: &str) -> Option<&str> {
    raw_user_info(text).filter(|u| u.chars().any(|c| c != ':'))
}

/// How an error shows `text`, which parsed as `url`: redacted as the URL parser reads it, and as
/// the raw text reads (user info the parser takes for a path stays hidden).
fn refused_form(text: &str, url: &Url) -> String {
    match (raw_user_of(text), user_info_in_path(url)) {
        (Some(_), _) => redact_raw(text),
        (None, Some(user)) => {
            redact_raw(RedactedUrl::new(url).as_str()).replacen(&format!("//{user}@"), "//***@", 1)
        }
        (None, None) => redact_raw(RedactedUrl::new(url).as_str()),
    }
}

/// After a doubled or mistyped scheme the URL parser reads the user info as the path's start:
/// `//user:pw@host/…`. What stands before the `@` there.
fn user_info_in_path(url: &Url) -> Option<&str> {
    let rest = url.path().strip_prefix("//")?;
    let segment = &rest[..rest.find('/').unwrap_or(rest.len())];
    let user = &segment[..segment.rfind('@')?];
    (!user.is_empty()).then_some(user)
}

/// The user name, password and query values of a URL (raw and percent-decoded): what must be
/// masked.
pub fn url_secrets(url: &Url) -> Vec<String> {
    let mut out = Vec::new();
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    for raw in [url.username(), url.password().unwrap_or("")] {
        if !raw.is_empty() {
            out.push(raw.to_string());
            out.push(decode(raw));
        }
    }
    if let Some(query) = url.query() {
        for piece in query.split('&') {
            if let Some((_, value)) = piece.split_once('=') {
                out.push(value.to_string());
                out.push(decode(value));
            }
        }
    }
    out
}

/// Split on newlines and `|`, trim, drop empty pieces, and check each URL.
pub fn parse_url_list(value: &str) -> Result<Vec<Target>, String> {
    let mut targets: Vec<Target> = Vec::new();
    for piece in value.split(['\n', '|']).map(str::trim) {
        if piece.is_empty() {
            continue;
        }
        let (name, piece) = split_name(piece)?;
        let url = Url::parse(piece).map_err(|e| {
            format!(
                "{:?} is not a valid URL ({e})",
                crate::text::clip(&redact_raw(piece), 200)
            )
        })?;
        // User info the URL parser reads as something else: text before an `@` after the first
        // `://` in another scheme's opaque path (`htps:https://user:pw@host`) or before a `\`
        // in the host (`https://host\user:pw@x`), or at the start of the path after a doubled
        // or mistyped scheme (`https://https://user:pw@host`, `ftp:http://user:pw@host`). It is
        // never shown, and an http(s) URL holding it is refused.
        let raw_user = raw_user_of(piece);
        let path_user = user_info_in_path(&url);
        let parsed_user = !url.username().is_empty() || url.password().is_some();
        let refused = || refused_form(piece, &url);
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{:?} is not an http or https URL", refused()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("{:?} has no host", refused()));
        }
        // An http(s) URL would be requested, and shown, with that user info as its path.
        if (raw_user.is_some() || path_user.is_some()) && !parsed_user {
            return Err(format!(
                "{:?} has user info where the URL reads a path (a doubled or mistyped scheme?)",
                crate::text::clip(&refused(), 200)
            ));
        }
        let shown = RedactedUrl::new(&url);
        let position = targets.iter().filter(|t| t.shown == shown).count();
        let key = url_key(&shown, position);
        targets.push(Target {
            url,
            shown,
            name,
            key,
        });
    }
    if targets.is_empty() {
        return Err("no URL given".into());
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trims_and_drops_empty() {
        let list = parse_url_list(" http://a/ | https://b/x\n\n http://c:8080/y |").unwrap();
        let shown: Vec<&str> = list.iter().map(|t| t.shown.as_str()).collect();
        assert_eq!(shown, ["http://a/", "https://b/x", "http://c:8080/y"]);
    }

    #[test]
    fn rejects_other_schemes_and_empty() {
        assert!(parse_url_list("ftp://x")
            .unwrap_err()
            .contains("not an http or https URL"));
        assert_eq!(parse_url_list(" | \n").unwrap_err(), "no URL given");
        assert!(parse_url_list("not a url")
            .unwrap_err()
            .contains("not a valid URL"));
    }

    #[test]
    fn keys_tell_apart_what_redaction_hides() {
        let list = parse_url_list("https://h/?r=eu\nhttps://h/?r=us\nhttps://h/?r=eu").unwrap();
        assert_eq!(list[0].shown, list[1].shown);
        assert_ne!(list[0].key, list[1].key);
        assert_eq!(list[1].key, format!("{}-1", list[0].key));
        assert_eq!(list[2].key, format!("{}-2", list[0].key));
        assert_eq!(list[0].key.len(), 32);
        assert_eq!(list[0].key, url_key(&list[0].shown, 0));
    }

    #[test]
    fn display_names_before_the_scheme() {
        let list = parse_url_list(
            " Shop = https://shop.example/?k=v | https://h/?a=b=c\nAPI (EU)=http://api/x",
        )
        .unwrap();
        assert_eq!(list[0].name.as_deref(), Some("Shop"));
        assert_eq!(list[0].shown.as_str(), "https://shop.example/?k=***");
        assert_eq!(list[0].label(), "Shop");
        assert_eq!(list[1].name, None, "an `=` after :// is the URL's");
        assert_eq!(list[1].label(), "https://h/?a=***");
        assert_eq!(list[2].name.as_deref(), Some("API (EU)"));
        // The name does not change the key: renaming keeps the history.
        assert_eq!(list[0].key, url_key(&list[0].shown, 0));

        let e = parse_url_list(" =https://bob:pw-secret@h/").unwrap_err();
        assert!(
            e.contains("display name before `=`") && e.contains("***@h"),
            "{e}"
        );
        assert!(!e.contains("pw-secret"), "{e}");
        let long = format!("{}=https://h/", "n".repeat(101));
        assert!(parse_url_list(&long)
            .unwrap_err()
            .contains("longer than 100"));
        assert!(parse_url_list("a\u{7}b=https://h/")
            .unwrap_err()
            .contains("control character"));
        assert!(parse_url_list(&format!("{}=https://h/", "n".repeat(100))).is_ok());
    }

    #[test]
    fn user_info_in_another_schemes_path_is_redacted() {
        // Found by fuzzing: `httftpp:` is a scheme of its own, so the URL parser saw the
        // credentials only as part of an opaque path and the error showed them.
        let e = parse_url_list("httftpp:http://bob:pw@a/ x").unwrap_err();
        assert!(!e.contains("bob") && !e.contains("pw@"), "{e}");
        assert!(e.contains("is not an http or https URL"), "{e}");
    }

    #[test]
    fn user_info_the_url_reads_as_a_path_is_never_shown() {
        // Found by fuzzing: after `ftp:` without `//`, `http` is the host and `//bob:pw@…` the
        // path, which the error showed as it is.
        let e = parse_url_list("ftp:http://bob:pw@[b:43591//1:p\0!/!\u{19}\0q=1").unwrap_err();
        assert!(!e.contains("bob") && !e.contains("pw@"), "{e}");
        assert!(e.contains("is not an http or https URL"), "{e}");
        // As an http(s) URL it would be requested and shown with the password in its path.
        for given in [
            "https:http://bob:pw@host/",
            "https://https://bob:pw@host/",
            "https://host\\bob:pw@x/",
        ] {
            let e = parse_url_list(given).unwrap_err();
            assert!(!e.contains("bob") && !e.contains("pw@"), "{given}: {e}");
            assert!(
                e.contains("has user info where the URL reads a path"),
                "{e}"
            );
        }
        // User info where the URL parser reads it too is masked as ever.
        let list = parse_url_list("https://bob:pw@host/ | https://h/a://b@c").unwrap();
        assert_eq!(list[0].shown.as_str(), "https://***@host/");
        assert_eq!(list[1].shown.as_str(), "https://h/a://b@c");
    }

    #[test]
    fn a_display_name_error_shows_the_url_redacted() {
        // Found by fuzzing, no leak: the user info `l char` of the text after the name is shown
        // only as the error's own words ("a contro|l char|acter").
        let e =
            parse_url_list("http\0\0\0pw@?q=2b`8443/ttp://l char@tle/9+]v/htt\u{14}h").unwrap_err();
        assert_eq!(
            e,
            "the display name of \"2b`8443/ttp://***@tle/9+]v/htt\\u{14}h\" holds a control character"
        );
    }

    #[test]
    fn a_display_name_error_hides_user_info_the_url_reads_as_a_path() {
        // Found by fuzzing: the display-name errors showed the URL as the parser reads it, the
        // user info in its path included.
        let e = parse_url_list("\0\0q=http:/tp://bob:pw@a/\u{1}\0\x003://p:b)pw@").unwrap_err();
        assert!(e.starts_with("the display name of "), "{e}");
        assert!(!e.contains("bob:pw"), "{e}");
        let e = parse_url_list("=htps:https://bob:pw@a/").unwrap_err();
        assert!(e.contains("is empty") && !e.contains("bob"), "{e}");
    }

    #[test]
    fn unparsable_urls_are_redacted_too() {
        assert_eq!(
            redact_raw("http://bob:pw@exa mple.com/x?t=1"),
            "http://***@exa mple.com/x?***"
        );
        assert_eq!(redact_raw("no scheme here"), "no scheme here");
        let e = parse_url_list("http://bob:pw-secret@exa mple.com/").unwrap_err();
        assert!(!e.contains("pw-secret"), "{e}");
    }

    #[test]
    fn redacts_user_info_and_query_values() {
        let url = Url::parse("https://bob:s3cret@api.example.com/h?token=abc123&x=1#frag").unwrap();
        assert_eq!(
            RedactedUrl::new(&url).as_str(),
            "https://***@api.example.com/h?token=***&x=***"
        );
        let t = Target {
            shown: RedactedUrl::new(&url),
            key: url_key(&RedactedUrl::new(&url), 0),
            name: None,
            url,
        };
        let secrets = t.secrets();
        assert!(secrets.contains(&"s3cret".to_string()));
        assert!(secrets.contains(&"bob".to_string()));
        assert!(secrets.contains(&"abc123".to_string()));
    }

    #[test]
    fn decodes_encoded_secrets() {
        let url = Url::parse("https://h/?k=a%20b%2Fc").unwrap();
        let t = Target {
            shown: RedactedUrl::new(&url),
            key: url_key(&RedactedUrl::new(&url), 0),
            name: None,
            url,
        };
        assert!(t.secrets().contains(&"a b/c".to_string()));
    }
}

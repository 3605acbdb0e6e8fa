//! The `url` input: `config::parse_url_list`. Every URL kept is http(s) with a host, its shown
//! form is a URL without user info, query values or fragment, keys are distinct; an error is one
//! line and never shows the user info or query of the text it could not parse.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use upcheck::config::{parse_url_list, MAX_NAME_CHARS};
use upcheck::redact::RedactedUrl;
use upcheck_fuzz::{assert_no_secret, assert_one_line, text};
use url::{ParseError, Url};

/// Every reason the URL parser gives, which an error quotes in its own words.
const PARSE_ERRORS: [ParseError; 10] = [
    ParseError::EmptyHost,
    ParseError::IdnaError,
    ParseError::InvalidPort,
    ParseError::InvalidIpv4Address,
    ParseError::InvalidIpv6Address,
    ParseError::InvalidDomainCharacter,
    ParseError::RelativeUrlWithoutBase,
    ParseError::RelativeUrlWithCannotBeABaseBase,
    ParseError::SetHostOnCannotBeABaseUrl,
    ParseError::Overflow,
];

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    match parse_url_list(value) {
        Ok(targets) => {
            assert!(!targets.is_empty());
            let mut keys = HashSet::new();
            for t in &targets {
                assert!(matches!(t.url.scheme(), "http" | "https"), "{value:?}");
                assert!(t.url.host_str().is_some_and(|h| !h.is_empty()), "{value:?}");
                assert_eq!(t.shown, RedactedUrl::new(&t.url));
                let shown = t.shown.as_str();
                assert_one_line("a shown URL", shown);
                let back = Url::parse(shown)
                    .unwrap_or_else(|e| panic!("the shown {shown:?} is not a URL: {e}"));
                assert!(back.password().is_none(), "{shown:?} shows a password");
                assert!(
                    matches!(back.username(), "" | "***"),
                    "{shown:?} shows a user name"
                );
                assert!(back.fragment().is_none(), "{shown:?} shows a fragment");
                for (k, v) in back.query_pairs() {
                    assert_eq!(v, "***", "{shown:?} shows the value of {k}");
                }
                let (hex, repeat) = t.key.split_once('-').unwrap_or((&t.key, "0"));
                assert!(
                    hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                    "key {:?}",
                    t.key
                );
                assert!(repeat.parse::<usize>().is_ok(), "key {:?}", t.key);
                assert!(
                    keys.insert(t.key.clone()),
                    "two URLs share the key {}",
                    t.key
                );
            }
        }
        Err(e) => {
            assert_one_line("a URL list error", &e);
            // What comes before an `@` in an authority and a query stay hidden. Text written
            // in the clear elsewhere in the input (outside any authority or query) is public.
            let mut public = value.to_string();
            let mut secrets = Vec::new();
            for piece in value.split(['\n', '|']).map(str::trim) {
                // Without `://` there is no authority to speak of (`a:b@c` is a path).
                let Some((_, rest)) = piece.split_once("://") else {
                    continue;
                };
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (authority, tail) = rest.split_at(end);
                if let Some(at) = authority.rfind('@') {
                    secrets.push(&authority[..at]);
                }
                if let Some(q) = tail.find('?') {
                    secrets.push(&tail[q + 1..]);
                }
            }
            for s in &secrets {
                public = public.replacen(s, "", 1);
            }
            // The error's own words, quoted the way it quotes a URL (after a redacted piece too).
            let mut words: Vec<String> = [
                "\" is not an http or https URL".to_string(),
                "\" has no host".to_string(),
                "\" has user info where the URL reads a path (a doubled or mistyped scheme?)"
                    .to_string(),
                "no URL given".to_string(),
                "the display name before `=` in \"".to_string(),
                "\" is empty".to_string(),
                "the display name of \"".to_string(),
                format!("\" is longer than {MAX_NAME_CHARS} characters"),
                "\" holds a control character".to_string(),
            ]
            .into_iter()
            .chain(
                PARSE_ERRORS
                    .iter()
                    .map(|e| format!("\" is not a valid URL ({e})")),
            )
            .collect();
            words.extend(words.clone().iter().map(|w| format!("***{w}")));
            for s in secrets {
                assert_no_secret("a URL list error", &e, s, &public, &words);
            }
        }
    }
});

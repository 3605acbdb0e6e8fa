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
            // Each piece is public but for its own secrets, taken out where they stand.
            let mut public = String::new();
            let mut secrets = Vec::new();
            for piece in value.split(['\n', '|']).map(str::trim) {
                public.push(' ');
                // Without `://` there is no authority to speak of (`a:b@c` is a path).
                let Some((before, rest)) = piece.split_once("://") else {
                    public.push_str(piece);
                    continue;
                };
                public.push_str(before);
                public.push_str("://");
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (authority, tail) = rest.split_at(end);
                match authority.rfind('@') {
                    Some(at) => {
                        secrets.push(&authority[..at]);
                        public.push_str(&authority[at..]);
                    }
                    None => public.push_str(authority),
                }
                match tail.find('?') {
                    Some(q) => {
                        secrets.push(&tail[q + 1..]);
                        public.push_str(&tail[..=q]);
                    }
                    None => public.push_str(tail),
                }
            }
            // The error shows a URL that parsed in the parser's own form (`//@a/` as `//a/`, `\`
            // as `/`): that form of a piece's clear parts is clear too, unless user info may
            // hide in its path.
            for piece in value.split(['\n', '|']).map(str::trim) {
                let text = match (piece.find('='), piece.find("://")) {
                    (Some(eq), Some(scheme)) if eq < scheme => piece[eq + 1..].trim(),
                    _ => piece,
                };
                let Ok(mut url) = Url::parse(text) else {
                    continue;
                };
                // The scheme as the parser writes it (`httpH:` as `httph:`).
                public.push(' ');
                public.push_str(url.scheme());
                public.push(':');
                let raw_user = text.split_once("://").is_some_and(|(_, rest)| {
                    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
                    authority
                        .rfind('@')
                        .is_some_and(|at| authority[..at].chars().any(|c| c != ':'))
                });
                if !raw_user && url.path().starts_with("//") {
                    // User info read as a path is masked up to its segment's last `@`; what
                    // follows is shown as the parser writes it, and is clear.
                    let path = &url.path()[2..];
                    let segment = &path[..path.find('/').unwrap_or(path.len())];
                    if let Some(at) = segment.rfind('@') {
                        public.push(' ');
                        public.push_str(&path[at..]);
                    }
                    continue;
                }
                if raw_user {
                    continue;
                }
                if url.cannot_be_a_base() {
                    // An opaque path, as the parser writes it (`\0` as `%00`), stands before
                    // any query: without user info it is clear.
                    public.push(' ');
                    public.push_str(url.scheme());
                    public.push(':');
                    public.push_str(url.path());
                    continue;
                }
                let _ = url.set_username("");
                let _ = url.set_password(None);
                url.set_fragment(None);
                // With a query, the parser's form up to its `?` (`ftp://ftp?k` as `ftp://ftp/?`).
                let had_query = url.query().is_some();
                url.set_query(None);
                public.push(' ');
                public.push_str(url.as_str());
                if had_query {
                    public.push('?');
                }
            }
            // The error quotes the URL escaped (`{:?}`): the escapes of the clear text are clear.
            let public = format!("{public} {public:?}");
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
            // A secret holding the error's own marks (the mask `***`, the quote closing the
            // URL) can meet them in the message beside clear text (`/b:` `?***` `" is not`), a
            // whole mask or part of one: each piece between `*`s and quotes is a secret of its
            // own.
            for s in secrets.iter().flat_map(|s| s.split(['*', '"'])) {
                assert_no_secret("a URL list error", &e, s, &public, &words);
            }
        }
    }
});

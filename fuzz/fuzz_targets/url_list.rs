//! The `url` input: `config::parse_url_list`. Every URL kept is http(s) with a host, its shown
//! form is a URL without user info, query values or fragment, keys are distinct; an error is one
//! line and never shows the user info or a query value of the text it could not parse: the same
//! list with other secrets fails with the same words.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use upcheck::config::parse_url_list;
use upcheck::redact::RedactedUrl;
use upcheck_fuzz::{assert_one_line, text};
use url::Url;

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
            // The same list with every secret's letters and digits changed (structure kept) must
            // fail with the very same words: an error that shows any part of a secret, in any
            // form (raw, escaped, percent-encoded, parsed), differs.
            let twin = with_secrets_changed(value);
            match parse_url_list(&twin) {
                Err(e2) => assert_eq!(
                    e, e2,
                    "a URL list error changes with the secrets it should hide:\n{value:?}\n{twin:?}"
                ),
                Ok(_) => panic!("{value:?} is refused but {twin:?}, with other secrets, is not"),
            }
        }
    }
});

/// `value` with the letters and digits of each piece's secrets changed to others of their kind:
/// what stands before the last `@` of the authority after the first `://`, and the value of each
/// query pair (the shown form keeps a query's keys). Everything else, and every other character,
/// stays, so the list parses to the same structure.
fn with_secrets_changed(value: &str) -> String {
    let mut out: Vec<char> = value.chars().collect();
    let mut secret = vec![false; value.len()];
    for piece in value.split(['\n', '|']) {
        let base = piece.as_ptr() as usize - value.as_ptr() as usize;
        let Some(scheme_end) = piece.find("://").map(|i| i + 3) else {
            continue;
        };
        let rest = &piece[scheme_end..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            let from = base + scheme_end;
            secret[from..from + at].fill(true);
            // The error hides all of it, but where a `\` ends the authority (`http://h\u@x`)
            // the URL parser reads the text before it as the host (after any leading `\`,
            // which it skips, as it drops every tab and carriage return): changing that would
            // change the parser's verdict, not what the error shows of it.
            let start = at - rest[..at].trim_start_matches(['\\', '\t', '\r']).len();
            if let Some(slash) = rest[start..at].find('\\').map(|i| start + i) {
                let host = rest[start..slash]
                    .rfind('@')
                    .map_or(start, |a| start + a + 1);
                secret[from + host..from + slash].fill(false);
            }
        }
        let tail = &rest[end..];
        let Some(q) = tail.find('?') else { continue };
        let query_at = base + scheme_end + end + q + 1;
        let query = &tail[q + 1..];
        let mut at = 0;
        for pair in query.split('&') {
            if let Some(eq) = pair.find('=') {
                secret[query_at + at + eq + 1..query_at + at + pair.len()].fill(true);
            }
            at += pair.len() + 1;
        }
    }
    for (i, (at, _)) in value.char_indices().enumerate() {
        if secret[at] {
            out[i] = changed(out[i]);
        }
    }
    out.into_iter().collect()
}

/// Another letter or digit of the same kind (`a` to `b`, `Z` to `A`, `9` to `0`); others stay.
fn changed(c: char) -> char {
    let next = |first: u8, n: u8| char::from(first + (c as u8 - first + 1) % n);
    match c {
        'a'..='z' => next(b'a', 26),
        'A'..='Z' => next(b'A', 26),
        '0'..='9' => next(b'0', 10),
        _ => c,
    }
}

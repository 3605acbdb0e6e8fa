//! What the fuzz targets share: building a `Config` from one input the way the binary does, and
//! the checks every message must pass (one line, no secret).

use upcheck::config::{Config, InputError, RawInputs};

/// The text of fuzz input, when it is UTF-8 (inputs reach the binary as strings).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `Config::from_inputs` with one URL and whatever `set` adds: the path every input takes.
pub fn config_with(set: impl FnOnce(&mut RawInputs)) -> (RawInputs, Result<Config, InputError>) {
    let mut raw = RawInputs {
        url: Some("http://127.0.0.1:9/health".into()),
        ..RawInputs::default()
    };
    set(&mut raw);
    let result = Config::from_inputs(raw.clone(), None);
    (raw, result)
}

/// A message shown in a log or an `::error::` line: never a raw control character (a newline
/// would start a new line the runner reads as a command).
pub fn assert_one_line(what: &str, message: &str) {
    if let Some(c) = message.chars().find(|c| c.is_control()) {
        panic!("{what} holds the control character {c:?}: {message:?}");
    }
}

/// `secret` is not shown in `message`. It is no secret when `clear`, the parts of the input
/// written in the clear (a header name, a line without a value), holds it too. Otherwise each
/// place it occurs in `message` must lie inside one place where a text of `shown_anyway` occurs:
/// texts built without the secret that the message may show whole (its fixed words with their
/// quotes, a header name quoted the way the message quotes it). A secret made of the message's
/// own words is no leak there; its text anywhere else in the message is one.
pub fn assert_no_secret<S: AsRef<str>>(
    what: &str,
    message: &str,
    secret: &str,
    clear: &str,
    shown_anyway: &[S],
) {
    let secret = secret.trim();
    if secret.chars().count() < 4 || !message.contains(secret) || clear.contains(secret) {
        return;
    }
    let spans: Vec<(usize, usize)> = shown_anyway
        .iter()
        .map(AsRef::as_ref)
        .filter(|t| !t.is_empty())
        .flat_map(|t| places(message, t).map(move |at| (at, at + t.len())))
        .collect();
    for at in places(message, secret) {
        let end = at + secret.len();
        assert!(
            spans.iter().any(|&(from, to)| from <= at && end <= to),
            "{what} shows the secret {secret:?}: {message:?}"
        );
    }
}

/// Every byte offset where `part` starts in `text`, overlapping ones included.
fn places<'a>(text: &'a str, part: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.char_indices()
        .map(|(at, _)| at)
        .filter(move |&at| text[at..].starts_with(part))
}

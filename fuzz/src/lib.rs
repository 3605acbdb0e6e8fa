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

/// `secret` does not appear in `message`, unless it also appears in `public`, the parts of the
/// input the message may show (a header name, a template word), where it is no secret.
pub fn assert_no_secret(what: &str, message: &str, secret: &str, public: &str) {
    let secret = secret.trim();
    if secret.chars().count() < 4 || public.contains(secret) {
        return;
    }
    assert!(
        !message.contains(secret),
        "{what} shows the secret {secret:?}: {message:?}"
    );
}

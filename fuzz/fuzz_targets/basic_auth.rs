//! `basic-auth`: `Config::from_inputs`. The Authorization header is `Basic` and the base64 of
//! the value, marked sensitive, its token and the password are secrets to mask; an error never
//! shows the value (a value made of the error's own words is shown only as those words).
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use upcheck::config::raw_secrets;
use upcheck_fuzz::{assert_no_secret, assert_one_line, config_with, text};

const PROBLEMS: [&str; 2] = [
    "the value has no colon",
    "the value has characters a header cannot carry",
];
const ACCEPTED: &str = "use user:password";

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    let (raw, result) = config_with(|raw| raw.basic_auth = Some(value.to_string()));
    let given = value.trim();
    match result {
        Ok(config) => {
            let header = config.request.headers.get("authorization");
            if given.is_empty() {
                assert!(header.is_none(), "an empty basic-auth sends a header");
                return;
            }
            let header = header.expect("basic-auth sends Authorization");
            assert!(header.is_sensitive());
            let token = base64::engine::general_purpose::STANDARD.encode(given);
            assert_eq!(header.as_bytes(), format!("Basic {token}").as_bytes());
            assert!(config.secrets.contains(&token), "the token is not masked");
            let (_, password) = given.split_once(':').expect("accepted means a colon");
            let masked = raw_secrets(&raw, None);
            if !password.trim().is_empty() {
                assert!(
                    masked.iter().any(|s| s == password.trim()),
                    "the password is not masked"
                );
            }
        }
        Err(e) => {
            assert_eq!(e.input, "basic-auth");
            assert!(PROBLEMS.contains(&e.problem.as_str()), "{e}");
            let message = e.to_string();
            assert_one_line("a basic-auth error", &message);
            // The error's own words, whole: built without the value. Nothing of the value is
            // in the clear.
            let shown_anyway = PROBLEMS.map(|p| format!("input `basic-auth`: {p}; {ACCEPTED}"));
            assert_no_secret("a basic-auth error", &message, given, "", &shown_anyway);
            if let Some((user, password)) = given.split_once(':') {
                assert_no_secret("a basic-auth error", &message, password, "", &shown_anyway);
                assert_no_secret("a basic-auth error", &message, user, "", &shown_anyway);
            }
        }
    }
});

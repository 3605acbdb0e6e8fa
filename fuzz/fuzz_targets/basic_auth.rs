//! `basic-auth`: `Config::from_inputs`. The Authorization header is `Basic` and the base64 of
//! the value, marked sensitive, its token and the password are secrets to mask; an error never
//! shows the value.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use upcheck::config::raw_secrets;
use upcheck_fuzz::{assert_no_secret, assert_one_line, config_with, text};

const PROBLEMS: [&str; 2] = [
    "the value has no colon",
    "the value has characters a header cannot carry",
];

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
            let public = format!("{} {}", PROBLEMS.join(" "), e.accepted);
            assert_no_secret("a basic-auth error", &message, given, &public);
            if let Some((user, password)) = given.split_once(':') {
                assert_no_secret("a basic-auth error", &message, password, &public);
                assert_no_secret("a basic-auth error", &message, user, &public);
            }
        }
    }
});

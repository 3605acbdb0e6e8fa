//! `ca-cert` given as PEM text: `Config::from_inputs` (its `load_ca`). PEM it accepts must also
//! be accepted by `check::build_client`, which loads it into the TLS roots; an error is one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck::check::build_client;
use upcheck_fuzz::{assert_one_line, config_with, text};

const PROBLEMS: [&str; 2] = [
    "it holds a PEM block that is not a valid certificate",
    "no PEM certificate found in it",
];

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    // Without a PEM header the value is a file path: not this target's business.
    if !value.contains("-----BEGIN") {
        return;
    }
    let (_, result) = config_with(|raw| raw.ca_cert = Some(value.to_string()));
    match result {
        Ok(config) => {
            let pem = config.request.ca_pem.as_deref().expect("ca-cert is kept");
            assert_eq!(pem, value.trim().as_bytes());
            let trust = upcheck::net::Trust::new(Some(pem), None)
                .map(|(trust, _)| trust)
                .unwrap_or_else(|e| {
                    panic!("ca-cert accepted {value:?}, but the roots reject it: {e}")
                });
            if let Err(e) = build_client(&config.request, &trust) {
                panic!("ca-cert accepted {value:?}, but the client rejects it: {e}");
            }
        }
        Err(e) => {
            assert_eq!(e.input, "ca-cert");
            assert!(PROBLEMS.contains(&e.problem.as_str()), "{e}");
            assert_one_line("a ca-cert error", &e.to_string());
        }
    }
});

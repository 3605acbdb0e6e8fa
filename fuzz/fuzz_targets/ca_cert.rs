//! `ca-cert` given as PEM text: `Config::from_inputs` (its `load_ca`). It accepts exactly what the
//! HTTP client accepts: PEM it accepts loads into the TLS roots (`net::Trust`) and builds a client
//! (`check::build_client`); PEM it refuses the roots refuse too, for the reason the error names.
//! An error is one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck::check::build_client;
use upcheck::net::Trust;
use upcheck_fuzz::{assert_one_line, config_with, text};

/// The reasons the roots give for a bundle they cannot use.
const PROBLEMS: [&str; 4] = [
    "it holds text that is not valid PEM",
    "it holds a certificate that cannot be a root (",
    "it holds a certificate that cannot be used (",
    "it holds no PEM certificate",
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
            let trust = Trust::new(Some(pem), None)
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
            assert!(PROBLEMS.iter().any(|p| e.problem.starts_with(p)), "{e}");
            assert_one_line("a ca-cert error", &e.to_string());
            match Trust::new(Some(value.trim().as_bytes()), None) {
                Ok(_) => panic!("ca-cert refused {value:?}, which the roots accept: {e}"),
                Err(why) => assert!(
                    why.to_string().ends_with(&e.problem["it ".len()..]),
                    "ca-cert says {e:?}, the roots {why}"
                ),
            }
        }
    }
});

//! `headers` and `heal-headers`: `Config::from_inputs` (its `header_lines`). Every value is sent
//! marked sensitive and is a secret to mask; an error is one line and never shows a value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck_fuzz::{assert_no_secret, assert_one_line, config_with, text};

const TEMPLATES: &str = "the line starting has no colon is not a valid header name \
                         the value of has characters a header cannot carry";

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Some(value) = text(rest) else { return };
    let heal = which & 1 == 1;
    let (_, result) = config_with(|raw| {
        if heal {
            raw.heal_headers = Some(value.to_string());
        } else {
            raw.headers = Some(value.to_string());
        }
    });
    let lines: Vec<&str> = value
        .trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match result {
        Ok(config) => {
            let headers = if heal {
                &config.heal.headers
            } else {
                &config.request.headers
            };
            assert_eq!(headers.len(), lines.len(), "{value:?}");
            for (name, v) in headers {
                assert!(v.is_sensitive(), "{name} is not marked sensitive");
                let v = std::str::from_utf8(v.as_bytes())
                    .expect("a header from text is text")
                    .trim();
                if !v.is_empty() {
                    assert!(
                        config.secrets.iter().any(|s| s == v),
                        "the value of {name} is not a secret to mask"
                    );
                }
            }
        }
        Err(e) => {
            assert_eq!(e.input, if heal { "heal-headers" } else { "headers" });
            let message = e.to_string();
            assert_one_line("a headers error", &message);
            let names: Vec<String> = lines
                .iter()
                .filter_map(|l| l.split_once(':'))
                .map(|(n, _)| format!("{n} {}", n.to_ascii_lowercase()))
                .collect();
            // A line without a colon has no value: the error may quote it as it is.
            let bare: Vec<&str> = lines.iter().copied().filter(|l| !l.contains(':')).collect();
            let public = format!(
                "{TEMPLATES} {} {} {}",
                names.join(" "),
                bare.join(" "),
                e.accepted
            );
            for (_, v) in lines.iter().filter_map(|l| l.split_once(':')) {
                assert_no_secret("a headers error", &message, v, &public);
            }
        }
    }
});

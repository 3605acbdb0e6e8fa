//! `headers` and `heal-headers`: `Config::from_inputs` (its `header_lines`). Every value is sent
//! marked sensitive and is a secret to mask; an error is one line and never shows a value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck::redact::redact_raw;
use upcheck::text::clip;
use upcheck_fuzz::{assert_no_secret, assert_one_line, config_with, text};

const ACCEPTED: &str = "give one `Name: value` header per line";

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
            let input = if heal { "heal-headers" } else { "headers" };
            assert_eq!(e.input, input);
            let message = e.to_string();
            assert_one_line("a headers error", &message);
            // In the clear: the names, and the lines without a colon (they have no value).
            let names: Vec<&str> = lines
                .iter()
                .filter_map(|l| l.split_once(':'))
                .map(|(n, _)| n.trim())
                .collect();
            let bare: Vec<&str> = lines.iter().copied().filter(|l| !l.contains(':')).collect();
            let clear = format!(
                "{} {} {}",
                names.join(" "),
                names.join(" ").to_ascii_lowercase(),
                bare.join(" ")
            );
            let clear = format!("{clear} {clear:?}");
            // What the error may show, each built from a name or a bare line and the error's
            // own words, quoted and clipped the way it quotes them; never from a value.
            let mut shown_anyway = Vec::new();
            for name in &names {
                shown_anyway.push(format!("{:?} is not a valid header name", clip(name, 40)));
                shown_anyway.push(format!(
                    "the value of {} has characters a header cannot carry",
                    name.to_ascii_lowercase()
                ));
            }
            for line in &bare {
                let redacted = redact_raw(line);
                let first = clip(redacted.split_whitespace().next().unwrap_or(""), 40);
                shown_anyway.push(format!("the line starting {first:?} has no colon"));
            }
            let shown_anyway: Vec<String> = shown_anyway
                .iter()
                .map(|problem| format!("input `{input}`: {problem}; {ACCEPTED}"))
                .collect();
            for (_, v) in lines.iter().filter_map(|l| l.split_once(':')) {
                assert_no_secret("a headers error", &message, v, &clear, &shown_anyway);
            }
        }
    }
});

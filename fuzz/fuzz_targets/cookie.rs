//! `cookie`: `Config::from_inputs`. The Cookie header is the value, marked sensitive, and every
//! cookie's value is a secret to mask; an error is one line and never shows a cookie's value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck_fuzz::{assert_no_secret, assert_one_line, config_with, text};

const TEMPLATES: &str = "has no `=` the value has characters a header cannot carry";

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    let (_, result) = config_with(|raw| raw.cookie = Some(value.to_string()));
    let given = value.trim();
    let pairs: Vec<&str> = given
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match result {
        Ok(config) => {
            let header = config.request.headers.get("cookie");
            if given.is_empty() {
                assert!(header.is_none());
                return;
            }
            let header = header.expect("a cookie sends Cookie");
            assert!(header.is_sensitive());
            assert_eq!(header.as_bytes(), given.as_bytes());
            for pair in pairs {
                let (_, v) = pair
                    .split_once('=')
                    .expect("accepted means every pair has =");
                let v = v.trim();
                if !v.is_empty() {
                    assert!(
                        config.secrets.iter().any(|s| s == v),
                        "the value of {pair:?} is not masked"
                    );
                }
            }
        }
        Err(e) => {
            assert_eq!(e.input, "cookie");
            let message = e.to_string();
            assert_one_line("a cookie error", &message);
            // Pieces without `=` (which the message may name) and the templates are public.
            let names: Vec<&str> = pairs
                .iter()
                .map(|p| p.split_once('=').map_or(*p, |(n, _)| n))
                .collect();
            let public = format!("{TEMPLATES} {} {}", names.join(" "), e.accepted);
            // The error quotes a piece escaped (`{:?}`): its escapes are public too.
            let public = format!("{public} {public:?}");
            // What the error may show whole, built from a piece without `=` and its own words,
            // quoted and clipped the way it quotes them; never from a value.
            let accepted = "use Name=Value, several joined with `; `";
            let mut shown_anyway: Vec<String> = pairs
                .iter()
                .filter(|p| !p.contains('='))
                .map(|p| {
                    format!(
                        "input `cookie`: {:?} has no `=`; {accepted}",
                        upcheck::text::clip(p, 40)
                    )
                })
                .collect();
            shown_anyway.push(format!(
                "input `cookie`: the value has characters a header cannot carry; {accepted}"
            ));
            for (_, v) in pairs.iter().filter_map(|p| p.split_once('=')) {
                assert_no_secret("a cookie error", &message, v, &public, &shown_anyway);
            }
        }
    }
});

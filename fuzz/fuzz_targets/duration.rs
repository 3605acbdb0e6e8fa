//! Durations (`timeout`, `retry-delay`, `remind-every`, `heal-*`): `config::parse_duration`, and
//! `text::format_duration`, which every message uses to show one.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use upcheck::config::parse_duration;
use upcheck::text::format_duration;
use upcheck_fuzz::{assert_one_line, text};

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    match parse_duration(value) {
        Ok(d) => {
            let shown = format_duration(d);
            assert_one_line("a shown duration", &shown);
            let again = parse_duration(&shown).unwrap_or_else(|e| {
                panic!("{value:?} is {d:?}, shown as {shown:?}, which does not parse: {e}")
            });
            // What the shown form keeps: milliseconds below 1 s, hundredths below 1 min, whole
            // seconds above.
            let kept = if d < Duration::from_secs(1) {
                Duration::from_millis(1)
            } else if d < Duration::from_secs(60) {
                Duration::from_millis(6)
            } else {
                Duration::from_secs(1)
            };
            assert!(
                d.abs_diff(again) < kept,
                "{value:?} is {d:?}, shown as {shown:?}, which reads back as {again:?}"
            );
            assert_eq!(
                format_duration(again),
                shown,
                "{value:?}: the shown form {shown:?} is not shown the same way when read back"
            );
        }
        Err(e) => assert_one_line("a duration error", &e),
    }
});

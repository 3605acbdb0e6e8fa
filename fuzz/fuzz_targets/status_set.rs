//! `expected-status`: `config::StatusSet::parse`, its shown form and `contains`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck::config::StatusSet;
use upcheck_fuzz::{assert_one_line, text};

fuzz_target!(|data: &[u8]| {
    let Some(value) = text(data) else { return };
    match StatusSet::parse(value) {
        Ok(set) => {
            let shown = set.to_string();
            assert_one_line("a shown status set", &shown);
            let again = StatusSet::parse(&shown)
                .unwrap_or_else(|e| panic!("{value:?} is shown as {shown:?}, which fails: {e}"));
            assert_eq!(again.to_string(), shown, "{value:?}");
            assert!(
                (100..=599).any(|c| set.contains(c)),
                "{value:?} parsed as a set with no status"
            );
            for code in (0..=1000).chain([u16::MAX]) {
                assert_eq!(
                    set.contains(code),
                    again.contains(code),
                    "{value:?} and its shown form {shown:?} disagree on {code}"
                );
                if !(100..=599).contains(&code) {
                    assert!(!set.contains(code), "{value:?} contains {code}");
                }
            }
        }
        Err(e) => assert_one_line("a status set error", &e),
    }
});

//! `history.json` as `history-url` fetches it: any bytes through `history::public::parse`. An
//! accepted file renders back (through the same renderer the status site uses) and parses again
//! to the same history; a refused one is an error whose message is one line; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upcheck::history::{self, public};
use upcheck_fuzz::assert_one_line;

fuzz_target!(|data: &[u8]| {
    let parsed = match public::parse(data) {
        Ok(p) => p,
        Err(e) => {
            assert_one_line("a history.json error", &e.to_string());
            return;
        }
    };
    // Keyed by slug (unique in an accepted file), in file order.
    let generated = parsed.generated;
    let before: Vec<_> = parsed.urls.iter().map(|u| u.history.clone()).collect();
    let slugs: Vec<String> = parsed.urls.iter().map(|u| u.slug.clone()).collect();
    let h = parsed.into_history(|u| Some(u.slug.clone()));
    let keys: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let entries = history::entries(&h, &keys);
    assert_eq!(entries.len(), before.len(), "a parsed URL was lost");
    let again = public::parse(public::render(&entries, generated).as_bytes())
        .unwrap_or_else(|e| panic!("a rendered history.json does not parse: {e}"));
    assert_eq!(again.generated, generated);
    let after: Vec<_> = again.urls.into_iter().map(|u| u.history).collect();
    assert_eq!(after, before, "a history changed through render and parse");
    // The other renderers take any accepted history without panicking.
    let _ = history::site::files(&entries, generated, "fuzz");
    let _ = history::output::render(&entries, generated);
    let _ = history::summary::render(&entries, generated);
});

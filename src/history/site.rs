//! Every file of the status site, as `(relative path, bytes)`, for the caller to write under
//! `status-dir`: `index.html`, `history.json`, `badge/<slug>-*.svg` and `api/<slug>/*.json`.

use time::OffsetDateTime;

use super::{badge, page, public, Entry};

/// The site for these URLs, with the page titled `title`.
pub fn files(entries: &[Entry<'_>], now: OffsetDateTime, title: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        (
            "index.html".to_string(),
            page::render(entries, now, title).into_bytes(),
        ),
        (
            "history.json".to_string(),
            public::render(entries, now).into_bytes(),
        ),
    ];
    for e in entries {
        out.extend(badge::files(e, now));
    }
    out
}

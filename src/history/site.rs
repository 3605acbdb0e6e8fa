//! Every file of the status site, as `(relative path, bytes)`, for the caller to write under
//! `status-dir`: `index.html`, `history.json`, `badge/<slug>-*.svg` and `api/<slug>/*.json`.

use time::OffsetDateTime;

use super::{badge, page, public, Entry};

/// The site for these URLs, with the page titled `title`.
pub fn files(entries: &[Entry<'_>], now: OffsetDateTime, title: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let _ = each(entries, now, title, |path, bytes| {
        out.push((path.to_string(), bytes.to_vec()));
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// The same files in the same order, one at a time: `sink` gets each path and its bytes (in a
/// buffer reused for the next file, so the whole site is never held at once). Stops at the
/// first error `sink` returns; else gives how many files there were.
pub fn each<E>(
    entries: &[Entry<'_>],
    now: OffsetDateTime,
    title: &str,
    mut sink: impl FnMut(&str, &[u8]) -> Result<(), E>,
) -> Result<usize, E> {
    let mut page = String::with_capacity(64 * 1024);
    page::render_into(&mut page, entries, now, title);
    sink("index.html", page.as_bytes())?;
    let mut buf = page.into_bytes();
    buf.clear();
    public::render_into(&mut buf, entries, now);
    sink("history.json", &buf)?;
    let mut n = 2;
    for e in entries {
        for (path, bytes) in badge::files(e, now) {
            sink(&path, &bytes)?;
            n += 1;
        }
    }
    Ok(n)
}

//! Every file of the status site, as `(relative path, bytes)`, for the caller to write under
//! `status-dir`: `index.html`, `history.json`, `badge/<slug>-*.svg` and `api/<slug>/*.json`.

use std::io;

use time::OffsetDateTime;

use super::{badge, page, public, Entry, Packs};

/// The site for these URLs, with the page titled `title`.
pub fn files(entries: &[Entry<'_>], now: OffsetDateTime, title: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let _ = each(entries, now, title, |path, body| {
        let mut bytes = Vec::new();
        body.write_to(&mut bytes)?;
        out.push((path.to_string(), bytes));
        Ok::<(), io::Error>(())
    });
    out
}

/// What one file holds: small ones whole, the two large ones (`index.html`, `history.json`) as
/// a renderer that writes straight to its destination, so neither is ever held whole.
pub enum Body<'a> {
    Bytes(Vec<u8>),
    Page {
        entries: &'a [Entry<'a>],
        now: OffsetDateTime,
        title: &'a str,
    },
    History {
        entries: &'a [Entry<'a>],
        now: OffsetDateTime,
        packs: Option<&'a Packs<'a>>,
    },
}

impl Body<'_> {
    /// Write the file's content to `w`.
    pub fn write_to(&self, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Body::Bytes(b) => w.write_all(b),
            Body::Page {
                entries,
                now,
                title,
            } => {
                let mut out = Fmt { w, error: None };
                match page::render_to(&mut out, entries, *now, title) {
                    Ok(()) => Ok(()),
                    Err(_) => Err(out
                        .error
                        .unwrap_or_else(|| io::Error::other("the page could not be rendered"))),
                }
            }
            Body::History {
                entries,
                now,
                packs,
            } => public::render_to(&mut &mut *w, entries, *now, *packs),
        }
    }
}

/// `fmt::Write` onto an `io::Write`, keeping the I/O error.
struct Fmt<'w> {
    w: &'w mut dyn io::Write,
    error: Option<io::Error>,
}

impl std::fmt::Write for Fmt<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.w.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// The same files in the same order, one at a time: `sink` gets each path and its body.
/// Stops at the first error `sink` returns; else gives how many files there were.
pub fn each<'a, E>(
    entries: &'a [Entry<'a>],
    now: OffsetDateTime,
    title: &'a str,
    mut sink: impl FnMut(&str, Body<'a>) -> Result<(), E>,
) -> Result<usize, E> {
    sink("index.html", page(entries, now, title))?;
    sink("history.json", history(entries, now, None))?;
    let mut n = 2;
    for form in badge::Form::ALL {
        n += small(entries, now, form, |path, bytes| {
            sink(path, Body::Bytes(bytes))
        })?;
    }
    Ok(n)
}

/// `index.html`.
pub fn page<'a>(entries: &'a [Entry<'a>], now: OffsetDateTime, title: &'a str) -> Body<'a> {
    Body::Page {
        entries,
        now,
        title,
    }
}

/// `history.json`, with each URL's columns from `packs` when given (see `Packs`).
pub fn history<'a>(
    entries: &'a [Entry<'a>],
    now: OffsetDateTime,
    packs: Option<&'a Packs<'a>>,
) -> Body<'a> {
    Body::History {
        entries,
        now,
        packs,
    }
}

/// The small files of one form (the SVG badges, or the endpoint JSON), in URL order: `sink`
/// gets each path (under `badge/` or `api/`) and its bytes. Stops at the first error `sink`
/// returns; else gives how many files there were.
pub fn small<E>(
    entries: &[Entry<'_>],
    now: OffsetDateTime,
    form: badge::Form,
    mut sink: impl FnMut(&str, Vec<u8>) -> Result<(), E>,
) -> Result<usize, E> {
    let mut n = 0;
    for e in entries {
        for (path, bytes) in badge::files(e, now, form) {
            sink(&path, bytes)?;
            n += 1;
        }
    }
    Ok(n)
}

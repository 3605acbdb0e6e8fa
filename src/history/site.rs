//! Every file of the status site, for the caller to write under `status-dir`: `index.html` and
//! `history.json` as renderers ([`Body`]), `badge/<slug>-*.svg` and `api/<slug>/*.json` as
//! `(relative path, bytes)` ([`small`]), or all of them whole ([`files`]).

use std::io;

use time::OffsetDateTime;

use super::{badge, page, public, Entry, Packs};

/// The site for these URLs, with the page titled `title`, whole: `index.html`, `history.json`,
/// then the small files (the writer in `history_io` renders the same parts side by side).
/// Stops at a file that cannot be rendered.
pub fn files(entries: &[Entry<'_>], now: OffsetDateTime, title: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (path, body) in [
        ("index.html", page(entries, now, title)),
        ("history.json", history(entries, now, None)),
    ] {
        let mut bytes = Vec::new();
        if body.write_to(&mut bytes).is_err() {
            return out;
        }
        out.push((path.to_string(), bytes));
    }
    for form in badge::Form::ALL {
        let _ = small(entries, now, form, |path, bytes| {
            out.push((path.to_string(), bytes));
            Ok::<(), std::convert::Infallible>(())
        });
    }
    out
}

/// One of the two large files (`index.html`, `history.json`), as a renderer that writes
/// straight to its destination, so neither is ever held whole.
pub enum Body<'a> {
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

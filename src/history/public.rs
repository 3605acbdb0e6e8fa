//! `history.json`, the public history published with the status page, and its strict parser
//! (for `history-url`, when the state was lost). It holds shown (redacted) URLs, names and
//! slugs only, never the state's keys. Schema in the `history` module's doc comment.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::store::{packed, FormatError, PackedUrl, Packs, UrlColumns};
use super::{Entry, History, UrlHistory};
use crate::text::rfc3339;

/// The version of the public schema: 2 packs each URL's raw and hourly columns into a string,
/// as the state does; 1 (still read) held them as JSON arrays.
pub const SCHEMA: u32 = 2;
/// At most this many URLs in a public history.
pub const MAX_URLS: usize = 1000;

#[derive(Serialize)]
struct OutUrl<'a> {
    slug: &'a str,
    #[serde(flatten)]
    cols: std::borrow::Cow<'a, PackedUrl>,
}

#[derive(Serialize)]
struct Out<'a> {
    schema: u32,
    generated: String,
    urls: OutUrls<'a>,
}

/// The URLs, each one's columns built as it is written (one URL's at a time), or taken from
/// shared `Packs`.
struct OutUrls<'a>(&'a [Entry<'a>], Option<&'a Packs<'a>>);

impl Serialize for OutUrls<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|e| OutUrl {
            slug: &e.slug,
            cols: packed(self.1, e.key, e.url),
        }))
    }
}

/// `history.json` for these URLs.
pub fn render(entries: &[Entry<'_>], now: OffsetDateTime) -> String {
    let mut out = Vec::new();
    render_into(&mut out, entries, now);
    String::from_utf8(out).unwrap_or_default()
}

/// `history.json` for these URLs, appended to `out`.
fn render_into(out: &mut Vec<u8>, entries: &[Entry<'_>], now: OffsetDateTime) {
    let start = out.len();
    if render_to(&mut *out, entries, now, None).is_err() {
        out.truncate(start);
    }
}

/// `history.json` for these URLs, written to `out` as it is serialized (one URL's columns
/// held at a time, or each taken from `packs`); fails only when `out` does.
pub fn render_to(
    out: &mut impl std::io::Write,
    entries: &[Entry<'_>],
    now: OffsetDateTime,
    packs: Option<&Packs<'_>>,
) -> std::io::Result<()> {
    let value = Out {
        schema: SCHEMA,
        generated: rfc3339(now),
        urls: OutUrls(entries, packs),
    };
    serde_json::to_writer(out, &value).map_err(std::io::Error::from)
}

/// Why a `history.json` was refused.
#[derive(Debug, thiserror::Error)]
pub enum PublicHistoryError {
    #[error("not a valid history.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("history.json has schema {0}; this upcheck reads schemas 1 to {SCHEMA}")]
    Schema(u64),
    #[error("history.json lists {0} URLs, more than the {MAX_URLS} allowed")]
    TooManyUrls(usize),
    #[error("history.json has a bad slug {0:?} (letters, digits and '-' only, unique)")]
    Slug(String),
    #[error("history.json: generated time {0:?} is not an RFC 3339 time")]
    Generated(String),
    #[error("history.json: {0}")]
    Format(#[from] FormatError),
}

#[derive(Deserialize)]
struct Head {
    schema: serde_json::Value,
}

#[derive(Deserialize)]
struct InUrl {
    slug: String,
    #[serde(flatten)]
    cols: UrlColumns,
}

#[derive(Deserialize)]
struct In {
    generated: String,
    urls: Vec<InUrl>,
}

/// One URL of a parsed public history.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicUrl {
    pub slug: String,
    pub history: UrlHistory,
}

/// A parsed, validated `history.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicHistory {
    pub generated: OffsetDateTime,
    pub urls: Vec<PublicUrl>,
}

/// Parse and validate a `history.json`. The caller caps the size it reads; here counts are
/// bounded, times must be sane and ordered, statuses and reasons known. Never panics.
pub fn parse(bytes: &[u8]) -> Result<PublicHistory, PublicHistoryError> {
    let head: Head = serde_json::from_slice(bytes)?;
    match head.schema.as_u64() {
        Some(v) if (1..=u64::from(SCHEMA)).contains(&v) => {}
        Some(v) => return Err(PublicHistoryError::Schema(v)),
        None => return Err(PublicHistoryError::Schema(0)),
    }
    let parsed: In = serde_json::from_slice(bytes)?;
    let generated = OffsetDateTime::parse(
        &parsed.generated,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|_| PublicHistoryError::Generated(crate::text::clip(&parsed.generated, 40)))?;
    if parsed.urls.len() > MAX_URLS {
        return Err(PublicHistoryError::TooManyUrls(parsed.urls.len()));
    }
    let mut seen = std::collections::HashSet::new();
    let mut urls = Vec::with_capacity(parsed.urls.len());
    for u in parsed.urls {
        let ok = !u.slug.is_empty()
            && u.slug.len() <= 64
            && u.slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok || !seen.insert(u.slug.clone()) {
            return Err(PublicHistoryError::Slug(crate::text::clip(&u.slug, 64)));
        }
        urls.push(PublicUrl {
            slug: u.slug,
            history: u.cols.into_url()?,
        });
    }
    Ok(PublicHistory { generated, urls })
}

impl PublicHistory {
    /// A `History` from this one: `key_of` gives the state key of each public URL (matched by
    /// its shown URL, name or slug against the current inputs), None to leave it out.
    pub fn into_history(self, mut key_of: impl FnMut(&PublicUrl) -> Option<String>) -> History {
        let mut history = History::new();
        for u in self.urls {
            if let Some(key) = key_of(&u) {
                history.urls.entry(key).or_insert(u.history);
            }
        }
        history
    }
}

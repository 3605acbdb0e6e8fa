//! History: per URL the samples of past runs, hourly roll-ups and incidents, and every view of
//! them: the `uptime` output, the job summary section, the status page, badges and
//! `history.json`. Pure: no I/O and no clock; the caller passes "now" and writes the files.
//!
//! # Model
//! A [`History`] maps the caller's opaque key (the state key of a URL) to a [`UrlHistory`]: the
//! shown (redacted) URL, an optional display name, raw samples for the last 7 days, hourly
//! roll-ups ([`Hour`]: runs up/degraded/down, seconds observed and up, p50/p95/max ms) for 90
//! days, and [`Incident`]s (counted-down spans: start, end or ongoing, reason; at most 100, ended
//! ones kept 90 days). A [`Sample`] is one run: time, counted status (after thresholds),
//! observed status, response time in ms (None for a connection error) and a [`ReasonCode`]
//! (`ok`, `http_503`, `timeout`, `refused`, `dns`, `tls`, `body`, `slow`, `cert`, `redirect`,
//! `cancelled`, `error`; `as_str` / `FromStr`).
//!
//! # Uptime arithmetic
//! Time with no run is no data, never up or down: uptime = time up ÷ time observed, degraded
//! counts as up, a counted `unknown` (cancelled) run is no data. Each sample stands for the time
//! since the URL's previous sample, capped: the cap is twice the median of the last 24 gaps
//! (the new one included), at least 10 minutes and at most 1 hour, fixed when the sample is
//! recorded; a longer gap is no data beyond the cap. A URL's first sample stands for nothing
//! (there is no "since"). Every [`Uptime`] carries `observed` and `window`, so a figure always
//! says how much of its window was observed. Raw samples give exact seconds; beyond 7 days the
//! hourly roll-ups count, an hour a window only partly covers in proportion. Days are UTC days.
//!
//! # Wiring (what the caller does each run)
//! ```text
//! let mut h: History = state.history;                  // serde, inside the state file
//! for r in results { h.record(&r.key, r.url.as_str(), name, Sample { .. })?; }
//! h.rollup(now);                                       // samples older than 7 d -> hours
//! h.prune(now, keys.iter().map(String::as_str));       // removed URLs go 7 d after their last sample
//! let shown = history::entries(&h, &keys);             // input order, slugs assigned
//! output("uptime", history::output::render(&shown, now));
//! summary.push_str(&history::summary::render(&shown, now));
//! write(status_dir/"index.html", history::site::page(&shown, now, status_title));  // streamed
//! write(status_dir/"history.json", history::site::history(&shown, now, packs));
//! for form in badge::Form::ALL { history::site::small(&shown, now, form, |path, bytes| write(..)) }
//! // history-url, when no state was restored:
//! let p = history::public::parse(&capped_body)?;       // PublicHistoryError: a warning
//! let h = p.into_history(|u| key_for(&u.history.shown, u.history.name.as_deref()));
//! ```
//! `record` refuses a sample not later than the URL's last one ([`RecordError`]).
//!
//! # Stored form (serde, for the state file)
//! `{"v": 2, "urls": {"<key>": URL}}` where URL is `{"url", "name"?, "last"?, "raw", "hours",
//! "inc": [[start, end|null, reason]]}`: per URL columns, not rows. The columns are raw `t0`?,
//! `dt`, `cov`, `c`, `o`, `ms`, `r` and hourly `h0`?, `dh`, `up`, `deg`, `down`, `obs`, `ups`,
//! `p50`, `p95`, `max`: times in Unix seconds as a start plus deltas; runs of repeated values
//! (gaps, coverage, statuses, reasons, hour counts) as value and count; response times as
//! deltas from the previous one (or none); hour p95 as the amount above p50, max above p95.
//! Version 2 packs `raw` and `hours` each into one base64 string of LEB128 varints in that
//! order (`store::packed`); version 1, still read, held them as JSON arrays of the same
//! numbers. 50 URLs × 90 days at 5 minutes is about 0.6 MB (1.2 MB as version 1). Reading
//! validates counts, order, times (2000–2200) and bounds, so damage is a serde error naming the
//! URL ([`FormatError`]).
//!
//! # `uptime` output
//! A JSON array in input order, one object per URL: `{"url": shown, "name": string|null,
//! "slug", "status": "up"|"degraded"|"down"|"unknown"|null, "last_checked": RFC 3339|null,
//! "uptime": {"24h"|"7d"|"30d"|"90d": {"percent": number|null (rounded down, 3 decimals),
//! "observed_seconds", "window_seconds", "coverage": 0–1}}, "response_ms": {"p50", "p95":
//! number|null, "samples"} (last 24 h), "incidents": [{"start", "end": RFC 3339|null,
//! "ongoing", "duration_seconds", "reason"}] (last 30 days, newest first)}`.
//!
//! # `history.json` (public, `"schema": 2`)
//! `{"schema": 2, "generated": RFC 3339, "urls": [{"slug", "url" (shown, redacted), "name"?,
//! "last"?, "raw", "hours", "inc"}]}` with the same columns, packed, as the stored form; no
//! state keys. [`public::parse`] reads schemas 1 (columns as JSON arrays) and 2, validates
//! strictly (schema, at most 1000 URLs, unique safe slugs, every column as above) and never
//! panics; the caller caps the size it reads.
//!
//! # Site
//! [`site::files`] gives `index.html` ([`page`]), `history.json`, `badge/<slug>-status.svg`,
//! `badge/<slug>-uptime-30d.svg`, `badge/<slug>-response.svg`, and shields endpoint JSON
//! `api/<slug>/{status,uptime-30d,response}.json` ([`badge`]).
//! Slugs: see [`slug`].

mod model;
mod query;
mod store;

pub mod badge;
pub mod output;
pub mod page;
pub mod public;
pub mod run;
pub mod site;
pub mod slug;
pub mod summary;

#[cfg(test)]
mod tests;

pub use model::{
    History, Hour, Incident, ReasonCode, RecordError, Sample, UnknownReason, UrlHistory, KEEP_SECS,
    MAX_CAP_SECS, MAX_INCIDENTS, MIN_CAP_SECS, RAW_SECS, REMOVED_SECS,
};
pub use query::{percent, Day, Percentiles, Point, Uptime, DAY, WINDOWS};
pub use store::{FormatError, Packs};

use std::time::Duration;

use time::OffsetDateTime;

/// One URL as the renderers see it: its key, its history and its slug, and the figures every
/// view asks for (uptime over the standard windows, response times over 24 hours), worked out
/// once for a given "now" and shared by the output, the summary, the page and the badges.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub url: &'a UrlHistory,
    pub slug: String,
    figures: std::sync::OnceLock<(OffsetDateTime, Figures)>,
}

/// A URL's standard figures at one "now".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Uptime over each of `WINDOWS`, in that order.
    pub windows: [Uptime; 4],
    /// Response times over the last 24 hours.
    pub day: Percentiles,
}

impl Figures {
    fn of(u: &UrlHistory, now: OffsetDateTime) -> Figures {
        Figures {
            windows: WINDOWS.map(|(_, w)| u.uptime(w, now)),
            day: u.percentiles(DAY, now),
        }
    }
}

impl<'a> Entry<'a> {
    pub fn new(key: &'a str, url: &'a UrlHistory, slug: String) -> Entry<'a> {
        Entry {
            key,
            url,
            slug,
            figures: std::sync::OnceLock::new(),
        }
    }

    /// The standard figures at `now`: worked out on the first call, then kept (a call with
    /// another "now" works them out afresh and keeps nothing).
    pub fn figures(&self, now: OffsetDateTime) -> Figures {
        match self.figures.get() {
            Some((at, f)) if *at == now => *f,
            Some(_) => Figures::of(self.url, now),
            None => {
                self.figures
                    .get_or_init(|| (now, Figures::of(self.url, now)))
                    .1
            }
        }
    }

    /// Uptime over `window` ending at `now` (a standard window from the kept figures).
    pub fn uptime(&self, window: Duration, now: OffsetDateTime) -> Uptime {
        match WINDOWS.iter().position(|(_, w)| *w == window) {
            Some(i) => self.figures(now).windows[i],
            None => self.url.uptime(window, now),
        }
    }

    /// Response-time percentiles of the last 24 hours before `now`.
    pub fn day_percentiles(&self, now: OffsetDateTime) -> Percentiles {
        self.figures(now).day
    }
}

/// The URLs to show, in the caller's order (its current inputs); keys with no history are left
/// out. Slugs are assigned here (see `slug`).
pub fn entries<'a>(history: &'a History, keys: &[&'a str]) -> Vec<Entry<'a>> {
    let found: Vec<(&str, &UrlHistory)> = keys
        .iter()
        .filter_map(|k| history.get(k).map(|u| (*k, u)))
        .collect();
    let slugs = slug::assign(
        found
            .iter()
            .map(|(_, u)| (u.name.as_deref(), u.shown.as_str())),
    );
    found
        .into_iter()
        .zip(slugs)
        .map(|((key, url), slug)| Entry::new(key, url, slug))
        .collect()
}

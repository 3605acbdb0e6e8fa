//! History: per URL the samples of past runs, hourly roll-ups, incidents, and every view of
//! them (the `uptime` output, the job summary section, the status page, badges and
//! `history.json`). Pure: no I/O, no clock; the caller passes "now".
//! (The full API and format description follows below.)

mod model;
mod query;
mod store;

pub mod badge;
pub mod output;
pub mod page;
pub mod public;
pub mod site;
pub mod slug;
pub mod summary;

#[cfg(test)]
mod tests;

pub use model::{
    History, Hour, Incident, ReasonCode, RecordError, Sample, UnknownReason, UrlHistory,
    KEEP_SECS, MAX_CAP_SECS, MAX_INCIDENTS, MIN_CAP_SECS, RAW_SECS, REMOVED_SECS,
};
pub use query::{percent, Day, Percentiles, Point, Uptime, DAY, WINDOWS};
pub use store::FormatError;

/// One URL as the renderers see it: its key, its history and its slug.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub url: &'a UrlHistory,
    pub slug: String,
}

/// The URLs to show, in the caller's order (its current inputs); keys with no history are left
/// out. Slugs are assigned here (see `slug`).
pub fn entries<'a>(history: &'a History, keys: &[&'a str]) -> Vec<Entry<'a>> {
    let found: Vec<(&str, &UrlHistory)> = keys
        .iter()
        .filter_map(|k| history.get(k).map(|u| (*k, u)))
        .collect();
    let slugs = slug::assign(found.iter().map(|(_, u)| (u.name.as_deref(), u.shown.as_str())));
    found
        .into_iter()
        .zip(slugs)
        .map(|((key, url), slug)| Entry { key, url, slug })
        .collect()
}

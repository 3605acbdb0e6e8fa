//! The compact serde form of a `History` (used inside the state file, and by `public` for
//! `history.json`): per URL, columns instead of rows; times as a start plus deltas; runs of
//! repeated values as `[value, count]` pairs; response times as deltas from the previous one.
//! Reading validates everything (bounded counts, sane times, increasing order), so a damaged
//! file is a serde error that names the URL and what is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{
    ts, History, Hour, Incident, Raw, ReasonCode, UrlHistory, KEEP_SECS, MAX_CAP_SECS,
    MAX_INCIDENTS,
};
use crate::report::Status;

mod packed;

/// The version of this format: 2 packs each URL's raw and hourly columns into a string
/// (`packed`); 1, still read, held them as JSON arrays, as `history.json` does.
pub const VERSION: u32 = 2;
/// Bounds a reader enforces.
pub const MAX_URLS: usize = 10_000;
/// Raw samples per URL: one every 3 seconds for 7 days.
pub const MAX_SAMPLES: usize = 201_600;
/// Hours per URL: 90 days and a margin.
pub const MAX_HOURS: usize = (KEEP_SECS as usize / 3600) + 48;
/// Times must lie within 2000-01-01 and 2200-01-01.
pub const MIN_TIME: i64 = 946_684_800;
pub const MAX_TIME: i64 = 7_258_118_400;
/// A response time longer than a day is not one.
pub const MAX_MS: i64 = 86_400_000;

/// Why a stored history was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error(
        "history format version {0} is not supported (this upcheck reads versions 1 to {VERSION})"
    )]
    Version(u32),
    #[error("history holds {0} URLs, more than the {MAX_URLS} allowed")]
    TooManyUrls(usize),
    #[error("history of {url}: {what}")]
    Invalid { url: String, what: String },
}

/// Runs of equal values: `[[value, count], …]`.
pub(crate) type Runs<T> = Vec<(T, u32)>;

#[cfg(test)]
fn runs<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Runs<T> {
    let mut out: Runs<T> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some((v, n)) if *v == item && *n < u32::MAX => *n += 1,
            _ => out.push((item, 1)),
        }
    }
    out
}

/// Expand runs into exactly `len` values, checking the total before allocating.
fn expand<T: Clone>(runs: &Runs<T>, len: usize, column: &str) -> Result<Vec<T>, String> {
    let total = runs
        .iter()
        .try_fold(0usize, |acc, (_, n)| acc.checked_add(*n as usize))
        .unwrap_or(usize::MAX);
    if total != len {
        return Err(format!(
            "column {column} holds {total} values, expected {len}"
        ));
    }
    let mut out = Vec::with_capacity(len);
    for (v, n) in runs {
        out.extend(std::iter::repeat_n(v.clone(), *n as usize));
    }
    Ok(out)
}

/// Spare room in a URL's rebuilt samples and hours: a run adds one sample, and its roll-up an
/// hour or two.
const ROOM: usize = 4;

fn run_total<T>(runs: &Runs<T>) -> usize {
    runs.iter()
        .try_fold(0usize, |acc, (_, n)| acc.checked_add(*n as usize))
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
/// `Some` values as deltas from the previous `Some`, the first one absolute.
fn deltas(values: impl IntoIterator<Item = Option<u32>>) -> Vec<Option<i64>> {
    let mut prev = 0i64;
    values
        .into_iter()
        .map(|v| {
            v.map(|v| {
                let d = i64::from(v) - prev;
                prev = i64::from(v);
                d
            })
        })
        .collect()
}

fn undeltas(values: &[Option<i64>], column: &str) -> Result<Vec<Option<u32>>, String> {
    let mut prev = 0i64;
    values
        .iter()
        .map(|v| match v {
            None => Ok(None),
            Some(d) => {
                let v = prev.checked_add(*d).filter(|v| (0..=MAX_MS).contains(v));
                match v {
                    Some(v) => {
                        prev = v;
                        Ok(Some(v as u32))
                    }
                    None => Err(format!("column {column} has a response time out of range")),
                }
            }
        })
        .collect()
}

#[cfg(test)]
/// Times as the first one plus deltas (runs); every delta at least 1.
fn time_deltas(times: impl IntoIterator<Item = i64>) -> (Option<i64>, Runs<i64>) {
    let mut first = None;
    let mut prev = 0;
    let mut ds = Vec::new();
    for t in times {
        if first.is_none() {
            first = Some(t);
        } else {
            ds.push(t - prev);
        }
        prev = t;
    }
    (first, runs(ds))
}

fn untime(first: Option<i64>, ds: &Runs<i64>, step: i64, column: &str) -> Result<Vec<i64>, String> {
    let Some(first) = first else {
        return if ds.is_empty() {
            Ok(Vec::new())
        } else {
            Err(format!("column {column} has deltas but no start"))
        };
    };
    let len = run_total(ds).saturating_add(1);
    let mut out = Vec::with_capacity(len.min(MAX_SAMPLES + 1));
    let sane = |t: i64| (MIN_TIME..=MAX_TIME).contains(&t) && t % step == 0;
    if !sane(first) {
        return Err(format!(
            "column {column} starts at an impossible time ({first})"
        ));
    }
    out.push(first);
    let mut t = first;
    for (d, n) in ds {
        if *d < step || *d % step != 0 {
            return Err(format!("column {column} is not in increasing order"));
        }
        for _ in 0..*n {
            t = t.checked_add(*d).unwrap_or(i64::MAX);
            if !sane(t) {
                return Err(format!("column {column} runs past an impossible time"));
            }
            out.push(t);
        }
    }
    Ok(out)
}

#[derive(Debug, Serialize, Deserialize, Default)]
pub(crate) struct RawColumns {
    /// Time of the first sample (Unix seconds), then the gaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t0: Option<i64>,
    #[serde(default)]
    dt: Runs<i64>,
    /// Seconds each sample stands for.
    #[serde(default)]
    cov: Runs<u32>,
    /// Counted and observed status.
    #[serde(default)]
    c: Runs<Status>,
    #[serde(default)]
    o: Runs<Status>,
    /// Response times in ms, deltas; null for none.
    #[serde(default)]
    ms: Vec<Option<i64>>,
    #[serde(default)]
    r: Runs<ReasonCode>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
pub(crate) struct HourColumns {
    /// Start of the first hour (Unix seconds), then the gaps in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    h0: Option<i64>,
    #[serde(default)]
    dh: Runs<i64>,
    #[serde(default)]
    up: Runs<u32>,
    #[serde(default)]
    deg: Runs<u32>,
    #[serde(default)]
    down: Runs<u32>,
    /// Seconds observed, and of those up.
    #[serde(default)]
    obs: Runs<u32>,
    #[serde(default)]
    ups: Runs<u32>,
    /// p50 as deltas from the previous hour's; p95 as the amount above p50; max above p95.
    #[serde(default)]
    p50: Vec<Option<i64>>,
    #[serde(default)]
    p95: Vec<Option<u32>>,
    #[serde(default)]
    max: Vec<Option<u32>>,
}

/// One URL in stored form, minus its identity (the state keys it; `public` slugs it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UrlColumns {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Time of the last sample (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<i64>,
    /// As JSON arrays (`history.json`, version 1) or packed (version 2).
    #[serde(default, deserialize_with = "arrays_or_packed")]
    raw: RawColumns,
    #[serde(default, deserialize_with = "arrays_or_packed")]
    hours: HourColumns,
    /// `[start, end or null, reason]`.
    #[serde(default)]
    inc: Vec<(i64, Option<i64>, ReasonCode)>,
}

impl UrlColumns {
    /// The columns of `u` (the state packs them straight from `u`: `PackedUrl::of`).
    #[cfg(test)]
    pub(crate) fn from_url(u: &UrlHistory) -> UrlColumns {
        let s = &u.samples;
        let (t0, dt) = time_deltas(s.iter().map(|s| s.at));
        let h = &u.hours;
        let (h0, dh) = time_deltas(h.iter().map(Hour::start));
        UrlColumns {
            url: u.shown.clone(),
            name: u.name.clone(),
            last: u.last_checked().map(time::OffsetDateTime::unix_timestamp),
            raw: RawColumns {
                t0,
                dt,
                cov: runs(s.iter().map(|s| u32::from(s.covers))),
                c: runs(s.iter().map(|s| s.counted)),
                o: runs(s.iter().map(|s| s.observed)),
                ms: deltas(s.iter().map(Raw::ms)),
                r: runs(s.iter().map(|s| s.reason)),
            },
            hours: HourColumns {
                h0,
                dh,
                up: runs(h.iter().map(Hour::up)),
                deg: runs(h.iter().map(Hour::degraded)),
                down: runs(h.iter().map(Hour::down)),
                obs: runs(h.iter().map(Hour::observed_secs)),
                ups: runs(h.iter().map(Hour::up_secs)),
                p50: deltas(h.iter().map(Hour::p50_ms)),
                p95: h
                    .iter()
                    .map(|h| Some(h.p95_ms()?.saturating_sub(h.p50_ms().unwrap_or(0))))
                    .collect(),
                max: h
                    .iter()
                    .map(|h| Some(h.max_ms()?.saturating_sub(h.p95_ms().unwrap_or(0))))
                    .collect(),
            },
            inc: u
                .incidents
                .iter()
                .map(|i| {
                    (
                        i.start.unix_timestamp(),
                        i.end.map(time::OffsetDateTime::unix_timestamp),
                        i.reason,
                    )
                })
                .collect(),
        }
    }

    /// Rebuild and validate.
    pub(crate) fn into_url(self) -> Result<UrlHistory, FormatError> {
        let shown = crate::text::clip(&self.url, 200);
        let invalid = |what: String| FormatError::Invalid {
            url: shown.clone(),
            what,
        };
        if self.url.len() > 8192 || self.name.as_ref().is_some_and(|n| n.len() > 1024) {
            return Err(invalid("URL or name too long".into()));
        }
        let raw = &self.raw;
        if run_total(&raw.dt) >= MAX_SAMPLES {
            return Err(invalid(format!("more than {MAX_SAMPLES} samples")));
        }
        let at = untime(raw.t0, &raw.dt, 1, "raw.t").map_err(invalid)?;
        let n = at.len();
        let cov = expand(&raw.cov, n, "raw.cov").map_err(invalid)?;
        let c = expand(&raw.c, n, "raw.c").map_err(invalid)?;
        let o = expand(&raw.o, n, "raw.o").map_err(invalid)?;
        let r = expand(&raw.r, n, "raw.r").map_err(invalid)?;
        if raw.ms.len() != n {
            return Err(invalid(format!(
                "column raw.ms holds {} values, expected {n}",
                raw.ms.len()
            )));
        }
        let ms = undeltas(&raw.ms, "raw.ms").map_err(invalid)?;
        if cov.iter().any(|c| i64::from(*c) > MAX_CAP_SECS) {
            return Err(invalid("a sample stands for more than an hour".into()));
        }
        // Room for what a run adds (its sample; the hours its roll-up folds), so that recording
        // it does not copy every URL's columns into new, larger ones.
        let mut samples = Vec::with_capacity(n + ROOM);
        samples.extend((0..n).map(|i| Raw::new(at[i], cov[i], c[i], o[i], ms[i], r[i])));

        let hc = &self.hours;
        if run_total(&hc.dh) >= MAX_HOURS {
            return Err(invalid(format!("more than {MAX_HOURS} hours")));
        }
        let starts = untime(hc.h0, &hc.dh, 3600, "hours.t").map_err(invalid)?;
        let m = starts.len();
        let up = expand(&hc.up, m, "hours.up").map_err(invalid)?;
        let deg = expand(&hc.deg, m, "hours.deg").map_err(invalid)?;
        let down = expand(&hc.down, m, "hours.down").map_err(invalid)?;
        let obs = expand(&hc.obs, m, "hours.obs").map_err(invalid)?;
        let ups = expand(&hc.ups, m, "hours.ups").map_err(invalid)?;
        if hc.p50.len() != m || hc.p95.len() != m || hc.max.len() != m {
            return Err(invalid(format!(
                "hour percentile columns do not hold {m} values"
            )));
        }
        let p50 = undeltas(&hc.p50, "hours.p50").map_err(invalid)?;
        let mut hours = Vec::with_capacity(m + ROOM);
        for i in 0..m {
            if obs[i] > 3600 || ups[i] > obs[i] {
                return Err(invalid("an hour holds more than 3600 seconds".into()));
            }
            let p95 = match (p50[i], hc.p95[i]) {
                (b, Some(d)) => Some(b.unwrap_or(0).saturating_add(d)),
                (_, None) => None,
            };
            let max = match (p95, hc.max[i]) {
                (b, Some(d)) => Some(b.unwrap_or(0).saturating_add(d)),
                (_, None) => None,
            };
            if [p95, max].iter().flatten().any(|v| i64::from(*v) > MAX_MS) {
                return Err(invalid("an hour has a response time out of range".into()));
            }
            hours.push(Hour::new(
                starts[i], up[i], deg[i], down[i], obs[i], ups[i], p50[i], p95, max,
            ));
        }

        if self.inc.len() > MAX_INCIDENTS {
            return Err(invalid(format!("more than {MAX_INCIDENTS} incidents")));
        }
        let mut incidents = Vec::with_capacity(self.inc.len());
        let mut prev_end = i64::MIN;
        for (i, (start, end, reason)) in self.inc.iter().enumerate() {
            let sane = |t: &i64| (MIN_TIME..=MAX_TIME).contains(t);
            let ordered = *start >= prev_end && end.is_none_or(|e| e >= *start);
            let open_last = end.is_some() || i + 1 == self.inc.len();
            if !sane(start) || !end.as_ref().is_none_or(sane) || !ordered || !open_last {
                return Err(invalid(format!("incident {} has impossible times", i + 1)));
            }
            prev_end = end.unwrap_or(*start);
            incidents.push(Incident {
                start: ts(*start),
                end: end.map(ts),
                reason: *reason,
            });
        }

        let last_at = match (self.last, at.last()) {
            (Some(l), Some(a)) if l < *a => {
                return Err(invalid("last sample time is before a sample".into()))
            }
            (Some(l), _) if !(MIN_TIME..=MAX_TIME).contains(&l) => {
                return Err(invalid("last sample time is impossible".into()))
            }
            (Some(l), _) => l,
            (None, Some(_)) => return Err(invalid("samples but no last sample time".into())),
            (None, None) => i64::MIN,
        };
        Ok(UrlHistory {
            shown: self.url,
            name: self.name,
            last_at,
            samples,
            hours,
            incidents,
        })
    }
}

/// Columns that read from either form: a map of JSON arrays, or a packed string.
pub(crate) trait Columns: Sized + for<'de> Deserialize<'de> {
    fn unpack(text: &str) -> Result<Self, String>;
}

impl Columns for RawColumns {
    fn unpack(text: &str) -> Result<Self, String> {
        RawColumns::unpack(text)
    }
}

impl Columns for HourColumns {
    fn unpack(text: &str) -> Result<Self, String> {
        HourColumns::unpack(text)
    }
}

fn arrays_or_packed<'de, D: serde::Deserializer<'de>, C: Columns>(d: D) -> Result<C, D::Error> {
    struct Visit<C>(std::marker::PhantomData<C>);
    impl<'de, C: Columns> serde::de::Visitor<'de> for Visit<C> {
        type Value = C;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("columns (a map) or packed columns (a string)")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<C, E> {
            C::unpack(text).map_err(E::custom)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<C, A::Error> {
            C::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Visit(std::marker::PhantomData))
}

/// One URL as the state writes it (version 2): `UrlColumns` with the raw and hourly columns
/// packed.
#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct PackedUrl {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<i64>,
    raw: String,
    hours: String,
    inc: Vec<(i64, Option<i64>, ReasonCode)>,
}

impl PackedUrl {
    /// The packed form of `u`: the same as `PackedUrl::from(UrlColumns::from_url(u))`, packed
    /// straight from the samples and hours.
    pub(crate) fn of(u: &UrlHistory) -> PackedUrl {
        PackedUrl {
            url: u.shown.clone(),
            name: u.name.clone(),
            last: u.last_checked().map(time::OffsetDateTime::unix_timestamp),
            raw: packed::pack_samples(&u.samples),
            hours: packed::pack_hours(&u.hours),
            inc: u
                .incidents
                .iter()
                .map(|i| {
                    (
                        i.start.unix_timestamp(),
                        i.end.map(time::OffsetDateTime::unix_timestamp),
                        i.reason,
                    )
                })
                .collect(),
        }
    }
}

impl From<UrlColumns> for PackedUrl {
    fn from(c: UrlColumns) -> PackedUrl {
        PackedUrl {
            raw: c.raw.pack(),
            hours: c.hours.pack(),
            url: c.url,
            name: c.name,
            last: c.last,
            inc: c.inc,
        }
    }
}

/// Each URL's packed columns, made at most once for a run that writes both the state file and
/// `history.json` (side by side, on two threads): whichever writer comes to a URL first packs
/// it, and the other takes what it made. Kept until both are written (about the size of the
/// state file).
pub struct Packs<'h> {
    cells: std::collections::HashMap<&'h str, std::sync::OnceLock<PackedUrl>>,
}

impl<'h> Packs<'h> {
    /// Room for every URL of `history`, none packed yet.
    pub fn new(history: &'h History) -> Packs<'h> {
        Packs {
            cells: history
                .urls
                .keys()
                .map(|k| (k.as_str(), std::sync::OnceLock::new()))
                .collect(),
        }
    }

    /// The packed columns of `u`, the history kept under `key`: packed now unless they were.
    pub(crate) fn get(&self, key: &str, u: &UrlHistory) -> std::borrow::Cow<'_, PackedUrl> {
        match self.cells.get(key) {
            Some(cell) => std::borrow::Cow::Borrowed(cell.get_or_init(|| PackedUrl::of(u))),
            None => std::borrow::Cow::Owned(PackedUrl::of(u)),
        }
    }
}

/// Packed columns from `packs` when given, else packed now.
pub(crate) fn packed<'a>(
    packs: Option<&'a Packs<'_>>,
    key: &str,
    u: &UrlHistory,
) -> std::borrow::Cow<'a, PackedUrl> {
    match packs {
        Some(p) => p.get(key, u),
        None => std::borrow::Cow::Owned(PackedUrl::of(u)),
    }
}

/// The stored form as written: each URL's columns are built as it is written, so only one
/// URL's are ever held at once (unless they come from shared `Packs`).
#[derive(Serialize)]
struct StoredOut<'a> {
    v: u32,
    urls: UrlsOut<'a>,
}

struct UrlsOut<'a>(&'a BTreeMap<String, UrlHistory>, Option<&'a Packs<'a>>);

impl Serialize for UrlsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, u)| (k, packed(self.1, k, u))))
    }
}

impl History {
    /// The stored form, with each URL's columns from `packs` when given.
    pub fn stored<'a>(&'a self, packs: Option<&'a Packs<'a>>) -> impl Serialize + 'a {
        StoredOut {
            v: VERSION,
            urls: UrlsOut(&self.urls, packs),
        }
    }
}

/// The stored form as read: each URL is rebuilt (and validated) as soon as its columns are
/// read, so the columns of only one URL are held at once. What went wrong is judged at the
/// end, in the order of a whole read: any serde error first, then the version, the number of
/// URLs, then the first damaged URL in key order.
#[derive(Deserialize)]
struct Stored {
    v: u32,
    urls: UrlsIn,
}

struct UrlsIn(BTreeMap<String, Result<UrlHistory, FormatError>>);

impl<'de> Deserialize<'de> for UrlsIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = UrlsIn;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<UrlsIn, A::Error> {
                let mut urls = BTreeMap::new();
                while let Some((key, cols)) = map.next_entry::<String, UrlColumns>()? {
                    urls.insert(key, cols.into_url());
                }
                Ok(UrlsIn(urls))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The version 1 form of `h` (columns as JSON arrays), which older files hold.
#[cfg(test)]
pub(crate) fn stored_v1(h: &History) -> serde_json::Value {
    let urls: serde_json::Map<String, serde_json::Value> = h
        .urls
        .iter()
        .map(|(k, u)| {
            let cols = serde_json::to_value(UrlColumns::from_url(u)).unwrap_or_default();
            (k.clone(), cols)
        })
        .collect();
    serde_json::json!({"v": 1, "urls": urls})
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.stored(None).serialize(s)
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(d)?;
        History::try_from(stored).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Stored> for History {
    type Error = FormatError;
    fn try_from(stored: Stored) -> Result<History, FormatError> {
        if !(1..=VERSION).contains(&stored.v) {
            return Err(FormatError::Version(stored.v));
        }
        if stored.urls.0.len() > MAX_URLS {
            return Err(FormatError::TooManyUrls(stored.urls.0.len()));
        }
        let mut urls = BTreeMap::new();
        for (key, url) in stored.urls.0 {
            urls.insert(key, url?);
        }
        Ok(History { urls })
    }
}

//! The history itself: per URL the raw samples of the last 7 days, hourly roll-ups for 90 days
//! and counted-down incidents, with `record`, `rollup` and `prune`. Pure: the caller gives "now".

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::report::Status;

/// Raw samples are kept this long, then folded into hours.
pub const RAW_SECS: i64 = 7 * 86_400;
/// Hourly roll-ups and ended incidents are kept this long.
pub const KEEP_SECS: i64 = 90 * 86_400;
/// A URL that is no longer checked keeps its history this long after its last sample.
pub const REMOVED_SECS: i64 = 7 * 86_400;
/// At most this many incidents per URL (the oldest go first).
pub const MAX_INCIDENTS: usize = 100;
/// The shortest and the longest time one sample may stand for (see `coverage_cap`).
pub const MIN_CAP_SECS: i64 = 600;
pub const MAX_CAP_SECS: i64 = 3600;
/// How many recent gaps the cap's median is taken over.
const CAP_GAPS: usize = 24;

/// Why a run ended the way it did, in a few letters: `ok`, `http_503`, `timeout`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    Ok,
    /// An unexpected HTTP status (100–599).
    Http(u16),
    Timeout,
    Refused,
    Dns,
    Tls,
    /// The body did not match.
    Body,
    Slow,
    /// The certificate is expired or expires soon.
    Cert,
    Redirect,
    Cancelled,
    /// Any other connection error.
    Error,
}

impl ReasonCode {
    pub fn as_str(self) -> std::borrow::Cow<'static, str> {
        use std::borrow::Cow::Borrowed;
        match self {
            ReasonCode::Ok => Borrowed("ok"),
            ReasonCode::Http(code) => format!("http_{code}").into(),
            ReasonCode::Timeout => Borrowed("timeout"),
            ReasonCode::Refused => Borrowed("refused"),
            ReasonCode::Dns => Borrowed("dns"),
            ReasonCode::Tls => Borrowed("tls"),
            ReasonCode::Body => Borrowed("body"),
            ReasonCode::Slow => Borrowed("slow"),
            ReasonCode::Cert => Borrowed("cert"),
            ReasonCode::Redirect => Borrowed("redirect"),
            ReasonCode::Cancelled => Borrowed("cancelled"),
            ReasonCode::Error => Borrowed("error"),
        }
    }

    /// Words for people: "HTTP 503", "timeout", "connection refused", …
    pub fn describe(self) -> String {
        match self {
            ReasonCode::Ok => "ok".into(),
            ReasonCode::Http(code) => format!("HTTP {code}"),
            ReasonCode::Timeout => "timeout".into(),
            ReasonCode::Refused => "connection refused".into(),
            ReasonCode::Dns => "DNS error".into(),
            ReasonCode::Tls => "TLS error".into(),
            ReasonCode::Body => "body mismatch".into(),
            ReasonCode::Slow => "slow".into(),
            ReasonCode::Cert => "certificate".into(),
            ReasonCode::Redirect => "redirect".into(),
            ReasonCode::Cancelled => "cancelled".into(),
            ReasonCode::Error => "connection error".into(),
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// A reason code that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reason code {0:?}")]
pub struct UnknownReason(pub String);

impl FromStr for ReasonCode {
    type Err = UnknownReason;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "ok" => ReasonCode::Ok,
            "timeout" => ReasonCode::Timeout,
            "refused" => ReasonCode::Refused,
            "dns" => ReasonCode::Dns,
            "tls" => ReasonCode::Tls,
            "body" => ReasonCode::Body,
            "slow" => ReasonCode::Slow,
            "cert" => ReasonCode::Cert,
            "redirect" => ReasonCode::Redirect,
            "cancelled" => ReasonCode::Cancelled,
            "error" => ReasonCode::Error,
            _ => match s.strip_prefix("http_").and_then(|c| {
                (c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| c.parse::<u16>().ok())
                    .flatten()
            }) {
                Some(code) if (100..=599).contains(&code) => ReasonCode::Http(code),
                _ => return Err(UnknownReason(crate::text::clip(s, 40))),
            },
        })
    }
}

impl serde::Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReasonCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One run's result for one URL, as the caller records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: OffsetDateTime,
    /// The status after thresholds: what uptime and incidents count.
    pub counted: Status,
    /// What this run saw.
    pub observed: Status,
    /// None for a connection error (no response).
    pub response_ms: Option<u32>,
    pub reason: ReasonCode,
}

/// A sample as kept: times in Unix seconds, and the seconds it stands for (`covers`). Small
/// (24 bytes), since a URL keeps thousands: the response time is a `u32` with a sentinel for
/// none, and `covers` is at most `MAX_CAP_SECS`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Raw {
    pub at: i64,
    ms: u32,
    /// It stands for `(at - covers, at]`; 0 for a URL's first sample.
    pub covers: u16,
    pub reason: ReasonCode,
    pub counted: Status,
    pub observed: Status,
}

/// "No response time" in a packed `u32`; a time that would equal it is kept one less (no
/// response takes 49 days).
const NO_MS: u32 = u32::MAX;

fn pack_ms(ms: Option<u32>) -> u32 {
    ms.map_or(NO_MS, |v| v.min(NO_MS - 1))
}

fn unpack_ms(ms: u32) -> Option<u32> {
    (ms != NO_MS).then_some(ms)
}

impl Raw {
    pub(crate) fn new(
        at: i64,
        covers: u32,
        counted: Status,
        observed: Status,
        ms: Option<u32>,
        reason: ReasonCode,
    ) -> Raw {
        Raw {
            at,
            ms: pack_ms(ms),
            covers: covers.min(MAX_CAP_SECS as u32) as u16,
            reason,
            counted,
            observed,
        }
    }

    /// The response time, None without a response.
    pub(crate) fn ms(&self) -> Option<u32> {
        unpack_ms(self.ms)
    }
}

/// One hour's roll-up (UTC hours), packed into 32 bytes (90 days of them per URL): the start
/// as an hour number, seconds as `u16` (at most 3600), response times with a sentinel for none.
#[derive(Debug, Clone, PartialEq)]
pub struct Hour {
    /// The start in hours since 1970 (Unix seconds ÷ 3600).
    hour: i32,
    up: u32,
    degraded: u32,
    down: u32,
    observed_secs: u16,
    up_secs: u16,
    p50: u32,
    p95: u32,
    max: u32,
}

impl Hour {
    /// An hour with nothing in it yet; `start` is a multiple of 3600.
    pub(crate) fn empty(start: i64) -> Hour {
        Hour {
            hour: start
                .div_euclid(3600)
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            up: 0,
            degraded: 0,
            down: 0,
            observed_secs: 0,
            up_secs: 0,
            p50: NO_MS,
            p95: NO_MS,
            max: NO_MS,
        }
    }

    /// A whole hour, as stored; seconds above 3600 are cut to 3600.
    #[expect(clippy::too_many_arguments, reason = "one value per stored column")]
    pub(crate) fn new(
        start: i64,
        up: u32,
        degraded: u32,
        down: u32,
        observed_secs: u32,
        up_secs: u32,
        p50_ms: Option<u32>,
        p95_ms: Option<u32>,
        max_ms: Option<u32>,
    ) -> Hour {
        let mut h = Hour::empty(start);
        h.up = up;
        h.degraded = degraded;
        h.down = down;
        h.observed_secs = observed_secs.min(3600) as u16;
        h.up_secs = up_secs.min(3600) as u16;
        h.set_ms(p50_ms, p95_ms, max_ms);
        h
    }

    /// Unix seconds, a multiple of 3600.
    pub fn start(&self) -> i64 {
        i64::from(self.hour) * 3600
    }

    /// Runs in this hour by counted status.
    pub fn up(&self) -> u32 {
        self.up
    }

    pub fn degraded(&self) -> u32 {
        self.degraded
    }

    pub fn down(&self) -> u32 {
        self.down
    }

    /// Seconds of this hour some sample stands for (counted status known).
    pub fn observed_secs(&self) -> u32 {
        u32::from(self.observed_secs)
    }

    /// Of those, the seconds up or degraded.
    pub fn up_secs(&self) -> u32 {
        u32::from(self.up_secs)
    }

    pub fn p50_ms(&self) -> Option<u32> {
        unpack_ms(self.p50)
    }

    pub fn p95_ms(&self) -> Option<u32> {
        unpack_ms(self.p95)
    }

    pub fn max_ms(&self) -> Option<u32> {
        unpack_ms(self.max)
    }

    fn set_ms(&mut self, p50: Option<u32>, p95: Option<u32>, max: Option<u32>) {
        self.p50 = pack_ms(p50);
        self.p95 = pack_ms(p95);
        self.max = pack_ms(max);
    }

    fn count(&mut self, s: Status) {
        match s {
            Status::Up => self.up += 1,
            Status::Degraded => self.degraded += 1,
            Status::Down => self.down += 1,
            Status::Unknown => {}
        }
    }

    /// Add `secs` observed (up or not), each total capped at the hour.
    fn observe(&mut self, secs: u32, up: bool) {
        let observed = (u32::from(self.observed_secs) + secs).min(3600);
        self.observed_secs = observed as u16;
        if up {
            self.up_secs = (u32::from(self.up_secs) + secs).min(observed) as u16;
        }
    }
}

/// A span counted as down: from the first sample counted down to the first counted up again.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub start: OffsetDateTime,
    /// None while it goes on.
    pub end: Option<OffsetDateTime>,
    /// The reason of its first down sample.
    pub reason: ReasonCode,
}

impl Incident {
    /// How long it lasted, or has lasted until `now`.
    pub fn duration(&self, now: OffsetDateTime) -> std::time::Duration {
        let end = self.end.unwrap_or(now);
        (end - self.start).try_into().unwrap_or_default()
    }
}

/// One URL's history.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlHistory {
    /// The URL as shown (redacted).
    pub shown: String,
    pub name: Option<String>,
    pub(crate) last_at: i64,
    pub(crate) samples: Vec<Raw>,
    pub(crate) hours: Vec<Hour>,
    pub(crate) incidents: Vec<Incident>,
}

impl UrlHistory {
    pub(crate) fn new(shown: String, name: Option<String>) -> UrlHistory {
        UrlHistory {
            shown,
            name,
            last_at: i64::MIN,
            samples: Vec::new(),
            hours: Vec::new(),
            incidents: Vec::new(),
        }
    }

    /// The display name, else the shown URL.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.shown)
    }

    /// The time of the last sample.
    pub fn last_checked(&self) -> Option<OffsetDateTime> {
        (self.last_at != i64::MIN).then(|| ts(self.last_at))
    }

    /// The counted status of the last raw sample.
    pub fn current(&self) -> Option<Status> {
        self.samples.last().map(|s| s.counted)
    }

    pub fn hours(&self) -> &[Hour] {
        &self.hours
    }

    /// All kept incidents, oldest first.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// The most time one new sample may stand for, from the recent gaps between samples:
    /// twice their median, at least 10 minutes and at most 1 hour.
    fn coverage_cap(&self, new_gap: i64) -> i64 {
        let mut gaps: Vec<i64> = self
            .samples
            .windows(2)
            .rev()
            .take(CAP_GAPS - 1)
            .map(|w| w[1].at - w[0].at)
            .collect();
        gaps.push(new_gap);
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        median.saturating_mul(2).clamp(MIN_CAP_SECS, MAX_CAP_SECS)
    }
}

/// Unix seconds to a time (clamped to what `time` can hold).
pub(crate) fn ts(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs.clamp(-377_705_116_800, 253_402_300_799))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A sample that cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("a sample for {url} at {at} is not later than its last sample ({last})")]
    NotLater {
        url: String,
        at: String,
        last: String,
    },
}

/// Every URL's history, by the caller's opaque key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub(crate) urls: BTreeMap<String, UrlHistory>,
}

impl History {
    pub fn new() -> History {
        History::default()
    }

    pub fn get(&self, key: &str) -> Option<&UrlHistory> {
        self.urls.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.urls.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.urls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }

    /// The newest sample time over every URL.
    pub fn last_checked(&self) -> Option<OffsetDateTime> {
        self.urls
            .values()
            .filter_map(UrlHistory::last_checked)
            .max()
    }

    /// Record one run's result for `key`; `shown` and `name` replace the kept ones. Samples must
    /// come in time order: one not later than the URL's last sample is refused.
    pub fn record(
        &mut self,
        key: &str,
        shown: &str,
        name: Option<&str>,
        sample: Sample,
    ) -> Result<(), RecordError> {
        let at = sample.at.unix_timestamp();
        let url = self
            .urls
            .entry(key.to_string())
            .or_insert_with(|| UrlHistory::new(shown.to_string(), None));
        if url.last_at != i64::MIN && at <= url.last_at {
            return Err(RecordError::NotLater {
                url: shown.to_string(),
                at: crate::text::rfc3339(sample.at),
                last: crate::text::rfc3339(ts(url.last_at)),
            });
        }
        url.shown = shown.to_string();
        url.name = name.map(str::to_string);
        let covers = if url.last_at == i64::MIN {
            0
        } else {
            let gap = at - url.last_at;
            gap.min(url.coverage_cap(gap))
        };
        url.last_at = at;
        url.samples.push(Raw::new(
            at,
            covers.clamp(0, MAX_CAP_SECS) as u32,
            sample.counted,
            sample.observed,
            sample.response_ms,
            sample.reason,
        ));
        let open = url.incidents.last_mut().filter(|i| i.end.is_none());
        match (sample.counted, open) {
            (Status::Down, None) => {
                url.incidents.push(Incident {
                    start: sample.at,
                    end: None,
                    reason: sample.reason,
                });
                if url.incidents.len() > MAX_INCIDENTS {
                    let extra = url.incidents.len() - MAX_INCIDENTS;
                    url.incidents.drain(..extra);
                }
            }
            (Status::Up | Status::Degraded, Some(open)) => open.end = Some(sample.at),
            _ => {}
        }
        Ok(())
    }

    /// Fold raw samples older than 7 days into hourly roll-ups. Whole hours are folded at once
    /// (every sample whose hour starts before `now - 7 d`, rounded down to the hour), so an
    /// hour's percentiles are exact.
    pub fn rollup(&mut self, now: OffsetDateTime) {
        let cutoff = floor_hour(now.unix_timestamp() - RAW_SECS);
        for url in self.urls.values_mut() {
            let n = url.samples.partition_point(|s| floor_hour(s.at) < cutoff);
            if n == 0 {
                continue;
            }
            let folded: Vec<Raw> = url.samples.drain(..n).collect();
            // Only the hours the folded samples can reach are rebuilt.
            let reach = floor_hour(folded[0].at - MAX_CAP_SECS);
            let split = url.hours.partition_point(|h| h.start() < reach);
            let mut hours: BTreeMap<i64, Hour> = url
                .hours
                .split_off(split)
                .into_iter()
                .map(|h| (h.start(), h))
                .collect();
            let mut ms: Vec<u32> = Vec::new();
            let mut i = 0;
            while i < folded.len() {
                let start = floor_hour(folded[i].at);
                let end = folded[i..]
                    .iter()
                    .position(|s| floor_hour(s.at) != start)
                    .map_or(folded.len(), |p| i + p);
                let group = &folded[i..end];
                ms.clear();
                ms.extend(group.iter().filter_map(Raw::ms));
                ms.sort_unstable();
                let hour = hours.entry(start).or_insert_with(|| Hour::empty(start));
                for s in group {
                    hour.count(s.counted);
                }
                hour.set_ms(percentile(&ms, 50), percentile(&ms, 95), ms.last().copied());
                for s in group {
                    if s.counted == Status::Unknown {
                        continue;
                    }
                    let up = matches!(s.counted, Status::Up | Status::Degraded);
                    let mut from = s.at - i64::from(s.covers);
                    while from < s.at {
                        let h = floor_hour(from);
                        let to = (h + 3600).min(s.at);
                        let bucket = hours.entry(h).or_insert_with(|| Hour::empty(h));
                        bucket.observe((to - from) as u32, up);
                        from = to;
                    }
                }
                i = end;
            }
            url.hours.extend(hours.into_values());
        }
    }

    /// Forget what is too old: hours and ended incidents older than 90 days, incidents beyond
    /// the last 100, and URLs not in `live_keys` whose last sample is more than 7 days old.
    pub fn prune<'a>(&mut self, now: OffsetDateTime, live_keys: impl IntoIterator<Item = &'a str>) {
        let now = now.unix_timestamp();
        let live: HashSet<&str> = live_keys.into_iter().collect();
        self.urls
            .retain(|key, url| live.contains(key.as_str()) || url.last_at >= now - REMOVED_SECS);
        for url in self.urls.values_mut() {
            url.hours.retain(|h| h.start() + 3600 > now - KEEP_SECS);
            url.incidents
                .retain(|i| i.end.is_none_or(|e| e.unix_timestamp() >= now - KEEP_SECS));
            if url.incidents.len() > MAX_INCIDENTS {
                let extra = url.incidents.len() - MAX_INCIDENTS;
                url.incidents.drain(..extra);
            }
        }
    }
}

pub(crate) fn floor_hour(t: i64) -> i64 {
    t.div_euclid(3600) * 3600
}

/// Nearest-rank percentile of sorted values.
pub(crate) fn percentile(sorted: &[u32], p: usize) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

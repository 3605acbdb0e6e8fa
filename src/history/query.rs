//! Questions asked of a `History`: uptime over a window, response-time percentiles, incidents,
//! per-day uptime for the 90-day bar, and the response series of the last hours.

use std::time::Duration;

use time::OffsetDateTime;

use super::model::{
    floor_hour, percentile, ts, History, Hour, Incident, Raw, UrlHistory, MAX_CAP_SECS,
};
use crate::report::Status;

/// Uptime over a window: `ratio` is time up (degraded counts as up) ÷ time observed, None when
/// nothing of the window was observed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uptime {
    pub ratio: Option<f64>,
    pub observed: Duration,
    pub window: Duration,
}

impl Uptime {
    /// The share of the window some run stands for (0–1).
    pub fn coverage(&self) -> f64 {
        if self.window.is_zero() {
            0.0
        } else {
            (self.observed.as_secs_f64() / self.window.as_secs_f64()).min(1.0)
        }
    }

    /// "99.95%", "100%", or "no data". Never rounds up to 100% (99.996 is "99.99%").
    pub fn percent_text(&self) -> String {
        match self.ratio {
            None => "no data".to_string(),
            Some(r) => percent(r),
        }
    }
}

/// Seconds observed and seconds up within a window `[from, to)`, added up sample by sample
/// and hour by hour: the arithmetic behind every uptime figure.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    observed: f64,
    up: f64,
}

impl Sums {
    /// A sample stands for `(at - covers, at]`: the part inside the window (a counted
    /// `unknown` run is no data).
    fn add_sample(&mut self, s: &Raw, from: i64, to: i64) {
        if s.counted == Status::Unknown {
            return;
        }
        let lo = (s.at - i64::from(s.covers)).max(from);
        let hi = s.at.min(to);
        if hi > lo {
            let secs = (hi - lo) as f64;
            self.observed += secs;
            if matches!(s.counted, Status::Up | Status::Degraded) {
                self.up += secs;
            }
        }
    }

    /// An hour's roll-up, in proportion to the part of the hour inside the window.
    fn add_hour(&mut self, h: &Hour, from: i64, to: i64) {
        let lo = h.start().max(from);
        let hi = (h.start() + 3600).min(to);
        if hi > lo {
            let share = (hi - lo) as f64 / 3600.0;
            self.observed += f64::from(h.observed_secs()) * share;
            self.up += f64::from(h.up_secs()) * share;
        }
    }

    /// The uptime of the window `[from, to)` these sums were made for.
    fn uptime(self, from: i64, to: i64) -> Uptime {
        let window = Duration::from_secs(to.saturating_sub(from).max(0) as u64);
        let observed = self.observed.min(window.as_secs_f64());
        Uptime {
            ratio: (observed >= 1.0).then(|| (self.up / observed).clamp(0.0, 1.0)),
            observed: Duration::from_secs_f64(observed.round()),
            window,
        }
    }
}

/// A ratio as a percentage with two decimals, rounded down, trailing zeros dropped for 100.
pub fn percent(r: f64) -> String {
    if r >= 1.0 {
        return "100%".to_string();
    }
    // In whole hundredths of a percent, as integers: the same digits as formatting
    // `floor(r * 10000) / 100` with two decimals, without formatting a float.
    let hundredths = (r.max(0.0) * 10_000.0).floor() as u32;
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// The standard windows: 24 h, 7 d, 30 d, 90 d.
pub const DAY: Duration = Duration::from_secs(86_400);
pub const WINDOWS: [(&str, Duration); 4] = [
    ("24h", DAY),
    ("7d", Duration::from_secs(7 * 86_400)),
    ("30d", Duration::from_secs(30 * 86_400)),
    ("90d", Duration::from_secs(90 * 86_400)),
];

/// Response-time figures over the raw samples of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Percentiles {
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub max_ms: Option<u32>,
    /// How many samples had a response time.
    pub samples: usize,
}

/// One UTC day of the 90-day bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day {
    pub date: time::Date,
    pub uptime: Uptime,
}

/// One point of the response series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at: OffsetDateTime,
    pub ms: Option<u32>,
    pub counted: Status,
}

impl UrlHistory {
    /// Uptime over `[from, to)`. Raw samples are exact to the second; older time comes from
    /// the hourly roll-ups, an hour the window only partly covers in proportion.
    pub fn uptime_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> Uptime {
        let (from, to) = (from.unix_timestamp(), to.unix_timestamp());
        let mut sums = Sums::default();
        // Both lists are sorted by time: look only at what can overlap the window.
        let first = self.samples.partition_point(|s| s.at <= from);
        let last = self.samples.partition_point(|s| s.at - MAX_CAP_SECS < to);
        for s in self.samples.get(first..last.max(first)).unwrap_or_default() {
            sums.add_sample(s, from, to);
        }
        let first = self.hours.partition_point(|h| h.start() + 3600 <= from);
        let last = self.hours.partition_point(|h| h.start() < to);
        for h in self.hours.get(first..last.max(first)).unwrap_or_default() {
            sums.add_hour(h, from, to);
        }
        sums.uptime(from, to)
    }

    /// Uptime over the `window` that ends at `now`.
    pub fn uptime(&self, window: Duration, now: OffsetDateTime) -> Uptime {
        self.uptime_between(now - window, now)
    }

    /// p50/p95/max response time of the raw samples in the `window` ending at `now` (raw
    /// samples reach back 7 days).
    pub fn percentiles(&self, window: Duration, now: OffsetDateTime) -> Percentiles {
        self.percentiles_between(now - window, now)
    }

    /// p50/p95/max response time of the raw samples in `(from, to]`.
    pub fn percentiles_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> Percentiles {
        let from = from.unix_timestamp();
        let now = to.unix_timestamp();
        let mut ms: Vec<u32> = self
            .samples
            .iter()
            .filter(|s| s.at > from && s.at <= now)
            .filter_map(super::model::Raw::ms)
            .collect();
        ms.sort_unstable();
        Percentiles {
            p50_ms: percentile(&ms, 50),
            p95_ms: percentile(&ms, 95),
            max_ms: ms.last().copied(),
            samples: ms.len(),
        }
    }

    /// Incidents that overlap the `window` ending at `now`, newest first.
    pub fn incidents_in(&self, window: Duration, now: OffsetDateTime) -> Vec<&Incident> {
        let from = now - window;
        self.incidents
            .iter()
            .rev()
            .filter(|i| i.start <= now && i.end.is_none_or(|e| e >= from))
            .collect()
    }

    /// Uptime per UTC day for the last `days` days, oldest first, today (up to `now`) last:
    /// for each day what `uptime_between` gives for it, worked out in one pass over the samples
    /// and hours instead of one search and scan per day.
    pub fn daily(&self, days: u32, now: OffsetDateTime) -> Vec<Day> {
        const DAY_SECS: i64 = 86_400;
        let today = now.to_offset(time::UtcOffset::UTC).date();
        let spans: Vec<(time::Date, i64, i64)> = (0..days)
            .rev()
            .filter_map(|back| today.checked_sub(time::Duration::days(i64::from(back))))
            .map(|date| {
                let start = date.midnight().assume_utc();
                let end = (start + time::Duration::DAY).min(now);
                (date, start.unix_timestamp(), end.unix_timestamp())
            })
            .collect();
        let Some(&(_, first, _)) = spans.first() else {
            return Vec::new();
        };
        let last = spans.len() as i64 - 1;
        // The days are consecutive: the day holding second `t` (or the one before, at midnight).
        let day_of = |t: i64| (t - first).div_euclid(DAY_SECS);
        let mut sums = vec![Sums::default(); spans.len()];
        // The same sums in the same order as `uptime_between` (samples, then hours), so each
        // day's figure is the very same number.
        for s in &self.samples {
            let a = s.at - i64::from(s.covers);
            for d in day_of(a).max(0)..=day_of(s.at).min(last) {
                let (_, from, to) = spans[d as usize];
                sums[d as usize].add_sample(s, from, to);
            }
        }
        for h in &self.hours {
            let d = day_of(h.start());
            if (0..=last).contains(&d) {
                let (_, from, to) = spans[d as usize];
                sums[d as usize].add_hour(h, from, to);
            }
        }
        spans
            .iter()
            .zip(sums)
            .map(|(&(date, from, to), sums)| Day {
                date,
                uptime: sums.uptime(from, to),
            })
            .collect()
    }

    /// The raw samples in the `window` ending at `now`, oldest first.
    pub fn series(&self, window: Duration, now: OffsetDateTime) -> Vec<Point> {
        let from = (now - window).unix_timestamp();
        let now = now.unix_timestamp();
        self.samples
            .iter()
            .filter(|s| s.at > from && s.at <= now)
            .map(|s| Point {
                at: ts(s.at),
                ms: s.ms(),
                counted: s.counted,
            })
            .collect()
    }

    /// The median response time per UTC hour of the `window` ending at `now`, for hours that
    /// have one, oldest first.
    pub fn hourly_medians(
        &self,
        window: Duration,
        now: OffsetDateTime,
    ) -> Vec<(OffsetDateTime, u32)> {
        let mut out = Vec::new();
        let points = self.series(window, now);
        let mut i = 0;
        while i < points.len() {
            let hour = floor_hour(points[i].at.unix_timestamp());
            let mut ms = Vec::new();
            while i < points.len() && floor_hour(points[i].at.unix_timestamp()) == hour {
                ms.extend(points[i].ms);
                i += 1;
            }
            ms.sort_unstable();
            if let Some(m) = percentile(&ms, 50) {
                out.push((ts(hour), m));
            }
        }
        out
    }
}

impl History {
    /// Uptime of `key` over the `window` ending at `now`; no data for an unknown key.
    pub fn uptime(&self, key: &str, window: Duration, now: OffsetDateTime) -> Uptime {
        match self.get(key) {
            Some(u) => u.uptime(window, now),
            None => Uptime {
                ratio: None,
                observed: Duration::ZERO,
                window,
            },
        }
    }
}

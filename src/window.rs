//! Quiet hours and maintenance windows: the `quiet-hours` and `maintenance` inputs parsed, and
//! which window covers an instant and when the quiet ends. Pure: the instant always comes in as
//! a value (the run's clock), and time zones come from the tz database compiled into the binary
//! (no `/usr/share/zoneinfo` needed).
//!
//! A daily window (`03:00-09:00 Asia/Seoul`) is a span of local wall-clock time in its zone,
//! every day; an end at or before the start crosses midnight (`22:00-02:00`), `24:00` is the
//! end of the day. On a DST change day each end is the instant its local time names, with the
//! `compatible` rule: a time the clocks skip means the same time after the jump (02:30 on the
//! spring-forward day in Berlin is 03:30 summer time), a time they repeat means its first
//! occurrence (summer time). A maintenance window is one span from a start to an end: RFC 3339
//! instants with offsets (`2026-12-05T01:00Z/2026-12-05T03:00Z`), or local date-times and a
//! zone (`2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin`), the same rule for DST.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use time::OffsetDateTime;

/// What is wrong with one window, in words that name the bad part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("{0:?} names no time zone")]
    NoZone(String),
    #[error("{0:?} is not a time zone name in the tz database")]
    UnknownZone(String),
    #[error("{0:?} is not a start and an end time like 03:00-09:00")]
    BadSpan(String),
    #[error("{0:?} is not a time of day (HH:MM, 00:00 to 24:00)")]
    BadTime(String),
    #[error("{0:?} starts and ends at the same time, so it is empty")]
    Empty(String),
    #[error("{0:?} is not a start and an end separated by /")]
    BadRange(String),
    #[error("{0:?} is not a date and time like 2026-12-05T02:00 or 2026-12-05T01:00:00Z")]
    BadDateTime(String),
    #[error("{0:?} has no offset and the window names no time zone")]
    NoOffset(String),
    #[error("{0:?} has an offset and the window names a time zone too; give one of them")]
    OffsetAndZone(String),
    #[error("{0:?} ends before it starts, or when it starts")]
    EndBeforeStart(String),
}

/// What the lines of `quiet-hours` accept, for the input error.
pub const QUIET_HOURS_HINT: &str = "give one window per line or comma-separated, a start and an end time and an IANA time zone, e.g. 03:00-09:00 Asia/Seoul or 22:00-02:00 Europe/Berlin";
/// What the lines of `maintenance` accept, for the input error.
pub const MAINTENANCE_HINT: &str = "give one window per line or comma-separated, START/END as RFC 3339 instants (2026-12-05T01:00:00Z/2026-12-05T03:00:00Z) or local date-times and an IANA time zone (2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin)";

/// Every `quiet-hours` and `maintenance` window of the run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Windows {
    pub quiet: Vec<Daily>,
    pub maintenance: Vec<Span>,
}

/// A window every day, in local wall-clock time.
#[derive(Debug, Clone, PartialEq)]
pub struct Daily {
    /// Minutes after local midnight, 0 to 1439.
    start: u16,
    /// Minutes after local midnight, 0 to 1440; at or before `start`: the next day.
    end: u16,
    zone: TimeZone,
}

/// One maintenance window: from `start` (included) to `end` (excluded).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    start: Timestamp,
    end: Timestamp,
    /// The zone named, else UTC (for saying when it ends).
    zone: TimeZone,
    /// The window as written (spaces tidied), for the log.
    text: String,
}

/// Which kind of window the run is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    QuietHours,
    Maintenance,
}

/// The window an instant is in, and when the quiet ends (windows that follow on without a gap
/// included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    pub kind: Kind,
    /// "03:00–09:00 Asia/Seoul", "2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin".
    pub label: String,
    /// The end of the quiet: the first instant no window covers.
    pub until: OffsetDateTime,
    /// `until` in the window's zone: "09:00 KST", "2026-12-06 04:00 CET" (a day or more away).
    pub until_text: String,
}

impl Active {
    /// "quiet hours 03:00–09:00 Asia/Seoul".
    pub fn name(&self) -> String {
        let what = match self.kind {
            Kind::QuietHours => "quiet hours",
            Kind::Maintenance => "the maintenance window",
        };
        format!("{what} {}", self.label)
    }

    /// The line for the log and the job summary: "Inside quiet hours 03:00–09:00 Asia/Seoul
    /// (until 09:00 KST): outages are recorded, not announced".
    pub fn line(&self) -> String {
        format!(
            "Inside {} (until {}): outages are recorded, not announced",
            self.name(),
            self.until_text
        )
    }
}

/// The pieces of a list: one per line or comma-separated, blanks left out.
fn pieces(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(['\n', ','])
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
}

fn zone(name: &str) -> Result<TimeZone, WindowError> {
    TimeZone::get(name).map_err(|_| WindowError::UnknownZone(clip(name)))
}

fn clip(s: &str) -> String {
    crate::text::clip(&crate::redact::log_safe(s), 60)
}

/// `HH:MM` (or `H:MM`) as minutes after midnight; `24:00` only when `end`.
fn minutes(s: &str, end: bool) -> Result<u16, WindowError> {
    let bad = || WindowError::BadTime(clip(s));
    let number = |p: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u16>().ok())
            .flatten()
    };
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m) = (
        number(h, 1..=2).ok_or_else(bad)?,
        number(m, 2..=2).ok_or_else(bad)?,
    );
    if m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Split `<span> <zone>`: the zone is the last word when it holds no `:` (a time always does).
fn span_and_zone(piece: &str) -> (&str, Option<&str>) {
    match piece.rsplit_once(' ') {
        Some((span, zone)) if !zone.contains(':') => (span, Some(zone)),
        _ => (piece, None),
    }
}

/// The `quiet-hours` input: `HH:MM-HH:MM Zone`, one per line or comma-separated.
pub fn parse_quiet_hours(text: &str) -> Result<Vec<Daily>, WindowError> {
    pieces(text)
        .map(|piece| {
            let (span, zone_name) = span_and_zone(&piece);
            let zone_name = zone_name.ok_or_else(|| WindowError::NoZone(clip(&piece)))?;
            let joined = span.replace(' ', "");
            let (start, end) = joined
                .split_once(['-', '–'])
                .ok_or_else(|| WindowError::BadSpan(clip(span)))?;
            let (start, end) = (minutes(start, false)?, minutes(end, true)?);
            if start == end {
                return Err(WindowError::Empty(clip(&piece)));
            }
            Ok(Daily {
                start,
                end,
                zone: zone(zone_name)?,
            })
        })
        .collect()
}

/// One end of a maintenance window: an instant (it has an offset) or a local date-time.
enum End {
    Instant(Timestamp),
    Local(DateTime),
}

fn end_of(s: &str) -> Result<End, WindowError> {
    let bad = || WindowError::BadDateTime(clip(s));
    let (date, clock) = s.split_once(['T', 't']).ok_or_else(bad)?;
    if date.len() != 10 {
        return Err(bad());
    }
    if clock.contains(['Z', 'z', '+', '-']) {
        s.parse::<Timestamp>().map(End::Instant).map_err(|_| bad())
    } else {
        s.parse::<DateTime>().map(End::Local).map_err(|_| bad())
    }
}

/// The `maintenance` input: `START/END [Zone]`, one per line or comma-separated.
pub fn parse_maintenance(text: &str) -> Result<Vec<Span>, WindowError> {
    pieces(text)
        .map(|piece| {
            let (range, zone_name) = span_and_zone(&piece);
            let (start, end) = range
                .split_once('/')
                .ok_or_else(|| WindowError::BadRange(clip(range)))?;
            let (start, end) = (start.trim(), end.trim());
            let named = zone_name.map(zone).transpose()?;
            let instant = |raw: &str| -> Result<Timestamp, WindowError> {
                match (end_of(raw)?, &named) {
                    (End::Instant(_), Some(_)) => Err(WindowError::OffsetAndZone(clip(raw))),
                    (End::Instant(t), None) => Ok(t),
                    (End::Local(_), None) => Err(WindowError::NoOffset(clip(raw))),
                    (End::Local(dt), Some(tz)) => resolve(tz, dt),
                }
            };
            let (start, end) = (instant(start)?, instant(end)?);
            if end <= start {
                return Err(WindowError::EndBeforeStart(clip(&piece)));
            }
            Ok(Span {
                start,
                end,
                zone: named.unwrap_or(TimeZone::UTC),
                text: piece.clone(),
            })
        })
        .collect()
}

/// A local date-time as an instant, `compatible`: a skipped time after the jump, a repeated
/// time its first occurrence.
fn resolve(tz: &TimeZone, dt: DateTime) -> Result<Timestamp, WindowError> {
    tz.to_ambiguous_timestamp(dt)
        .compatible()
        .map_err(|_| WindowError::BadDateTime(dt.to_string()))
}

fn timestamp(t: OffsetDateTime) -> Timestamp {
    Timestamp::from_second(t.unix_timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn offset_date_time(t: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.as_second()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Daily {
    /// "03:00–09:00 Asia/Seoul".
    pub fn label(&self) -> String {
        format!(
            "{}–{} {}",
            hhmm(self.start),
            hhmm(self.end),
            self.zone.iana_name().unwrap_or("UTC")
        )
    }

    /// The day's window that starts on local date `day`, as instants.
    fn on(&self, day: Date) -> Option<(Timestamp, Timestamp)> {
        let at = |day: Date, minutes: u16| -> Option<Timestamp> {
            let (day, minutes) = if minutes == 1440 {
                (day.tomorrow().ok()?, 0)
            } else {
                (day, minutes)
            };
            let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
            resolve(&self.zone, day.to_datetime(time)).ok()
        };
        let start = at(day, self.start)?;
        let end_day = if self.end <= self.start {
            day.tomorrow().ok()?
        } else {
            day
        };
        let end = at(end_day, self.end)?;
        Some((start, end))
    }

    /// When the window that covers `t` ends, if one does.
    fn covers(&self, t: Timestamp) -> Option<Timestamp> {
        let today = self.zone.to_datetime(t).date();
        [today.yesterday().ok(), Some(today), today.tomorrow().ok()]
            .into_iter()
            .flatten()
            .filter_map(|day| self.on(day))
            .filter(|(start, end)| *start <= t && t < *end)
            .map(|(_, end)| end)
            .max()
    }
}

impl Span {
    fn covers(&self, t: Timestamp) -> Option<Timestamp> {
        (self.start <= t && t < self.end).then_some(self.end)
    }
}

/// "09:00 KST"; with the date when it is a day or more after `now`.
fn local_text(zone: &TimeZone, t: Timestamp, now: Timestamp) -> String {
    let local = zone.to_datetime(t);
    let abbreviation = zone.to_offset_info(t).abbreviation().to_string();
    let clock = format!("{:02}:{:02}", local.hour(), local.minute());
    if t.as_second() - now.as_second() < 86_400 {
        format!("{clock} {abbreviation}")
    } else {
        format!("{} {clock} {abbreviation}", local.date())
    }
}

/// At most this many windows are followed one after another for `until`.
const MAX_CHAIN: usize = 16;

impl Windows {
    pub fn is_empty(&self) -> bool {
        self.quiet.is_empty() && self.maintenance.is_empty()
    }

    /// Every window covering `t`: its kind, label, zone and end.
    fn covering(&self, t: Timestamp) -> Vec<(Kind, String, &TimeZone, Timestamp)> {
        let daily = self.quiet.iter().filter_map(|w| {
            w.covers(t)
                .map(|end| (Kind::QuietHours, w.label(), &w.zone, end))
        });
        let spans = self.maintenance.iter().filter_map(|w| {
            w.covers(t)
                .map(|end| (Kind::Maintenance, w.text.clone(), &w.zone, end))
        });
        daily.chain(spans).collect()
    }

    /// The window `now` is in (the one that lasts longest, when several do), and when the quiet
    /// ends: windows that begin as one ends are followed, so `until` is the first instant no
    /// window covers.
    pub fn active(&self, now: OffsetDateTime) -> Option<Active> {
        let now = timestamp(now);
        let (kind, label, zone, mut until) = self
            .covering(now)
            .into_iter()
            .max_by_key(|(_, _, _, end)| *end)?;
        let mut zone = zone;
        for _ in 0..MAX_CHAIN {
            match self
                .covering(until)
                .into_iter()
                .max_by_key(|(_, _, _, end)| *end)
            {
                Some((_, _, next_zone, end)) if end > until => {
                    until = end;
                    zone = next_zone;
                }
                _ => break,
            }
        }
        Some(Active {
            kind,
            label,
            until: offset_date_time(until),
            until_text: local_text(zone, until, now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn quiet(text: &str) -> Windows {
        Windows {
            quiet: parse_quiet_hours(text).unwrap(),
            maintenance: Vec::new(),
        }
    }

    fn maintenance(text: &str) -> Windows {
        Windows {
            quiet: Vec::new(),
            maintenance: parse_maintenance(text).unwrap(),
        }
    }

    /// When the quiet covering `t` ends, in UTC.
    fn until(w: &Windows, t: OffsetDateTime) -> Option<OffsetDateTime> {
        w.active(t).map(|a| a.until)
    }

    #[test]
    fn quiet_hours_parse_and_say_their_window() {
        let w = quiet("03:00-09:00 Asia/Seoul");
        let a = w.active(datetime!(2026-12-03 19:00 UTC)).unwrap(); // 04:00 KST
        assert_eq!(a.kind, Kind::QuietHours);
        assert_eq!(a.label, "03:00–09:00 Asia/Seoul");
        assert_eq!(a.until, datetime!(2026-12-04 00:00 UTC));
        assert_eq!(a.until_text, "09:00 KST");
        assert_eq!(
            a.line(),
            "Inside quiet hours 03:00–09:00 Asia/Seoul (until 09:00 KST): outages are recorded, not announced"
        );
        // The edges: the start is inside, the end is not.
        assert!(w.active(datetime!(2026-12-03 18:00 UTC)).is_some());
        assert!(w.active(datetime!(2026-12-03 17:59:59 UTC)).is_none());
        assert!(w.active(datetime!(2026-12-04 00:00 UTC)).is_none());
        assert!(w.active(datetime!(2026-12-03 23:59:59 UTC)).is_some());
    }

    #[test]
    fn several_windows_one_per_line_or_comma_separated() {
        let w = quiet("01:00-02:00 UTC, 12:00 - 13:00 Europe/London\n 20:00–21:00 utc ,");
        assert_eq!(w.quiet.len(), 3);
        assert!(w.active(datetime!(2026-12-03 01:30 UTC)).is_some());
        assert!(w.active(datetime!(2026-12-03 12:30 UTC)).is_some());
        assert!(w.active(datetime!(2026-12-03 20:59 UTC)).is_some());
        assert!(w.active(datetime!(2026-12-03 02:00 UTC)).is_none());
        assert!(w.active(datetime!(2026-12-03 19:00 UTC)).is_none());
    }

    #[test]
    fn a_window_crosses_midnight() {
        let w = quiet("22:00-02:00 Europe/Berlin"); // 21:00-01:00 UTC in winter
        let a = w.active(datetime!(2026-12-03 21:30 UTC)).unwrap();
        assert_eq!(a.until, datetime!(2026-12-04 01:00 UTC));
        assert_eq!(a.until_text, "02:00 CET", "tomorrow, but within a day");
        // After midnight the window that began yesterday still holds.
        let a = w.active(datetime!(2026-12-04 00:30 UTC)).unwrap();
        assert_eq!(a.until, datetime!(2026-12-04 01:00 UTC));
        assert_eq!(a.until_text, "02:00 CET");
        assert!(w.active(datetime!(2026-12-04 01:00 UTC)).is_none());
        assert!(w.active(datetime!(2026-12-03 20:59 UTC)).is_none());
        // 24:00 is the end of the day.
        let w = quiet("18:00-24:00 UTC");
        assert_eq!(
            until(&w, datetime!(2026-12-03 23:00 UTC)),
            Some(datetime!(2026-12-04 00:00 UTC))
        );
    }

    #[test]
    fn windows_that_follow_on_end_together() {
        let w = quiet("22:00-24:00 UTC\n00:00-06:00 UTC");
        let a = w.active(datetime!(2026-12-03 23:00 UTC)).unwrap();
        assert_eq!(a.until, datetime!(2026-12-04 06:00 UTC));
        assert_eq!(a.label, "22:00–24:00 UTC");
        // Overlapping windows: the one that lasts longest.
        let w = quiet("01:00-03:00 UTC, 02:00-05:00 UTC");
        let a = w.active(datetime!(2026-12-03 02:30 UTC)).unwrap();
        assert_eq!(a.label, "02:00–05:00 UTC");
        assert_eq!(a.until, datetime!(2026-12-03 05:00 UTC));
    }

    #[test]
    fn berlin_spring_forward_day() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        let w = quiet("01:00-04:00 Europe/Berlin");
        // 01:00 CET = 00:00 UTC to 04:00 CEST = 02:00 UTC: two hours that day.
        assert_eq!(
            until(&w, datetime!(2026-03-29 00:00 UTC)),
            Some(datetime!(2026-03-29 02:00 UTC))
        );
        assert!(w.active(datetime!(2026-03-28 23:59 UTC)).is_none());
        assert!(w.active(datetime!(2026-03-29 02:00 UTC)).is_none());
        // A start the clocks skip: 02:30 means 03:30 CEST (01:30 UTC).
        let w = quiet("02:30-05:00 Europe/Berlin");
        assert!(w.active(datetime!(2026-03-29 01:15 UTC)).is_none()); // 03:15 CEST
        assert_eq!(
            until(&w, datetime!(2026-03-29 01:30 UTC)),
            Some(datetime!(2026-03-29 03:00 UTC))
        );
        // An end the clocks skip: 02:30 means 03:30 CEST too.
        let w = quiet("01:00-02:30 Europe/Berlin");
        let a = w.active(datetime!(2026-03-29 01:10 UTC)).unwrap(); // 03:10 CEST
        assert_eq!(a.until, datetime!(2026-03-29 01:30 UTC));
        assert_eq!(a.until_text, "03:30 CEST");
    }

    #[test]
    fn berlin_fall_back_day() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:00-03:00 comes twice.
        let w = quiet("01:00-04:00 Europe/Berlin");
        // 01:00 CEST = 23:00 UTC the day before, to 04:00 CET = 03:00 UTC: four hours.
        assert_eq!(
            until(&w, datetime!(2026-10-24 23:00 UTC)),
            Some(datetime!(2026-10-25 03:00 UTC))
        );
        assert!(w.active(datetime!(2026-10-25 02:30 UTC)).is_some()); // 03:30 CET
                                                                      // A repeated end means its first occurrence: 02:30 CEST = 00:30 UTC.
        let w = quiet("01:00-02:30 Europe/Berlin");
        assert_eq!(
            until(&w, datetime!(2026-10-25 00:00 UTC)),
            Some(datetime!(2026-10-25 00:30 UTC))
        );
        assert!(w.active(datetime!(2026-10-25 01:15 UTC)).is_none()); // 02:15 CET, the second time
                                                                      // A repeated start means its first occurrence too.
        let w = quiet("02:30-03:30 Europe/Berlin");
        assert_eq!(
            until(&w, datetime!(2026-10-25 00:30 UTC)),
            Some(datetime!(2026-10-25 02:30 UTC))
        );
    }

    #[test]
    fn new_york_dst_changes() {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00 UTC).
        let w = quiet("23:00-06:00 America/New_York");
        let a = w.active(datetime!(2026-03-08 06:00 UTC)).unwrap(); // 01:00 EST
        assert_eq!(a.until, datetime!(2026-03-08 10:00 UTC)); // 06:00 EDT
        assert_eq!(a.until_text, "06:00 EDT");
        assert!(w.active(datetime!(2026-03-08 04:00 UTC)).is_some()); // 23:00 EST the day before
        assert!(w.active(datetime!(2026-03-08 03:59 UTC)).is_none());
        // 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00 UTC).
        let a = w.active(datetime!(2026-11-01 05:30 UTC)).unwrap(); // 01:30 EDT
        assert_eq!(a.until, datetime!(2026-11-01 11:00 UTC)); // 06:00 EST
        assert_eq!(a.until_text, "06:00 EST");
        assert!(w.active(datetime!(2026-11-01 03:00 UTC)).is_some()); // 23:00 EDT the day before
    }

    #[test]
    fn bad_quiet_hours_name_the_bad_part() {
        let cases = [
            (
                "03:00-09:00 Asia/Seul",
                "\"Asia/Seul\" is not a time zone name",
            ),
            ("03:00-09:00", "\"03:00-09:00\" names no time zone"),
            ("3am-9am UTC", "\"3am\" is not a time of day"),
            (
                "03:00 09:00 UTC",
                "\"03:00 09:00\" is not a start and an end time",
            ),
            ("03:00-25:00 UTC", "\"25:00\" is not a time of day"),
            ("03:60-09:00 UTC", "\"03:60\" is not a time of day"),
            ("24:00-09:00 UTC", "\"24:00\" is not a time of day"),
            ("03:0-09:00 UTC", "\"03:0\" is not a time of day"),
            (
                "09:00-09:00 UTC",
                "\"09:00-09:00 UTC\" starts and ends at the same time",
            ),
            (
                "03:00-09:00 UTC, 01:00 UTC",
                "\"01:00\" is not a start and an end",
            ),
        ];
        for (text, want) in cases {
            let e = parse_quiet_hours(text).unwrap_err().to_string();
            assert!(e.starts_with(want), "{text}: {e}");
        }
        assert_eq!(parse_quiet_hours(" ,\n").unwrap(), Vec::new());
    }

    #[test]
    fn maintenance_in_local_time_and_as_instants() {
        let w = maintenance("2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin");
        assert!(w.active(datetime!(2026-12-05 00:59 UTC)).is_none());
        let a = w.active(datetime!(2026-12-05 01:00 UTC)).unwrap();
        assert_eq!(a.kind, Kind::Maintenance);
        assert_eq!(a.until, datetime!(2026-12-05 03:00 UTC));
        assert_eq!(a.until_text, "04:00 CET");
        assert_eq!(
            a.line(),
            "Inside the maintenance window 2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin (until 04:00 CET): outages are recorded, not announced"
        );
        assert!(w.active(datetime!(2026-12-05 03:00 UTC)).is_none());

        let w = maintenance("2026-12-05T01:00:00Z/2026-12-06T03:00:00+01:00");
        let a = w.active(datetime!(2026-12-05 01:00 UTC)).unwrap();
        assert_eq!(a.until, datetime!(2026-12-06 02:00 UTC));
        assert_eq!(a.until_text, "2026-12-06 02:00 UTC");
        assert!(w.active(datetime!(2026-12-06 02:00 UTC)).is_none());
    }

    #[test]
    fn maintenance_on_a_dst_change_day() {
        // A local end the clocks repeat is its first occurrence: 02:30 CEST = 00:30 UTC.
        let w = maintenance("2026-10-25T01:00/2026-10-25T02:30 Europe/Berlin");
        assert_eq!(
            until(&w, datetime!(2026-10-24 23:00 UTC)),
            Some(datetime!(2026-10-25 00:30 UTC))
        );
        // A start the clocks skip is the same time after the jump: 02:30 = 03:30 CEST.
        let w = maintenance("2026-03-29T02:30/2026-03-29T05:00 Europe/Berlin");
        assert!(w.active(datetime!(2026-03-29 01:29 UTC)).is_none());
        assert!(w.active(datetime!(2026-03-29 01:30 UTC)).is_some());
    }

    #[test]
    fn quiet_hours_and_maintenance_together() {
        let w = Windows {
            quiet: parse_quiet_hours("00:00-02:00 UTC").unwrap(),
            maintenance: parse_maintenance("2026-12-05T01:00Z/2026-12-05T05:00Z").unwrap(),
        };
        let a = w.active(datetime!(2026-12-05 00:30 UTC)).unwrap();
        assert_eq!(a.kind, Kind::QuietHours);
        assert_eq!(a.until, datetime!(2026-12-05 05:00 UTC));
        let a = w.active(datetime!(2026-12-05 03:00 UTC)).unwrap();
        assert_eq!(a.kind, Kind::Maintenance);
        assert!(w.active(datetime!(2026-12-04 03:00 UTC)).is_none());
    }

    #[test]
    fn bad_maintenance_names_the_bad_part() {
        let cases = [
            (
                "2026-12-05T04:00/2026-12-05T02:00 UTC",
                "ends before it starts",
            ),
            (
                "2026-12-05T04:00/2026-12-05T04:00 UTC",
                "ends before it starts",
            ),
            (
                "2026-12-05T02:00/2026-12-05T04:00",
                "\"2026-12-05T02:00\" has no offset",
            ),
            (
                "2026-12-05T02:00Z/2026-12-05T04:00Z UTC",
                "\"2026-12-05T02:00Z\" has an offset",
            ),
            (
                "2026-12-05T02:00/2026-12-05T04:00 Mars/Base",
                "\"Mars/Base\" is not a time zone",
            ),
            (
                "2026-12-05 02:00/04:00 UTC",
                "\"2026-12-05 02:00\" is not a date and time",
            ),
            (
                "2026-12-05T02:00Z",
                "\"2026-12-05T02:00Z\" is not a start and an end",
            ),
            (
                "2026-13-05T02:00Z/2026-12-05T04:00Z",
                "\"2026-13-05T02:00Z\" is not a date and time",
            ),
        ];
        for (text, want) in cases {
            let e = parse_maintenance(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}

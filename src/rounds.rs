//! Rounds: checking every URL each `every` inside one step (`every`, `run-for`) or until stopped
//! (watch mode, `--every` on a terminal). Pure parts only: when each round starts (on a fixed
//! grid, so rounds never drift; a round whose slot passed while the one before still ran is
//! skipped and counted), and what all rounds came to (per URL the share of rounds up, the worst
//! and the last result, each change with its time) for the outputs, the summary and the log
//! lines. The loop itself, which sleeps, checks and tells, is in `app`.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;

use crate::redact::log_safe;
use crate::report::{RunReport, Signal, Status, UrlResult};
use crate::text::{clock_seconds as clock, format_duration, md_cell, rfc3339};

/// The shortest `every`.
pub const MIN_EVERY: Duration = Duration::from_secs(1);
/// A testing aid: a shorter floor for `every` (benchmarks only).
pub const MIN_EVERY_VAR: &str = "UPCHECK_MIN_EVERY";
/// The longest `run-for`: GitHub ends a job after 6 hours.
pub const MAX_RUN_FOR: Duration = Duration::from_secs(6 * 3600);
/// Changes kept per URL for the summary and the outputs; older ones are counted, not kept, so
/// that memory stays flat however long the loop runs.
pub const KEPT_CHANGES: usize = 50;
/// A status change in rounds is recorded in the history at once; otherwise a URL's history gets
/// at most one sample this often (with 1-second rounds the week of raw samples would otherwise
/// hold 600,000 of them per URL).
pub const HISTORY_EVERY: Duration = Duration::from_secs(60);
/// The heartbeat is sent after the first round and then at most this often, and after the last.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(60);

/// When rounds start: round `n` at `n × every` after the first; with `run_for`, only rounds that
/// start before it has passed; without, until stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Duration,
    pub run_for: Option<Duration>,
}

/// The round to run next: its number (0 is the first) and when it starts, counted from the
/// first round's start; `skipped` rounds before it had their slot pass while another ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    pub index: u64,
    pub at: Duration,
    pub skipped: u64,
}

impl Schedule {
    /// When round `n` starts, counted from the first round's start.
    pub fn offset(&self, n: u64) -> Duration {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.every.checked_mul(n).unwrap_or(Duration::MAX)
    }

    /// How many rounds `run_for` holds (`None`: until stopped).
    pub fn planned(&self) -> Option<u64> {
        let run_for = self.run_for?;
        let every = self.every.as_nanos().max(1);
        Some(run_for.as_nanos().div_ceil(every).max(1) as u64)
    }

    /// After round `done` ended `elapsed` after the first round's start: the next round, the
    /// first whose slot has not begun yet (the ones between were skipped), or `None` when its
    /// slot is at or after `run_for`.
    pub fn next(&self, done: u64, elapsed: Duration) -> Option<Next> {
        let every = self.every.as_nanos().max(1);
        // The first slot at or after `elapsed`.
        let first_free = u64::try_from(elapsed.as_nanos().div_ceil(every)).unwrap_or(u64::MAX);
        let index = first_free.max(done + 1);
        let at = self.offset(index);
        if self.run_for.is_some_and(|run_for| at >= run_for) {
            return None;
        }
        Some(Next {
            index,
            at,
            skipped: index - done - 1,
        })
    }

    /// "every 1m for 4m30s (5 rounds)" or "every 30s until stopped".
    pub fn describe(&self) -> String {
        match (self.run_for, self.planned()) {
            (Some(run_for), Some(n)) => format!(
                "every {} for {} ({n} round{})",
                format_duration(self.every),
                format_duration(run_for),
                if n == 1 { "" } else { "s" }
            ),
            _ => format!("every {} until stopped", format_duration(self.every)),
        }
    }
}

/// One URL's counted status changing in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: OffsetDateTime,
    /// `None`: the first round that saw the URL.
    pub from: Option<Status>,
    pub to: Status,
    /// Why, for a change to degraded or down.
    pub reason: Option<String>,
}

/// The worst result a URL had in the rounds, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worst {
    pub status: Status,
    pub at: OffsetDateTime,
    pub reason: Option<String>,
}

/// What one URL came to over all rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlTally {
    pub key: String,
    /// As shown (redacted), with its display name.
    pub label: String,
    pub url: String,
    /// Rounds that checked it to the end (counted status known).
    pub checked: u64,
    /// Of those, the rounds it counted as up or degraded.
    pub up: u64,
    pub worst: Option<Worst>,
    /// The last round's counted status and reason.
    pub last: Option<(Status, Option<String>)>,
    /// The last `KEPT_CHANGES` changes, oldest first (the first sight of the URL is not one).
    pub changes: VecDeque<Change>,
    /// All changes, the ones no longer kept included.
    pub change_count: u64,
}

impl UrlTally {
    /// Rounds up ÷ rounds checked; `None` before any.
    pub fn up_share(&self) -> Option<f64> {
        (self.checked > 0).then(|| self.up as f64 / self.checked as f64)
    }
}

/// How the loop ended, when not by running out of `run-for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A signal while waiting for the next round: every round before it is complete.
    AfterRound(Signal),
    /// A signal during a round: that round's checks were cut short and not counted.
    InRound(Signal),
}

/// What all rounds came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub schedule: Option<Schedule>,
    /// Rounds run to the end.
    pub rounds: u64,
    /// Rounds whose slot passed while another round still ran.
    pub skipped: u64,
    pub first_at: Option<OffsetDateTime>,
    pub last_at: Option<OffsetDateTime>,
    pub stop: Option<Stop>,
    pub urls: Vec<UrlTally>,
}

impl Tally {
    /// Before the first round; `schedule` is `None` for a single round.
    pub fn new(schedule: Option<Schedule>) -> Tally {
        Tally {
            schedule,
            rounds: 0,
            skipped: 0,
            first_at: None,
            last_at: None,
            stop: None,
            urls: Vec::new(),
        }
    }

    /// Count one completed round (counted statuses and changes already applied to `report`),
    /// started at `at`. Returns the changes of this round, in input order.
    pub fn add(&mut self, report: &RunReport, at: OffsetDateTime) -> Vec<(usize, Change)> {
        self.rounds += 1;
        self.first_at.get_or_insert(at);
        self.last_at = Some(at);
        // URLs no longer checked are dropped, the rest kept in input order.
        self.urls
            .retain(|u| report.results.iter().any(|r| r.key == u.key));
        let mut changes = Vec::new();
        for (i, r) in report.results.iter().enumerate() {
            let pos = match self.urls.iter().position(|u| u.key == r.key) {
                Some(pos) => pos,
                None => {
                    self.urls.push(UrlTally {
                        key: r.key.clone(),
                        label: r.label().to_string(),
                        url: r.url.to_string(),
                        checked: 0,
                        up: 0,
                        worst: None,
                        last: None,
                        changes: VecDeque::new(),
                        change_count: 0,
                    });
                    self.urls.len() - 1
                }
            };
            let u = &mut self.urls[pos];
            u.label = r.label().to_string();
            if r.status == Status::Unknown {
                continue;
            }
            u.checked += 1;
            if matches!(r.status, Status::Up | Status::Degraded) {
                u.up += 1;
            }
            let reason = r.reason();
            if u.worst.as_ref().is_none_or(|w| r.status > w.status) {
                u.worst = Some(Worst {
                    status: r.status,
                    at,
                    reason: reason.clone(),
                });
            }
            if let Some(change) = change_of(r, at, reason.clone()) {
                // The first sight of a URL is a line in the log, not a change.
                if change.from.is_some() {
                    u.change_count += 1;
                    u.changes.push_back(change.clone());
                    if u.changes.len() > KEPT_CHANGES {
                        u.changes.pop_front();
                    }
                }
                changes.push((i, change));
            }
            u.last = Some((r.status, reason));
        }
        changes
    }

    /// The `rounds` output: one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        let urls: Vec<serde_json::Value> = self
            .urls
            .iter()
            .map(|u| {
                json!({
                    "url": u.url,
                    "label": u.label,
                    "rounds_checked": u.checked,
                    "rounds_up": u.up,
                    "up_share": u.up_share(),
                    "worst": u.worst.as_ref().map(|w| w.status.as_str()),
                    "worst_at": u.worst.as_ref().map(|w| rfc3339(w.at)),
                    "worst_reason": u.worst.as_ref().and_then(|w| w.reason.clone()),
                    "last": u.last.as_ref().map(|(s, _)| s.as_str()),
                    "changes": u.change_count,
                    "recent_changes": u.changes.iter().map(|c| json!({
                        "at": rfc3339(c.at),
                        "from": c.from.map(Status::as_str),
                        "to": c.to.as_str(),
                        "reason": c.reason,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "rounds": self.rounds,
            "skipped": self.skipped,
            "every": self.schedule.map(|s| format_duration(s.every)),
            "run_for": self.schedule.and_then(|s| s.run_for).map(format_duration),
            "first_at": self.first_at.map(rfc3339),
            "last_at": self.last_at.map(rfc3339),
            "stopped_by": self.stop.map(|s| match s {
                Stop::AfterRound(signal) | Stop::InRound(signal) => signal.to_string(),
            }),
            "urls": urls,
        })
    }

    /// "5 rounds every 1m (0 skipped)", with how the loop ended.
    pub fn headline(&self) -> String {
        let mut s = format!(
            "{} round{}",
            self.rounds,
            if self.rounds == 1 { "" } else { "s" }
        );
        if let Some(schedule) = self.schedule {
            s.push_str(&format!(" every {}", format_duration(schedule.every)));
            if let Some(run_for) = schedule.run_for {
                s.push_str(&format!(" for {}", format_duration(run_for)));
            }
        }
        s.push_str(&format!(", {} skipped", self.skipped));
        match self.stop {
            Some(Stop::AfterRound(signal)) => s.push_str(&format!("; stopped by {signal}")),
            Some(Stop::InRound(signal)) => s.push_str(&format!(
                "; stopped by {signal} during a round, whose checks are not counted"
            )),
            None => {}
        }
        s
    }

    /// The job summary's section on the rounds (Markdown); empty for a single round.
    pub fn summary(&self) -> String {
        if self.schedule.is_none() {
            return String::new();
        }
        let now = self.last_at.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut out = format!("### Rounds\n\n{}.\n\n", md_cell(&self.headline()));
        out.push_str("| URL | up | worst | last | changes |\n|---|---|---|---|---|\n");
        for u in &self.urls {
            let share = u.up_share().map_or("-".to_string(), |s| {
                format!("{} ({} of {})", percent(s), u.up, u.checked)
            });
            let worst = u.worst.as_ref().map_or("-".to_string(), |w| {
                let mut s = format!("{} {} at {}", w.status.icon(), w.status, clock(w.at, now));
                if let Some(reason) = &w.reason {
                    s.push_str(&format!(": {reason}"));
                }
                s
            });
            let last = u
                .last
                .as_ref()
                .map_or("-".to_string(), |(s, _)| format!("{} {s}", s.icon()));
            let mut changes: Vec<String> = u
                .changes
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {}",
                        clock(c.at, now),
                        c.from.map_or("new", Status::as_str),
                        c.to
                    )
                })
                .collect();
            let shown = changes.len() as u64;
            if u.change_count > shown {
                changes.insert(0, format!("{} earlier", u.change_count - shown));
            }
            let changes = if changes.is_empty() {
                "none".to_string()
            } else {
                changes.join("; ")
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md_cell(&u.label),
                share,
                md_cell(&worst),
                last,
                md_cell(&changes)
            ));
        }
        out
    }
}

/// The change a round brought to one URL: its counted status differs from the round before
/// (or this is the first round to see it).
fn change_of(r: &UrlResult, at: OffsetDateTime, reason: Option<String>) -> Option<Change> {
    let memory = r.memory.as_ref()?;
    if memory.previous == Some(r.status) {
        return None;
    }
    Some(Change {
        at,
        from: memory.previous,
        to: r.status,
        reason: reason.filter(|_| matches!(r.status, Status::Down | Status::Degraded)),
    })
}

/// "12:00:03 UTC https://api.example/health: up → down (HTTP 503 …)": the log line of a change.
pub fn change_line(label: &str, change: &Change) -> String {
    let when = clock(change.at, change.at);
    let from = change.from.map_or("first seen", Status::as_str);
    let mut line = format!("{when} {label}: {from} → {}", change.to);
    if let Some(reason) = &change.reason {
        line.push_str(&format!(" ({reason})"));
    }
    log_safe(&line)
}

/// "12:00:03 UTC round 5 of 270: all 3 URLs up (0.12 s)": the log line of a round (verbose).
pub fn round_line(
    index: u64,
    planned: Option<u64>,
    report: &RunReport,
    at: OffsetDateTime,
) -> String {
    let of = planned.map_or(String::new(), |n| format!(" of {n}"));
    log_safe(&format!(
        "{} round {}{of}: {} ({})",
        clock(at, at),
        index + 1,
        report.headline(),
        format_duration(report.duration)
    ))
}

fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;
    use crate::report::Memory;
    use time::macros::datetime;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn rounds_start_on_a_grid_and_stop_before_run_for() {
        let schedule = Schedule {
            every: s(60),
            run_for: Some(s(270)),
        };
        assert_eq!(schedule.planned(), Some(5));
        let mut at = Vec::new();
        let mut done = 0;
        // Each round takes 2 s: the next still starts on its slot.
        while let Some(next) = schedule.next(done, schedule.offset(done) + s(2)) {
            assert_eq!(next.skipped, 0);
            at.push(next.at.as_secs());
            done = next.index;
        }
        assert_eq!(at, [60, 120, 180, 240]);
    }

    #[test]
    fn run_for_a_multiple_of_every_leaves_the_last_slot_to_the_next_step() {
        let schedule = Schedule {
            every: s(60),
            run_for: Some(s(300)),
        };
        assert_eq!(schedule.planned(), Some(5));
        assert_eq!(schedule.next(4, s(241)), None);
        assert_eq!(schedule.next(3, s(181)).map(|n| n.index), Some(4));
    }

    #[test]
    fn a_slow_round_delays_only_itself_and_skips_the_slots_it_covered() {
        let schedule = Schedule {
            every: s(1),
            run_for: None,
        };
        // Round 0 took 2.5 s: slots 1 and 2 passed, round 3 starts at 3 s.
        assert_eq!(
            schedule.next(0, ms(2500)),
            Some(Next {
                index: 3,
                at: s(3),
                skipped: 2
            })
        );
        // Ending exactly on a slot starts that round at once.
        assert_eq!(
            schedule.next(0, s(1)).map(|n| (n.index, n.skipped)),
            Some((1, 0))
        );
        // Ending 1 ms after it misses it.
        assert_eq!(
            schedule.next(0, ms(1001)).map(|n| (n.index, n.skipped)),
            Some((2, 1))
        );
        // Twenty rounds of 300 ms each: no drift, round 20 starts at 20 s.
        let mut done = 0;
        for _ in 0..20 {
            let next = schedule
                .next(done, schedule.offset(done) + ms(300))
                .unwrap();
            assert_eq!(next.skipped, 0);
            done = next.index;
        }
        assert_eq!(schedule.offset(done), s(20));
    }

    #[test]
    fn without_run_for_the_rounds_go_on() {
        let schedule = Schedule {
            every: s(30),
            run_for: None,
        };
        assert_eq!(schedule.planned(), None);
        assert_eq!(
            schedule.next(1_000_000, s(30_000_001)).map(|n| n.skipped),
            Some(0)
        );
        assert_eq!(schedule.describe(), "every 30s until stopped");
        let timed = Schedule {
            every: s(60),
            run_for: Some(s(270)),
        };
        assert_eq!(timed.describe(), "every 1m for 4m30s (5 rounds)");
    }

    fn counted(mut r: UrlResult, previous: Option<Status>) -> UrlResult {
        r.memory = Some(Memory {
            previous,
            observed: r.status,
            since: datetime!(2026-12-01 00:00 UTC),
            down_since: None,
            downtime: None,
            held: None,
        });
        r
    }

    #[test]
    fn the_tally_counts_shares_worst_last_and_changes() {
        let mut tally = Tally::new(Some(Schedule {
            every: s(1),
            run_for: Some(s(3)),
        }));
        let t0 = datetime!(2026-12-01 12:00:00 UTC);
        let a = "https://a.example/";
        let rounds = [
            (counted(fixtures::up(a), None), t0),
            (
                counted(fixtures::down(a), Some(Status::Up)),
                t0 + time::Duration::seconds(1),
            ),
            (
                counted(fixtures::up(a), Some(Status::Down)),
                t0 + time::Duration::seconds(2),
            ),
        ];
        let mut changes = Vec::new();
        for (r, at) in rounds {
            changes.extend(tally.add(&fixtures::report(vec![r]), at));
        }
        assert_eq!(tally.rounds, 3);
        let u = &tally.urls[0];
        assert_eq!((u.checked, u.up), (3, 2));
        assert_eq!(
            u.worst.as_ref().map(|w| (w.status, w.at)),
            Some((Status::Down, t0 + time::Duration::seconds(1)))
        );
        assert_eq!(u.last.as_ref().map(|l| l.0), Some(Status::Up));
        let seen: Vec<(Option<Status>, Status)> =
            changes.iter().map(|(_, c)| (c.from, c.to)).collect();
        assert_eq!(u.change_count, 2);
        assert_eq!(
            seen,
            [
                (None, Status::Up),
                (Some(Status::Up), Status::Down),
                (Some(Status::Down), Status::Up)
            ]
        );
        let json = tally.to_json();
        assert_eq!(json["rounds"], 3);
        assert_eq!(json["urls"][0]["rounds_up"], 2);
        assert_eq!(json["urls"][0]["worst"], "down");
        assert_eq!(json["urls"][0]["recent_changes"][0]["to"], "down");
        let summary = tally.summary();
        assert!(summary.contains("| 66.7% (2 of 3) |"), "{summary}");
        assert!(
            summary.contains("12:00:01 UTC up → down; 12:00:02 UTC down → up"),
            "{summary}"
        );
    }

    #[test]
    fn kept_changes_are_bounded() {
        let mut tally = Tally::new(Some(Schedule {
            every: s(1),
            run_for: None,
        }));
        let t0 = datetime!(2026-12-01 12:00:00 UTC);
        let a = "https://a.example/";
        let mut previous = None;
        for i in 0..1000 {
            let r = if i % 2 == 0 {
                fixtures::up(a)
            } else {
                fixtures::down(a)
            };
            let status = r.status;
            tally.add(
                &fixtures::report(vec![counted(r, previous)]),
                t0 + time::Duration::seconds(i),
            );
            previous = Some(status);
        }
        let u = &tally.urls[0];
        assert_eq!(u.changes.len(), KEPT_CHANGES);
        assert_eq!(u.change_count, 999);
        assert!(
            tally.summary().contains("949 earlier"),
            "{}",
            tally.summary()
        );
    }

    #[test]
    fn a_single_round_has_no_summary_section() {
        let mut tally = Tally::new(None);
        tally.add(&fixtures::mixed(), datetime!(2026-12-01 12:00 UTC));
        assert_eq!(tally.summary(), "");
        assert_eq!(tally.to_json()["rounds"], 1);
    }

    #[test]
    fn log_lines_are_safe_and_say_what_changed() {
        let change = Change {
            at: datetime!(2026-12-01 12:00:03 UTC),
            from: Some(Status::Up),
            to: Status::Down,
            reason: Some("HTTP 503\n::error::x".into()),
        };
        let line = change_line("https://a.example/", &change);
        assert!(
            line.starts_with("12:00:03 UTC https://a.example/: up → down (HTTP 503"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}

//! Memory between runs: the state file (`file`), how one URL's counted status moves with
//! thresholds (`transition`), and `apply`, which carries a run's report through the state.

pub mod file;
pub mod transition;

use std::time::Duration;

use time::OffsetDateTime;

use crate::report::{Held, Memory, RunReport, Status};
pub use file::State;
pub use transition::{advance, Incident, Thresholds, UrlState};

/// Counted statuses (thresholds), what changed, and outage times, written into `report`; the
/// state is updated to be saved. URLs no longer checked are forgotten.
pub fn apply(
    report: &mut RunReport,
    state: &mut State,
    thresholds: Thresholds,
    now: OffsetDateTime,
) {
    let mut previous_overall: Option<Status> = None;
    for r in &mut report.results {
        let key = r.key.clone();
        let before = state.urls.get(&key).cloned();
        if let Some(b) = &before {
            previous_overall = Some(previous_overall.map_or(b.status, |p| p.max(b.status)));
        }
        let observed = r.status;
        let step = advance(before.as_ref(), observed, r.reason(), thresholds, now);
        if observed != Status::Unknown {
            r.status = step.state.status;
        }
        let held = match (observed, r.status) {
            (Status::Down, counted) if counted != Status::Down => Some(Held::NotYetDown {
                failures: step.state.failures,
                threshold: thresholds.failure,
            }),
            (Status::Up | Status::Degraded, Status::Down) => Some(Held::NotYetUp {
                successes: step.state.successes,
                threshold: thresholds.success,
            }),
            _ => None,
        };
        let outage_start = match (&before, r.status) {
            (_, Status::Down) => Some(step.state.since),
            (Some(b), Status::Up | Status::Degraded) if b.status == Status::Down => Some(b.since),
            _ => None,
        };
        r.memory = Some(Memory {
            previous: before.as_ref().map(|b| b.status),
            observed,
            since: step.state.since,
            down_since: outage_start,
            downtime: outage_start.map(|start| positive(now - start)),
            held,
        });
        // A URL seen for the first time in a run cut short has nothing to remember yet.
        if before.is_some() || observed != Status::Unknown {
            let mut kept = step.state;
            kept.url = r.url.as_str().to_string();
            state.urls.insert(key, kept);
        }
    }
    report.missed = missed_runs(&state.runs, now);
    let keys: Vec<String> = report.results.iter().map(|r| r.key.clone()).collect();
    state.retain_urls(keys.iter().map(String::as_str));
    state.record_run(now);
    report.previous = previous_overall;
}

/// A gap since the last run far longer than the usual interval (the median gap of the kept
/// runs, at least three of them): three times as long, and at least 15 minutes.
pub fn missed_runs(
    runs: &[file::Run],
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, OffsetDateTime)> {
    if runs.len() < 3 {
        return None;
    }
    let mut gaps: Vec<time::Duration> = runs.windows(2).map(|w| w[1].at - w[0].at).collect();
    gaps.sort();
    let usual = gaps[gaps.len() / 2];
    let last = runs.last()?.at;
    let silence = now - last;
    (silence > usual * 3 && silence >= time::Duration::minutes(15)).then_some((last, now))
}

/// Whether a message is due again: a change that did not reach Slack last time, or a URL that is
/// still down (no change this run) with nothing sent about it for `every`.
pub fn reminder_due(
    report: &RunReport,
    state: &State,
    every: Option<Duration>,
    now: OffsetDateTime,
) -> bool {
    let unannounced = report
        .results
        .iter()
        .any(|r| state.urls.get(&r.key).is_some_and(|s| s.unannounced));
    let Some(every) = every else {
        return unannounced;
    };
    unannounced
        || report.results.iter().any(|r| {
            r.status == Status::Down
                && !r.changed()
                && due_again(
                    state.urls.get(&r.key).and_then(|s| s.last_notified),
                    every,
                    now,
                )
        })
}

/// A reminder is due: nothing was told since `last` for `every` (or nothing was told at all).
/// Every channel uses this with its own record of `last`.
pub fn due_again(last: Option<OffsetDateTime>, every: Duration, now: OffsetDateTime) -> bool {
    last.is_none_or(|last| positive(now - last) >= every)
}

/// Remember that a message went out about every URL that is down or changed; `posted` (the
/// message's channel and ts, bot token only) becomes the open incident of each URL that just
/// went down.
pub fn mark_notified(
    report: &RunReport,
    state: &mut State,
    now: OffsetDateTime,
    posted: Option<&Incident>,
) {
    for r in &report.results {
        if let Some(s) = state.urls.get_mut(&r.key) {
            s.unannounced = false;
        }
        if r.status == Status::Down || r.changed() {
            if let Some(s) = state.urls.get_mut(&r.key) {
                s.last_notified = Some(now);
                if r.status == Status::Down && r.changed() {
                    s.incident = posted.cloned();
                }
            }
        }
    }
}

/// A message was due but did not arrive: the changes in it are told again next run.
pub fn mark_unannounced(report: &RunReport, state: &mut State) {
    for r in report.results.iter().filter(|r| r.changed()) {
        if let Some(s) = state.urls.get_mut(&r.key) {
            s.unannounced = true;
        }
    }
}

/// The open incidents that this run ends: the outage messages of the URLs that recovered, each
/// once, in input order.
pub fn ended_incidents(report: &RunReport, state: &State) -> Vec<Incident> {
    let mut out: Vec<Incident> = Vec::new();
    for r in report.results.iter().filter(|r| r.recovered()) {
        if let Some(incident) = state.urls.get(&r.key).and_then(|s| s.incident.clone()) {
            if !out.contains(&incident) {
                out.push(incident);
            }
        }
    }
    out
}

/// Forget the incidents of the URLs that recovered (their messages were resolved).
pub fn close_incidents(report: &RunReport, state: &mut State) {
    for r in report.results.iter().filter(|r| r.recovered()) {
        if let Some(s) = state.urls.get_mut(&r.key) {
            s.incident = None;
        }
    }
}

fn positive(d: time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or_default()
}

#[cfg(test)]
mod tests;

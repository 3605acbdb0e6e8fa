//! Memory between runs: the state file (`file`), which monitor and file a run uses (`place`),
//! how one URL's counted status moves with thresholds (`transition`), `open`, which loads the
//! run's state, and `apply`, which carries a run's report through the state.

pub mod file;
pub mod place;
pub mod transition;

use std::path::PathBuf;
use std::time::Duration;

use time::OffsetDateTime;
use url::Url;

/// The per-URL key of the state (and the history): see `config::url_key`.
pub use crate::config::url_key;
use crate::config::{StateSettings, Target};
use crate::report::{Held, Memory, RunReport, SlackOutcome, Status};
pub use file::{Monitor, State};
pub use place::Place;
pub use transition::{advance, Incident, Thresholds, UrlState};

/// The state a run starts from.
#[derive(Debug)]
pub struct Opened {
    /// The state file and what it held; `None` when the run keeps no state.
    pub memory: Option<(PathBuf, State)>,
    /// `::warning::` texts: a file that could not be used, one that belongs to another
    /// monitor, a path that does not outlive the container.
    pub warnings: Vec<String>,
    /// A line for the job summary (a run that did not use the default branch's state).
    pub note: Option<String>,
}

/// Load the state of this run: `state-file`, else (in Actions) a file under `RUNNER_TEMP`
/// named by the monitor. A file saved for another monitor is not used (fresh start with a
/// warning naming both); a file without a monitor (version 1, or local) is adopted; a
/// version-1 file's URLs are re-keyed from the old keys (computable from the current URLs), so
/// nothing is forgotten and the old keys vanish with the next save.
pub fn open(settings: &StateSettings, targets: &[Target], place: &Place) -> Opened {
    let monitor = place.monitor(settings.key.as_deref());
    let mut warnings = Vec::new();
    let Some(path) = settings
        .file
        .clone()
        .or_else(|| place.default_file(monitor.as_ref()))
    else {
        return Opened {
            memory: None,
            warnings,
            note: None,
        };
    };
    warnings.extend(place.lost_path_warning(&path));
    let (mut state, problem) = file::load(&path);
    warnings.extend(problem.map(|p| p.to_string()));
    if let (Some(ours), Some(theirs)) = (&monitor, &state.monitor) {
        if ours.id != theirs.id {
            warnings.push(format!(
                "the state file {} belongs to another monitor ({}, id {}), not this one ({}, id \
                 {}); starting fresh",
                path.display(),
                theirs.name,
                theirs.id,
                ours.name,
                ours.id
            ));
            state = State::default();
        }
    }
    if state.version < 2 {
        rekey_legacy(&mut state, targets);
    }
    state.version = file::VERSION;
    if monitor.is_some() {
        state.monitor = monitor;
    }
    Opened {
        memory: Some((path, state)),
        warnings,
        note: place.branch_note(),
    }
}

/// The key version 1 used: 32 hex digits of the SHA-256 of the full URL (secrets included),
/// `-N` for its N-th repeat. Only computed in memory to re-key an old file; never written.
pub fn legacy_url_key(url: &Url, repeat: usize) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.as_str().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    if repeat == 0 {
        hex
    } else {
        format!("{hex}-{repeat}")
    }
}

/// Move each current URL's entry from its version-1 key to its key now.
fn rekey_legacy(state: &mut State, targets: &[Target]) {
    let mut moved = std::collections::BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        let repeat = targets[..i].iter().filter(|o| o.url == t.url).count();
        if let Some(entry) = state.urls.remove(&legacy_url_key(&t.url, repeat)) {
            moved.insert(t.key.clone(), entry);
        }
    }
    // Whatever matched no current URL is forgotten (it holds only old keys).
    state.urls = moved;
}

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

/// Which URLs count as down in this run, thresholds applied, without changing the state: the
/// indexes into `report.results` of the URLs `apply` would count as down (what the restart hook
/// is called for). Without state, a URL counts as down when this run found it down.
pub fn counted_down(
    report: &RunReport,
    state: Option<&State>,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<usize> {
    report
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let counted = match state {
                Some(state) if r.status != Status::Unknown => {
                    let before = state.urls.get(&r.key);
                    advance(before, r.status, None, thresholds, now)
                        .state
                        .status
                }
                _ => r.status,
            };
            counted == Status::Down
        })
        .map(|(i, _)| i)
        .collect()
}

/// What the channels other than Slack came to, for the state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OthersTold {
    /// One of them got its message.
    pub notified: bool,
    /// One whose message was due did not get it.
    pub lost: bool,
}

/// What the Slack phase changed in the state: a delivered message is remembered (and where it
/// was posted becomes the open incident of each URL that just went down); a message that was
/// due and did not arrive leaves its changes to be told next run; the incidents this run ends
/// are closed (their messages were marked resolved), unless a signal came first (`cancelled`).
/// Without Slack's word, the other channels' (Discord, Teams, the webhook): `others` says whether
/// one of them got its message, or one whose message was due did not.
pub fn record_slack<E: std::fmt::Display>(
    report: &RunReport,
    state: &mut State,
    slack: &SlackOutcome<E>,
    others: OthersTold,
    now: OffsetDateTime,
    cancelled: bool,
) {
    match slack {
        SlackOutcome::Delivered { posted, .. } => {
            mark_notified(report, state, now, posted.as_ref());
        }
        lost if lost.lost() => mark_unannounced(report, state),
        _ if others.notified => mark_notified(report, state, now, None),
        _ if others.lost => mark_unannounced(report, state),
        _ => {}
    }
    if !cancelled {
        close_incidents(report, state);
    }
}

/// What the quiet windows changed in the state, after the channels (`slack` and `others` read
/// as `record_slack` reads them): an outage held this run is remembered as held; a held outage
/// told now or ended is no longer held (one whose due message did not arrive is told again next
/// run), and where Slack posted it becomes its open incident; a change not held that had to
/// wait with a held outage inside the window is told when the window ends.
pub fn record_quiet<E: std::fmt::Display>(
    report: &RunReport,
    state: &mut State,
    quiet: &crate::policy::Quiet,
    slack: &SlackOutcome<E>,
    others: OthersTold,
) {
    use crate::policy::Hold;
    let (posted, lost) = match slack {
        SlackOutcome::Delivered { posted, .. } => (posted.as_ref(), false),
        lost if lost.lost() => (None, true),
        _ => (None, !others.notified && others.lost),
    };
    let waiting = quiet.inside.is_some() && quiet.holds();
    for (i, r) in report.results.iter().enumerate() {
        let Some(s) = state.urls.get_mut(&r.key) else {
            continue;
        };
        match quiet.hold(i) {
            Hold::Held => s.held = true,
            Hold::Dropped => {
                s.held = false;
                s.unannounced = false;
            }
            Hold::Released if !lost => {
                s.held = false;
                if posted.is_some() {
                    s.incident = posted.cloned();
                }
            }
            Hold::Released => {}
            Hold::Tell if waiting && r.changed() => s.unannounced = true,
            Hold::Tell => {}
        }
    }
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

//! When a run is news: the one decision every channel (Slack, Discord, Teams, the webhook, the
//! incident issues) shares. Pure functions of the `notify` policy, this run's report, whether a
//! reminder is due, and what the quiet windows (`quiet-hours`, `maintenance`) hold back: the
//! window in force is worked out for the run's own instant and comes in as a value.
//!
//! Inside a window an outage is recorded and counted but held: a URL that goes down (or degraded)
//! is not told; still down on the first run after the window, it is told then as news (its true
//! down-since time kept); back up before that, neither its outage nor its recovery is ever told. The
//! recovery of an outage told before the window is told at once, unless an outage is being held
//! in the same run (a message shows the whole run, so it waits for the window's end with it).
//! Inside a window nothing else is sent: no reminder, no `always`/`failure` repeat, no restart
//! attempt by itself.

use crate::config::NotifyPolicy;
use crate::report::{RunReport, Status, UrlResult};
use crate::window::Active;

/// What becomes of one URL's news under the quiet windows. An "outage" here is a change to
/// down or degraded that is not the recovery of an outage told before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Told as usual.
    Tell,
    /// An outage that began inside a window, or one a window holds still: not told now.
    Held,
    /// The end of an outage a window held (up again): the outage was never told, nor is its end.
    Dropped,
    /// An outage a window held, still down (or degraded) after it: told now, as news.
    Released,
}

/// What the quiet windows make of this run: the window its instant is in, and each URL's hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quiet {
    /// The window the run's instant is in.
    pub inside: Option<Active>,
    /// Per result, in report order (missing: `Tell`).
    pub urls: Vec<Hold>,
}

/// One URL's hold: `held_before` says a window held its outage in an earlier run and it was
/// never told; `inside` that this run's instant is in a window.
pub fn hold(r: &UrlResult, held_before: bool, inside: bool) -> Hold {
    let bad = matches!(r.status, Status::Down | Status::Degraded);
    match held_before {
        true if r.status == Status::Up => Hold::Dropped,
        true if bad && !inside => Hold::Released,
        // Still down inside a window, or a run cut short: the outage stays held.
        true => Hold::Held,
        false if inside && bad && r.changed() && !r.recovered() => Hold::Held,
        false => Hold::Tell,
    }
}

impl Quiet {
    /// The holds of `report`'s URLs at the run's instant: `inside` is the window it is in (see
    /// `window::Windows::active`), `held_before` whether a window held a URL's outage before.
    pub fn of(
        report: &RunReport,
        inside: Option<Active>,
        held_before: impl Fn(&UrlResult) -> bool,
    ) -> Quiet {
        let urls = report
            .results
            .iter()
            .map(|r| hold(r, held_before(r), inside.is_some()))
            .collect();
        Quiet { inside, urls }
    }

    /// The hold of the `i`-th result.
    pub fn hold(&self, i: usize) -> Hold {
        self.urls.get(i).copied().unwrap_or(Hold::Tell)
    }

    /// Some outage is held in this run.
    pub fn holds(&self) -> bool {
        self.urls.contains(&Hold::Held)
    }

    /// Why nothing is told inside the window, for the channels' lines: "inside quiet hours
    /// 03:00–09:00 Asia/Seoul, until 09:00 KST".
    pub fn why(&self) -> Option<String> {
        self.inside
            .as_ref()
            .map(|a| format!("inside {}, until {}", a.name(), a.until_text))
    }
}

/// `changed`: some URL's status changed since the last run (an unknown previous status counts
/// as a change only to degraded or down), or a reminder is due.
pub fn should_notify(policy: NotifyPolicy, now: Status, changed: bool) -> bool {
    match policy {
        NotifyPolicy::Always => true,
        NotifyPolicy::Failure => now != Status::Up,
        NotifyPolicy::Success => now == Status::Up,
        NotifyPolicy::Change => changed,
        NotifyPolicy::Never => false,
    }
}

/// Whether some URL's news is told this run: a change not held by a window, an outage a window
/// held and now told; a restart attempt is news in itself, outside a window.
pub fn changed(report: &RunReport, quiet: &Quiet) -> bool {
    (report.heal.is_some() && quiet.inside.is_none())
        || report
            .results
            .iter()
            .enumerate()
            .any(|(i, r)| match quiet.hold(i) {
                Hold::Tell => r.changed(),
                Hold::Released => true,
                Hold::Held | Hold::Dropped => false,
            })
}

/// `Ok` when a message is due for `report` (`remind`: a reminder is due for a URL still down;
/// `quiet`: what the windows hold back); `Err` says why not, for the log.
pub fn due(
    policy: NotifyPolicy,
    report: &RunReport,
    remind: bool,
    quiet: &Quiet,
) -> Result<(), String> {
    let status = report.status();
    let changed = changed(report, quiet);
    if let Some(why) = quiet.why() {
        // Inside a window only a change is told (a recovery), and only while nothing is held.
        if !quiet.holds() && changed && should_notify(policy, status, true) {
            return Ok(());
        }
        return Err(why);
    }
    if should_notify(policy, status, changed || remind) {
        return Ok(());
    }
    let before = report
        .previous
        .map_or("unknown".to_string(), |p| p.to_string());
    Err(format!(
        "notify: {}, status {status}, previous {before}{}",
        policy.as_str(),
        if changed { "" } else { ", no URL changed" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    use crate::report::is_change;

    #[test]
    fn policies_against_statuses_with_an_unknown_past() {
        let table = [
            (NotifyPolicy::Always, [true, true, true]),
            (NotifyPolicy::Failure, [false, true, true]),
            (NotifyPolicy::Success, [true, false, false]),
            (NotifyPolicy::Change, [false, true, true]),
            (NotifyPolicy::Never, [false, false, false]),
        ];
        for (policy, expected) in table {
            for (now, want) in [Up, Degraded, Down].into_iter().zip(expected) {
                let changed = is_change(now, None);
                assert_eq!(
                    should_notify(policy, now, changed),
                    want,
                    "{policy:?} {now}"
                );
            }
        }
    }

    #[test]
    fn change_follows_the_change() {
        assert!(should_notify(
            NotifyPolicy::Change,
            Up,
            is_change(Up, Some(Down))
        ));
        assert!(!should_notify(
            NotifyPolicy::Change,
            Down,
            is_change(Down, Some(Down))
        ));
        assert!(should_notify(
            NotifyPolicy::Change,
            Degraded,
            is_change(Degraded, Some(Up))
        ));
    }

    fn with_previous(mut r: UrlResult, previous: Option<Status>) -> UrlResult {
        r.memory = Some(crate::report::Memory {
            previous,
            observed: r.status,
            since: time::macros::datetime!(2026-11-25 03:00 UTC),
            down_since: None,
            downtime: None,
            held: None,
        });
        r
    }

    fn active() -> Active {
        let windows = crate::window::Windows {
            quiet: crate::window::parse_quiet_hours("03:00-09:00 Asia/Seoul").unwrap(),
            maintenance: Vec::new(),
        };
        windows
            .active(time::macros::datetime!(2026-11-24 19:00 UTC))
            .unwrap()
    }

    use crate::report::fixtures::{down, report, up};

    #[test]
    fn holds_follow_the_window_and_the_past() {
        let went_down = with_previous(down("https://a/"), Some(Up));
        let still_down = with_previous(down("https://a/"), Some(Down));
        let came_back = with_previous(up("https://a/"), Some(Down));
        let steady = with_previous(up("https://a/"), Some(Up));
        // Inside: a new outage is held; one told before goes on as it was; a recovery is told.
        assert_eq!(hold(&went_down, false, true), Hold::Held);
        assert_eq!(hold(&still_down, false, true), Hold::Tell);
        assert_eq!(hold(&came_back, false, true), Hold::Tell);
        assert_eq!(hold(&steady, false, true), Hold::Tell);
        // Held before: still held inside, told after; its recovery is never told.
        assert_eq!(hold(&still_down, true, true), Hold::Held);
        assert_eq!(hold(&still_down, true, false), Hold::Released);
        assert_eq!(hold(&came_back, true, true), Hold::Dropped);
        assert_eq!(hold(&came_back, true, false), Hold::Dropped);
        // Outside, with nothing held: as without windows.
        assert_eq!(hold(&went_down, false, false), Hold::Tell);
        // Degraded inside a window is held like down; down to degraded is a recovery.
        let mut slow = with_previous(up("https://a/"), Some(Up));
        slow.status = Degraded;
        assert_eq!(hold(&slow, false, true), Hold::Held);
        assert_eq!(hold(&slow, true, false), Hold::Released);
        let mut better = with_previous(up("https://a/"), Some(Down));
        better.status = Degraded;
        assert_eq!(hold(&better, false, true), Hold::Tell);
        assert_eq!(hold(&better, true, true), Hold::Held);
        assert_eq!(hold(&better, true, false), Hold::Released);
    }

    #[test]
    fn inside_a_window_an_outage_is_not_news() {
        let r = report(vec![with_previous(down("https://a/"), Some(Up))]);
        let quiet = Quiet::of(&r, Some(active()), |_| false);
        assert!(quiet.holds());
        for policy in [
            NotifyPolicy::Always,
            NotifyPolicy::Failure,
            NotifyPolicy::Change,
        ] {
            let why = due(policy, &r, true, &quiet).unwrap_err();
            assert_eq!(
                why,
                "inside quiet hours 03:00–09:00 Asia/Seoul, until 09:00 KST"
            );
        }
        assert!(!changed(&r, &quiet));
        // Without windows the same run is news.
        assert!(due(NotifyPolicy::Change, &r, false, &Quiet::default()).is_ok());
    }

    #[test]
    fn a_held_outage_is_news_after_the_window() {
        let r = report(vec![with_previous(down("https://a/"), Some(Down))]);
        let quiet = Quiet::of(&r, None, |_| true);
        assert_eq!(quiet.urls, [Hold::Released]);
        assert!(changed(&r, &quiet));
        assert!(due(NotifyPolicy::Change, &r, false, &quiet).is_ok());
        // Back up before the first run after the window: nothing to tell.
        let r = report(vec![with_previous(up("https://a/"), Some(Down))]);
        let quiet = Quiet::of(&r, None, |_| true);
        assert_eq!(quiet.urls, [Hold::Dropped]);
        assert!(due(NotifyPolicy::Change, &r, false, &quiet).is_err());
    }

    #[test]
    fn inside_a_window_a_recovery_is_told_unless_an_outage_is_held() {
        let back = with_previous(up("https://a/"), Some(Down));
        let r = report(vec![
            back.clone(),
            with_previous(down("https://b/"), Some(Down)),
        ]);
        let quiet = Quiet::of(&r, Some(active()), |_| false);
        assert!(due(NotifyPolicy::Change, &r, false, &quiet).is_ok());
        // A reminder alone waits for the window's end.
        let r = report(vec![with_previous(down("https://b/"), Some(Down))]);
        let quiet = Quiet::of(&r, Some(active()), |_| false);
        assert!(due(NotifyPolicy::Change, &r, true, &quiet).is_err());
        assert!(due(NotifyPolicy::Always, &r, false, &quiet).is_err());
        // Another URL's outage held in the same run: the recovery waits with it.
        let r = report(vec![back, with_previous(down("https://b/"), Some(Up))]);
        let quiet = Quiet::of(&r, Some(active()), |_| false);
        assert_eq!(quiet.urls, [Hold::Tell, Hold::Held]);
        assert!(due(NotifyPolicy::Change, &r, false, &quiet).is_err());
    }
}

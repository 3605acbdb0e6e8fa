//! When a run is news: the one decision every channel (Slack, Discord, Teams, the webhook)
//! shares. Pure functions of the `notify` policy, this run's report and whether a reminder is due.

use crate::config::NotifyPolicy;
use crate::report::{RunReport, Status};

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

/// Whether some URL changed this run; a restart attempt is news in itself.
pub fn changed(report: &RunReport) -> bool {
    report.heal.is_some() || report.results.iter().any(crate::report::UrlResult::changed)
}

/// `Ok` when a message is due for `report` (`remind`: a reminder is due for a URL still down);
/// `Err` says why not, for the log.
pub fn due(policy: NotifyPolicy, report: &RunReport, remind: bool) -> Result<(), String> {
    let status = report.status();
    let changed = changed(report);
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
}

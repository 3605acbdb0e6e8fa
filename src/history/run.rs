//! One run into the history, and the Slack digest's schedule and content. `record_run` turns
//! each final result (after the restart hook and thresholds) into a [`Sample`]: the counted
//! status, the observed one, the response time (none without a response) and a [`ReasonCode`]
//! from the result's failure kind; a check cut short by a cancel is not recorded at all (it saw
//! nothing, and its time stays "no data"). Then roll-up and pruning, and each result gets its
//! 7-day uptime. Pure: "now" comes in.

use std::time::Duration;

use time::OffsetDateTime;

use super::{Entry, History, Incident, ReasonCode, RecordError, Sample, Uptime};
use crate::config::Digest;
use crate::report::{Degradation, Failure, RunReport, Status, UrlResult};

/// The 7-day window of the recovery message.
pub const WEEK: Duration = Duration::from_secs(7 * 86_400);

/// The reason code of a result: its failure's kind, else why it is degraded, else `ok`.
pub fn reason_of(r: &UrlResult) -> ReasonCode {
    match &r.failure {
        Some(f) => match f {
            Failure::Dns(_) => ReasonCode::Dns,
            Failure::Refused | Failure::RefusedInContainer => ReasonCode::Refused,
            Failure::Tls(_) => ReasonCode::Tls,
            Failure::Timeout(_) => ReasonCode::Timeout,
            Failure::TooManyRedirects(_) | Failure::RedirectLoop(_) | Failure::BadRedirect(_) => {
                ReasonCode::Redirect
            }
            Failure::Status { code, .. } if (100..=599).contains(code) => ReasonCode::Http(*code),
            Failure::BodyMissing(_) | Failure::BodyForbidden(_) => ReasonCode::Body,
            Failure::Cancelled => ReasonCode::Cancelled,
            Failure::Reset | Failure::Connection(_) | Failure::Status { .. } => ReasonCode::Error,
        },
        None => match r.degradations.first() {
            Some(Degradation::Slow { .. }) => ReasonCode::Slow,
            Some(Degradation::CertExpiring { .. }) => ReasonCode::Cert,
            None => ReasonCode::Ok,
        },
    }
}

/// The sample of one result at `at`; None for a check cut short (observed `unknown`).
pub fn sample_of(r: &UrlResult, at: OffsetDateTime) -> Option<Sample> {
    let observed = r.memory.as_ref().map_or(r.status, |m| m.observed);
    if observed == Status::Unknown || r.status == Status::Unknown {
        return None;
    }
    Some(Sample {
        at,
        counted: r.status,
        observed,
        // A connection error has no response, so no response time.
        response_ms: r
            .http_status
            .and(r.response_time_ms())
            .map(|ms| u32::try_from(ms).unwrap_or(u32::MAX)),
        reason: reason_of(r),
    })
}

/// Record every result of `report` at `now`, fold and prune (URLs not in this run go 7 days
/// after their last sample), and give each result its 7-day uptime. A second run within the
/// same second as a URL's last sample adds nothing (it stands for no time); samples earlier
/// than a URL's last one (a clock that went back) are returned as errors; the rest are kept.
pub fn record_run(
    history: &mut History,
    report: &mut RunReport,
    now: OffsetDateTime,
) -> Vec<RecordError> {
    let mut errors = Vec::new();
    for r in &report.results {
        let same_second = history
            .get(&r.key)
            .and_then(super::model::UrlHistory::last_checked)
            .is_some_and(|last| last.unix_timestamp() == now.unix_timestamp());
        if same_second {
            continue;
        }
        if let Some(sample) = sample_of(r, now) {
            if let Err(e) = history.record(&r.key, r.url.as_str(), r.name.as_deref(), sample) {
                errors.push(e);
            }
        }
    }
    history.rollup(now);
    let keys: Vec<String> = report.results.iter().map(|r| r.key.clone()).collect();
    history.prune(now, keys.iter().map(String::as_str));
    for r in &mut report.results {
        r.uptime_7d = history.get(&r.key).and_then(|u| u.uptime(WEEK, now).ratio);
    }
    errors
}

/// One digest's period: `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: Digest,
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

/// The start of the current period: today's midnight UTC, or this week's Monday 00:00 UTC.
pub fn period_start(kind: Digest, now: OffsetDateTime) -> OffsetDateTime {
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let day = match kind {
        Digest::Weekly => {
            let back = today.weekday().number_days_from_monday();
            today - time::Duration::days(i64::from(back))
        }
        Digest::Daily | Digest::Off => today,
    };
    day.midnight().assume_utc()
}

/// Whether a digest is due now, and for which period (the one that just ended): on the first
/// run after midnight UTC (weekly: after Monday 00:00 UTC), once. `last_sent` is when the last
/// digest went out; `previous_run` the run before this one. With no digest ever sent, one is due
/// only when the previous run was in the last period (so a monitor that just started, or just
/// turned the digest on, waits for the next midnight rather than sending at once).
pub fn digest_due(
    kind: Digest,
    last_sent: Option<OffsetDateTime>,
    previous_run: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Option<Period> {
    if kind == Digest::Off {
        return None;
    }
    let start = period_start(kind, now);
    let due = match last_sent {
        Some(sent) => sent < start,
        None => previous_run.is_some_and(|p| p < start),
    };
    let length = match kind {
        Digest::Weekly => time::Duration::days(7),
        _ => time::Duration::days(1),
    };
    due.then_some(Period {
        kind,
        from: start - length,
        to: start,
    })
}

/// One URL in a digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestUrl {
    pub label: String,
    pub shown: String,
    pub uptime: Uptime,
    pub p95_ms: Option<u32>,
    /// The incidents that overlap the period, oldest first.
    pub incidents: Vec<Incident>,
}

/// What a digest tells.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestReport {
    pub period: Period,
    pub urls: Vec<DigestUrl>,
}

impl DigestReport {
    /// The URL with the highest p95 response time over the period.
    pub fn slowest(&self) -> Option<&DigestUrl> {
        self.urls
            .iter()
            .filter(|u| u.p95_ms.is_some())
            .max_by_key(|u| u.p95_ms)
    }
}

/// The digest of `period` for these URLs (in input order).
pub fn digest(entries: &[Entry<'_>], period: Period) -> DigestReport {
    let urls = entries
        .iter()
        .map(|e| DigestUrl {
            label: e.url.label().to_string(),
            shown: e.url.shown.clone(),
            uptime: e.url.uptime_between(period.from, period.to),
            p95_ms: e.url.percentiles_between(period.from, period.to).p95_ms,
            incidents: e
                .url
                .incidents()
                .iter()
                .filter(|i| i.start < period.to && i.end.is_none_or(|end| end >= period.from))
                .cloned()
                .collect(),
        })
        .collect();
    DigestReport { period, urls }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::RedactedUrl;
    use crate::report::fixtures::report;
    use time::macros::datetime;

    fn result(status: Status, failure: Option<Failure>) -> UrlResult {
        let url = url::Url::parse("https://h/").unwrap();
        UrlResult {
            url: RedactedUrl::new(&url),
            name: Some("Home".into()),
            key: "k".into(),
            status,
            http_status: Some(200),
            attempts: 1,
            max_attempts: 1,
            waits: vec![],
            response_time: Some(Duration::from_millis(87)),
            failure,
            degradations: vec![],
            final_url: None,
            cert_not_after: None,
            memory: None,
            healed: None,
            uptime_7d: None,
        }
    }

    #[test]
    fn reasons_follow_the_failure_kind() {
        let t = Duration::from_secs(1);
        let cases = [
            (Failure::Dns("x".into()), "dns"),
            (Failure::Refused, "refused"),
            (Failure::RefusedInContainer, "refused"),
            (Failure::Reset, "error"),
            (Failure::Tls("x".into()), "tls"),
            (Failure::Timeout(t), "timeout"),
            (Failure::TooManyRedirects(10), "redirect"),
            (Failure::RedirectLoop("u".into()), "redirect"),
            (Failure::BadRedirect("u".into()), "redirect"),
            (Failure::Connection("x".into()), "error"),
            (
                Failure::Status {
                    code: 503,
                    expected: "200-399".into(),
                },
                "http_503",
            ),
            (Failure::BodyMissing("ok".into()), "body"),
            (Failure::BodyForbidden("err".into()), "body"),
            (Failure::Cancelled, "cancelled"),
        ];
        for (f, code) in cases {
            assert_eq!(
                reason_of(&result(Status::Down, Some(f.clone()))).as_str(),
                code,
                "{f:?}"
            );
        }
        let mut slow = result(Status::Degraded, None);
        slow.degradations = vec![Degradation::Slow { took: t, limit: t }];
        assert_eq!(reason_of(&slow), ReasonCode::Slow);
        assert_eq!(reason_of(&result(Status::Up, None)), ReasonCode::Ok);
    }

    #[test]
    fn samples_carry_counted_and_observed_status_and_no_time_without_a_response() {
        let at = datetime!(2026-12-03 12:00 UTC);
        let mut held = result(Status::Up, Some(Failure::Refused));
        held.http_status = None;
        held.memory = Some(crate::report::Memory {
            previous: Some(Status::Up),
            observed: Status::Down,
            since: at,
            down_since: None,
            downtime: None,
            held: None,
        });
        let s = sample_of(&held, at).unwrap();
        assert_eq!((s.counted, s.observed), (Status::Up, Status::Down));
        assert_eq!(s.response_ms, None);
        assert_eq!(s.reason, ReasonCode::Refused);
        let ok = sample_of(&result(Status::Up, None), at).unwrap();
        assert_eq!(ok.response_ms, Some(87));
        // A check cut short records nothing.
        assert_eq!(
            sample_of(&result(Status::Unknown, Some(Failure::Cancelled)), at),
            None
        );
    }

    #[test]
    fn record_run_records_rolls_up_prunes_and_gives_the_weekly_uptime() {
        let mut h = History::new();
        let t0 = datetime!(2026-12-03 12:00 UTC);
        for i in 0..4 {
            let status = if i == 2 { Status::Down } else { Status::Up };
            let mut report = report(vec![result(status, None)]);
            let now = t0 + time::Duration::minutes(5 * i);
            assert!(record_run(&mut h, &mut report, now).is_empty());
            let u = report.results[0].uptime_7d;
            if i == 0 {
                assert_eq!(u, None, "a first sample stands for no time");
            }
            if i == 3 {
                // 15 minutes observed, 5 of them down.
                assert_eq!(h.uptime("k", WEEK, now).observed, Duration::from_secs(900));
                assert!((u.unwrap() - 2.0 / 3.0).abs() < 1e-9, "{u:?}");
            }
        }
        assert_eq!(h.get("k").unwrap().name.as_deref(), Some("Home"));
        assert_eq!(h.get("k").unwrap().incidents().len(), 1);
        // The same second again adds nothing, quietly; an earlier time is refused, and said.
        let mut same = report(vec![result(Status::Down, None)]);
        assert!(record_run(&mut h, &mut same, t0 + time::Duration::minutes(15)).is_empty());
        assert_eq!(h.get("k").unwrap().current(), Some(Status::Up));
        let mut again = report(vec![result(Status::Up, None)]);
        assert_eq!(
            record_run(&mut h, &mut again, t0 + time::Duration::minutes(10)).len(),
            1
        );
    }

    #[test]
    fn a_digest_is_due_once_after_midnight_or_monday() {
        use Digest::*;
        // 2026-12-03 is a Thursday.
        let now = datetime!(2026-12-03 00:05 UTC);
        let before = datetime!(2026-12-02 23:55 UTC);
        let p = digest_due(Daily, None, Some(before), now).unwrap();
        assert_eq!(
            (p.from, p.to),
            (
                datetime!(2026-12-02 00:00 UTC),
                datetime!(2026-12-03 00:00 UTC)
            )
        );
        // Sent at 00:05: not again that day, due again after the next midnight.
        assert_eq!(
            digest_due(Daily, Some(now), Some(now), datetime!(2026-12-03 00:10 UTC)),
            None
        );
        assert_eq!(
            digest_due(Daily, Some(now), Some(now), datetime!(2026-12-03 23:59 UTC)),
            None
        );
        assert!(digest_due(
            Daily,
            Some(now),
            Some(datetime!(2026-12-03 23:59 UTC)),
            datetime!(2026-12-04 00:01 UTC)
        )
        .is_some());
        // Not delivered last time: due on the next run too.
        assert!(digest_due(
            Daily,
            Some(before),
            Some(now),
            datetime!(2026-12-03 00:10 UTC)
        )
        .is_some());
        // Never sent, and no earlier run or one after midnight: wait for the next midnight.
        assert_eq!(digest_due(Daily, None, None, now), None);
        assert_eq!(
            digest_due(Daily, None, Some(datetime!(2026-12-03 00:01 UTC)), now),
            None
        );
        assert_eq!(digest_due(Off, None, Some(before), now), None);
        // Weekly: Monday 00:00 UTC.
        let monday = datetime!(2026-11-30 00:00 UTC);
        assert_eq!(period_start(Weekly, now), monday);
        assert_eq!(period_start(Weekly, monday), monday);
        let w = digest_due(
            Weekly,
            Some(datetime!(2026-11-29 12:00 UTC)),
            Some(before),
            now,
        )
        .unwrap();
        assert_eq!((w.from, w.to), (datetime!(2026-11-23 00:00 UTC), monday));
        assert_eq!(
            digest_due(
                Weekly,
                Some(datetime!(2026-11-30 00:05 UTC)),
                Some(before),
                now
            ),
            None
        );
    }
}

//! Unit tests for the model, the uptime arithmetic, the stored format and the renderers.

use std::time::Duration;

use time::macros::datetime;
use time::OffsetDateTime;

use super::*;
use crate::report::Status;

const MIN: i64 = 60;
const HOUR: i64 = 3600;

fn at(t0: OffsetDateTime, secs: i64) -> OffsetDateTime {
    t0 + time::Duration::seconds(secs)
}

fn sample(t: OffsetDateTime, counted: Status, ms: Option<u32>, reason: ReasonCode) -> Sample {
    Sample {
        at: t,
        counted,
        observed: counted,
        response_ms: ms,
        reason,
    }
}

fn up(t: OffsetDateTime, ms: u32) -> Sample {
    sample(t, Status::Up, Some(ms), ReasonCode::Ok)
}

fn down(t: OffsetDateTime) -> Sample {
    sample(t, Status::Down, None, ReasonCode::Http(503))
}

/// Every 5 minutes from `t0` for `n` samples.
fn every5(
    h: &mut History,
    key: &str,
    t0: OffsetDateTime,
    n: i64,
    f: impl Fn(i64, OffsetDateTime) -> Sample,
) {
    for i in 0..n {
        let t = at(t0, i * 5 * MIN);
        h.record(key, &format!("https://{key}.example/"), None, f(i, t))
            .unwrap();
    }
}

const T0: OffsetDateTime = datetime!(2026-11-01 00:00 UTC);

#[test]
fn all_up_is_100_and_says_how_much_was_observed() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 289, |_, t| up(t, 100));
    let now = at(T0, 24 * HOUR);
    let u = h.uptime("a", DAY, now);
    assert_eq!(u.ratio, Some(1.0));
    // The first sample stands for nothing: 288 gaps of 5 minutes.
    assert_eq!(u.observed, Duration::from_secs(24 * 3600));
    assert_eq!(u.percent_text(), "100%");
    let week = h.uptime("a", WINDOWS[1].1, now);
    assert!((week.coverage() - 1.0 / 7.0).abs() < 1e-9, "{week:?}");
    assert_eq!(week.ratio, Some(1.0));
}

#[test]
fn a_gap_is_no_data_beyond_the_cap() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 13, |_, t| up(t, 100)); // 00:00–01:00
                                                    // Silence for three hours, then a down sample: it stands for the cap (10 min), not 3 h.
    h.record("a", "https://a.example/", None, down(at(T0, 4 * HOUR)))
        .unwrap();
    let u = h.get("a").unwrap().uptime_between(T0, at(T0, 4 * HOUR));
    assert_eq!(u.observed, Duration::from_secs(3600 + 600));
    let r = u.ratio.unwrap();
    assert!((r - 3600.0 / 4200.0).abs() < 1e-9, "{r}");
    assert_eq!(u.window, Duration::from_secs(4 * 3600));
}

#[test]
fn the_cap_follows_the_usual_interval_within_10_min_and_1_h() {
    let mut h = History::new();
    // Hourly runs: a sample stands for the full hour.
    for i in 0..6 {
        h.record("a", "u", None, up(at(T0, i * HOUR), 10)).unwrap();
    }
    assert_eq!(h.get("a").unwrap().samples.last().unwrap().covers, 3600);
    // A 5-hour gap after hourly runs: 1 hour at most.
    h.record("a", "u", None, up(at(T0, 10 * HOUR), 10)).unwrap();
    assert_eq!(h.get("a").unwrap().samples.last().unwrap().covers, 3600);
    // 5-minute runs: a 30-minute gap counts for 10 minutes.
    let mut h = History::new();
    every5(&mut h, "b", T0, 30, |_, t| up(t, 10));
    h.record("b", "u", None, up(at(T0, 29 * 5 * MIN + 30 * MIN), 10))
        .unwrap();
    assert_eq!(h.get("b").unwrap().samples.last().unwrap().covers, 600);
}

#[test]
fn degraded_counts_as_up_and_unknown_as_no_data() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 13, |i, t| match i {
        1..=6 => sample(t, Status::Degraded, Some(900), ReasonCode::Slow),
        7..=9 => sample(t, Status::Unknown, None, ReasonCode::Cancelled),
        _ => up(t, 100),
    });
    let u = h.get("a").unwrap().uptime_between(T0, at(T0, HOUR));
    assert_eq!(u.ratio, Some(1.0));
    assert_eq!(u.observed, Duration::from_secs(45 * 60));
}

#[test]
fn a_url_added_later_only_counts_from_its_first_run() {
    let mut h = History::new();
    every5(&mut h, "old", T0, 289, |_, t| up(t, 100));
    every5(&mut h, "new", at(T0, 18 * HOUR), 73, |_, t| up(t, 100));
    let now = at(T0, 24 * HOUR);
    let u = h.uptime("new", DAY, now);
    assert_eq!(u.observed, Duration::from_secs(6 * 3600));
    assert_eq!(u.ratio, Some(1.0));
    assert!((u.coverage() - 0.25).abs() < 1e-9);
    assert_eq!(h.uptime("missing", DAY, now).ratio, None);
    assert_eq!(h.uptime("missing", DAY, now).percent_text(), "no data");
}

#[test]
fn out_of_order_samples_are_refused() {
    let mut h = History::new();
    h.record("a", "https://a/", None, up(T0, 1)).unwrap();
    let err = h.record("a", "https://a/", None, up(T0, 1)).unwrap_err();
    assert!(err.to_string().contains("https://a/"), "{err}");
}

#[test]
fn incidents_open_close_and_stay_ongoing() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 30, |i, t| match i {
        10..=14 => down(t),
        25.. => sample(t, Status::Down, None, ReasonCode::Timeout),
        _ => up(t, 100),
    });
    let u = h.get("a").unwrap();
    let inc = u.incidents();
    assert_eq!(inc.len(), 2);
    assert_eq!(inc[0].start, at(T0, 50 * MIN));
    assert_eq!(inc[0].end, Some(at(T0, 75 * MIN)));
    assert_eq!(inc[0].reason, ReasonCode::Http(503));
    assert_eq!(inc[1].end, None);
    assert_eq!(inc[1].reason, ReasonCode::Timeout);
    let now = at(T0, 150 * MIN);
    assert_eq!(inc[1].duration(now), Duration::from_secs(25 * 60));
    let newest_first = u.incidents_in(DAY, now);
    assert_eq!(newest_first[0].end, None);
    // Uptime: 10 of the 29 gaps end in a down sample.
    let r = u.uptime_between(T0, at(T0, 145 * MIN)).ratio.unwrap();
    assert!((r - 19.0 / 29.0).abs() < 1e-9, "{r}");
}

#[test]
fn incidents_are_bounded() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 500, |i, t| {
        if i % 2 == 0 {
            down(t)
        } else {
            up(t, 1)
        }
    });
    assert_eq!(h.get("a").unwrap().incidents().len(), MAX_INCIDENTS);
}

#[test]
fn percentiles_are_nearest_rank() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 100, |i, t| up(t, (i + 1) as u32));
    let p = h.get("a").unwrap().percentiles(DAY, at(T0, 99 * 5 * MIN));
    assert_eq!(
        (p.p50_ms, p.p95_ms, p.max_ms, p.samples),
        (Some(50), Some(95), Some(100), 100)
    );
    let p = h
        .get("a")
        .unwrap()
        .percentiles(Duration::from_secs(10 * 60), at(T0, 99 * 5 * MIN));
    assert_eq!((p.p50_ms, p.p95_ms, p.samples), (Some(99), Some(100), 2));
    assert_eq!(
        h.get("a")
            .unwrap()
            .percentiles(DAY, at(T0, 30 * 86_400))
            .p50_ms,
        None
    );
}

#[test]
fn day_boundaries_are_utc_days() {
    let mut h = History::new();
    // 22:00 on Nov 1 to 02:00 on Nov 2, down from 23:30 to 00:30.
    let start = at(T0, 22 * HOUR);
    every5(&mut h, "a", start, 49, |i, t| {
        if (18..30).contains(&i) {
            down(t)
        } else {
            up(t, 5)
        }
    });
    let now = at(T0, 26 * HOUR);
    let days = h.get("a").unwrap().daily(3, now);
    assert_eq!(days.len(), 3);
    assert_eq!(days[0].date, time::macros::date!(2026 - 10 - 31));
    assert_eq!(days[0].uptime.ratio, None);
    assert_eq!(days[1].date, time::macros::date!(2026 - 11 - 01));
    assert_eq!(days[1].uptime.observed, Duration::from_secs(2 * 3600));
    // Down samples at 23:30…00:00 stand for 23:25–00:00 (35 min) of Nov 1, and those at
    // 00:05…00:25 for 00:00–00:25 of Nov 2.
    let r1 = days[1].uptime.ratio.unwrap();
    assert!((r1 - 85.0 / 120.0).abs() < 1e-9, "{r1}");
    assert_eq!(days[2].date, time::macros::date!(2026 - 11 - 02));
    assert_eq!(days[2].uptime.window, Duration::from_secs(2 * 3600));
    let r2 = days[2].uptime.ratio.unwrap();
    assert!((r2 - 95.0 / 120.0).abs() < 1e-9, "{r2}");
}

#[test]
fn rollup_folds_old_samples_into_hours_and_keeps_the_figures() {
    let mut h = History::new();
    // 10 days at 5 minutes, down 02:00–03:00 on day 1, slower in odd hours.
    every5(&mut h, "a", T0, 10 * 288, |i, t| {
        if (24..36).contains(&i) {
            down(t)
        } else {
            up(
                t,
                if (i / 12) % 2 == 1 { 200 } else { 100 } + (i % 12) as u32,
            )
        }
    });
    let now = at(T0, 10 * 86_400);
    let before30 = h.uptime("a", WINDOWS[2].1, now);
    let before_day1 = h.get("a").unwrap().daily(10, now)[0].uptime;
    h.rollup(now);
    let u = h.get("a").unwrap();
    assert!(u
        .samples
        .iter()
        .all(|s| s.at >= now.unix_timestamp() - RAW_SECS - HOUR));
    assert!(!u.hours().is_empty());
    let after30 = h.uptime("a", WINDOWS[2].1, now);
    assert_eq!(before30.observed, after30.observed);
    assert!((before30.ratio.unwrap() - after30.ratio.unwrap()).abs() < 1e-12);
    assert_eq!(before_day1, h.get("a").unwrap().daily(10, now)[0].uptime);
    let hour2 = u
        .hours()
        .iter()
        .find(|x| x.start() == at(T0, 2 * HOUR).unix_timestamp())
        .unwrap();
    assert_eq!((hour2.up(), hour2.down()), (0, 12));
    // The 03:00 sample is up and stands for 02:55–03:00.
    assert_eq!(hour2.up_secs(), 300);
    let hour1 = u
        .hours()
        .iter()
        .find(|x| x.start() == at(T0, HOUR).unix_timestamp())
        .unwrap();
    assert_eq!(
        (hour1.up(), hour1.p50_ms(), hour1.p95_ms(), hour1.max_ms()),
        (12, Some(205), Some(211), Some(211))
    );
    assert_eq!(hour1.observed_secs(), 3600);
    // Rolling up again changes nothing.
    let once = h.clone();
    h.rollup(now);
    assert_eq!(once, h);
}

#[test]
fn prune_keeps_a_removed_url_for_7_days_after_its_last_sample() {
    let mut h = History::new();
    every5(&mut h, "kept", T0, 12, |_, t| up(t, 1));
    every5(&mut h, "gone", T0, 12, |_, t| up(t, 1));
    let last = at(T0, 55 * MIN);
    h.prune(at(last, 7 * 86_400), ["kept"]);
    assert!(
        h.get("gone").is_some(),
        "7 days after its last sample it is still there"
    );
    h.prune(at(last, 7 * 86_400 + 1), ["kept"]);
    assert!(h.get("gone").is_none());
    assert!(h.get("kept").is_some());
    // Hours and ended incidents older than 90 days go.
    let mut h = History::new();
    every5(
        &mut h,
        "a",
        T0,
        24,
        |i, t| if i == 3 { down(t) } else { up(t, 1) },
    );
    let now = at(T0, 91 * 86_400);
    h.rollup(now);
    assert!(!h.get("a").unwrap().hours().is_empty());
    h.prune(now, ["a"]);
    let u = h.get("a").unwrap();
    assert!(u.hours().is_empty() && u.incidents().is_empty(), "{u:?}");
}

#[test]
fn reason_codes_roundtrip_and_refuse_unknown_text() {
    for r in [
        ReasonCode::Ok,
        ReasonCode::Http(503),
        ReasonCode::Timeout,
        ReasonCode::Refused,
        ReasonCode::Dns,
        ReasonCode::Tls,
        ReasonCode::Body,
        ReasonCode::Slow,
        ReasonCode::Cert,
        ReasonCode::Redirect,
        ReasonCode::Cancelled,
        ReasonCode::Error,
    ] {
        assert_eq!(r.as_str().parse::<ReasonCode>().unwrap(), r);
    }
    for bad in [
        "",
        "http_",
        "http_99",
        "http_600",
        "http_+50",
        "http_5030",
        "OK",
    ] {
        assert!(bad.parse::<ReasonCode>().is_err(), "{bad}");
    }
}

/// 50 URLs × 90 days at 5 minutes, realistic response times, a few incidents, rolled up and
/// pruned as a run would leave it.
pub(crate) fn big_history() -> (History, OffsetDateTime) {
    let mut h = History::new();
    let days = 90;
    let now = at(T0, days * 86_400);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for u in 0..50u32 {
        let key = format!("{:032x}", u64::from(u) * 7919);
        let shown = format!("https://service-{u}.example.com/health?token=***");
        let base = 80 + (u * 13) % 300;
        let mut t = T0.unix_timestamp() + i64::from(u);
        let end = now.unix_timestamp();
        let mut i = 0i64;
        while t <= end {
            let jitter = (rnd() % 60) as u32;
            let spike = if rnd() % 200 == 0 { 2000 } else { 0 };
            let incident = (i + i64::from(u) * 997) % 6000 < 6;
            let s = Sample {
                at: OffsetDateTime::from_unix_timestamp(t).unwrap(),
                counted: if incident {
                    Status::Down
                } else if spike > 0 {
                    Status::Degraded
                } else {
                    Status::Up
                },
                observed: if incident { Status::Down } else { Status::Up },
                response_ms: if incident {
                    None
                } else {
                    Some(base + jitter + spike)
                },
                reason: if incident {
                    ReasonCode::Timeout
                } else if spike > 0 {
                    ReasonCode::Slow
                } else {
                    ReasonCode::Ok
                },
            };
            h.record(&key, &shown, Some(&format!("Service {u}")), s)
                .unwrap();
            // A late cron now and then.
            t += 300
                + if rnd() % 50 == 0 {
                    (rnd() % 240) as i64
                } else {
                    0
                };
            i += 1;
            if i % 288 == 0 {
                let now = OffsetDateTime::from_unix_timestamp(t).unwrap();
                h.rollup(now);
            }
        }
    }
    h.rollup(now);
    let keys: Vec<String> = h.keys().map(str::to_string).collect();
    h.prune(now, keys.iter().map(String::as_str));
    (h, now)
}

#[test]
fn fifty_urls_for_90_days_stay_under_2_mb_and_roundtrip() {
    let (h, now) = big_history();
    let json = serde_json::to_string(&h).unwrap();
    println!(
        "history of 50 URLs × 90 days at 5 min: {} bytes ({:.2} MB) of JSON",
        json.len(),
        json.len() as f64 / 1_000_000.0
    );
    assert!(json.len() < 2_000_000, "{} bytes", json.len());
    let started = std::time::Instant::now();
    let back: History = serde_json::from_str(&json).unwrap();
    let loaded = started.elapsed();
    assert_eq!(back, h);
    let keys: Vec<&str> = h.keys().collect();
    let started = std::time::Instant::now();
    let files = site::files(&entries(&h, &keys), now, "Status");
    let rendered = started.elapsed();
    let page = files.iter().find(|f| f.0 == "index.html").unwrap().1.len();
    println!(
        "load {loaded:?}, site for 50 URLs {rendered:?} ({} files, index.html {page} bytes; unoptimised build)",
        files.len()
    );
    let u = h.get(&format!("{:032x}", 0)).unwrap();
    assert!(
        u.samples.len() > 1900 && u.hours().len() > 1900,
        "{} {}",
        u.samples.len(),
        u.hours().len()
    );
    let ninety = h.uptime(&format!("{:032x}", 0), WINDOWS[3].1, now);
    assert!(
        ninety.coverage() > 0.99 && ninety.ratio.unwrap() < 1.0,
        "{ninety:?}"
    );
}

#[test]
fn malformed_stored_history_is_a_clear_serde_error() {
    let mut h = History::new();
    every5(&mut h, "a", T0, 5, |i, t| {
        if i == 2 {
            down(t)
        } else {
            up(t, 100)
        }
    });
    // Version 1's columns (JSON arrays, as `history.json` has them), still read.
    let good = super::store::stored_v1(&h);
    type Change = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        ("version", Box::new(|v| v["v"] = 9.into()), "version 9"),
        (
            "count",
            Box::new(|v| v["urls"]["a"]["raw"]["c"][0][1] = 99.into()),
            "raw.c",
        ),
        (
            "huge run",
            Box::new(|v| v["urls"]["a"]["raw"]["r"][0][1] = 4_000_000_000u32.into()),
            "raw.r",
        ),
        (
            "order",
            Box::new(|v| v["urls"]["a"]["raw"]["dt"][0][0] = (-300).into()),
            "increasing",
        ),
        (
            "time",
            Box::new(|v| v["urls"]["a"]["raw"]["t0"] = 5.into()),
            "impossible",
        ),
        (
            "status",
            Box::new(|v| v["urls"]["a"]["raw"]["c"][0][0] = "sideways".into()),
            "unknown variant",
        ),
        (
            "reason",
            Box::new(|v| v["urls"]["a"]["raw"]["r"][0][0] = "http_9999".into()),
            "reason",
        ),
        (
            "ms",
            Box::new(|v| v["urls"]["a"]["raw"]["ms"][0] = (-5).into()),
            "response time",
        ),
        (
            "cover",
            Box::new(|v| v["urls"]["a"]["raw"]["cov"][0][0] = 99_999.into()),
            "more than an hour",
        ),
        (
            "incident",
            Box::new(|v| v["urls"]["a"]["inc"][0][1] = 5.into()),
            "impossible times",
        ),
        (
            "packed",
            Box::new(|v| v["urls"]["a"]["raw"] = "not base64!".into()),
            "not base64",
        ),
        (
            "packed count",
            Box::new(|v| v["urls"]["a"]["hours"] = "AP8B".into()),
            "claims 255 values",
        ),
    ];
    for (what, change, expect) in cases {
        let mut v = good.clone();
        change(&mut v);
        let err = serde_json::from_value::<History>(v)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{what}: {err}");
    }
    assert!(serde_json::from_str::<History>("{\"v\":1}").is_err());
    let v1 = serde_json::from_value::<History>(good).unwrap();
    assert_eq!(v1, h);
    // Written as version 2, packed, and read back the same.
    let v2 = serde_json::to_value(&h).unwrap();
    assert_eq!(v2["v"], 2);
    assert!(v2["urls"]["a"]["raw"].is_string() && v2["urls"]["a"]["hours"].is_string());
    assert_eq!(serde_json::from_value::<History>(v2).unwrap(), h);
}

fn sample_site() -> (History, OffsetDateTime) {
    let mut h = History::new();
    every5(&mut h, "k1", T0, 289, |i, t| {
        if (100..106).contains(&i) {
            down(t)
        } else {
            up(t, 120 + (i % 7) as u32)
        }
    });
    for i in 0..289 {
        let t = at(T0, i * 5 * MIN);
        h.record(
            "k2",
            "https://user:***@b.example/x?t=***",
            Some("B | <b>`x`</b>\n```"),
            up(t, 300),
        )
        .unwrap();
    }
    (h, at(T0, 24 * HOUR))
}

#[test]
fn uptime_output_has_every_window_coverage_percentiles_and_incidents() {
    let (h, now) = sample_site();
    let e = entries(&h, &["k1", "nope", "k2"]);
    assert_eq!(e.len(), 2);
    let v: serde_json::Value = serde_json::from_str(&output::render(&e, now)).unwrap();
    let a = &v[0];
    assert_eq!(a["url"], "https://k1.example/");
    assert_eq!(a["status"], "up");
    assert_eq!(a["uptime"]["24h"]["percent"], 97.916);
    assert_eq!(a["uptime"]["24h"]["observed_seconds"], 86_400);
    assert_eq!(a["uptime"]["7d"]["window_seconds"], 7 * 86_400);
    assert_eq!(a["uptime"]["90d"]["coverage"], 0.0111);
    assert_eq!(a["response_ms"]["p50"], 123);
    assert_eq!(a["incidents"][0]["reason"], "http_503");
    assert_eq!(a["incidents"][0]["duration_seconds"], 30 * 60);
    assert_eq!(a["incidents"][0]["ongoing"], false);
    assert!(!v.to_string().contains("k1\""), "keys never appear");
    assert_eq!(v[1]["name"], "B | <b>`x`</b>\n```");
}

#[test]
fn summary_escapes_names_and_renders_a_mermaid_chart() {
    let (h, now) = sample_site();
    let md = summary::render(&entries(&h, &["k1", "k2"]), now);
    assert!(md.contains("```mermaid\nxychart-beta\n"), "{md}");
    // 25 distinct hour labels over the 24 h window (00:00 on both days).
    let axis = md
        .lines()
        .find(|l| l.trim_start().starts_with("x-axis"))
        .unwrap();
    let labels: Vec<&str> = axis.split('"').skip(1).step_by(2).collect();
    let unique: std::collections::HashSet<&&str> = labels.iter().collect();
    assert_eq!((labels.len(), unique.len()), (25, 25), "{axis}");
    assert!(labels.contains(&"2 00:00"), "{axis}");
    assert!(
        md.contains("| ongoing |")
            || md.contains("| 2026-11-01T08:20:00Z | 2026-11-01T08:50:00Z | 30 min | HTTP 503 |"),
        "{md}"
    );
    assert!(md.contains("B \\| &lt;b&gt;\\`x\\`&lt;/b&gt;"), "{md}");
    // Only the opening and closing fences of the two charts.
    assert_eq!(md.matches("```").count(), 4, "{md}");
    assert!(!md.contains("<b>"));
    for line in md.lines().filter(|l| l.trim_start().starts_with("title")) {
        assert_eq!(line.matches('"').count(), 2, "{line}");
    }
    assert!(md.contains("97.91%<br><sub>100% observed</sub>"), "{md}");
    assert_eq!(summary::mermaid_text("a\"b`c%%d;e\n]"), "a b c d e");
    assert_eq!(summary::nice_ceiling(130), 200);
    assert_eq!(summary::nice_ceiling(2001), 2500);
}

#[test]
fn page_is_escaped_self_contained_and_has_90_day_cells() {
    let (h, now) = sample_site();
    let html = page::render(&entries(&h, &["k1", "k2"]), now, "Status <of> things");
    assert!(html.contains("<title>Status &lt;of&gt; things</title>"));
    assert!(html.contains(page::CSP));
    assert!(
        !html.contains("<script") && !html.contains("http://")
            || html.contains("http://www.w3.org")
    );
    assert!(!html.contains("<b>`x`"));
    assert!(html.contains("B | &lt;b&gt;`x`&lt;/b&gt;"));
    assert_eq!(html.matches("<section class=\"url\"").count(), 2);
    let first = html.split("<section").nth(1).unwrap();
    assert_eq!(first.matches("<span class=\"d").count(), 90);
    assert!(
        first.contains("title=\"2026-11-01: 97.91% up, 100% observed\""),
        "{first}"
    );
    assert!(first.contains("title=\"2026-10-30: no data\""));
    assert!(first.contains("<tr class=\"incident\">"));
}

#[test]
fn public_history_roundtrips_and_rebuilds() {
    let (h, now) = sample_site();
    let e = entries(&h, &["k1", "k2"]);
    let json = public::render(&e, now);
    assert!(json.starts_with("{\"schema\":2,"));
    assert!(!json.contains("\"k1\"") && !json.contains("\"k2\""));
    let p = public::parse(json.as_bytes()).unwrap();
    assert_eq!(p.generated, now);
    assert_eq!(p.urls[0].slug, "k1-example");
    let rebuilt = p.into_history(|u| match u.history.shown.as_str() {
        "https://k1.example/" => Some("k1".into()),
        _ => Some("k2".into()),
    });
    assert_eq!(rebuilt, h);
}

#[test]
fn public_parser_refuses_hostile_input_without_panicking() {
    let (h, now) = sample_site();
    let good = public::render(&entries(&h, &["k1"]), now);
    let deep = "[".repeat(100_000);
    let bad: Vec<Vec<u8>> = vec![
        b"<html>nope</html>".to_vec(),
        b"".to_vec(),
        vec![0xff, 0xfe, 0x00],
        deep.into_bytes(),
        b"{\"schema\":3,\"generated\":\"x\",\"urls\":[]}".to_vec(),
        b"{\"schema\":\"1\"}".to_vec(),
        good.replace("\"schema\":2", "\"schema\":1e400")
            .into_bytes(),
        good.replace("k1-example", "../etc").into_bytes(),
        good.replace("\"generated\":\"", "\"generated\":\"x")
            .into_bytes(),
        format!(
            "{{\"schema\":1,\"generated\":\"2026-01-01T00:00:00Z\",\"urls\":[{}]}}",
            ["{\"slug\":\"a\",\"url\":\"u\"}"; 2].join(",")
        )
        .into_bytes(),
        good.replace("\"raw\":\"", "\"raw\":\"A").into_bytes(),
        good.replace("\"hours\":\"", "\"hours\":\"!").into_bytes(),
    ];
    for b in &bad {
        assert!(
            public::parse(b).is_err(),
            "{}",
            String::from_utf8_lossy(&b[..b.len().min(80)])
        );
    }
    // Every truncation of a good file is refused or parsed, never a panic.
    for cut in (0..good.len()).step_by(7) {
        let _ = public::parse(&good.as_bytes()[..cut]);
    }
    // Byte flips.
    let mut bytes = good.clone().into_bytes();
    for i in (0..bytes.len()).step_by(3) {
        let keep = bytes[i];
        bytes[i] = b"9-\"]}x"[i % 6];
        let _ = public::parse(&bytes);
        bytes[i] = keep;
    }
    assert!(public::parse(good.as_bytes()).is_ok());
}

#[test]
fn site_has_every_file() {
    let (h, now) = sample_site();
    let files = site::files(&entries(&h, &["k1", "k2"]), now, "S");
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    for n in [
        "index.html",
        "history.json",
        "badge/k1-example-status.svg",
        "badge/k1-example-uptime-30d.svg",
        "badge/k1-example-response.svg",
        "api/k1-example/status.json",
        "api/k1-example/uptime-30d.json",
        "api/k1-example/response.json",
        "badge/b-b-x-b-status.svg",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    // Each badge once as an SVG and once as endpoint JSON, and nothing else.
    assert_eq!(files.len(), 2 + 2 * 6, "{names:?}");
}

#[test]
fn packing_straight_from_the_history_equals_packing_its_columns() {
    use store::{PackedUrl, UrlColumns};
    let (big, _) = big_history();
    let (site, _) = sample_site();
    let mut edge = History::new();
    // Unknown runs, missing response times, equal neighbours and a lone sample.
    every5(&mut edge, "e", T0, 40, |i, t| match i % 7 {
        0 => sample(t, Status::Unknown, None, ReasonCode::Cancelled),
        1 | 2 => down(t),
        3 => sample(t, Status::Degraded, Some(900), ReasonCode::Slow),
        _ => up(t, 100 + (i as u32 % 3)),
    });
    edge.rollup(at(T0, 9 * 86_400));
    every5(&mut edge, "one", T0, 1, |_, t| up(t, 5));
    let mut n = 0;
    for h in [&big, &site, &edge] {
        for u in h.urls.values() {
            assert_eq!(PackedUrl::of(u), PackedUrl::from(UrlColumns::from_url(u)));
            n += 1;
        }
    }
    assert!(n > 52, "{n}");
}

#[test]
fn percent_text_has_the_digits_of_the_float_it_stands_for() {
    for i in 0..=200_000u32 {
        let r = f64::from(i) / 200_000.0;
        let hundredths = (r * 10_000.0).floor() / 100.0;
        let float = if r >= 1.0 {
            "100%".to_string()
        } else {
            format!("{hundredths:.2}%")
        };
        assert_eq!(percent(r), float, "{r}");
    }
}

#[test]
fn daily_gives_each_day_what_uptime_between_gives() {
    let mut h = History::new();
    // 12 days: every 5 minutes with downs, degraded and cancelled runs, gaps of silence and
    // samples that straddle midnight; then rolled up, so old days come from the hours.
    let mut t = at(T0, 7 * MIN);
    let mut i = 0i64;
    while t < at(T0, 12 * 86_400) {
        let counted = match i % 97 {
            0..=5 => Status::Down,
            6..=8 => Status::Degraded,
            9 => Status::Unknown,
            _ => Status::Up,
        };
        h.record(
            "a",
            "https://a.example/",
            None,
            sample(t, counted, Some(100), ReasonCode::Ok),
        )
        .unwrap();
        // Mostly 5 minutes; now and then 23 minutes or 3 hours of silence.
        let gap = match i % 53 {
            0 => 3 * HOUR,
            1 | 2 => 23 * MIN,
            _ => 5 * MIN,
        };
        t = at(t, gap);
        i += 1;
    }
    let last = t;
    for now in [
        last,
        at(T0, 12 * 86_400),
        at(T0, 11 * 86_400 + 13 * HOUR + 17),
    ] {
        let mut h = h.clone();
        h.rollup(now);
        let u = h.get("a").unwrap();
        assert!(!u.hours().is_empty());
        let days = u.daily(15, now);
        assert_eq!(days.len(), 15);
        for d in &days {
            let start = d.date.midnight().assume_utc();
            let end = (start + time::Duration::DAY).min(now);
            assert_eq!(
                d.uptime,
                u.uptime_between(start, end),
                "{} at {now}",
                d.date
            );
        }
        assert!(days.iter().any(|d| d.uptime.ratio.is_some_and(|r| r < 1.0)));
        assert_eq!(days[0].uptime.ratio, None);
    }
}

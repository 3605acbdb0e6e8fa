//! The `uptime` step output: a JSON array, one object per URL in input order (schema in the
//! `history` module's doc comment).

use serde_json::{json, Value};
use time::OffsetDateTime;

use super::{Entry, Uptime, WINDOWS};
use crate::text::rfc3339;

/// Incidents in the output reach back this far.
pub const INCIDENT_WINDOW: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

/// A ratio rounded down to `digits` decimals (so 0.99996 never shows as 1).
pub(crate) fn floor_to(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).floor() / f
}

pub(crate) fn uptime_value(u: &Uptime) -> Value {
    json!({
        "percent": u.ratio.map(|r| floor_to(r * 100.0, 3)),
        "observed_seconds": u.observed.as_secs(),
        "window_seconds": u.window.as_secs(),
        "coverage": floor_to(u.coverage(), 4),
    })
}

/// One URL's object.
pub fn url_value(e: &Entry<'_>, now: OffsetDateTime) -> Value {
    let u = e.url;
    let mut uptime = serde_json::Map::new();
    for (label, window) in WINDOWS {
        uptime.insert(label.to_string(), uptime_value(&e.uptime(window, now)));
    }
    let p = e.day_percentiles(now);
    let incidents: Vec<Value> = u
        .incidents_in(INCIDENT_WINDOW, now)
        .into_iter()
        .map(|i| {
            json!({
                "start": rfc3339(i.start),
                "end": i.end.map(rfc3339),
                "ongoing": i.end.is_none(),
                "duration_seconds": i.duration(now).as_secs(),
                "reason": i.reason.as_str(),
            })
        })
        .collect();
    json!({
        "url": u.shown,
        "name": u.name,
        "slug": e.slug,
        "status": u.current().map(crate::report::Status::as_str),
        "last_checked": u.last_checked().map(rfc3339),
        "uptime": uptime,
        "response_ms": { "p50": p.p50_ms, "p95": p.p95_ms, "samples": p.samples },
        "incidents": incidents,
    })
}

/// The `uptime` output's value.
pub fn render(entries: &[Entry<'_>], now: OffsetDateTime) -> String {
    Value::Array(entries.iter().map(|e| url_value(e, now)).collect()).to_string()
}

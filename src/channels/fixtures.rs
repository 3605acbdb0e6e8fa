//! Reports and run contexts for the channels' unit tests.

use std::collections::HashMap;
use std::time::Duration;

use time::macros::datetime;

use crate::github::context::RunContext;
use crate::redact::RedactedUrl;
use crate::report::{Degradation, Failure, RunReport, Status, UrlResult};

pub fn url(s: &str) -> RedactedUrl {
    RedactedUrl::new(&url::Url::parse(s).unwrap())
}

pub fn up(u: &str) -> UrlResult {
    UrlResult {
        url: url(u),
        name: None,
        key: u.to_string(),
        status: Status::Up,
        http_status: Some(200),
        attempts: 1,
        max_attempts: 3,
        waits: vec![],
        response_time: Some(Duration::from_millis(132)),
        failure: None,
        degradations: vec![],
        final_url: Some(url(u)),
        cert_not_after: None,
        memory: None,
        healed: None,
        uptime_7d: None,
    }
}

pub fn down(u: &str) -> UrlResult {
    UrlResult {
        status: Status::Down,
        http_status: Some(503),
        attempts: 3,
        waits: vec![Duration::from_secs(1); 2],
        failure: Some(Failure::Status {
            code: 503,
            expected: "200-399".into(),
        }),
        ..up(u)
    }
}

pub fn report(results: Vec<UrlResult>) -> RunReport {
    RunReport {
        results,
        previous: None,
        missed: None,
        heal: None,
        started_at: datetime!(2026-11-25 03:00:07 UTC),
        duration: Duration::from_millis(2100),
        cancelled: None,
    }
}

pub fn ctx() -> RunContext {
    let vars: HashMap<String, String> = [
        ("GITHUB_REPOSITORY", "octo-org/site"),
        ("GITHUB_RUN_ID", "42"),
        ("GITHUB_RUN_NUMBER", "7"),
        ("GITHUB_WORKFLOW", "Health check"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    RunContext::from_vars(&vars, None)
}

/// Up, down (a secret in the query), degraded and refused.
pub fn mixed() -> RunReport {
    let mut slow = up("https://slow.example.com/");
    slow.status = Status::Degraded;
    slow.degradations = vec![Degradation::Slow {
        took: Duration::from_millis(1500),
        limit: Duration::from_millis(500),
    }];
    slow.response_time = Some(Duration::from_millis(1500));
    let mut refused = down("http://127.0.0.1:9/status");
    refused.failure = Some(Failure::Refused);
    refused.http_status = None;
    report(vec![
        up("https://shop.example.com/healthz"),
        down("https://api.example.com/health?token=s3cr3t"),
        slow,
        refused,
    ])
}

/// `n` URLs down, each with a long path.
pub fn many_down(n: usize) -> RunReport {
    report(
        (0..n)
            .map(|i| {
                down(&format!(
                    "https://service-{i}.example.com/a/rather/long/path/to/the/health/endpoint/{i}"
                ))
            })
            .collect(),
    )
}

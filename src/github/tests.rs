//! Exact renderings of outputs, summary and annotations for a fixed report.

use std::time::Duration;

use pretty_assertions::assert_eq;
use time::macros::datetime;

use super::*;
use crate::redact::RedactedUrl;
use crate::report::{Degradation, Failure, RunReport, RunView, Signal, Status, UrlResult};

type Slack = crate::report::SlackOutcome<&'static str>;

fn url(s: &str) -> RedactedUrl {
    RedactedUrl::new(&url::Url::parse(s).unwrap())
}

fn result(u: &str, status: Status) -> UrlResult {
    UrlResult {
        url: url(u),
        name: None,
        key: u.to_string(),
        status,
        http_status: Some(200),
        attempts: 1,
        max_attempts: 3,
        waits: vec![],
        response_time: Some(Duration::from_millis(42)),
        failure: None,
        degradations: vec![],
        final_url: Some(url(u)),
        cert_not_after: None,
        memory: None,
        healed: None,
        uptime_7d: None,
    }
}

fn down(u: &str) -> UrlResult {
    UrlResult {
        http_status: Some(503),
        attempts: 3,
        waits: vec![Duration::from_secs(1); 2],
        failure: Some(Failure::Status {
            code: 503,
            expected: "200-399".into(),
        }),
        ..result(u, Status::Down)
    }
}

fn report(results: Vec<UrlResult>) -> RunReport {
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

fn settings() -> summary::Settings {
    summary::Settings {
        max_attempts: 3,
        retry_delay: "1s".into(),
        timeout: "10s".into(),
        expected: "200-399".into(),
    }
}

fn sample() -> RunReport {
    let mut slow = result("https://slow.example.com/", Status::Degraded);
    slow.degradations = vec![Degradation::Slow {
        took: Duration::from_millis(1500),
        limit: Duration::from_millis(500),
    }];
    slow.response_time = Some(Duration::from_millis(1500));
    report(vec![
        result("https://ok.example.com/", Status::Up),
        down("https://api.example.com/health?token=s3cr3t"),
        slow,
    ])
}

#[test]
fn outputs_for_a_mixed_run() {
    let out = outputs::outputs(&sample(), &Slack::NotConfigured, false, &[]);
    let get = |name: &str| out.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    assert_eq!(get("healthy"), "false");
    assert_eq!(get("status"), "down");
    assert_eq!(get("previous-status"), "unknown");
    assert_eq!(get("changed"), "true");
    assert_eq!(
        get("failed-urls"),
        "https://api.example.com/health?token=***"
    );
    assert_eq!(get("status-code"), "200");
    assert_eq!(get("response-time-ms"), "42");
    assert_eq!(get("notified"), "false");
    assert_eq!(get("notify-error"), "");
    assert_eq!(get("healed"), "");
    assert_eq!(get("heal-error"), "");
    let results: serde_json::Value = serde_json::from_str(&get("results")).unwrap();
    assert_eq!(
        results[1],
        serde_json::json!({
            "url": "https://api.example.com/health?token=***",
            "name": null,
            "status": "down",
            "http_status": 503,
            "attempts": 3,
            "response_time_ms": 42,
            "error": "HTTP 503 Service Unavailable (expected 200-399) after 3 attempts (1s apart)",
            "error_kind": "status",
            "warning": null,
            "final_url": "https://api.example.com/health?token=***",
            "cert_expires_at": null,
            "previous_status": null,
            "changed": true,
            "down_since": null,
            "downtime_s": null,
            "healed": false,
            "heal_s": null
        })
    );
    assert_eq!(
        results[2]["warning"],
        "slow: answered in 1.5s, over max-response-time 500ms"
    );
    assert_eq!(results[2]["error"], serde_json::Value::Null);
    let names: Vec<&str> = out.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "healthy",
            "status",
            "previous-status",
            "changed",
            "failed-urls",
            "results",
            "status-code",
            "response-time-ms",
            "notified",
            "notify-error",
            "healed",
            "heal-error"
        ]
    );
}

#[test]
fn all_up_is_not_a_change_from_unknown() {
    let out = outputs::outputs(
        &report(vec![result("https://a.example/", Status::Up)]),
        &Slack::Delivered {
            tries: 1,
            posted: None,
            warnings: vec![],
        },
        false,
        &[],
    );
    assert!(out.contains(&("changed", "false".to_string())));
    assert!(out.contains(&("notified", "true".to_string())));
    assert!(out.contains(&("healthy", "true".to_string())));
    assert!(out.contains(&("failed-urls", String::new())));
}

#[test]
fn summary_exact() {
    let md = summary::render(
        &RunView::new(&sample()),
        &settings(),
        &["Slack: message delivered"],
    );
    assert_eq!(
        md,
        "### 🔴 upcheck: 1 of 3 URLs down, 1 degraded\n\
         \n\
         | Status | URL | HTTP | Attempts | Time | Details |\n\
         |---|---|--:|--:|--:|---|\n\
         | 🔴 down | https://api.example.com/health?token=\\*\\*\\* | 503 | 3/3 | 42ms | HTTP 503 Service Unavailable (expected 200-399) after 3 attempts (1s apart) |\n\
         | 🟡 degraded | https://slow.example.com/ | 200 | 1/3 | 1.5s | slow: answered in 1.5s, over max-response-time 500ms |\n\
         | 🟢 up | https://ok.example.com/ | 200 | 1/3 | 42ms |  |\n\
         \n\
         Slack: message delivered\n\
         \n\
         <sub>3 URLs checked at 2026-11-25 03:00:07 UTC in 2.1s · max-attempts 3 · retry-delay 1s · timeout 10s · expected status 200-399</sub>\n"
    );
}

#[test]
fn summary_cells_are_escaped() {
    assert_eq!(
        summary::cell("a|b<script>&`x`\n[l](j) *e*"),
        "a\\|b&lt;script&gt;&amp;\\`x\\` \\[l\\](j) \\*e\\*"
    );
}

#[test]
fn summary_stays_under_budget() {
    let long = "https://example.com/".to_string() + &"p".repeat(1500);
    let results: Vec<UrlResult> = (0..2000).map(|i| down(&format!("{long}{i}"))).collect();
    let md = summary::render(&RunView::new(&report(results)), &settings(), &[]);
    assert!(md.len() < summary::SUMMARY_BUDGET + 1024, "{}", md.len());
    assert!(md.contains("more URLs are left out to keep this summary small"));
}

#[test]
fn annotations_exact() {
    let lines = annotations::render(&RunView::new(&sample()));
    assert_eq!(
        lines,
        [
            "::error title=https%3A//api.example.com/health?token=*** is down::https://api.example.com/health?token=***: HTTP 503 Service Unavailable (expected 200-399) after 3 attempts (1s apart)",
            "::warning title=https%3A//slow.example.com/ is degraded::https://slow.example.com/: slow: answered in 1.5s, over max-response-time 500ms",
        ]
    );
}

#[test]
fn annotations_stay_within_ten_errors() {
    let results: Vec<UrlResult> = (0..25)
        .map(|i| down(&format!("https://h{i}.example/")))
        .collect();
    let lines = annotations::render(&RunView::new(&report(results)));
    assert_eq!(lines.len(), 10);
    assert!(lines[9].ends_with("::and 16 more URLs are down; the job summary lists every one"));
    let ten: Vec<UrlResult> = (0..10)
        .map(|i| down(&format!("https://h{i}.example/")))
        .collect();
    assert_eq!(annotations::render(&RunView::new(&report(ten))).len(), 10);
}

#[test]
fn cancelled_run_says_so_first() {
    let mut open = down("https://a.example/");
    open.status = Status::Unknown;
    open.attempts = 1;
    let mut r = report(vec![open]);
    r.cancelled = Some(Signal::Interrupt);
    let lines = annotations::render(&RunView::new(&r));
    assert_eq!(
        lines[0],
        "::error title=upcheck was cancelled::cancelled by SIGINT: 1 of 1 URLs were not checked to the end; outputs and summary show what was known"
    );
    assert_eq!(
        r.results[0].reason().unwrap(),
        "HTTP 503 Service Unavailable (expected 200-399) (cancelled after 1 of 3 attempts)"
    );
    let out = outputs::outputs(
        &r,
        &Slack::Failed {
            error: "x",
            warnings: vec![],
        },
        false,
        &[],
    );
    assert!(out.contains(&("notify-error", "x".to_string())));
    assert!(out.contains(&("healthy", "false".to_string())));
    assert!(out.contains(&("status", "unknown".to_string())));
}

#[test]
fn console_report() {
    let text = crate::console::render(&RunView::new(&sample()));
    assert_eq!(
        text,
        "🔴 upcheck: 1 of 3 URLs down, 1 degraded\n\
        \x20 🟢 up       https://ok.example.com/                   200     42ms  1/3 attempts\n\
        \x20 🔴 down     https://api.example.com/health?token=***  503     42ms  3/3 attempts  HTTP 503 Service Unavailable (expected 200-399) after 3 attempts (1s apart)\n\
        \x20 🟡 degraded https://slow.example.com/                 200     1.5s  1/3 attempts  slow: answered in 1.5s, over max-response-time 500ms\n"
    );
}

#[test]
fn other_channels_join_notified_and_notify_error() {
    let errors = vec!["Discord: message not delivered: HTTP 404".to_string()];
    let out = outputs::outputs(&sample(), &Slack::NotConfigured, true, &errors);
    let get = |name: &str| out.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    assert_eq!(get("notified"), "true");
    assert_eq!(get("notify-error"), errors[0]);
    let out = outputs::outputs(
        &sample(),
        &Slack::Failed {
            error: "HTTP 500",
            warnings: vec![],
        },
        false,
        &errors,
    );
    let get = |name: &str| out.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    assert_eq!(get("notified"), "false");
    assert_eq!(get("notify-error"), format!("HTTP 500\n{}", errors[0]));
}

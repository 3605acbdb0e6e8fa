//! The decision table, the marker, inert text, and snapshots of the title, body and comments.

use std::collections::HashMap;
use std::time::Duration;

use time::macros::datetime;

use super::*;
use crate::report::fixtures::{self, up};
use crate::report::{Failure, Memory};

const NOW: OffsetDateTime = datetime!(2026-11-25 03:47:07 UTC);
const SINCE: OffsetDateTime = datetime!(2026-11-25 03:00:00 UTC);

/// Down (HTTP 503 after 3 attempts), answered in 87 ms.
fn down(u: &str) -> UrlResult {
    UrlResult {
        response_time: Some(Duration::from_millis(87)),
        ..fixtures::down(u)
    }
}

fn report(results: Vec<UrlResult>) -> RunReport {
    RunReport {
        started_at: NOW,
        ..fixtures::report(results)
    }
}

fn ctx() -> RunContext {
    let vars: HashMap<String, String> = [
        ("GITHUB_REPOSITORY", "octo-org/site"),
        ("GITHUB_RUN_ID", "42"),
        ("GITHUB_RUN_NUMBER", "7"),
        ("GITHUB_WORKFLOW", "Health check"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    RunContext::from_vars(&vars, None)
}

fn issue(reason: Option<&str>, updated: OffsetDateTime) -> OpenIssue {
    OpenIssue {
        number: 12,
        marker: Marker {
            key: "0".repeat(32),
            since: Some(SINCE),
            reason: reason.map(str::to_string),
        },
        body: String::new(),
        created_at: Some(SINCE),
        updated_at: Some(updated),
    }
}

#[test]
fn decisions_follow_the_counted_status() {
    use Action::*;
    let d = down("https://api.example.org/");
    let u = up("https://api.example.org/");
    let same = reason_id(&d, &[]).unwrap();
    let fresh = issue(Some(&same), NOW - time::Duration::minutes(5));
    let stale = issue(Some(&same), NOW - time::Duration::hours(3));
    let other = issue(Some("0123456789abcdef"), NOW);
    let p = NotifyPolicy::Change;
    let hour = Some(Duration::from_secs(3600));
    let reason = Some(same.as_str());
    assert_eq!(decide(&d, None, reason, p, None, NOW), Open);
    assert_eq!(decide(&d, Some(&fresh), reason, p, hour, NOW), Nothing);
    assert_eq!(decide(&d, Some(&stale), reason, p, hour, NOW), Remind);
    assert_eq!(decide(&d, Some(&stale), reason, p, None, NOW), Nothing);
    assert_eq!(
        decide(&d, Some(&other), reason, p, hour, NOW),
        ReasonChanged
    );
    // Still counted as down while the good runs reach success-threshold: no reason to compare.
    assert_eq!(decide(&d, Some(&other), None, p, None, NOW), Nothing);
    assert_eq!(decide(&u, Some(&fresh), None, p, None, NOW), Close);
    assert_eq!(decide(&u, None, None, p, None, NOW), Nothing);
    let degraded = UrlResult {
        status: Status::Degraded,
        ..u.clone()
    };
    assert_eq!(decide(&degraded, Some(&fresh), None, p, None, NOW), Close);
    let unknown = UrlResult {
        status: Status::Unknown,
        ..d.clone()
    };
    assert_eq!(
        decide(&unknown, Some(&fresh), reason, p, hour, NOW),
        Nothing
    );
    assert_eq!(decide(&unknown, None, reason, p, hour, NOW), Nothing);
    for policy in [
        NotifyPolicy::Always,
        NotifyPolicy::Failure,
        NotifyPolicy::Success,
    ] {
        assert_eq!(decide(&d, None, reason, policy, None, NOW), Open);
        assert_eq!(decide(&u, Some(&fresh), None, policy, None, NOW), Close);
    }
    assert_eq!(
        decide(&d, None, reason, NotifyPolicy::Never, None, NOW),
        Nothing
    );
    assert_eq!(
        decide(&u, Some(&fresh), None, NotifyPolicy::Never, None, NOW),
        Nothing
    );
}

#[test]
fn reasons_ignore_attempt_counts_but_not_the_failure() {
    let a = down("https://h/");
    let b = UrlResult {
        attempts: 1,
        waits: vec![],
        ..a.clone()
    };
    let c = UrlResult {
        failure: Some(Failure::Status {
            code: 500,
            expected: "200-399".into(),
        }),
        ..a.clone()
    };
    assert_eq!(reason_id(&a, &[]), reason_id(&b, &[]));
    assert_ne!(reason_id(&a, &[]), reason_id(&c, &[]));
    assert_eq!(reason_id(&up("https://h/"), &[]), None);
}

#[test]
fn keys_hash_the_redacted_url_and_count_repeats() {
    let r = report(vec![
        down("https://h/x?token=s3cret-one"),
        down("https://h/x?token=s3cret-two"),
        down("https://other/"),
    ]);
    let (a, b, c) = (
        incident_key(&r, 0),
        incident_key(&r, 1),
        incident_key(&r, 2),
    );
    assert_eq!(a, hex_digest("https://h/x?token=***", 16));
    assert_eq!(b, format!("{a}-1"));
    assert_eq!(c.len(), 32);
    assert_ne!(a, c);
    // The state's key: a hash of the URL as shown, never of its secrets.
    assert_eq!(a, crate::state::url_key(&r.results[0].url, 0));
    let full =
        crate::state::legacy_url_key(&url::Url::parse("https://h/x?token=s3cret-one").unwrap(), 0);
    assert_ne!(a, full);
}

#[test]
fn the_marker_is_the_first_line_only() {
    let m = Marker {
        key: "ab".repeat(16),
        since: Some(SINCE),
        reason: Some("0123456789abcdef".into()),
    };
    let line = m.render();
    assert_eq!(
        line,
        format!(
            "<!-- upcheck:incident key={} since=2026-11-25T03:00:00Z reason=0123456789abcdef -->",
            "ab".repeat(16)
        )
    );
    assert_eq!(Marker::parse(&format!("{line}\nrest")), Some(m.clone()));
    assert_eq!(Marker::parse(&format!("text\n{line}")), None);
    assert_eq!(Marker::parse("<!-- upcheck:incident key=nothex -->"), None);
    assert_eq!(
        Marker::parse(&format!(
            "<!-- upcheck:incident key={}-2 -->",
            "c".repeat(32)
        ))
        .unwrap()
        .key,
        format!("{}-2", "c".repeat(32))
    );
    let moved = with_marker(
        &format!("{line}\nbody\nmore"),
        &Marker {
            reason: Some("fedcba9876543210".into()),
            ..m
        },
    );
    assert!(moved.ends_with("\nbody\nmore"), "{moved}");
    assert!(moved.starts_with(&line.replace("0123456789abcdef", "fedcba9876543210")));
}

#[test]
fn server_text_stays_inert() {
    let hostile =
        "x --> <!-- upcheck:incident key=00 --> ``` @octocat [a](https://evil/) **b**\n::error::x";
    let block = code_block(hostile);
    assert!(!block.contains("-->") && !block.contains("<!--"), "{block}");
    assert!(block.starts_with("````text\n"), "{block}");
    assert!(block.ends_with("\n````\n"), "{block}");
    assert_eq!(block.lines().count(), 3, "{block}");
    assert_eq!(code_span("a`b"), "``a`b``");
    assert_eq!(code_span("`a"), "`` `a ``");
    assert_eq!(md_text("[x](y) #1"), "\\[x\\]\\(y\\) \\#1");
    assert_eq!(inert("a---b"), "a-\u{2011}-b");
}

#[test]
fn nothing_secret_in_the_texts() {
    let mut d = down("https://api.example.org/health?token=tok-s3cret");
    d.failure = Some(Failure::Connection("refused by tok-s3cret".into()));
    let secrets = vec!["tok-s3cret".to_string()];
    let run = ctx();
    let t = Texts {
        run: &run,
        secrets: &secrets,
        now: NOW,
    };
    let marker = Marker {
        key: "a".repeat(32),
        since: Some(SINCE),
        reason: reason_id(&d, &secrets),
    };
    for text in [
        title(&d),
        body(&d, &marker, &t),
        remind_comment(&d, SINCE, &t),
        reason_comment(&d, SINCE, &t),
        recovery_comment(
            &up("https://api.example.org/health?token=tok-s3cret"),
            SINCE,
            &t,
        ),
    ] {
        assert!(!text.contains("tok-s3cret"), "{text}");
    }
}

#[test]
fn titles_name_the_host_and_path() {
    assert_eq!(
        title(&down("https://api.example.org/")),
        "🔴 api.example.org is down"
    );
    assert_eq!(
        title(&down("http://u:p@127.0.0.1:8080/health?k=v")),
        "🔴 127.0.0.1:8080/health is down"
    );
}

#[test]
fn body_snapshot() {
    let mut d = down("https://api.example.org/health?token=abc");
    d.memory = Some(Memory {
        previous: Some(Status::Up),
        observed: Status::Down,
        since: SINCE,
        down_since: Some(SINCE),
        downtime: Some(Duration::from_secs(47 * 60)),
        held: None,
    });
    let run = ctx();
    let t = Texts {
        run: &run,
        secrets: &[],
        now: NOW,
    };
    let r = report(vec![d.clone()]);
    let marker = Marker {
        key: incident_key(&r, 0),
        since: Some(SINCE),
        reason: reason_id(&d, &[]),
    };
    insta::assert_snapshot!("title", title(&d));
    insta::assert_snapshot!("body", body(&d, &marker, &t));
}

#[test]
fn comment_snapshots() {
    let run = ctx();
    let t = Texts {
        run: &run,
        secrets: &[],
        now: NOW,
    };
    let d = down("https://api.example.org/health");
    insta::assert_snapshot!("remind", remind_comment(&d, SINCE, &t));
    let mut other = d.clone();
    other.failure = Some(Failure::Timeout(Duration::from_secs(10)));
    insta::assert_snapshot!("reason", reason_comment(&other, SINCE, &t));
    let mut back = up("https://api.example.org/health");
    back.memory = Some(Memory {
        previous: Some(Status::Down),
        observed: Status::Up,
        since: NOW,
        down_since: Some(SINCE),
        downtime: Some(Duration::from_secs(47 * 60)),
        held: None,
    });
    let text = recovery_comment(&back, SINCE, &t);
    assert!(
        text.contains("back up after 47 min (down since 03:00 UTC)"),
        "{text}"
    );
    insta::assert_snapshot!("recovery", text);
    // Without the state, the issue's own start gives the duration.
    let plain = recovery_comment(&up("https://api.example.org/health"), SINCE, &t);
    assert!(
        plain.contains("back up after 47 min (down since 03:00 UTC)"),
        "{plain}"
    );
}

#[test]
fn a_held_outage_gets_no_issue_until_the_window_ends() {
    for action in [Action::Open, Action::Remind, Action::ReasonChanged] {
        assert_eq!(held(action.clone(), true), Action::Nothing);
        assert_eq!(held(action.clone(), false), action);
    }
    // Closing the issue of an outage told before the window is never held.
    assert_eq!(held(Action::Close, true), Action::Close);
    assert_eq!(held(Action::Nothing, true), Action::Nothing);
}

//! The rendered payloads, as readable JSON snapshots, and Slack's limits for 1 and 500 URLs.

use std::time::Duration;

use serde_json::Value;
use time::macros::datetime;

use super::*;
use crate::github::context::test_context as ctx;
use crate::report::fixtures::{down, mixed, report, up};
use crate::report::{Failure, UrlResult};

fn all_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn mixed_run_snapshot() {
    let fields = vec![
        Field {
            title: "repo",
            value: link("https://github.com/octo-org/site", "octo-org/site"),
        },
        Field {
            title: "ref",
            value: "refs/heads/main".into(),
        },
    ];
    let mention = vec![
        "here".to_string(),
        "U0123ABCD".to_string(),
        "subteam^S0ABC".to_string(),
    ];
    insta::assert_json_snapshot!(render(
        &RunView::new(&mixed()),
        &ctx(),
        &fields,
        Some(&mention)
    ));
}

#[test]
fn one_url_up_snapshot() {
    insta::assert_json_snapshot!(render(
        &RunView::new(&report(vec![up("https://example.org/")])),
        &ctx(),
        &[],
        None
    ));
}

#[test]
fn five_hundred_urls_stay_within_limits() {
    let results: Vec<UrlResult> = (0..500)
        .map(|i| {
            down(&format!(
                "https://host-{i}.example.com/some/longer/health/path?key=value{i}"
            ))
        })
        .collect();
    let payload = render(&RunView::new(&report(results)), &ctx(), &[], None);
    let blocks = payload["attachments"][0]["blocks"].as_array().unwrap();
    assert!(blocks.len() <= MAX_BLOCKS, "{} blocks", blocks.len());
    let mut url_chars = 0;
    for b in blocks {
        if let Some(text) = b["text"]["text"].as_str() {
            assert!(
                text.chars().count() <= 3000,
                "section of {} chars",
                text.chars().count()
            );
            if b["type"] == "section" {
                url_chars += text.len();
            }
        }
        if b["type"] == "header" {
            assert!(b["text"]["text"].as_str().unwrap().chars().count() <= 150);
        }
    }
    assert!(url_chars <= TOTAL_URL_CHARS + 100);
    let last_context = blocks.iter().rev().nth(1).unwrap();
    let more = last_context["elements"][0]["text"].as_str().unwrap();
    assert!(
        more.starts_with("and ") && more.contains(" more, see <"),
        "{more}"
    );
    assert_eq!(payload["text"], ":red_circle: upcheck: all 500 URLs down in octo-org/site — https://host-0.example.com/some/longer/health/path?key=*** and 499 more");
}

#[test]
fn hostile_text_cannot_mention_or_link() {
    assert_eq!(
        escape("<!channel> & <@U1|x>"),
        "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"
    );
    assert_eq!(
        link("https://a/?q=1&b=<x>|y", "a|b<c>"),
        "<https://a/?q=1&amp;b=&lt;x&gt;%7Cy|a¦b&lt;c&gt;>"
    );
    let mut r = down("https://evil.example.com/");
    r.failure = Some(Failure::Connection(
        "<!channel> <@U123> <https://phish|click>".into(),
    ));
    let text = all_text(&render(&RunView::new(&report(vec![r])), &ctx(), &[], None));
    assert!(!text.contains("<!channel>"), "{text}");
    assert!(!text.contains("<@U123>"), "{text}");
    assert!(!text.contains("<https://phish"), "{text}");
}

#[test]
fn mentions_only_in_the_fallback_text() {
    let who = vec!["channel".to_string(), "W0ABC".to_string()];
    let payload = render(
        &RunView::new(&report(vec![down("https://a.example/")])),
        &ctx(),
        &[],
        Some(&who),
    );
    assert!(payload["text"]
        .as_str()
        .unwrap()
        .starts_with("<!channel> <@W0ABC> :red_circle:"));
}

#[test]
fn colours_follow_the_status() {
    assert_eq!(
        render(
            &RunView::new(&report(vec![up("https://a/")])),
            &ctx(),
            &[],
            None
        )["attachments"][0]["color"],
        "#2eb886"
    );
    assert_eq!(
        render(&RunView::new(&mixed()), &ctx(), &[], None)["attachments"][0]["color"],
        "#e01e5a"
    );
}

#[test]
fn recovery_snapshot() {
    let mut back = up("https://api.example.com/health");
    back.name = Some("Health API".into());
    back.uptime_7d = Some(0.963_19);
    back.memory = Some(crate::report::Memory {
        previous: Some(Status::Down),
        observed: Status::Up,
        since: datetime!(2026-11-25 09:00 UTC),
        down_since: Some(datetime!(2026-11-25 03:00 UTC)),
        downtime: Some(Duration::from_secs(6 * 3600 + 4 * 60)),
        held: None,
    });
    let mut r = report(vec![back]);
    r.started_at = datetime!(2026-11-25 09:04 UTC);
    r.previous = Some(Status::Down);
    let payload = render(&RunView::new(&r), &ctx(), &[], None);
    assert_eq!(
        payload["text"],
        ":large_green_circle: upcheck: 1 URL up in octo-org/site — Health API is back up after 6 h 4 min (down since 03:00 UTC) · 7-day uptime 96.31%"
    );
    insta::assert_json_snapshot!(payload);
    let resolved = render_resolved(&RunView::new(&r));
    assert!(
        resolved["text"]
            .as_str()
            .unwrap()
            .starts_with(":white_check_mark: Resolved: Health API is back up after 6 h 4 min"),
        "{resolved}"
    );
    assert!(resolved.to_string().contains("7-day uptime 96.31%"));
}

#[test]
fn digest_names_uptime_incidents_and_the_slowest_and_stays_in_limits() {
    use crate::config::Digest;
    use crate::history::run::{DigestReport, DigestUrl, Period};
    use crate::history::{Incident, ReasonCode, Uptime};
    let day = Duration::from_secs(86_400);
    let url = |i: usize, ratio: f64, p95: u32| DigestUrl {
        label: format!("Service <{i}> & co"),
        shown: format!("https://s{i}.example/health?k=***"),
        uptime: Uptime {
            ratio: Some(ratio),
            observed: day,
            window: day,
        },
        p95_ms: Some(p95),
        incidents: if i == 1 {
            vec![Incident {
                start: datetime!(2026-12-02 10:00 UTC),
                end: Some(datetime!(2026-12-02 10:25 UTC)),
                reason: ReasonCode::Http(503),
            }]
        } else {
            vec![]
        },
    };
    let d = DigestReport {
        period: Period {
            kind: Digest::Daily,
            from: datetime!(2026-12-02 00:00 UTC),
            to: datetime!(2026-12-03 00:00 UTC),
        },
        urls: vec![url(0, 1.0, 120), url(1, 0.9826, 340), url(2, 0.999, 80)],
    };
    let p = render_digest(&d, &ctx());
    let text = p.to_string();
    assert!(text.contains("upcheck daily digest: 2026-12-02"), "{text}");
    assert!(text.contains("98.26% up"), "{text}");
    assert!(
        text.contains("*Incidents* (1)") && text.contains("25 min") && text.contains("HTTP 503")
    );
    assert!(text.contains("*Slowest*") && text.contains("p95 340 ms"));
    assert!(
        text.contains("Service &lt;1&gt; &amp; co"),
        "escaped: {text}"
    );
    assert_eq!(p["attachments"][0]["color"], color(Status::Down));

    let many = DigestReport {
        urls: (0..500).map(|i| url(i, 0.999, 100)).collect(),
        ..d
    };
    let p = render_digest(&many, &ctx());
    let blocks = p["attachments"][0]["blocks"].as_array().unwrap();
    assert!(blocks.len() <= MAX_BLOCKS);
    assert!(p.to_string().contains("more URLs"));
    for b in blocks {
        if let Some(t) = b["text"]["text"].as_str() {
            assert!(t.chars().count() <= 3000);
        }
    }
}

#[test]
fn lines_are_packed_into_sections_within_the_limits() {
    let line = |n: usize| "x".repeat(n);
    // Short lines share a section; a line that does not fit starts the next one.
    let (blocks, shown) = pack_sections([line(10), line(20), line(SECTION_CHARS - 20)], 10_000, 5);
    assert_eq!(shown, 3);
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        blocks[0]["text"]["text"],
        format!("{}\n{}", line(10), line(20))
    );
    // The total ends it, and so does the number of sections.
    let (_, shown) = pack_sections([line(60), line(60), line(60)], 130, 5);
    assert_eq!(shown, 2);
    let big = || line(SECTION_CHARS);
    let (blocks, shown) = pack_sections([big(), big(), big()], 100_000, 2);
    assert_eq!((blocks.len(), shown), (2, 2));
    assert_eq!(pack_sections([line(5)], 100, 0).1, 0);
}

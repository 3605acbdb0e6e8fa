//! The Discord body as a readable JSON snapshot, its limits for 1 to 500 URLs, escaping.

use super::*;
use crate::channels::fixtures::{ctx, many_down, mixed, report, up};

/// Discord's limits, checked on a body.
pub fn assert_within_limits(body: &Value) {
    let embeds = body["embeds"].as_array().unwrap();
    assert!(embeds.len() <= MAX_EMBEDS);
    assert!(embed_chars(body) <= MAX_TOTAL, "{}", embed_chars(body));
    assert!(chars(body["content"].as_str().unwrap()) <= MAX_CONTENT);
    for e in embeds {
        assert!(chars(e["title"].as_str().unwrap_or("")) <= MAX_TITLE);
        assert!(chars(e["description"].as_str().unwrap_or("")) <= MAX_DESCRIPTION);
        let fields = e["fields"].as_array().unwrap();
        assert!(fields.len() <= MAX_FIELDS);
        for f in fields {
            assert!(chars(f["value"].as_str().unwrap()) <= MAX_FIELD_VALUE);
            assert!(chars(f["name"].as_str().unwrap()) <= 256);
        }
    }
    assert_eq!(body["allowed_mentions"], json!({"parse": []}));
}

#[test]
fn mixed_run_snapshot() {
    let body = render(&mixed(), &ctx());
    assert_within_limits(&body);
    insta::assert_json_snapshot!(body);
}

#[test]
fn one_url_up_snapshot() {
    insta::assert_json_snapshot!(render(&report(vec![up("https://example.com/")]), &ctx()));
}

#[test]
fn many_urls_stay_within_the_limits_and_are_counted() {
    for n in [1, 30, 100, 500] {
        let body = render(&many_down(n), &ctx());
        assert_within_limits(&body);
        let description = body["embeds"][0]["description"].as_str().unwrap();
        let shown = description.matches("🔴").count();
        if shown < n {
            assert!(
                description.contains(&format!("and {} more, see [the run summary](https://github.com/octo-org/site/actions/runs/42)", n - shown)),
                "{description}"
            );
        }
        assert!(shown > 0);
    }
}

#[test]
fn long_names_never_push_the_embed_past_6000() {
    let mut ctx = ctx();
    ctx.workflow = Some("w".repeat(3_000));
    ctx.repository = Some("r".repeat(3_000));
    assert_within_limits(&render(&many_down(500), &ctx));
}

#[test]
fn hostile_text_is_escaped() {
    let mut r = up("https://example.com/");
    r.status = crate::report::Status::Down;
    r.failure = Some(crate::report::Failure::BodyMissing(
        "@everyone **bold** [x](https://evil) <@123> `code`".into(),
    ));
    let body = render(&report(vec![r]), &ctx());
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("@\u{200b}everyone"), "{description}");
    assert!(description.contains("\\*\\*bold\\*\\*"), "{description}");
    assert!(description.contains("\\[x\\](https"), "{description}");
    assert!(description.contains("\\<@\u{200b}123\\>"), "{description}");
    assert!(!description.contains("[x](https://evil)"));
}

#[test]
fn answers() {
    let body = |s: &str| Body {
        bytes: s.as_bytes().to_vec(),
        cut: false,
    };
    match judge(
        404,
        &body(r#"{"message": "Unknown Webhook", "code": 10015}"#),
        None,
    ) {
        Try::Rejected { answer, hint } => {
            assert_eq!(answer, "HTTP 404 Unknown Webhook (code 10015)");
            assert!(hint
                .unwrap()
                .starts_with("the webhook was deleted or the URL is wrong"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        judge(
            429,
            &body(
                r#"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#
            ),
            Some(Duration::from_secs(9))
        ),
        Try::Retry {
            why: "HTTP 429 You are being rate limited. (rate limited)".into(),
            after: Some(Duration::from_millis(1500))
        }
    );
    assert!(matches!(
        judge(429, &body(""), Some(Duration::from_secs(2))),
        Try::Retry { after: Some(d), .. } if d == Duration::from_secs(2)
    ));
    assert_eq!(judge(200, &body(r#"{"id": "1"}"#), None), Try::Delivered);
    match judge(
        400,
        &body(r#"{"message": "::error::x", "code": 50035}"#),
        None,
    ) {
        Try::Rejected { answer, .. } => assert_eq!(answer, "HTTP 400 (code 50035)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_request_waits_for_the_message() {
    let url = Url::parse("https://discord.com/api/webhooks/1/abc?thread_id=9&wait=false").unwrap();
    let r = request(&url, &json!({}));
    assert_eq!(
        r.url.as_str(),
        "https://discord.com/api/webhooks/1/abc?thread_id=9&wait=true"
    );
}

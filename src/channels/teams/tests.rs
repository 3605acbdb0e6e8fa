//! The Teams envelope and card as readable JSON snapshots, the size for 1 to 500 URLs, escaping
//! and answers.

use super::*;
use crate::channels::fixtures::{ctx, many_down, mixed, report, up};

#[test]
fn mixed_run_snapshot() {
    insta::assert_json_snapshot!(render(&mixed(), &ctx()));
}

#[test]
fn one_url_up_snapshot() {
    insta::assert_json_snapshot!(render(&report(vec![up("https://example.com/")]), &ctx()));
}

#[test]
fn many_urls_fit_in_a_teams_message_and_are_counted() {
    for n in [1, 50, 51, 100, 500] {
        let body = render(&many_down(n), &ctx());
        let size = body.to_string().len();
        assert!(size < 28_000, "{n} URLs: {size} bytes");
        let card = &body["attachments"][0]["content"];
        let facts = card["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "FactSet")
            .unwrap()["facts"]
            .as_array()
            .unwrap()
            .len();
        assert!(facts <= MAX_FACTS && facts > 0);
        if facts < n {
            assert!(body
                .to_string()
                .contains(&format!("and {} more, see [the run summary]", n - facts)));
        }
    }
}

#[test]
fn hostile_text_is_escaped() {
    let mut r = up("https://example.com/");
    r.status = crate::report::Status::Down;
    r.failure = Some(crate::report::Failure::BodyMissing(
        "**bold** [x](https://evil)".into(),
    ));
    let text = render(&report(vec![r]), &ctx()).to_string();
    assert!(text.contains(r"\\*\\*bold\\*\\* \\[x\\](https"), "{text}");
}

#[test]
fn answers() {
    let body = |s: &str| Body {
        bytes: s.as_bytes().to_vec(),
        cut: false,
    };
    assert_eq!(judge(202, &body(""), None), Try::Delivered);
    match judge(
        404,
        &body(r#"{"error":{"code":"WorkflowNotFound","message":"x"}}"#),
        None,
    ) {
        Try::Rejected { answer, hint } => {
            assert_eq!(answer, "HTTP 404 WorkflowNotFound");
            assert!(hint
                .unwrap()
                .starts_with("the flow was deleted or turned off"));
        }
        other => panic!("{other:?}"),
    }
    match judge(
        403,
        &body(r#"{"error":{"code":"DirectApiAuthorizationRequired"}}"#),
        None,
    ) {
        Try::Rejected { hint, .. } => assert!(hint.unwrap().contains("Who can trigger the flow")),
        other => panic!("{other:?}"),
    }
    match judge(400, &body("Payload too large"), None) {
        Try::Rejected { hint, .. } => assert!(hint.unwrap().contains("too large")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        judge(429, &body(""), Some(Duration::from_secs(1))),
        Try::Retry { after: Some(_), .. }
    ));
}

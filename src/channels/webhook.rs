//! Any webhook: a documented, versioned JSON document (`upcheck.webhook/1`) POSTed to
//! `webhook-url`, signed when `webhook-secret` is set: `X-Upcheck-Signature: sha256=<hex>` is
//! the HMAC-SHA256 of the exact body bytes keyed by the secret. The body carries its own
//! `sent_at` and `delivery` id, so the signature covers them: a receiver rejects a stale
//! `sent_at` (replay) and a `delivery` it has seen (a retry is the same document, same id).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use time::OffsetDateTime;
use url::Url;

use super::deliver::{answer_words, judge_http, Request, Try};
use crate::github::context::RunContext;
use crate::net::Body;
use crate::report::RunReport;

/// The document's `schema`; a change that breaks receivers gets a new number.
pub const SCHEMA: &str = "upcheck.webhook/1";
pub const SIGNATURE_HEADER: &str = "X-Upcheck-Signature";
pub const DELIVERY_HEADER: &str = "X-Upcheck-Delivery";

/// The document for `report`. `delivery`: a fresh id for this message; `sent_at`: now.
pub fn render(
    report: &RunReport,
    ctx: &RunContext,
    reminder: bool,
    delivery: &str,
    sent_at: OffsetDateTime,
) -> Value {
    let status = report.status();
    let changes: Vec<Value> = report
        .results
        .iter()
        .filter(|r| r.changed())
        .map(|r| {
            json!({
                "url": r.url.as_str(),
                "from": r.memory.as_ref().and_then(|m| m.previous),
                "to": r.status,
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "delivery": delivery,
        "sent_at": crate::text::rfc3339(sent_at),
        "headline": report.headline(),
        "status": status,
        "previous_status": report.previous,
        "healthy": report.healthy(),
        "changed": crate::report::is_change(status, report.previous),
        "reminder": reminder,
        "checked_at": crate::text::rfc3339(report.started_at),
        "duration_ms": u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
        "cancelled": report.cancelled.map(|s| s.to_string()),
        "missed": report.missed_note(),
        "heal": report.heal.as_ref().map(|h| json!({"headline": h.headline(), "healed": h.healed()})),
        "run": {
            "url": ctx.run_url(),
            "repository": ctx.repository,
            "workflow": ctx.workflow,
            "job": ctx.job,
            "run_id": ctx.run_id,
            "run_number": ctx.run_number,
            "run_attempt": ctx.run_attempt,
            "ref": ctx.git_ref,
            "sha": ctx.commit(),
            "event": ctx.event_name,
        },
        "changes": changes,
        "results": report.results_json(),
    })
}

/// `sha256=<hex>`: the HMAC-SHA256 of `body` keyed by `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The POST for `document`: its exact bytes, the delivery id, and the signature of those bytes
/// when a secret is set.
pub fn request(url: &Url, document: &Value, delivery: &str, secret: Option<&str>) -> Request {
    let body = document.to_string().into_bytes();
    let mut headers = vec![(DELIVERY_HEADER, delivery.to_string())];
    if let Some(secret) = secret {
        headers.push((SIGNATURE_HEADER, signature(secret, &body)));
    }
    Request {
        url: url.clone(),
        body,
        headers,
    }
}

fn hint(status: u16) -> Option<String> {
    Some(match status {
        401 | 403 => "the receiver refused the request: check webhook-secret and how the receiver verifies X-Upcheck-Signature".into(),
        404 | 410 => "the receiver has no such endpoint: check webhook-url".into(),
        413 => "the document is too large for the receiver".into(),
        _ => return None,
    })
}

/// Judge a receiver's answer: any 2xx is delivered. Its body is never repeated.
pub fn judge(status: u16, body: &Body, retry_after: Option<Duration>) -> Try {
    judge_http(
        status,
        answer_words(status, None, body),
        retry_after,
        hint(status),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_run_snapshot() {
        use crate::channels::fixtures::{ctx, mixed};
        let mut report = mixed();
        report.previous = Some(crate::report::Status::Up);
        let sent_at = time::macros::datetime!(2026-11-25 03:00:10 UTC);
        let doc = render(
            &report,
            &ctx(),
            false,
            "00000000-0000-4000-8000-000000000000",
            sent_at,
        );
        assert_eq!(doc["results"], report.results_json());
        insta::assert_json_snapshot!(doc);
    }

    #[test]
    fn signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn unsigned_without_a_secret() {
        let url = Url::parse("http://127.0.0.1/hook").unwrap();
        let r = request(&url, &json!({"a": 1}), "id-1", None);
        assert_eq!(r.headers, vec![(DELIVERY_HEADER, "id-1".to_string())]);
        let signed = request(&url, &json!({"a": 1}), "id-1", Some("k"));
        assert_eq!(signed.headers[1].1, signature("k", br#"{"a":1}"#));
    }

    #[test]
    fn answers_are_not_repeated() {
        let body = Body {
            bytes: b"::error::pwned".to_vec(),
            cut: false,
        };
        match judge(403, &body, None) {
            Try::Rejected { answer, hint } => {
                assert_eq!(
                    answer,
                    "HTTP 403 (with an answer that is not repeated here)"
                );
                assert!(hint.unwrap().contains("webhook-secret"));
            }
            other => panic!("{other:?}"),
        }
    }
}

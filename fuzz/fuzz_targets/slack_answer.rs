//! Slack's answers: a webhook's status and body (`slack::deliver::judge_webhook`) and the Web
//! API's JSON (`slack::deliver::judge_api`). What the run repeats of them (error code, channel,
//! timestamp, the reason in a warning) is bounded, one line, and never Slack's free text raw.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use upcheck::slack::deliver::{judge_api, judge_webhook, SlackError, Try};
use upcheck_fuzz::{assert_one_line, text};

const STATUSES: [u16; 12] = [200, 201, 204, 400, 403, 404, 410, 429, 500, 502, 503, 302];

fn check(kind: &str, status: u16, body: &str, answer: Try) {
    match answer {
        Try::Delivered { channel, ts } => {
            assert!(
                (200..300).contains(&status) || kind == "api",
                "{kind} {status}"
            );
            for s in [channel, ts].into_iter().flatten() {
                assert!(s.chars().count() <= 80, "{s:?}");
                assert!(
                    s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')),
                    "{kind}: an unsafe id {s:?}"
                );
            }
        }
        Try::Rejected { answer, code } => {
            assert!(code.len() <= 80);
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{kind}: code {code:?}"
            );
            assert_one_line("a Slack answer", &answer);
            let shown = SlackError::Rejected {
                target: "the Slack webhook",
                answer: answer.clone(),
                code,
            }
            .to_string();
            assert_one_line("a Slack error", &shown);
            assert!(
                answer.starts_with("HTTP ") || answer.starts_with("ok=false "),
                "{kind}: {answer:?}"
            );
            if kind == "webhook" {
                // Only a Slack error code is repeated from a webhook's body, never other text.
                let rest = answer
                    .strip_prefix(&format!("HTTP {status}"))
                    .expect("the answer starts with the status");
                assert!(
                    rest.is_empty()
                        || rest == " (with an answer that is not a Slack error code)"
                        || body.lines().next().is_some_and(|l| l.trim() == &rest[1..]),
                    "{answer:?} from {body:?}"
                );
            }
        }
        Try::Retry { why, after } => {
            assert_one_line("a Slack retry reason", &why);
            let shown = SlackError::GaveUp {
                target: "the Slack webhook",
                tries: 3,
                last: why,
            }
            .to_string();
            assert_one_line("a Slack error", &shown);
            if let Some(a) = after {
                assert_eq!(a, Duration::from_secs(7));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Some(body) = text(rest) else { return };
    let status = STATUSES[usize::from(pick) % STATUSES.len()];
    let wait = (pick & 0x80 != 0).then_some(Duration::from_secs(7));
    check("webhook", status, body, judge_webhook(status, body, wait));
    check("api", status, body, judge_api(status, body, wait));
});

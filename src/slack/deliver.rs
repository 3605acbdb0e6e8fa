//! Getting a message to Slack: an incoming webhook or `chat.postMessage` with a bot token.
//! 429 waits for `Retry-After`, 5xx and connection errors are retried with backoff, 4xx
//! rejections are final, and the whole phase has one time budget. Every failure says what Slack
//! answered and what to do about it; Slack's text is treated as untrusted.

use std::time::Duration;

use reqwest::Client;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::net::retry::{self, Attempt, Failed};

/// The whole Slack phase, retries included, ends within this.
pub const BUDGET: Duration = crate::deadline::NOTIFY_BUDGET;
/// One request's limit (less when the budget has less left).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest `Retry-After` honoured for one wait.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

/// The Slack Web API methods upcheck calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMethod {
    /// Send a new message (or a reply in a thread).
    PostMessage,
    /// Change a message already sent.
    Update,
}

impl ApiMethod {
    pub const ALL: [ApiMethod; 2] = [ApiMethod::PostMessage, ApiMethod::Update];

    /// The method's name, as its URL path under the API base.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiMethod::PostMessage => "chat.postMessage",
            ApiMethod::Update => "chat.update",
        }
    }
}

/// Where the message goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Webhook(String),
    Api {
        base: Url,
        token: String,
        channel: String,
        method: ApiMethod,
    },
}

impl Destination {
    fn describe(&self) -> &'static str {
        match self {
            Destination::Webhook(_) => "the Slack webhook",
            Destination::Api {
                method: ApiMethod::Update,
                ..
            } => "Slack's chat.update",
            Destination::Api {
                method: ApiMethod::PostMessage,
                ..
            } => "Slack's chat.postMessage",
        }
    }
}

/// A delivered message: where it went (for threads and updates) and how many tries it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub tries: u32,
    pub channel: Option<String>,
    pub ts: Option<String>,
}

/// Why the message did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlackError {
    /// Slack answered with an error that another try would not change.
    #[error("{target} answered {answer}{hint}", hint = hint_suffix(code))]
    Rejected {
        target: &'static str,
        /// "HTTP 404 no_service" or "ok=false channel_not_found".
        answer: String,
        code: String,
    },
    /// Retries ran out (5xx, 429, connection errors) within the budget.
    #[error("{target} failed after {tries} tries within {}s: {last}", BUDGET.as_secs())]
    GaveUp {
        target: &'static str,
        tries: u32,
        last: String,
    },
    #[error("the message was not sent: the run was cancelled")]
    Cancelled,
}

/// What a user can do about a Slack error code.
pub fn hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "no_service" | "no_active_hooks" | "no_team" => {
            "the webhook was revoked or its app removed: create a new incoming webhook"
        }
        "channel_not_found" => {
            "the channel does not exist or cannot be seen: check the webhook or slack-channel (a channel id such as C0123456789 is safest)"
        }
        "channel_is_archived" | "is_archived" => {
            "the channel is archived: unarchive it or send to another channel"
        }
        "not_in_channel" => {
            "the bot is not in the channel: invite it (/invite @your-app) or give it the chat:write.public scope"
        }
        "invalid_auth" | "not_authed" | "invalid_token" | "token_revoked" | "token_expired"
        | "account_inactive" => "the token is not valid: check slack-token (a bot token starts with xoxb-)",
        "missing_scope" => "the token lacks a scope: give the app the chat:write scope",
        "action_prohibited" | "posting_to_general_channel_denied" | "restricted_action" => {
            "a workspace admin restricts posting there"
        }
        "invalid_payload" | "invalid_blocks" | "invalid_blocks_format" | "invalid_attachments"
        | "no_text" | "missing_text_or_fallback_or_attachments" | "msg_too_long"
        | "msg_blocks_too_long" => "Slack did not accept the message's format",
        "user_not_found" => "a mentioned user does not exist: check mention",
        "ratelimited" | "rate_limited" => "Slack is rate-limiting this app: notify less often",
        _ => return None,
    })
}

fn hint_suffix(code: &str) -> String {
    hint(code).map(|h| format!(" ({h})")).unwrap_or_default()
}

/// What one try came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Try {
    Delivered {
        channel: Option<String>,
        ts: Option<String>,
    },
    /// Final: do not send again.
    Rejected { answer: String, code: String },
    /// Worth another try, after at least this long.
    Retry {
        why: String,
        after: Option<Duration>,
    },
}

/// Judge a webhook answer: 200 is delivered; 429 and 5xx are retried; other codes are final.
pub fn judge_webhook(status: u16, body: &str, retry_after: Option<Duration>) -> Try {
    let (answer, code) = http_answer(status, body);
    match status {
        200..=299 => Try::Delivered {
            channel: None,
            ts: None,
        },
        429 => Try::Retry {
            why: if code.is_empty() {
                "HTTP 429 rate limited".into()
            } else {
                answer
            },
            after: retry_after,
        },
        500..=599 => Try::Retry {
            why: answer,
            after: None,
        },
        _ => Try::Rejected { answer, code },
    }
}

/// "HTTP 404 no_service" and the code, when the body's first line is a Slack error code; other
/// text from the server is not repeated.
fn http_answer(status: u16, body: &str) -> (String, String) {
    match slack_code(body.lines().next().unwrap_or("")) {
        Some(code) => (format!("HTTP {status} {code}"), code),
        None if body.trim().is_empty() => (format!("HTTP {status}"), String::new()),
        None => (
            format!("HTTP {status} (with an answer that is not a Slack error code)"),
            String::new(),
        ),
    }
}

/// A Slack error code: lowercase letters, digits and `_`, as Slack writes them.
fn slack_code(s: &str) -> Option<String> {
    let s = s.trim();
    let plain = !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    plain.then(|| s.to_string())
}

/// Judge a Web API answer: HTTP 200 with `ok: true` is delivered; `ok: false` carries the error.
pub fn judge_api(status: u16, body: &str, retry_after: Option<Duration>) -> Try {
    if status == 429 {
        return Try::Retry {
            why: "HTTP 429 rate limited".into(),
            after: retry_after,
        };
    }
    if (500..=599).contains(&status) {
        return Try::Retry {
            why: format!("HTTP {status}"),
            after: None,
        };
    }
    let json: Option<Value> = serde_json::from_str(body).ok();
    match json {
        Some(v) if v["ok"] == Value::Bool(true) => Try::Delivered {
            channel: v["channel"].as_str().map(safe_code),
            ts: v["ts"].as_str().map(safe_code),
        },
        Some(v) => {
            let code = v["error"]
                .as_str()
                .and_then(slack_code)
                .unwrap_or_else(|| "unknown_error".into());
            let mut answer = format!("ok=false {code}");
            if let Some(details) = v["response_metadata"]["messages"].as_array() {
                let text: Vec<String> = details
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|m| crate::text::clip(&crate::redact::log_safe(m), 200))
                    .collect();
                if !text.is_empty() {
                    answer.push_str(&format!(" [{}]", text.join("; ")));
                }
            }
            if code == "ratelimited" {
                return Try::Retry {
                    why: answer,
                    after: retry_after,
                };
            }
            Try::Rejected { answer, code }
        }
        None => {
            let (answer, code) = http_answer(status, body);
            Try::Rejected { answer, code }
        }
    }
}

/// A short error code from Slack's text: one line, bounded, only safe characters.
/// A channel id or message timestamp from Slack, with anything unexpected removed.
fn safe_code(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        .take(80)
        .collect();
    cleaned.trim().to_string()
}

impl From<Try> for Attempt<(Option<String>, Option<String>), (String, String)> {
    fn from(t: Try) -> Self {
        match t {
            Try::Delivered { channel, ts } => Attempt::Done((channel, ts)),
            Try::Rejected { answer, code } => Attempt::Final((answer, code)),
            Try::Retry { why, after } => Attempt::Retry { why, after },
        }
    }
}

/// Send `payload` (the webhook body; `channel` is added for the Web API) within `budget`.
pub async fn deliver_within(
    client: &Client,
    to: &Destination,
    payload: &Value,
    cancel: &CancellationToken,
    budget: Duration,
) -> Result<Delivered, SlackError> {
    let target = to.describe();
    let limits = retry::Limits {
        budget,
        request: REQUEST_TIMEOUT,
        max_retry_after: MAX_RETRY_AFTER,
    };
    match retry::retry_within(limits, cancel, |timeout| {
        send_once(client, to, payload, timeout)
    })
    .await
    {
        Ok(((channel, ts), tries)) => Ok(Delivered { tries, channel, ts }),
        Err(Failed::Final((answer, code))) => Err(SlackError::Rejected {
            target,
            answer,
            code,
        }),
        Err(Failed::GaveUp { tries, last }) => Err(SlackError::GaveUp {
            target,
            tries,
            last,
        }),
        Err(Failed::Cancelled) => Err(SlackError::Cancelled),
    }
}

async fn send_once(client: &Client, to: &Destination, payload: &Value, timeout: Duration) -> Try {
    let request = match to {
        Destination::Webhook(url) => client.post(url).json(payload),
        Destination::Api {
            base,
            token,
            channel,
            method,
        } => {
            let mut body = payload.clone();
            body["channel"] = Value::String(channel.clone());
            let url = base.join(method.as_str()).unwrap_or_else(|_| base.clone());
            client.post(url).bearer_auth(token).json(&body)
        }
    };
    let exchange = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let retry_after = crate::net::retry_after(response.headers());
        // Slack's answers are short; read at most 64 KiB of whatever comes.
        let body = crate::net::read_capped(response, 65_536).await?;
        Ok::<_, reqwest::Error>((status, body.text(), retry_after))
    };
    match tokio::time::timeout(timeout, exchange).await {
        Err(_) => Try::Retry {
            why: format!("no answer within {}s", timeout.as_secs_f32().ceil()),
            after: None,
        },
        Ok(Err(e)) => Try::Retry {
            why: format!("cannot connect ({})", crate::net::classify(&e)),
            after: None,
        },
        Ok(Ok((status, body, retry_after))) => match to {
            Destination::Webhook(_) => judge_webhook(status, &body, retry_after),
            Destination::Api { .. } => judge_api(status, &body, retry_after),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_answers() {
        assert_eq!(
            judge_webhook(200, "ok", None),
            Try::Delivered {
                channel: None,
                ts: None
            }
        );
        assert_eq!(
            judge_webhook(404, "no_service", None),
            Try::Rejected {
                answer: "HTTP 404 no_service".into(),
                code: "no_service".into()
            }
        );
        assert_eq!(
            judge_webhook(400, "invalid_blocks\n", None),
            Try::Rejected {
                answer: "HTTP 400 invalid_blocks".into(),
                code: "invalid_blocks".into()
            }
        );
        assert_eq!(
            judge_webhook(429, "", Some(Duration::from_secs(1))),
            Try::Retry {
                why: "HTTP 429 rate limited".into(),
                after: Some(Duration::from_secs(1))
            }
        );
        assert!(matches!(
            judge_webhook(503, "rollup_error", None),
            Try::Retry { .. }
        ));
        assert!(matches!(
            judge_webhook(410, "channel_is_archived", None),
            Try::Rejected { .. }
        ));
    }

    #[test]
    fn api_answers() {
        assert_eq!(
            judge_api(
                200,
                r#"{"ok":true,"channel":"C1","ts":"1700000000.000100"}"#,
                None
            ),
            Try::Delivered {
                channel: Some("C1".into()),
                ts: Some("1700000000.000100".into())
            }
        );
        assert_eq!(
            judge_api(200, r#"{"ok":false,"error":"not_in_channel"}"#, None),
            Try::Rejected {
                answer: "ok=false not_in_channel".into(),
                code: "not_in_channel".into()
            }
        );
        let detailed = r#"{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text]"]}}"#;
        match judge_api(200, detailed, None) {
            Try::Rejected { answer, .. } => {
                assert!(answer.contains("must be less than 151"), "{answer}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(judge_api(429, "", None), Try::Retry { .. }));
    }

    #[test]
    fn hostile_answers_are_cleaned() {
        match judge_webhook(400, "::error::pwned <!channel>\nsecond line", None) {
            Try::Rejected { answer, code } => {
                assert_eq!(
                    answer,
                    "HTTP 400 (with an answer that is not a Slack error code)"
                );
                assert_eq!(code, "");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_explain_what_to_do() {
        let e = SlackError::Rejected {
            target: "the Slack webhook",
            answer: "HTTP 404 no_service".into(),
            code: "no_service".into(),
        };
        assert_eq!(
            e.to_string(),
            "the Slack webhook answered HTTP 404 no_service (the webhook was revoked or its app removed: create a new incoming webhook)"
        );
    }

    #[test]
    fn api_methods_are_their_url_paths() {
        let base = Url::parse("https://slack.com/api/").unwrap();
        let urls: Vec<String> = ApiMethod::ALL
            .iter()
            .map(|m| base.join(m.as_str()).unwrap().to_string())
            .collect();
        assert_eq!(
            urls,
            [
                "https://slack.com/api/chat.postMessage",
                "https://slack.com/api/chat.update"
            ]
        );
    }
}

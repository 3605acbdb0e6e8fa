//! Getting a body to a channel: one POST per try; 429 waits for the receiver's `retry_after` or
//! `Retry-After`, 5xx, 408 and connection errors are retried with backoff, other answers are
//! final, and every channel has the same time budget as Slack. Receivers' text is untrusted: only
//! a short code or message made of plain characters is repeated, bodies are read up to a cap.

use std::time::Duration;

use reqwest::Client;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::Channel;
use crate::net::retry::{self, Attempt, Failed};
use crate::net::Body;

/// A channel's delivery, retries included, ends within this (Slack's budget).
pub const BUDGET: Duration = crate::slack::deliver::BUDGET;
/// One request's limit (less when the budget has less left).
pub const REQUEST_TIMEOUT: Duration = crate::slack::deliver::REQUEST_TIMEOUT;
/// The longest wait for one 429 that is honoured.
pub const MAX_RETRY_AFTER: Duration = crate::slack::deliver::MAX_RETRY_AFTER;
/// How much of an answer is read.
pub const ANSWER_CAP: usize = 65_536;

/// One POST: where, the body as sent (and signed), extra headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// A delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub tries: u32,
}

/// Why a channel's message did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// An answer that another try would not change.
    #[error("{target} answered {answer}{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Rejected {
        target: &'static str,
        /// "HTTP 404 Unknown Webhook (code 10015)".
        answer: String,
        hint: Option<String>,
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

/// What one try came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Try {
    Delivered,
    /// Final: do not send again.
    Rejected {
        answer: String,
        hint: Option<String>,
    },
    /// Worth another try, after at least this long.
    Retry {
        why: String,
        after: Option<Duration>,
    },
}

/// The common part of every channel's judge: 2xx delivered, 429 and 5xx and 408 retried, a
/// redirect explained (the side client follows none), anything else final with `hint`.
pub fn judge_http(
    status: u16,
    answer: String,
    retry_after: Option<Duration>,
    hint: Option<String>,
) -> Try {
    match status {
        200..=299 => Try::Delivered,
        429 => Try::Retry {
            why: format!("{answer} (rate limited)"),
            after: retry_after,
        },
        408 | 500..=599 => Try::Retry {
            why: answer,
            after: None,
        },
        300..=399 => Try::Rejected {
            answer,
            hint: Some(
                "a redirect, which is not followed for a secret URL: use the URL it points to"
                    .into(),
            ),
        },
        _ => Try::Rejected { answer, hint },
    }
}

/// A short message or code from a receiver, when it is plain text (letters, digits, spaces and
/// a little punctuation, at most 120 characters); `None` for anything else, which is not repeated.
pub fn plain(s: &str) -> Option<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.chars().count() <= 120
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | ',' | '\'' | '-' | '_' | '(' | ')')
        })
        && !s.contains("::");
    ok.then(|| s.to_string())
}

/// "HTTP 400" plus the receiver's plain words, or a note that its answer is not repeated.
pub fn answer_words(status: u16, words: Option<String>, body: &Body) -> String {
    match words {
        Some(w) => format!("HTTP {status} {w}"),
        None if body.bytes.iter().all(u8::is_ascii_whitespace) => format!("HTTP {status}"),
        None => format!("HTTP {status} (with an answer that is not repeated here)"),
    }
}

/// Judge an answer as `channel` does.
fn judge(channel: Channel, status: u16, body: &Body, retry_after: Option<Duration>) -> Try {
    match channel {
        Channel::Discord => super::discord::judge(status, body, retry_after),
        Channel::Teams => super::teams::judge(status, body, retry_after),
        Channel::Webhook => super::webhook::judge(status, body, retry_after),
    }
}

impl From<Try> for Attempt<(), (String, Option<String>)> {
    fn from(t: Try) -> Self {
        match t {
            Try::Delivered => Attempt::Done(()),
            Try::Rejected { answer, hint } => Attempt::Final((answer, hint)),
            Try::Retry { why, after } => Attempt::Retry { why, after },
        }
    }
}

/// POST `request` to `channel` until it is delivered, rejected, the budget is spent or `cancel`
/// fires.
pub async fn deliver_within(
    client: &Client,
    channel: Channel,
    request: &Request,
    cancel: &CancellationToken,
    budget: Duration,
) -> Result<Delivered, ChannelError> {
    let target = channel.target();
    let limits = retry::Limits {
        budget,
        request: REQUEST_TIMEOUT,
        max_retry_after: MAX_RETRY_AFTER,
    };
    match retry::retry_within(limits, cancel, |timeout| {
        send_once(client, channel, request, timeout)
    })
    .await
    {
        Ok(((), tries)) => Ok(Delivered { tries }),
        Err(Failed::Final((answer, hint))) => Err(ChannelError::Rejected {
            target,
            answer,
            hint,
        }),
        Err(Failed::GaveUp { tries, last }) => Err(ChannelError::GaveUp {
            target,
            tries,
            last,
        }),
        Err(Failed::Cancelled) => Err(ChannelError::Cancelled),
    }
}

async fn send_once(client: &Client, channel: Channel, request: &Request, timeout: Duration) -> Try {
    let mut builder = client
        .post(request.url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let exchange = async {
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let retry_after = crate::net::retry_after(response.headers());
        let body = crate::net::read_capped(response, ANSWER_CAP).await?;
        Ok::<_, reqwest::Error>((status, body, retry_after))
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
        Ok(Ok((status, body, retry_after))) => judge(channel, status, &body, retry_after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_only() {
        assert_eq!(plain(" Unknown Webhook "), Some("Unknown Webhook".into()));
        assert_eq!(plain("::error::x"), None);
        assert_eq!(plain("<b>hi</b>"), None);
        assert_eq!(plain(&"a".repeat(121)), None);
        assert_eq!(plain("line\nbreak"), None);
    }

    #[test]
    fn common_judgement() {
        assert_eq!(
            judge_http(204, "HTTP 204".into(), None, None),
            Try::Delivered
        );
        assert!(matches!(
            judge_http(503, "HTTP 503".into(), None, None),
            Try::Retry { after: None, .. }
        ));
        assert!(matches!(
            judge_http(301, "HTTP 301".into(), None, None),
            Try::Rejected { hint: Some(_), .. }
        ));
        assert!(matches!(
            judge_http(400, "HTTP 400".into(), None, None),
            Try::Rejected { hint: None, .. }
        ));
    }

    #[test]
    fn rejections_read_well() {
        let e = ChannelError::Rejected {
            target: "the webhook",
            answer: "HTTP 404".into(),
            hint: Some("check webhook-url".into()),
        };
        assert_eq!(
            e.to_string(),
            "the webhook answered HTTP 404 (check webhook-url)"
        );
    }
}

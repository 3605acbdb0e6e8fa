//! Microsoft Teams: a Workflows (Power Automate) webhook receiving an Adaptive Card 1.4 in the
//! `attachments` envelope ("Post card in a chat or channel"). Pure rendering: text escaped for
//! the card's markdown, at most `MAX_FACTS` URLs and `MAX_TEXT` characters (Teams takes about
//! 28 KB per message), the rest counted. Answers are explained: a flow's 400, 401/403 (who may
//! trigger the flow), 404 (the flow was deleted or turned off), 413, 429.

use std::time::Duration;

use serde_json::{json, Value};
use url::Url;

use super::deliver::{answer_words, judge_http, plain, Request, Try};
use super::{checked_line, run_label, url_facts, url_label};
use crate::github::context::RunContext;
use crate::net::Body;
use crate::report::{RunReport, Status};
use crate::text::clip;

/// URLs shown as facts; the rest are counted.
pub const MAX_FACTS: usize = 50;
/// Characters of URL facts in all.
pub const MAX_TEXT: usize = 16_000;
/// The envelope's content type for an Adaptive Card.
pub const CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";

/// Escape the markdown an Adaptive Card's text understands (emphasis, links, lists, headings).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '<' | '>')
            || (out.is_empty() && matches!(c, '#' | '-' | '+' | '>'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The card colour of a status.
pub fn color(status: Status) -> &'static str {
    match status {
        Status::Up => "Good",
        Status::Degraded => "Warning",
        Status::Down => "Attention",
        Status::Unknown => "Default",
    }
}

/// The Adaptive Card for `report`.
pub fn card(report: &RunReport, ctx: &RunContext) -> Value {
    let status = report.status();
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": clip(&format!("{} {}", status.icon(), escape(&report.headline())), 300),
        "size": "Large",
        "weight": "Bolder",
        "color": color(status),
        "wrap": true
    })];
    if let Some(heal) = &report.heal {
        body.push(json!({"type": "TextBlock", "text": clip(&format!("🩹 {}", escape(&heal.headline())), 1_000), "wrap": true}));
    }
    let rows = report.worst_first();
    let mut facts = Vec::new();
    let mut total = 0;
    for r in &rows {
        let title = clip(
            &format!("{} {}", r.status.icon(), url_label(r.url.as_str())),
            120,
        );
        let value = url_facts(r, report.started_at).join(" · ");
        let value = if value.is_empty() {
            r.status.as_str().to_string()
        } else {
            value
        };
        let (title, value) = (escape(&title), escape(&value));
        if facts.len() == MAX_FACTS || total + title.len() + value.len() > MAX_TEXT {
            break;
        }
        total += title.len() + value.len();
        facts.push(json!({"title": title, "value": value}));
    }
    let shown = facts.len();
    if !facts.is_empty() {
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    if shown < rows.len() {
        let more = rows.len() - shown;
        let summary = match ctx.run_url() {
            Some(url) => format!(
                "[the run summary]({})",
                url.replace('(', "%28").replace(')', "%29")
            ),
            None => "the run summary".into(),
        };
        body.push(json!({"type": "TextBlock", "text": format!("and {more} more, see {summary}"), "wrap": true}));
    }
    if let Some(note) = report.missed_note() {
        body.push(json!({"type": "TextBlock", "text": format!("⚠️ {}", escape(&note)), "wrap": true, "color": "Warning"}));
    }
    let mut context = Vec::new();
    if let Some(label) = run_label(ctx) {
        context.push(escape(&label));
    }
    context.push(checked_line(report));
    body.push(json!({
        "type": "TextBlock",
        "text": clip(&context.join(" · "), 1_000),
        "isSubtle": true,
        "size": "Small",
        "wrap": true
    }));
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
    });
    if let Some(url) = ctx.run_url() {
        card["actions"] = json!([{"type": "Action.OpenUrl", "title": "Open the run", "url": url}]);
    }
    card
}

/// The body a Workflows webhook takes: the card in an `attachments` envelope.
pub fn render(report: &RunReport, ctx: &RunContext) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": CONTENT_TYPE,
            "contentUrl": null,
            "content": card(report, ctx),
        }]
    })
}

pub fn request(webhook: &Url, body: &Value) -> Request {
    Request {
        url: webhook.clone(),
        body: body.to_string().into_bytes(),
        headers: Vec::new(),
    }
}

/// What to do about a Workflows answer.
fn hint(status: u16, code: Option<&str>) -> Option<String> {
    Some(match (status, code) {
        (401 | 403, _) => "the flow does not accept this request: in Power Automate set the trigger's \"Who can trigger the flow\" to Anyone, or copy the whole URL (with its sig) again into teams-webhook".into(),
        (404, _) | (_, Some("WorkflowNotFound" | "TriggerNotFound")) => "the flow was deleted or turned off, or the URL is wrong: check the workflow in Teams (Workflows) and update teams-webhook".into(),
        (413, _) => "the card is too large for Teams (about 28 KB per message)".into(),
        (400, _) => "the flow did not accept the card: its trigger must be \"When a Teams webhook request is received\" and its action \"Post card in a chat or channel\"".into(),
        _ => return None,
    })
}

/// Judge an answer of a Workflows webhook: 202 Accepted is delivered; errors come as
/// `{"error": {"code": "...", "message": "..."}}`.
pub fn judge(status: u16, body: &Body, retry_after: Option<Duration>) -> Try {
    let json: Option<Value> = serde_json::from_slice(&body.bytes).ok();
    let code = json
        .as_ref()
        .and_then(|v| v["error"]["code"].as_str())
        .and_then(plain);
    let too_large = status == 413
        || body
            .text()
            .to_ascii_lowercase()
            .contains("payload too large")
        || code.as_deref() == Some("MessageSizeTooBig");
    let words = code.clone();
    let answer = answer_words(status, words, body);
    let hint = if too_large {
        hint(413, None)
    } else {
        hint(status, code.as_deref())
    };
    judge_http(status, answer, retry_after, hint)
}

#[cfg(test)]
mod tests;

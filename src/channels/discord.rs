//! Discord: an execute-webhook POST (`?wait=true`, so errors and the message come back) with one
//! embed in the status colour. Pure rendering within Discord's limits (10 embeds, 6,000
//! characters in all, 4,096 in a description, 256 in a title, 25 fields of 1,024, 2,000 of
//! content); text is escaped for Discord markdown and `allowed_mentions` parses nothing, so no
//! text from a server can ping anyone. Answers: 429 waits for `retry_after`, 401/404 "Unknown
//! Webhook" is explained.

use std::time::Duration;

use serde_json::{json, Value};
use url::Url;

use super::deliver::{answer_words, judge_http, plain, Request, Try};
use super::{checked_line, run_label, url_facts, url_label};
use crate::github::context::RunContext;
use crate::net::Body;
use crate::report::{RunReport, Status};
use crate::text::clip;

pub const MAX_EMBEDS: usize = 10;
pub const MAX_TOTAL: usize = 6_000;
pub const MAX_DESCRIPTION: usize = 4_096;
pub const MAX_TITLE: usize = 256;
pub const MAX_FIELDS: usize = 25;
pub const MAX_FIELD_VALUE: usize = 1_024;
pub const MAX_CONTENT: usize = 2_000;
/// What the URL lines may take of the description, leaving room for the overflow line.
const LINES_BUDGET: usize = 3_800;
/// What the whole embed may take, leaving Discord's 6,000 a margin.
const TOTAL_BUDGET: usize = 5_500;

/// Escape Discord markdown: each character that could start formatting, a link, a mention or
/// a heading gets a backslash; `@everyone`/`@here` are broken with a zero-width space too.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '>' | '[' | ']'
        ) || (out.is_empty() && matches!(c, '#' | '-' | '+' | '>'))
        {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200b}');
        }
    }
    out
}

/// A masked link `[label](url)`, the URL's own parentheses and spaces percent-encoded.
pub fn link(url: &str, label: &str) -> String {
    let url = url
        .replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E");
    format!("[{}]({url})", escape(label))
}

/// The embed colour of a status, as Discord's integer.
pub fn color(status: Status) -> u32 {
    match status {
        Status::Up => 0x2e_b8_86,
        Status::Degraded => 0xda_a0_38,
        Status::Down => 0xe0_1e_5a,
        Status::Unknown => 0x9e_a3_a8,
    }
}

/// Characters as Discord counts them.
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The webhook body for `report`.
pub fn render(report: &RunReport, ctx: &RunContext) -> Value {
    let status = report.status();
    let headline = report.headline();
    let title = clip(&format!("{} {headline}", status.icon()), MAX_TITLE);
    let mut description = String::new();
    if let Some(heal) = &report.heal {
        description.push_str(&format!("🩹 {}\n", escape(&clip(&heal.headline(), 500))));
    }
    let rows = report.worst_first();
    let mut shown = 0;
    for r in &rows {
        let mut line = format!(
            "{} {}",
            r.status.icon(),
            link(r.url.as_str(), &clip(url_label(r.url.as_str()), 80))
        );
        let facts = url_facts(r, report.started_at);
        if !facts.is_empty() {
            line.push_str(" — ");
            line.push_str(&escape(&facts.join(" · ")));
        }
        if chars(&description) + chars(&line) + 1 > LINES_BUDGET {
            break;
        }
        description.push_str(&line);
        description.push('\n');
        shown += 1;
    }
    if shown < rows.len() {
        let more = rows.len() - shown;
        let summary = match ctx.run_url() {
            Some(url) => link(&url, "the run summary"),
            None => "the run summary".into(),
        };
        description.push_str(&format!("and {more} more, see {summary}\n"));
    }
    if let Some(note) = report.missed_note() {
        description.push_str(&format!("⚠️ {}\n", escape(&note)));
    }
    let description = clip(description.trim_end(), MAX_DESCRIPTION);
    let mut embed = json!({
        "title": title,
        "description": description,
        "color": color(status),
        "timestamp": crate::text::rfc3339(report.started_at),
        "footer": {"text": clip(&checked_line(report), 2_000)},
    });
    if let Some(url) = ctx.run_url() {
        embed["url"] = url.into();
    }
    let mut fields = Vec::new();
    if let Some(label) = run_label(ctx) {
        let value = match ctx.run_url() {
            Some(url) => link(&url, &label),
            None => escape(&label),
        };
        fields.push(json!({"name": "Run", "value": clip(&value, MAX_FIELD_VALUE), "inline": true}));
    }
    if let Some(commit) = ctx.commit() {
        let short: String = commit.chars().take(7).collect();
        let value = match ctx.commit_url() {
            Some(url) => link(&url, &short),
            None => escape(&short),
        };
        fields.push(
            json!({"name": "Commit", "value": clip(&value, MAX_FIELD_VALUE), "inline": true}),
        );
    }
    fields.truncate(MAX_FIELDS);
    embed["fields"] = Value::Array(fields);
    let mut content = format!("{} upcheck: {}", status.icon(), escape(&headline));
    if let Some(repo) = &ctx.repository {
        content.push_str(&format!(" in {}", escape(repo)));
    }
    let content = clip(&content, 300);
    let mut body = json!({
        "username": "upcheck",
        "content": content,
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    });
    // Long repository or workflow names could still push the embed past 6,000: the description
    // gives way.
    let over = embed_chars(&body).saturating_sub(TOTAL_BUDGET);
    if over > 0 {
        let keep = chars(&description).saturating_sub(over + 1);
        body["embeds"][0]["description"] = clip(&description, keep.max(1)).into();
    }
    body
}

/// The characters Discord counts against 6,000: titles, descriptions, field names and values,
/// footers and authors of every embed.
pub fn embed_chars(body: &Value) -> usize {
    let text = |v: &Value| v.as_str().map_or(0, chars);
    body["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            text(&e["title"])
                + text(&e["description"])
                + text(&e["footer"]["text"])
                + text(&e["author"]["name"])
                + e["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| text(&f["name"]) + text(&f["value"]))
                    .sum::<usize>()
        })
        .sum()
}

/// The POST for `body`: the webhook URL with `wait=true`.
pub fn request(webhook: &Url, body: &Value) -> Request {
    let mut url = webhook.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "wait")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("wait", "true");
    Request {
        url,
        body: body.to_string().into_bytes(),
        headers: Vec::new(),
    }
}

/// What to do about a Discord error code.
fn hint(status: u16, code: Option<u64>) -> Option<String> {
    Some(match (status, code) {
        (_, Some(10015)) | (404, _) => "the webhook was deleted or the URL is wrong: create a webhook again (Server Settings → Integrations → Webhooks) and update discord-webhook".into(),
        (_, Some(50027)) | (401, _) => "the webhook's token is wrong: copy the whole webhook URL again into discord-webhook".into(),
        (403, _) => "Discord refused the webhook: the channel or server no longer allows it".into(),
        (_, Some(50035)) | (400, _) => "Discord did not accept the message's format".into(),
        (413, _) => "the message is too large for Discord".into(),
        _ => return None,
    })
}

/// Judge an answer of Discord's: `{"message": "...", "code": N}` on errors, `retry_after`
/// (seconds, a float) in a 429's body, which wins over the `Retry-After` header.
pub fn judge(status: u16, body: &Body, retry_after: Option<Duration>) -> Try {
    let json: Option<Value> = serde_json::from_slice(&body.bytes).ok();
    let code = json.as_ref().and_then(|v| v["code"].as_u64());
    let message = json
        .as_ref()
        .and_then(|v| v["message"].as_str())
        .and_then(plain);
    let words = match (message, code) {
        (Some(m), Some(c)) => Some(format!("{m} (code {c})")),
        (Some(m), None) => Some(m),
        (None, Some(c)) => Some(format!("(code {c})")),
        (None, None) => None,
    };
    let answer = answer_words(status, words, body);
    let after = json
        .as_ref()
        .and_then(|v| v["retry_after"].as_f64())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3_600.0)))
        .or(retry_after);
    judge_http(status, answer, after, hint(status, code))
}

#[cfg(test)]
mod tests;

//! The Slack message for a run, as Block Kit inside one attachment (for the colour bar) with a
//! top-level `text` fallback. Pure: every piece of text from servers, URLs and GitHub is escaped
//! for mrkdwn, and the message stays inside Slack's limits however many URLs there are.

use serde_json::{json, Value};

use crate::github::context::RunContext;
use crate::report::{RunView, Status, UrlView};
use crate::text::clip;
use crate::text::format_duration;

/// Slack allows 50 blocks; the header, the overflow line, the fields and the context take four.
pub const MAX_BLOCKS: usize = 50;
/// A section's text may hold 3,000 characters; lines are packed below that.
pub const SECTION_CHARS: usize = 2_900;
/// Slack rejects messages whose blocks hold much more text than this (`msg_blocks_too_long`).
pub const TOTAL_URL_CHARS: usize = 10_000;
/// A header holds 150 characters of plain text.
pub const HEADER_CHARS: usize = 140;

/// One context field (8398a7/action-slack's names), its value already mrkdwn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub title: &'static str,
    pub value: String,
}

/// Escape text for mrkdwn: `&`, `<`, `>` are Slack's control characters.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `<url|label>`, both escaped (a `|` in the URL would end it early).
pub fn link(url: &str, label: &str) -> String {
    let url = escape(url).replace('|', "%7C");
    let label = escape(label).replace('|', "¦");
    format!("<{url}|{label}>")
}

/// `here` → `<!here>`, `U123` → `<@U123>`, `subteam^S1` → `<!subteam^S1>`.
pub fn mention_text(who: &[String]) -> String {
    who.iter()
        .map(|w| match w.as_str() {
            "here" | "channel" => format!("<!{w}>"),
            w if w.starts_with("subteam^") => format!("<!{w}>"),
            w => format!("<@{w}>"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn color(status: Status) -> &'static str {
    match status {
        Status::Up => "#2eb886",
        Status::Degraded => "#daa038",
        Status::Down => "#e01e5a",
        Status::Unknown => "#9ea3a8",
    }
}

/// The emoji Slack shows for a status.
fn emoji(status: Status) -> &'static str {
    match status {
        Status::Up => ":large_green_circle:",
        Status::Degraded => ":large_yellow_circle:",
        Status::Down => ":red_circle:",
        Status::Unknown => ":white_circle:",
    }
}

/// One line for one URL: icon, link, then the status or reason and the numbers.
fn url_line(v: &UrlView) -> String {
    let r = v.result;
    let mut line = format!("{} {}", emoji(r.status), link(v.url, &clip(v.label, 80)));
    let mut facts = Vec::new();
    if let Some(note) = &v.outage {
        facts.push(escape(note));
    }
    if let Some(uptime) = recovery_uptime(r) {
        facts.push(uptime);
    }
    match &v.reason {
        Some(reason) => facts.push(escape(&clip(reason, 300))),
        None => {
            if let Some(code) = r.http_status {
                facts.push(format!("HTTP {code}"));
            }
        }
    }
    if r.failure.is_none() && r.attempts > 1 {
        facts.push(format!("{} attempts", r.attempts));
    }
    if let Some(t) = &v.response_time {
        facts.push(t.clone());
    }
    if !facts.is_empty() {
        line.push_str(" — ");
        line.push_str(&facts.join(" · "));
    }
    line
}

/// "7-day uptime 99.31%" for a URL that just recovered, when its history knows.
fn recovery_uptime(r: &crate::report::UrlResult) -> Option<String> {
    let ratio = r.uptime_7d.filter(|_| r.recovered())?;
    Some(format!("7-day uptime {}", crate::history::percent(ratio)))
}

/// `lines` packed, in order, into mrkdwn sections of at most `SECTION_CHARS`, until the lines
/// so far would pass `max_chars` or a new section would be the `max_sections`-th: the section
/// blocks and how many lines they hold.
fn pack_sections(
    lines: impl IntoIterator<Item = String>,
    max_chars: usize,
    max_sections: usize,
) -> (Vec<Value>, usize) {
    let mut sections: Vec<String> = Vec::new();
    let (mut total, mut shown) = (0, 0);
    for line in lines {
        if total + line.len() > max_chars {
            break;
        }
        match sections.last_mut() {
            Some(text) if text.len() + 1 + line.len() <= SECTION_CHARS => {
                text.push('\n');
                text.push_str(&line);
            }
            _ => {
                if sections.len() >= max_sections {
                    break;
                }
                sections.push(line.clone());
            }
        }
        total += line.len() + 1;
        shown += 1;
    }
    let blocks = sections
        .into_iter()
        .map(|text| json!({"type": "section", "text": {"type": "mrkdwn", "text": text}}))
        .collect();
    (blocks, shown)
}

/// The payload for an incoming webhook; `chat.postMessage` adds its `channel`.
pub fn render(
    view: &RunView,
    ctx: &RunContext,
    fields: &[Field],
    mention: Option<&[String]>,
) -> Value {
    let report = view.report;
    let status = report.status();
    let headline = report.headline();
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": clip(&format!("{} {headline}", status.icon()), HEADER_CHARS), "emoji": true}
    })];

    if let Some(heal) = &report.heal {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn",
            "text": clip(&format!(":adhesive_bandage: {}", escape(&heal.headline())), SECTION_CHARS)}}));
    }
    // URL lines, failing first, packed into sections; what does not fit is counted.
    let reserved = 5; // restart line, overflow line, fields, context, and one spare
    let rows = view.worst_first();
    let room = MAX_BLOCKS.saturating_sub(blocks.len() + reserved);
    let (sections, shown) = pack_sections(rows.iter().map(|v| url_line(v)), TOTAL_URL_CHARS, room);
    blocks.extend(sections);
    if shown < rows.len() {
        let more = rows.len() - shown;
        let summary = match ctx.run_url() {
            Some(url) => link(&url, "the run summary"),
            None => "the run summary".to_string(),
        };
        blocks.push(json!({"type": "context", "elements": [
            {"type": "mrkdwn", "text": format!("and {more} more, see {summary}")}
        ]}));
    }

    if !fields.is_empty() {
        let items: Vec<Value> = fields
            .iter()
            .take(10)
            .map(|f| json!({"type": "mrkdwn", "text": clip(&format!("*{}*\n{}", f.title, f.value), 1_900)}))
            .collect();
        blocks.push(json!({"type": "section", "fields": items}));
    }

    let mut context = Vec::new();
    if let Some(repo) = &ctx.repository {
        context.push(match ctx.repo_url() {
            Some(url) => link(&url, repo),
            None => escape(repo),
        });
    }
    let run_label = match (&ctx.workflow, &ctx.run_number) {
        (Some(w), Some(n)) => Some(format!("{w} #{n}")),
        (Some(w), None) => Some(w.clone()),
        _ => None,
    };
    if let Some(label) = run_label {
        context.push(match ctx.run_url() {
            Some(url) => link(&url, &label),
            None => escape(&label),
        });
    }
    if let Some(note) = report.missed_note() {
        context.push(format!(":warning: {}", escape(&note)));
    }
    context.push(format!(
        "checked {} UTC in {}",
        crate::text::rfc3339(report.started_at)
            .replace('T', " ")
            .trim_end_matches('Z'),
        format_duration(report.duration)
    ));
    blocks.push(json!({"type": "context", "elements": [
        {"type": "mrkdwn", "text": clip(&context.join(" · "), 2_900)}
    ]}));

    // The fallback: what notifications and screen readers show.
    let mut text = String::new();
    if let Some(who) = mention.filter(|w| !w.is_empty()) {
        text.push_str(&mention_text(who));
        text.push(' ');
    }
    match &report.heal {
        Some(heal) => text.push_str(&format!(":adhesive_bandage: {}", escape(&heal.headline()))),
        None => text.push_str(&format!("{} upcheck: {}", emoji(status), escape(&headline))),
    }
    if let Some(repo) = &ctx.repository {
        text.push_str(&format!(" in {}", escape(repo)));
    }
    // Name first a URL that just went down: that is the news (a restart says its own).
    let down = view.with_status(Status::Down);
    let first_down = down
        .iter()
        .find(|v| v.result.changed())
        .or_else(|| down.first());
    if report.heal.is_some() {
        // The restart line already says what happened.
    } else if let Some(first) = first_down {
        text.push_str(&format!(" — {}", escape(&clip(first.result.label(), 200))));
        let rest = report.count(Status::Down) - 1;
        if rest > 0 {
            text.push_str(&format!(" and {rest} more"));
        }
    } else if let Some(back) = view.urls.iter().find(|v| v.result.recovered()) {
        let note = back.outage.as_deref().unwrap_or_default();
        text.push_str(&format!(
            " — {} is {}",
            escape(&clip(back.result.label(), 200)),
            escape(note)
        ));
        if let Some(uptime) = recovery_uptime(back.result) {
            text.push_str(&format!(" · {uptime}"));
        }
    }

    json!({
        "text": text,
        "attachments": [{
            "color": color(status),
            "fallback": clip(&format!("upcheck: {headline}"), 300),
            "blocks": blocks,
        }]
    })
}

/// What an outage message becomes once its URLs are back: a green "resolved" note.
pub fn render_resolved(view: &RunView) -> Value {
    let back: Vec<&UrlView> = view.urls.iter().filter(|v| v.result.recovered()).collect();
    let note = |v: &UrlView| {
        let mut note = v.outage.as_deref().unwrap_or("back up").to_string();
        if let Some(uptime) = recovery_uptime(v.result) {
            note.push_str(&format!(" · {uptime}"));
        }
        note
    };
    let lines: Vec<String> = back
        .iter()
        .map(|v| {
            format!(
                ":white_check_mark: {} — {}",
                link(v.url, &clip(v.result.label(), 80)),
                escape(&note(v))
            )
        })
        .collect();
    let summary = lines.join("\n");
    let text = match back.first() {
        Some(v) => format!(
            ":white_check_mark: Resolved: {} is {}",
            escape(&clip(v.result.label(), 200)),
            escape(&note(v))
        ),
        None => ":white_check_mark: Resolved".into(),
    };
    json!({
        "text": text,
        "attachments": [{
            "color": color(Status::Up),
            "fallback": "upcheck: resolved",
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "✅ Resolved", "emoji": true}},
                {"type": "section", "text": {"type": "mrkdwn", "text": clip(&summary, SECTION_CHARS)}}
            ]
        }]
    })
}

/// The digest: uptime per URL over the period, its incidents and the slowest URL (p95).
pub fn render_digest(d: &crate::history::run::DigestReport, ctx: &RunContext) -> Value {
    use crate::config::Digest;
    use crate::history::Uptime;
    let day = crate::text::date(d.period.from);
    let title = match d.period.kind {
        Digest::Weekly => format!("upcheck weekly digest: week of {day}"),
        _ => format!("upcheck daily digest: {day}"),
    };
    let worst = d
        .urls
        .iter()
        .filter_map(|u| u.uptime.ratio)
        .fold(None::<f64>, |m, r| Some(m.map_or(r, |m| m.min(r))));
    let status = match worst {
        Some(r) if r >= 0.999 => Status::Up,
        Some(r) if r >= 0.99 => Status::Degraded,
        Some(_) => Status::Down,
        None => Status::Unknown,
    };
    let figure = |u: &Uptime| match u.ratio {
        Some(_) => format!(
            "{} up ({}% observed)",
            u.percent_text(),
            (u.coverage() * 100.0).floor()
        ),
        None => "no data".to_string(),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": clip(&format!("📊 {title}"), HEADER_CHARS), "emoji": true}
    })];
    // URL lines, packed into sections; what does not fit is counted.
    let lines = d.urls.iter().map(|u| {
        let dot = match u.uptime.ratio {
            None => emoji(Status::Unknown),
            Some(r) if r >= 0.999 => emoji(Status::Up),
            Some(r) if r >= 0.99 => emoji(Status::Degraded),
            Some(_) => emoji(Status::Down),
        };
        let mut line = format!(
            "{dot} {} — {}",
            link(&u.shown, &clip(&u.label, 80)),
            escape(&figure(&u.uptime))
        );
        if let Some(p95) = u.p95_ms {
            line.push_str(&format!(" · p95 {p95} ms"));
        }
        if !u.incidents.is_empty() {
            let n = u.incidents.len();
            line.push_str(&format!(" · {n} incident{}", if n == 1 { "" } else { "s" }));
        }
        line
    });
    let (sections, shown) = pack_sections(lines, TOTAL_URL_CHARS / 2, MAX_BLOCKS - 8);
    blocks.extend(sections);
    if shown < d.urls.len() {
        blocks.push(json!({"type": "context", "elements": [
            {"type": "mrkdwn", "text": format!("and {} more URLs, see the `uptime` output", d.urls.len() - shown)}
        ]}));
    }
    let mut incidents: Vec<(&str, &crate::history::Incident)> = d
        .urls
        .iter()
        .flat_map(|u| u.incidents.iter().map(move |i| (u.label.as_str(), i)))
        .collect();
    incidents.sort_by_key(|(_, i)| i.start);
    let lines: Vec<String> = incidents
        .iter()
        .take(10)
        .map(|(label, i)| {
            let lasted = match i.end {
                Some(_) => crate::text::human_duration(i.duration(d.period.to)),
                None => "ongoing".into(),
            };
            format!(
                "• {} — {} UTC, {}, {}",
                escape(&clip(label, 80)),
                crate::text::rfc3339(i.start)
                    .replace('T', " ")
                    .trim_end_matches('Z'),
                lasted,
                escape(&i.reason.describe())
            )
        })
        .collect();
    let mut text = format!("*Incidents* ({})\n", incidents.len());
    if lines.is_empty() {
        text.push_str("none");
    } else {
        text.push_str(&lines.join("\n"));
        if incidents.len() > lines.len() {
            text.push_str(&format!("\nand {} more", incidents.len() - lines.len()));
        }
    }
    blocks.push(
        json!({"type": "section", "text": {"type": "mrkdwn", "text": clip(&text, SECTION_CHARS)}}),
    );
    let slowest = d.slowest();
    if let Some(s) = slowest {
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": clip(&format!(
            "*Slowest*: {} — p95 {} ms", link(&s.shown, &clip(&s.label, 80)), s.p95_ms.unwrap_or(0)
        ), SECTION_CHARS)}}),
        );
    }
    let mut context = Vec::new();
    if let Some(repo) = &ctx.repository {
        context.push(match ctx.repo_url() {
            Some(url) => link(&url, repo),
            None => escape(repo),
        });
    }
    context.push(format!(
        "{} to {} UTC; uptime is time up (degraded counts as up) ÷ time observed",
        crate::text::rfc3339(d.period.from)
            .replace('T', " ")
            .trim_end_matches('Z'),
        crate::text::rfc3339(d.period.to)
            .replace('T', " ")
            .trim_end_matches('Z'),
    ));
    blocks.push(json!({"type": "context", "elements": [
        {"type": "mrkdwn", "text": clip(&context.join(" · "), 2_900)}
    ]}));
    let mut fallback = format!("{} {}", emoji(status), escape(&title));
    if let Some(s) = slowest {
        fallback.push_str(&format!(
            " — slowest {} (p95 {} ms)",
            escape(&clip(&s.label, 100)),
            s.p95_ms.unwrap_or(0)
        ));
    }
    json!({
        "text": fallback,
        "attachments": [{
            "color": color(status),
            "fallback": clip(&title, 300),
            "blocks": blocks,
        }]
    })
}

#[cfg(test)]
mod tests;

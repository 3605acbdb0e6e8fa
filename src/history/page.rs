//! The status page, `index.html`: one self-contained file (inline CSS and SVG only, a CSP that
//! forbids every fetch, no JavaScript), light and dark by `prefers-color-scheme`. Per URL: its
//! current status, uptime over 24 h / 7 d / 30 d / 90 d with how much was observed, a 90-day bar
//! (one cell per UTC day, the figure in its `title`), the last 24 hours' response times as an
//! SVG chart, and its incidents. Every text from a URL or name is HTML-escaped.

use std::fmt::Write;
use std::time::Duration;

use time::OffsetDateTime;

use super::summary::nice_ceiling;
use super::{Entry, Uptime, DAY, WINDOWS};
use crate::report::Status;
use crate::text::{date, human_duration, rfc3339};

/// The page's Content-Security-Policy: nothing may be loaded; inline styles and data: images
/// only.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
/// Days in the bar.
pub const BAR_DAYS: u32 = 90;
/// Incidents listed per URL (newest first).
pub const INCIDENTS_SHOWN: usize = 20;

/// HTML-escape text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// "2026-12-03 12:05 UTC".
fn when(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", date(t), t.hour(), t.minute())
}

fn status_word(s: Option<Status>) -> (&'static str, &'static str) {
    match s {
        Some(Status::Up) => ("up", "Up"),
        Some(Status::Degraded) => ("degraded", "Degraded"),
        Some(Status::Down) => ("down", "Down"),
        Some(Status::Unknown) | None => ("none", "No data"),
    }
}

fn day_class(u: &Uptime) -> &'static str {
    match u.ratio {
        None => "d0",
        Some(r) if r >= 0.999 => "d4",
        Some(r) if r >= 0.99 => "d3",
        Some(r) if r >= 0.95 => "d2",
        Some(_) => "d1",
    }
}

fn observed_text(u: &Uptime) -> String {
    if u.ratio.is_none() {
        return "nothing observed".into();
    }
    format!("{}% observed", (u.coverage() * 100.0).floor() as u32)
}

const STYLE: &str = r#"
:root{--bg:#f5f6f8;--card:#fff;--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#eef1f4;
--up:#1a7f37;--deg:#bf8700;--down:#cf222e;--none:#c9d1d9;--d3:#4ac26b;--d2:#d4a72c;--d1:#e5534b;
--accent:#0969da;--accent-soft:rgba(9,105,218,.12)}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--muted:#9198a1;
--line:#30363d;--soft:#21262d;--up:#3fb950;--deg:#d29922;--down:#f85149;--none:#30363d;--d3:#2ea043;
--d2:#bb8009;--d1:#da3633;--accent:#4493f8;--accent-soft:rgba(68,147,248,.16)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:32px 20px 48px}
header.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:12px;margin-bottom:20px}
h1{font-size:26px;margin:0;letter-spacing:-.01em}
.meta{margin:4px 0 0;color:var(--muted);font-size:13px}
.overall{display:flex;align-items:center;gap:10px;width:100%;padding:14px 18px;border-radius:10px;font-weight:600;font-size:16px;color:#fff}
.overall.up{background:var(--up)}.overall.degraded{background:var(--deg)}.overall.down{background:var(--down)}.overall.none{background:var(--muted)}
.url{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 22px;margin:16px 0}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:12px}
h2{font-size:18px;margin:0;word-break:break-word}
.shown{margin:2px 0 0;color:var(--muted);font-size:13px;word-break:break-all;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.pill{flex:none;display:inline-flex;align-items:center;gap:6px;padding:3px 12px;border-radius:999px;font-size:13px;font-weight:600;border:1px solid currentColor}
.pill::before{content:"";width:8px;height:8px;border-radius:50%;background:currentColor}
.pill.up{color:var(--up)}.pill.degraded{color:var(--deg)}.pill.down{color:var(--down)}.pill.none{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin:16px 0}
.figures div{background:var(--soft);border-radius:8px;padding:8px 12px}
.figures dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.figures dd{margin:0;font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.figures dd.seen{font-size:12px;font-weight:400;color:var(--muted)}
.bar{display:flex;gap:2px;height:30px;margin-top:4px}
.bar span{flex:1;border-radius:2px;background:var(--none)}
.bar .d4{background:var(--up)}.bar .d3{background:var(--d3)}.bar .d2{background:var(--d2)}.bar .d1{background:var(--d1)}
.bar-legend{display:flex;justify-content:space-between;color:var(--muted);font-size:12px;margin-top:4px}
.bar-legend .mid{flex:1;text-align:center}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:20px 0 6px}
svg.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart .lbl{fill:var(--muted);font-size:11px;font-family:system-ui,sans-serif}
.chart .area{fill:var(--accent-soft);stroke:none}
.chart .ln{fill:none;stroke:var(--accent);stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
.chart .mk-down{fill:var(--down)}.chart .mk-degraded{fill:var(--deg)}
.empty{color:var(--muted);font-size:14px;margin:6px 0}
table.incidents{width:100%;border-collapse:collapse;font-size:14px}
.incidents th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;border-bottom:1px solid var(--line);padding:6px 8px}
.incidents td{border-bottom:1px solid var(--line);padding:7px 8px;font-variant-numeric:tabular-nums}
.incidents tr:last-child td{border-bottom:0}
.ongoing{color:var(--down);font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:28px}
@media (max-width:700px){.figures{grid-template-columns:repeat(2,1fr)}.bar{gap:1px}}
"#;

/// The response-time chart of the last 24 hours, as inline SVG.
pub fn chart_svg(e: &Entry<'_>, now: OffsetDateTime) -> String {
    let points = e.url.series(DAY, now);
    let with_ms: Vec<(i64, u32)> = points
        .iter()
        .filter_map(|p| p.ms.map(|ms| (p.at.unix_timestamp(), ms)))
        .collect();
    if with_ms.is_empty() {
        return "<p class=\"empty\">No response times in the last 24 hours.</p>".into();
    }
    let (w, h) = (920.0, 170.0);
    let (left, right, top, bottom) = (48.0, 10.0, 10.0, 24.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let end = now.unix_timestamp();
    let start = end - DAY.as_secs() as i64;
    let max = with_ms.iter().map(|p| p.1).max().unwrap_or(0);
    let ymax = f64::from(nice_ceiling(max));
    let x = |t: i64| left + (t - start) as f64 / DAY.as_secs_f64() * pw;
    let y = |ms: u32| top + ph - (f64::from(ms) / ymax).min(1.0) * ph;
    // The usual gap between samples; a longer silence (3×, at least 10 min) breaks the line.
    let mut gaps: Vec<i64> = points
        .windows(2)
        .map(|p| p[1].at.unix_timestamp() - p[0].at.unix_timestamp())
        .collect();
    gaps.sort_unstable();
    let break_after = gaps
        .get(gaps.len() / 2)
        .copied()
        .unwrap_or(0)
        .saturating_mul(3)
        .max(600);

    let mut svg = String::new();
    let p = e.day_percentiles(now);
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Response time, last 24 hours\"><title>Response time, last 24 hours: median {} ms, p95 {} ms, max {} ms</title>",
        p.p50_ms.unwrap_or(0),
        p.p95_ms.unwrap_or(0),
        p.max_ms.unwrap_or(0)
    );
    for frac in [0.0, 0.5, 1.0] {
        let gy = top + ph - frac * ph;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\"/><text class=\"lbl\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{} ms</text>",
            w - right,
            left - 6.0,
            gy + 4.0,
            (ymax * frac).round()
        );
    }
    for back in [24, 18, 12, 6, 0] {
        let t = end - back * 3600;
        let tt = super::model::ts(t);
        let anchor = match back {
            24 => "start",
            0 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            "<text class=\"lbl\" x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{:02}:{:02}</text>",
            x(t),
            h - 6.0,
            tt.hour(),
            tt.minute()
        );
    }
    // Segments of consecutive responses.
    let mut segments: Vec<Vec<(i64, u32)>> = Vec::new();
    let mut prev_at: Option<i64> = None;
    for pt in &points {
        let at = pt.at.unix_timestamp();
        let broken = prev_at.is_none_or(|p| at - p > break_after);
        match pt.ms {
            Some(ms) if broken || segments.is_empty() => segments.push(vec![(at, ms)]),
            Some(ms) => segments.last_mut().map_or((), |s| s.push((at, ms))),
            None => segments.push(Vec::new()),
        }
        prev_at = Some(at);
    }
    let base = top + ph;
    // Points to whole pixels, as integers (formatting a float is many times slower).
    let px = |v: f64| v.round_ties_even() as i64;
    let mut line = String::new();
    for seg in segments.iter().filter(|s| !s.is_empty()) {
        line.clear();
        for (i, (t, ms)) in seg.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(line, "{sep}{},{}", px(x(*t)), px(y(*ms)));
        }
        if seg.len() == 1 {
            let (t, ms) = seg[0];
            let _ = write!(
                svg,
                "<circle class=\"ln\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.5\"/>",
                x(t),
                y(ms)
            );
            continue;
        }
        let _ = write!(
            svg,
            "<polygon class=\"area\" points=\"{:.1},{base:.1} {} {:.1},{base:.1}\"/><polyline class=\"ln\" points=\"{}\"/>",
            x(seg[0].0),
            line,
            x(seg[seg.len() - 1].0),
            line
        );
    }
    for pt in &points {
        let class = match pt.counted {
            Status::Down => "mk-down",
            Status::Degraded => "mk-degraded",
            _ => continue,
        };
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"3\" height=\"6\" rx=\"1\"><title>{} {}</title></rect>",
            x(pt.at.unix_timestamp()) - 1.5,
            base - 6.0,
            when(pt.at),
            if class == "mk-down" { "down" } else { "degraded" }
        );
    }
    svg.push_str("</svg>");
    svg
}

fn section(out: &mut String, e: &Entry<'_>, now: OffsetDateTime) {
    let u = e.url;
    let (class, word) = status_word(u.current());
    let _ = write!(
        out,
        "<section class=\"url\" id=\"u-{slug}\" data-slug=\"{slug}\"><div class=\"head\"><div><h2>{}</h2>",
        escape(u.label()),
        slug = escape(&e.slug)
    );
    if u.name.is_some() {
        let _ = write!(out, "<p class=\"shown\">{}</p>", escape(&u.shown));
    }
    let _ = write!(
        out,
        "</div><span class=\"pill {class}\">{word}</span></div><dl class=\"figures\">"
    );
    for (label, window) in WINDOWS {
        let up = e.uptime(window, now);
        let name = match label {
            "24h" => "24 hours",
            "7d" => "7 days",
            "30d" => "30 days",
            _ => "90 days",
        };
        let _ = write!(
            out,
            "<div><dt>{name}</dt><dd class=\"uptime-{label}\">{}</dd><dd class=\"seen\">{}</dd></div>",
            up.percent_text(),
            observed_text(&up)
        );
    }
    let p = e.day_percentiles(now);
    let ms = |v: Option<u32>| v.map_or("–".to_string(), |v| format!("{v} ms"));
    let _ = write!(
        out,
        "<div><dt>p95 · 24 h</dt><dd class=\"p95\">{}</dd><dd class=\"seen\">median {}</dd></div></dl>",
        ms(p.p95_ms),
        ms(p.p50_ms)
    );
    out.push_str("<h3>Uptime per day, last 90 days (UTC)</h3><div class=\"bar\" role=\"img\" aria-label=\"Uptime per day, last 90 days\">");
    for d in u.daily(BAR_DAYS, now) {
        let _ = write!(
            out,
            "<span class=\"{}\" title=\"{}: ",
            day_class(&d.uptime),
            d.date
        );
        let _ = match d.uptime.ratio {
            None => write!(out, "no data"),
            Some(_) => write!(
                out,
                "{} up, {}",
                d.uptime.percent_text(),
                observed_text(&d.uptime)
            ),
        };
        out.push_str("\"></span>");
    }
    out.push_str("</div><div class=\"bar-legend\"><span>90 days ago</span><span class=\"mid\">grey: no data</span><span>today</span></div>");
    out.push_str("<h3>Response time, last 24 hours (UTC)</h3>");
    out.push_str(&chart_svg(e, now));
    out.push_str("<h3>Incidents, last 90 days</h3>");
    let incidents = u.incidents_in(Duration::from_secs(90 * 86_400), now);
    if incidents.is_empty() {
        out.push_str("<p class=\"empty\">No incidents.</p>");
    } else {
        out.push_str("<table class=\"incidents\"><thead><tr><th>Start</th><th>End</th><th>Duration</th><th>Reason</th></tr></thead><tbody>");
        for i in incidents.iter().take(INCIDENTS_SHOWN) {
            let end = match i.end {
                Some(t) => format!("<time datetime=\"{}\">{}</time>", rfc3339(t), when(t)),
                None => "<span class=\"ongoing\">ongoing</span>".to_string(),
            };
            let _ = write!(
                out,
                "<tr class=\"incident\"><td><time datetime=\"{}\">{}</time></td><td>{end}</td><td>{}</td><td>{}</td></tr>",
                rfc3339(i.start),
                when(i.start),
                human_duration(i.duration(now)),
                escape(&i.reason.describe())
            );
        }
        out.push_str("</tbody></table>");
        if incidents.len() > INCIDENTS_SHOWN {
            let _ = write!(
                out,
                "<p class=\"empty\">and {} older ones (see history.json)</p>",
                incidents.len() - INCIDENTS_SHOWN
            );
        }
    }
    out.push_str("</section>");
}

/// The whole page.
pub fn render(entries: &[Entry<'_>], now: OffsetDateTime, title: &str) -> String {
    let mut out = String::with_capacity(64 * 1024);
    render_into(&mut out, entries, now, title);
    out
}

/// The whole page, appended to `out` (a buffer the caller may reuse).
pub fn render_into(out: &mut String, entries: &[Entry<'_>], now: OffsetDateTime, title: &str) {
    let _ = render_to(out, entries, now, title);
}

/// The whole page, written to `out` as it is rendered (one URL's section held at a time);
/// fails only when `out` does.
pub fn render_to<W: Write>(
    out: &mut W,
    entries: &[Entry<'_>],
    now: OffsetDateTime,
    title: &str,
) -> std::fmt::Result {
    let title = if title.trim().is_empty() {
        "Status"
    } else {
        title.trim()
    };
    let worst = entries
        .iter()
        .filter_map(|e| e.url.current())
        .filter(|s| *s != Status::Unknown)
        .max();
    let (class, headline) = match worst {
        None => ("none", "No data yet"),
        Some(Status::Up) | Some(Status::Unknown) => ("up", "All systems operational"),
        Some(Status::Degraded) => ("degraded", "Some systems are degraded"),
        Some(Status::Down) => ("down", "Some systems are down"),
    };
    let last = entries.iter().filter_map(|e| e.url.last_checked()).max();
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"><meta name=\"color-scheme\" content=\"light dark\"><title>{t}</title><style>{STYLE}</style></head><body><main><header class=\"top\"><div><h1>{t}</h1><p class=\"meta\">Last checked {}</p></div><div class=\"overall {class}\">{headline}</div></header>",
        last.map_or("never".to_string(), |l| format!("<time class=\"last-checked\" datetime=\"{}\">{}</time>", rfc3339(l), when(l))),
        t = escape(title),
    )?;
    let mut buf = String::with_capacity(32 * 1024);
    for e in entries {
        buf.clear();
        section(&mut buf, e, now);
        out.write_str(&buf)?;
    }
    write!(
        out,
        "<footer>Uptime is time up (degraded counts as up) ÷ time observed; time with no check is no data. Generated {} by upcheck.</footer></main></body></html>",
        when(now)
    )?;
    out.write_char('\n')
}

//! Badges: shields-style flat SVGs (`badge/<slug>-status.svg`, `-uptime-30d.svg`,
//! `-response.svg`) and, for each of them, shields.io endpoint JSON (`api/<slug>/status.json`,
//! `uptime-30d.json`, `response.json`: `{"schemaVersion": 1, "label", "message", "color"}`), for
//! `https://img.shields.io/endpoint?url=<the published api/<slug>/….json>`.

use time::OffsetDateTime;

use super::page::escape;
use super::{Entry, Uptime, WINDOWS};
use crate::report::Status;

/// What one badge says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub label: String,
    pub message: String,
    /// A shields colour name: brightgreen, green, yellowgreen, yellow, orange, red, lightgrey.
    pub color: &'static str,
}

impl Badge {
    /// shields.io endpoint JSON.
    pub fn endpoint_json(&self) -> String {
        serde_json::json!({
            "schemaVersion": 1,
            "label": self.label,
            "message": self.message,
            "color": self.color,
        })
        .to_string()
    }

    /// A flat SVG badge.
    pub fn svg(&self) -> String {
        let lw = text_width(&self.label).ceil() as u32 + 10;
        let mw = text_width(&self.message).ceil() as u32 + 10;
        let w = lw + mw;
        let fill = hex(self.color);
        let (label, message) = (escape(&self.label), escape(&self.message));
        // Text is drawn at 10× and scaled down, as shields does, for crisp glyph placement.
        let (lx, mx) = (lw * 5, lw * 10 + mw * 5);
        let (ltl, mtl) = ((lw - 10) * 10, (mw - 10) * 10);
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{fill}"/><rect width="{w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><text aria-hidden="true" x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{ltl}">{label}</text><text x="{lx}" y="140" transform="scale(.1)" fill="#fff" textLength="{ltl}">{label}</text><text aria-hidden="true" x="{mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{mtl}">{message}</text><text x="{mx}" y="140" transform="scale(.1)" fill="#fff" textLength="{mtl}">{message}</text></g></svg>"##
        )
    }
}

fn hex(color: &str) -> &'static str {
    match color {
        "brightgreen" => "#4c1",
        "green" => "#97ca00",
        "yellowgreen" => "#a4a61d",
        "yellow" => "#dfb317",
        "orange" => "#fe7d37",
        "red" => "#e05d44",
        _ => "#9f9f9f",
    }
}

/// Approximate width in pixels of `s` in 11 px Verdana (the widths shields measures with).
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' ' => 3.9,
            '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 4.3,
            'i' | 'l' | 'j' | 'I' => 3.4,
            'f' | 't' | 'r' => 4.9,
            '(' | ')' | '[' | ']' | '-' => 5.3,
            'm' => 10.7,
            'w' => 9.0,
            'M' | 'W' => 10.5,
            '%' => 12.2,
            '0'..='9' => 7.0,
            'a'..='z' => 6.6,
            'A'..='Z' => 7.6,
            _ => 8.0,
        })
        .sum()
}

/// A uptime ratio's colour.
pub fn uptime_color(u: &Uptime) -> &'static str {
    match u.ratio {
        None => "lightgrey",
        Some(r) if r >= 0.999 => "brightgreen",
        Some(r) if r >= 0.99 => "green",
        Some(r) if r >= 0.97 => "yellowgreen",
        Some(r) if r >= 0.95 => "yellow",
        Some(r) if r >= 0.90 => "orange",
        Some(_) => "red",
    }
}

pub fn status_badge(s: Option<Status>) -> Badge {
    let (message, color) = match s {
        Some(Status::Up) => ("up", "brightgreen"),
        Some(Status::Degraded) => ("degraded", "yellow"),
        Some(Status::Down) => ("down", "red"),
        Some(Status::Unknown) | None => ("unknown", "lightgrey"),
    };
    Badge {
        label: "status".into(),
        message: message.into(),
        color,
    }
}

pub fn uptime_badge(label: &str, u: &Uptime) -> Badge {
    Badge {
        label: format!("uptime {label}"),
        message: u.percent_text(),
        color: uptime_color(u),
    }
}

/// The median response time over 24 hours.
pub fn response_badge(p50: Option<u32>) -> Badge {
    let (message, color) = match p50 {
        None => ("no data".to_string(), "lightgrey"),
        Some(ms) => (
            format!("{ms} ms"),
            match ms {
                0..300 => "brightgreen",
                300..800 => "green",
                800..1500 => "yellow",
                1500..3000 => "orange",
                _ => "red",
            },
        ),
    };
    Badge {
        label: "response".into(),
        message,
        color,
    }
}

/// The two forms of the badges: the SVGs under `badge/`, the endpoint JSON under `api/<slug>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Svg,
    Endpoint,
}

impl Form {
    pub const ALL: [Form; 2] = [Form::Svg, Form::Endpoint];
}

/// One URL's badge files in one form: `(relative path, contents)`.
pub fn files(e: &Entry<'_>, now: OffsetDateTime, form: Form) -> Vec<(String, Vec<u8>)> {
    let slug = &e.slug;
    let (_, month) = WINDOWS[2];
    [
        ("status", status_badge(e.url.current())),
        ("uptime-30d", uptime_badge("30d", &e.uptime(month, now))),
        ("response", response_badge(e.day_percentiles(now).p50_ms)),
    ]
    .into_iter()
    .map(|(name, b)| match form {
        Form::Svg => (format!("badge/{slug}-{name}.svg"), b.svg().into_bytes()),
        Form::Endpoint => (
            format!("api/{slug}/{name}.json"),
            b.endpoint_json().into_bytes(),
        ),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_svg_escapes() {
        assert!(text_width("uptime 30d") > text_width("status"));
        let b = Badge {
            label: "a<b".into(),
            message: "\"&".into(),
            color: "red",
        };
        let svg = b.svg();
        assert!(
            svg.contains("a&lt;b") && svg.contains("&quot;&amp;"),
            "{svg}"
        );
        assert!(svg.contains("#e05d44"));
    }

    #[test]
    fn colours_follow_the_figures() {
        let u = |r: Option<f64>| Uptime {
            ratio: r,
            observed: std::time::Duration::from_secs(1),
            window: std::time::Duration::from_secs(1),
        };
        assert_eq!(uptime_color(&u(Some(1.0))), "brightgreen");
        assert_eq!(uptime_color(&u(Some(0.995))), "green");
        assert_eq!(uptime_color(&u(Some(0.5))), "red");
        assert_eq!(uptime_color(&u(None)), "lightgrey");
        assert_eq!(response_badge(Some(120)).message, "120 ms");
        assert_eq!(response_badge(None).color, "lightgrey");
    }
}

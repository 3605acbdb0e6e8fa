//! Small text helpers shared by every renderer: clipping, dates, durations and wait phrases.

use std::time::Duration;

use time::OffsetDateTime;

/// At most `max` characters of `s`, with "…" when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// "2026-11-30" in UTC.
pub fn date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// RFC 3339 in UTC, whole seconds: "2026-11-25T03:00:00Z".
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(t),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// "47 s", "12 min", "6 h 4 min", "2 d 3 h": how long an outage lasted, for people.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) if secs == 0 => format!("{} ms", d.as_millis()),
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// "03:00 UTC", with the date in front when it is not `today`'s.
pub fn clock(t: OffsetDateTime, today: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let hm = format!("{:02}:{:02} UTC", t.hour(), t.minute());
    if t.date() == today.to_offset(time::UtcOffset::UTC).date() {
        hm
    } else {
        format!("{} {hm}", date(t))
    }
}

/// "12:00:03 UTC", or "2026-11-30 12:00:03 UTC" when `t` is not on `today`'s date (UTC): the
/// time of a round, where minutes are too coarse.
pub fn clock_seconds(t: OffsetDateTime, today: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let hms = format!("{:02}:{:02}:{:02} UTC", t.hour(), t.minute(), t.second());
    if t.date() == today.to_offset(time::UtcOffset::UTC).date() {
        hms
    } else {
        format!("{} {hms}", date(t))
    }
}

/// "500ms", "3s", "1.5s", "1m30s", "2h".
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    // Hundredths of a second below a minute, rounded; 59.995 s and more rounds to a minute.
    let hundredths = (ms + 5) / 10;
    if hundredths < 6000 {
        let (whole, frac) = (hundredths / 100, hundredths % 100);
        return if frac == 0 {
            format!("{whole}s")
        } else {
            let frac = format!("{frac:02}");
            format!("{whole}.{}s", frac.trim_end_matches('0'))
        };
    }
    let secs = if ms < 60_000 { 60 } else { d.as_secs() };
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// " (1s apart)" when every wait was the same, " (waited 1s, 2s, 4s)" otherwise, "" for none.
pub fn waits_phrase(waits: &[Duration]) -> String {
    match waits {
        [] => String::new(),
        [first, rest @ ..] if rest.iter().all(|w| w == first) => {
            format!(" ({} apart)", format_duration(*first))
        }
        _ => format!(
            " (waited {})",
            waits
                .iter()
                .map(|w| format_duration(*w))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Escape text for a Markdown table cell: HTML, table and inline-markup characters, newlines.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '[' | ']' | '#' | '!' | '~' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_with_ellipsis() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }

    #[test]
    fn durations_format() {
        let ms = Duration::from_millis;
        assert_eq!(format_duration(ms(500)), "500ms");
        assert_eq!(format_duration(ms(1000)), "1s");
        assert_eq!(format_duration(ms(1500)), "1.5s");
        assert_eq!(format_duration(ms(1250)), "1.25s");
        assert_eq!(format_duration(ms(90_000)), "1m30s");
        // Rounded to hundredths; what rounds to 60 s is a minute (found by the duration fuzz
        // target: "500ms4500ms49999ms5s", 59.999 s, was shown as "60s", which is shown as "1m").
        assert_eq!(format_duration(ms(59_994)), "59.99s");
        assert_eq!(format_duration(ms(59_995)), "1m");
        assert_eq!(format_duration(ms(59_999)), "1m");
        assert_eq!(format_duration(ms(1_004)), "1s");
        assert_eq!(format_duration(ms(1_005)), "1.01s");
        let found = crate::config::parse_duration("500ms4500ms49999ms5s").unwrap();
        assert_eq!(format_duration(found), "1m");
        assert_eq!(format_duration(ms(7_200_000)), "2h");
    }

    #[test]
    fn waits_phrase_forms() {
        let s = Duration::from_secs;
        assert_eq!(waits_phrase(&[]), "");
        assert_eq!(waits_phrase(&[s(1), s(1)]), " (1s apart)");
        assert_eq!(waits_phrase(&[s(1), s(2)]), " (waited 1s, 2s)");
    }

    #[test]
    fn human_durations() {
        let s = Duration::from_secs;
        assert_eq!(human_duration(s(47)), "47 s");
        assert_eq!(human_duration(s(180)), "3 min");
        assert_eq!(human_duration(s(6 * 3600 + 240)), "6 h 4 min");
        assert_eq!(human_duration(s(6 * 3600)), "6 h");
        assert_eq!(human_duration(s(2 * 86_400 + 3 * 3600 + 5)), "2 d 3 h");
    }

    #[test]
    fn clocks() {
        let today = time::macros::datetime!(2026-11-25 09:00 UTC);
        assert_eq!(
            clock(time::macros::datetime!(2026-11-25 03:00 UTC), today),
            "03:00 UTC"
        );
        assert_eq!(
            clock(time::macros::datetime!(2026-11-24 23:55 UTC), today),
            "2026-11-24 23:55 UTC"
        );
    }

    #[test]
    fn dates() {
        let t = time::macros::datetime!(2026-11-25 03:04:05 UTC);
        assert_eq!(date(t), "2026-11-25");
        assert_eq!(rfc3339(t), "2026-11-25T03:04:05Z");
    }
}

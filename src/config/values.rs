//! Parsers for single input values: durations, booleans, counts and status sets. Each returns the
//! problem in words; the caller adds the input's name and what is accepted.

use std::fmt;
use std::time::Duration;

/// A duration as the contract writes it: `500ms`, `3s`, `1m`, `1m30s`; a bare number is seconds.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return Err(format!("{value:?} is not a positive duration"));
        }
        return Duration::try_from_secs_f64(secs).map_err(|_| format!("{value:?} is too long"));
    }
    humantime::parse_duration(value).map_err(|e| format!("{value:?} is not a duration ({e})"))
}

/// The toolkit's strict booleans: `true|True|TRUE|false|False|FALSE`.
pub fn parse_bool(value: &str) -> Result<bool, String> {
    match value {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(format!("{other:?} is not a boolean")),
    }
}

/// A whole number within `min..=max`.
pub fn parse_count(value: &str, min: u64, max: u64) -> Result<u64, String> {
    let n: u64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a whole number"))?;
    if n < min || n > max {
        return Err(format!("{n} is out of range"));
    }
    Ok(n)
}

/// A set of HTTP statuses: codes, ranges and classes, e.g. `200,204`, `200-299`, `2xx,301`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    ranges: Vec<(u16, u16)>,
    text: String,
}

impl StatusSet {
    pub fn parse(value: &str) -> Result<StatusSet, String> {
        let mut ranges = Vec::new();
        let mut parts = Vec::new();
        for piece in value.split(',').map(str::trim) {
            if piece.is_empty() {
                return Err(format!("{value:?} has an empty item"));
            }
            let range = parse_status_piece(piece)?;
            ranges.push(range);
            // Shown in reasons and outputs: any whitespace inside becomes one space.
            let shown: Vec<&str> = piece.split_whitespace().collect();
            parts.push(shown.join(" ").to_ascii_lowercase());
        }
        Ok(StatusSet {
            ranges,
            text: parts.join(","),
        })
    }

    pub fn contains(&self, code: u16) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= code && code <= hi)
    }
}

fn parse_status_piece(piece: &str) -> Result<(u16, u16), String> {
    let code = |s: &str| -> Result<u16, String> {
        match s.parse::<u16>() {
            Ok(n) if (100..=599).contains(&n) => Ok(n),
            _ => Err(format!("{piece:?} is not a status code from 100 to 599")),
        }
    };
    let lower = piece.to_ascii_lowercase();
    if let Some(class) = lower.strip_suffix("xx") {
        return match class.parse::<u16>() {
            Ok(c) if (1..=5).contains(&c) && class.len() == 1 => Ok((c * 100, c * 100 + 99)),
            _ => Err(format!("{piece:?} is not a status class (1xx to 5xx)")),
        };
    }
    if let Some((lo, hi)) = lower.split_once('-') {
        let (lo, hi) = (code(lo.trim())?, code(hi.trim())?);
        if lo > hi {
            return Err(format!("{piece:?} is an empty range"));
        }
        return Ok((lo, hi));
    }
    let c = code(&lower)?;
    Ok((c, c))
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("500ms"), Ok(ms(500)));
        assert_eq!(parse_duration("3s"), Ok(ms(3000)));
        assert_eq!(parse_duration("1m"), Ok(ms(60_000)));
        assert_eq!(parse_duration("1m30s"), Ok(ms(90_000)));
        assert_eq!(parse_duration("2"), Ok(ms(2000)));
        assert_eq!(parse_duration("0.25"), Ok(ms(250)));
        assert!(parse_duration("5 parsecs")
            .unwrap_err()
            .contains("\"5 parsecs\""));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn booleans_are_strict() {
        assert_eq!(parse_bool("True"), Ok(true));
        assert_eq!(parse_bool("FALSE"), Ok(false));
        assert!(parse_bool("yes").is_err());
        assert!(parse_bool("1").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("3", 1, 100), Ok(3));
        assert!(parse_count("0", 1, 100).is_err());
        assert!(parse_count("abc", 1, 100).is_err());
        assert!(parse_count("-1", 1, 100).is_err());
    }

    #[test]
    fn status_sets() {
        let set = StatusSet::parse("200,204").unwrap();
        assert!(set.contains(200) && set.contains(204) && !set.contains(201));
        let set = StatusSet::parse("200-299").unwrap();
        assert!(set.contains(250) && !set.contains(300));
        let set = StatusSet::parse("2xx, 301").unwrap();
        assert!(set.contains(299) && set.contains(301) && !set.contains(302));
        assert_eq!(set.to_string(), "2xx,301");
        assert!(StatusSet::parse("abc").is_err());
        assert!(StatusSet::parse("200,").is_err());
        assert!(StatusSet::parse("300-200").is_err());
        assert!(StatusSet::parse("6xx").is_err());
        assert!(StatusSet::parse("99").is_err());
    }

    #[test]
    fn a_status_set_is_shown_without_control_characters() {
        // Found by fuzzing: a vertical tab inside a range was shown, and reached outputs, as is.
        let set = StatusSet::parse("200\u{b}-349").unwrap();
        assert_eq!(set.to_string(), "200 -349");
        assert!(set.contains(200) && set.contains(349) && !set.contains(350));
        assert_eq!(
            StatusSet::parse(" 200 - 204").unwrap().to_string(),
            "200 - 204"
        );
    }
}

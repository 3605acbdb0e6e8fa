//! Slugs: the file names of a URL's badges and endpoint files (`badge/<slug>-status.svg`,
//! `api/<slug>/…`). A slug is lowercase ASCII letters, digits and `-` (safe in a path and a
//! URL), at most 48 characters, derived from the display name, else from the shown URL's host
//! and path (never its user, password or query, so never from a secret). It depends only on
//! that text, so it stays the same from run to run. When two URLs of one run would get the
//! same slug, the first in input order keeps it and each later one gets `-` and six hex digits
//! of the SHA-256 of its shown URL (and `-2`, `-3`, … if even that is taken).

use std::collections::HashSet;

use sha2::{Digest, Sha256};

const MAX_LEN: usize = 48;

/// The slug base for a display name or a shown URL.
pub fn base(name: Option<&str>, shown: &str) -> String {
    let source = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => match url::Url::parse(shown) {
            Ok(u) => format!("{}{}", u.host_str().unwrap_or(""), u.path()),
            Err(_) => shown.to_string(),
        },
    };
    let mut out = String::new();
    for c in source.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= MAX_LEN {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "url".to_string()
    } else {
        out
    }
}

/// Slugs for `(name, shown)` pairs in input order, unique among themselves.
pub fn assign<'a>(urls: impl IntoIterator<Item = (Option<&'a str>, &'a str)>) -> Vec<String> {
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    for (name, shown) in urls {
        let mut slug = base(name, shown);
        if taken.contains(&slug) {
            let digest = Sha256::digest(shown.as_bytes());
            let hex: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
            slug = format!("{slug}-{hex}");
            let stem = slug.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{stem}-{n}");
                n += 1;
            }
        }
        taken.insert(slug.clone());
        out.push(slug);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_name_or_host_and_path_never_the_query_or_user() {
        assert_eq!(base(Some("API (EU) — prod"), "https://x"), "api-eu-prod");
        assert_eq!(
            base(None, "https://user:***@api.example.com/v1/health?token=***"),
            "api-example-com-v1-health"
        );
        assert_eq!(base(None, "https://example.com/"), "example-com");
        assert_eq!(base(Some("   "), "https://example.com/"), "example-com");
        assert_eq!(base(Some("✓✓"), "x"), "url");
        assert!(base(Some(&"a".repeat(100)), "x").len() <= MAX_LEN);
    }

    #[test]
    fn collisions_keep_the_first_and_suffix_the_later_ones() {
        let s = assign([
            (Some("Shop"), "https://a.example/"),
            (Some("shop"), "https://b.example/"),
            (Some("SHOP"), "https://b.example/"),
            (None, "https://c.example/x"),
        ]);
        assert_eq!(s[0], "shop");
        assert!(s[1].starts_with("shop-") && s[1].len() == 11, "{}", s[1]);
        assert_eq!(s[2], format!("{}-2", s[1]));
        assert_eq!(s[3], "c-example-x");
        // Stable: the same input gives the same slugs.
        assert_eq!(
            s,
            assign([
                (Some("Shop"), "https://a.example/"),
                (Some("shop"), "https://b.example/"),
                (Some("SHOP"), "https://b.example/"),
                (None, "https://c.example/x"),
            ])
        );
    }
}

//! The history's I/O in a run, around the pure `crate::history`: rebuilding it from
//! `history-url` when the state holds none (`update`), recording the run, rendering the
//! `uptime` output and the summary section (`views`), sending the Slack digest (`digest`) and
//! writing the status site into `status-dir` (`write_site`).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Client;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::{Config, HistorySettings, Target};
use crate::github::context::RunContext;
use crate::history::public::{PublicHistory, PublicHistoryError};
use crate::history::{self, History};
use crate::net::Transport;
use crate::redact::RedactedUrl;
use crate::report::RunReport;
use crate::state::State;

/// `history-url` is read up to this many bytes …
pub const HISTORY_URL_LIMIT: usize = 5 * 1024 * 1024;
/// … within this time.
pub const HISTORY_URL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why `history-url` gave nothing to rebuild from. The words never carry text from the answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("it answered HTTP {0}")]
    Status(u16),
    #[error("the answer is larger than {} MB", HISTORY_URL_LIMIT / (1024 * 1024))]
    TooLarge,
    #[error("no complete answer within {}s", HISTORY_URL_TIMEOUT.as_secs())]
    Timeout,
    #[error("it cannot be reached ({0})")]
    Unreachable(Transport),
    #[error("the answer is not a usable history.json ({0})")]
    Invalid(String),
    #[error("not read: the run was cancelled")]
    Cancelled,
}

/// What went wrong with a public history, in words of our own (the parser's messages may quote
/// the answer, which is the server's text).
fn describe(e: &PublicHistoryError) -> String {
    match e {
        PublicHistoryError::Json(j) => match j.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("not JSON: line {}, column {}", j.line(), j.column())
            }
            _ => format!(
                "JSON of another shape: line {}, column {}",
                j.line(),
                j.column()
            ),
        },
        PublicHistoryError::Schema(v) => format!(
            "schema {v}, this upcheck reads schemas 1 to {}",
            history::public::SCHEMA
        ),
        PublicHistoryError::TooManyUrls(n) => format!("{n} URLs, more than allowed"),
        PublicHistoryError::Slug(_) => "a bad or repeated slug".into(),
        PublicHistoryError::Generated(_) => "its generated time is not an RFC 3339 time".into(),
        PublicHistoryError::Format(_) => "a URL's history is damaged".into(),
    }
}

/// GET `url` with the side client, at most `HISTORY_URL_LIMIT` bytes within
/// `HISTORY_URL_TIMEOUT`, and parse it strictly.
pub async fn fetch(
    client: &Client,
    url: &Url,
    cancel: &CancellationToken,
) -> Result<PublicHistory, FetchError> {
    let read = async {
        let response = client
            .get(url.clone())
            .timeout(HISTORY_URL_TIMEOUT)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > HISTORY_URL_LIMIT as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let body = crate::net::read_capped(response, HISTORY_URL_LIMIT)
            .await
            .map_err(|e| transport(&e))?;
        if body.cut {
            return Err(FetchError::TooLarge);
        }
        history::public::parse(&body.bytes).map_err(|e| FetchError::Invalid(describe(&e)))
    };
    tokio::select! {
        r = tokio::time::timeout(HISTORY_URL_TIMEOUT + Duration::from_secs(1), read) => {
            r.unwrap_or(Err(FetchError::Timeout))
        }
        () = cancel.cancelled() => Err(FetchError::Cancelled),
    }
}

fn transport(e: &reqwest::Error) -> FetchError {
    match crate::net::classify(e) {
        Transport::Timeout => FetchError::Timeout,
        why => FetchError::Unreachable(why),
    }
}

/// The state key of each public URL: the current URL shown the same way (in order, each key
/// once), else the one with the same display name.
fn rebuild(public: PublicHistory, targets: &[Target]) -> History {
    let mut taken: HashSet<String> = HashSet::new();
    public.into_history(|u| {
        let found = targets
            .iter()
            .find(|t| t.shown.as_str() == u.history.shown && !taken.contains(&t.key))
            .or_else(|| {
                targets.iter().find(|t| {
                    t.name.is_some() && t.name == u.history.name && !taken.contains(&t.key)
                })
            })?;
        taken.insert(found.key.clone());
        Some(found.key.clone())
    })
}

/// What `update` has to say: warnings and lines for the log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Notes {
    pub warnings: Vec<String>,
    pub info: Vec<String>,
}

/// The run into the history: first, when the history is empty and `history-url` is set,
/// rebuild it from there (any failure is one warning); then record every final result at
/// `now`, fold, prune, and give each result its 7-day uptime.
pub async fn update(
    settings: &HistorySettings,
    targets: &[Target],
    history: &mut History,
    report: &mut RunReport,
    client: &Client,
    cancel: &CancellationToken,
    now: OffsetDateTime,
) -> Notes {
    let mut notes = Notes::default();
    if let (Some(url), true) = (&settings.url, history.is_empty()) {
        let shown = RedactedUrl::new(url);
        match fetch(client, url, cancel).await {
            Ok(public) => {
                let offered = public.urls.len();
                let rebuilt = rebuild(public, targets);
                if rebuilt.is_empty() {
                    notes.warnings.push(format!(
                        "history-url {shown}: none of its {offered} URLs is checked now; the \
                         history starts from this run"
                    ));
                } else {
                    notes.info.push(format!(
                        "History: rebuilt from history-url {shown} ({} of {offered} URLs)",
                        rebuilt.len()
                    ));
                    *history = rebuilt;
                }
            }
            Err(FetchError::Cancelled) => {}
            Err(e) => notes.warnings.push(format!(
                "history-url {shown}: {e}; the history starts from this run"
            )),
        }
    }
    let errors = history::run::record_run(history, report, now);
    if let Some(first) = errors.first() {
        notes.warnings.push(format!(
            "the history did not record this run for {} URL{}: {first}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ));
    }
    notes
}

/// The keys of the current URLs, in input order.
fn keys(targets: &[Target]) -> Vec<&str> {
    targets.iter().map(|t| t.key.as_str()).collect()
}

/// The `uptime` output and the job summary's history section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Views {
    pub uptime: String,
    pub summary: String,
}

/// The current URLs' histories as the views show them, in input order (see
/// `history::entries`): made once and given to `views` and `site_phase`, which then share each
/// URL's figures.
pub fn shown<'a>(history: &'a History, targets: &'a [Target]) -> Vec<history::Entry<'a>> {
    history::entries(history, &keys(targets))
}

pub fn views(shown: &[history::Entry<'_>], now: OffsetDateTime) -> Views {
    Views {
        uptime: history::output::render(shown, now),
        summary: history::summary::render(shown, now),
    }
}

/// The Slack digest, when one is due (see `history::run::digest_due`): sent through the usual
/// delivery within `budget`; `digest_sent` is set only once it arrived. `Ok` is a line for the
/// log, `Err` a warning; None when no digest was due.
#[expect(
    clippy::too_many_arguments,
    reason = "a phase takes what it needs by name"
)]
pub async fn digest(
    config: &Config,
    state: &mut State,
    report: &RunReport,
    ctx: &RunContext,
    client: &Client,
    cancel: &CancellationToken,
    budget: Duration,
    now: OffsetDateTime,
) -> Option<Result<String, String>> {
    let kind = config.history.digest;
    let previous_run = state.runs.iter().rev().map(|r| r.at).find(|t| *t < now);
    let period = history::run::digest_due(kind, state.digest_sent, previous_run, now)?;
    if report.cancelled.is_some() || cancel.is_cancelled() {
        return None;
    }
    let Some(to) = crate::slack::destination(&config.slack) else {
        // Said once per period, not on every run.
        state.digest_sent = Some(now);
        return Some(Err(format!(
            "digest: {kind} is set but no slack-webhook, SLACK_WEBHOOK_URL or slack-token is; no digest is sent"
        )));
    };
    let keys = keys(&config.targets);
    let shown = history::entries(&state.history, &keys);
    let d = history::run::digest(&shown, period);
    let payload = crate::slack::message::render_digest(&d, ctx);
    match crate::slack::deliver::deliver_within(client, &to, &payload, cancel, budget).await {
        Ok(_) => {
            state.digest_sent = Some(now);
            Some(Ok(format!("Slack: {kind} digest delivered")))
        }
        Err(crate::slack::SlackError::Cancelled) => None,
        Err(e) => Some(Err(format!(
            "Slack: the {kind} digest was not delivered ({e}); the next run tries again"
        ))),
    }
}

/// A status site that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the status page into status-dir {dir} ({path}: {source})")]
pub struct SiteError {
    pub dir: PathBuf,
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Write the status site of these URLs into `dir` (created when missing): every file
/// atomically, and the files of URLs no longer on the site removed, only inside `badge/` and
/// `api/`. Returns how many files were written.
pub fn write_site(
    dir: &Path,
    history: &History,
    targets: &[Target],
    title: &str,
    now: OffsetDateTime,
) -> Result<usize, SiteError> {
    write_entries(dir, &shown(history, targets), title, now, None)
}

/// `write_site` for URLs already made into entries. The page, `history.json` and the small
/// files are written side by side on threads of their own (all only read the history; each
/// URL's figures are worked out once, by the first that asks).
fn write_entries(
    dir: &Path,
    shown: &[history::Entry<'_>],
    title: &str,
    now: OffsetDateTime,
    packs: Option<&history::Packs<'_>>,
) -> Result<usize, SiteError> {
    let fail = |(path, source): (PathBuf, std::io::Error)| SiteError {
        dir: dir.to_path_buf(),
        path,
        source,
    };
    // A site written here for the first time has nothing stale to remove.
    let subs = ["badge", "api"];
    let was = subs.map(|sub| dir.join(sub).exists());
    std::fs::create_dir_all(dir).map_err(|e| fail((dir.to_path_buf(), e)))?;
    let large = |rel: &str, body: history::site::Body<'_>| {
        let path = dir.join(rel);
        write_streamed(&path, &body).map_err(|e| (path, e))
    };
    let (page, public, small) = std::thread::scope(|s| {
        let public = crate::beside::run(s, || {
            large("history.json", history::site::history(shown, now, packs))
        });
        // Creating a file costs the kernel more than rendering it, and the small files are
        // most of the site: two threads share them, the SVGs (in `badge/`) and the endpoint
        // JSON (in `api/<slug>/`), so that neither waits for the other's directory.
        let small = history::badge::Form::ALL
            .map(|form| crate::beside::run(s, move || write_small(dir, shown, now, form)));
        let page = large("index.html", history::site::page(shown, now, title));
        let small = small.into_iter().map(crate::beside::Beside::join).try_fold(
            (0, HashSet::new()),
            |(n, mut all), part| {
                let (m, wanted) = part?;
                all.extend(wanted);
                Ok((n + m, all))
            },
        );
        (page, public.join(), small)
    });
    page.map_err(fail)?;
    public.map_err(fail)?;
    let (n, wanted) = small.map_err(fail)?;
    for (sub, was) in subs.into_iter().zip(was) {
        if was {
            remove_stale(&dir.join(sub), &wanted).map_err(fail)?;
        }
    }
    Ok(2 + n)
}

/// The badge files of one form: each directory made once, each file written as soon as it is
/// rendered. Gives how many, and their paths.
fn write_small(
    dir: &Path,
    shown: &[history::Entry<'_>],
    now: OffsetDateTime,
    form: history::badge::Form,
) -> Result<(usize, HashSet<PathBuf>), (PathBuf, std::io::Error)> {
    let mut wanted: HashSet<PathBuf> = HashSet::new();
    let mut made: HashSet<PathBuf> = HashSet::from([dir.to_path_buf()]);
    let n = history::site::small(shown, now, form, |rel, bytes| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            if !made.contains(parent) {
                std::fs::create_dir_all(parent).map_err(|e| (parent.to_path_buf(), e))?;
                made.insert(parent.to_path_buf());
            }
        }
        write_atomic(&path, &bytes).map_err(|e| (path.clone(), e))?;
        wanted.insert(path);
        Ok(())
    })?;
    Ok((n, wanted))
}

/// What writing `status-dir` came to.
#[derive(Debug, Default)]
pub struct SiteOutcome {
    pub warnings: Vec<String>,
    /// A line for the log, when the site was written.
    pub info: Option<String>,
    /// The site could not be written (exit 3).
    pub failed: bool,
}

/// Write `status-dir`, when set: the lost-path warning (in Actions, a directory not mounted
/// into the container), then the files (`history.json` with each URL's columns from `packs`
/// when given: see `history::Packs`).
pub fn site_phase(
    settings: &HistorySettings,
    place: &crate::state::Place,
    shown: &[history::Entry<'_>],
    now: OffsetDateTime,
    packs: Option<&history::Packs<'_>>,
) -> SiteOutcome {
    let mut out = SiteOutcome::default();
    let Some(dir) = &settings.status_dir else {
        return out;
    };
    out.warnings
        .extend(place.lost_path_warning_for("status-dir", "status", dir));
    match write_entries(dir, shown, &settings.status_title, now, packs) {
        Ok(n) => {
            out.info = Some(format!(
                "Status page: {n} files written to {}",
                dir.display()
            ));
        }
        Err(e) => {
            out.warnings.push(e.to_string());
            out.failed = true;
        }
    }
    out
}

/// A temporary file beside `path` (whose directory exists), then a rename; a file that
/// already holds `bytes` is left alone (its size tells most changes without reading it), and a
/// file that is not there yet is written in place (no reader can have seen it, so nothing is
/// lost if the write stops half way; the next run writes it whole). No fsync: the rename keeps
/// each file whole for a reader, and the site is written anew every run, so a crash costs at
/// most one run's page (and an fsync of hundreds of files would cost far more than the rest of
/// the run).
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match write_new(path, |f| f.write_all(bytes)) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        done => return done,
    }
    let old = std::fs::metadata(path)?;
    let same_size = old.is_file() && old.len() == bytes.len() as u64;
    if same_size && std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let temp = temp_beside(path);
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Create `path`, which must not exist yet (else `AlreadyExists`), and fill it with `fill`; a
/// file left half written is removed.
fn write_new(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let result = fill(&mut f);
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// The temporary file beside `path` that becomes it.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// As `write_atomic`, for a large file: rendered straight into the new file or the temporary
/// one, never held whole; when the file already held exactly that, the temporary file goes and
/// it stays.
fn write_streamed(path: &Path, body: &history::site::Body<'_>) -> std::io::Result<()> {
    let fresh = write_new(path, |f| {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, f);
        body.write_to(&mut w)?;
        w.flush()
    });
    match fresh {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        done => return done,
    }
    let temp = temp_beside(path);
    let result = (|| {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, std::fs::File::create(&temp)?);
        body.write_to(&mut w)?;
        let len = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .metadata()?
            .len();
        if same_content(path, &temp, len)? {
            return std::fs::remove_file(&temp);
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Whether the file at `old` holds what `new` (of `len` bytes) holds; false when there is none.
fn same_content(old: &Path, new: &Path, len: u64) -> std::io::Result<bool> {
    use std::io::Read;
    if !std::fs::metadata(old).is_ok_and(|m| m.is_file() && m.len() == len) {
        return Ok(false);
    }
    let (Ok(mut a), mut b) = (std::fs::File::open(old), std::fs::File::open(new)?) else {
        return Ok(false);
    };
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = a.read(&mut x)?;
        if n == 0 {
            return Ok(b.read(&mut y[..1])? == 0);
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return Ok(false);
        }
    }
}

/// Remove the files under `dir` that are not `wanted`, and directories left empty (not `dir`).
fn remove_stale(dir: &Path, wanted: &HashSet<PathBuf>) -> Result<(), (PathBuf, std::io::Error)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err((dir.to_path_buf(), e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| (path.clone(), e))?;
        if kind.is_dir() {
            remove_stale(&path, wanted)?;
            let empty = std::fs::read_dir(&path)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if empty {
                std::fs::remove_dir(&path).map_err(|e| (path.clone(), e))?;
            }
        } else if !wanted.contains(&path) {
            std::fs::remove_file(&path).map_err(|e| (path.clone(), e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_files_go_only_inside_badge_and_api() {
        let dir = std::env::temp_dir().join(format!("upcheck-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("badge")).unwrap();
        std::fs::create_dir_all(dir.join("api/gone")).unwrap();
        std::fs::write(dir.join("badge/gone-status.svg"), "x").unwrap();
        std::fs::write(dir.join("api/gone/status.json"), "x").unwrap();
        std::fs::write(dir.join("CNAME"), "status.example.com").unwrap();
        let targets = crate::config::parse_url_list("Shop=https://shop.example/").unwrap();
        let mut h = History::new();
        h.record(
            &targets[0].key,
            targets[0].shown.as_str(),
            Some("Shop"),
            crate::history::Sample {
                at: time::macros::datetime!(2026-12-03 12:00 UTC),
                counted: crate::report::Status::Up,
                observed: crate::report::Status::Up,
                response_ms: Some(10),
                reason: crate::history::ReasonCode::Ok,
            },
        )
        .unwrap();
        let now = time::macros::datetime!(2026-12-03 12:00 UTC);
        let n = write_site(&dir, &h, &targets, "Status", now).unwrap();
        assert!(n > 5);
        assert!(dir.join("index.html").is_file());
        assert!(dir.join("badge/shop-status.svg").is_file());
        assert!(dir.join("api/shop/status.json").is_file());
        assert!(!dir.join("badge/gone-status.svg").exists());
        assert!(!dir.join("api/gone").exists());
        assert!(
            dir.join("CNAME").is_file(),
            "files outside badge/ and api/ stay"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file that already holds what would be written is left as it is (the same inode), a
    /// changed one is replaced whole, and no temporary file is left behind.
    #[cfg(unix)]
    #[test]
    fn unchanged_site_files_stay_and_changed_ones_are_replaced() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::Builder::new()
            .prefix("upcheck-site-same-")
            .tempdir()
            .unwrap();
        let dir = dir.path();
        let targets = crate::config::parse_url_list("Shop=https://shop.example/").unwrap();
        let mut h = History::new();
        let now = time::macros::datetime!(2026-12-03 12:00 UTC);
        h.record(
            &targets[0].key,
            targets[0].shown.as_str(),
            Some("Shop"),
            crate::history::Sample {
                at: now,
                counted: crate::report::Status::Up,
                observed: crate::report::Status::Up,
                response_ms: Some(10),
                reason: crate::history::ReasonCode::Ok,
            },
        )
        .unwrap();
        let ino = |rel: &str| std::fs::metadata(dir.join(rel)).unwrap().ino();
        let n = write_site(dir, &h, &targets, "Status", now).unwrap();
        let before = ["index.html", "history.json", "badge/shop-status.svg"].map(ino);
        assert_eq!(write_site(dir, &h, &targets, "Status", now).unwrap(), n);
        assert_eq!(
            ["index.html", "history.json", "badge/shop-status.svg"].map(ino),
            before
        );
        let later = now + time::Duration::minutes(5);
        write_site(dir, &h, &targets, "Status", later).unwrap();
        assert_ne!(ino("index.html"), before[0]);
        assert_ne!(ino("history.json"), before[1]);
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains("Generated 2026-12-03 12:05 UTC"), "{page}");
        assert_eq!(
            std::fs::read(dir.join("history.json")).unwrap(),
            history::public::render(&history::entries(&h, &[targets[0].key.as_str()]), later)
                .into_bytes()
        );
        let temps = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(temps, 0);
    }

    #[test]
    fn public_history_errors_never_quote_the_answer() {
        let hostile = br#"{"schema": 1, "generated": "::error::pwned", "urls": []}"#;
        let e = history::public::parse(hostile).unwrap_err();
        assert!(!describe(&e).contains("pwned"), "{}", describe(&e));
        let e = history::public::parse(
            br#"{"schema": 1, "generated": 7, "urls": "::set-output name=x::y"}"#,
        )
        .unwrap_err();
        assert!(!describe(&e).contains("set-output"), "{}", describe(&e));
        let e = history::public::parse(b"<html>::error::x</html>").unwrap_err();
        assert!(describe(&e).starts_with("not JSON"), "{}", describe(&e));
    }
}

//! The state file: small, versioned JSON, written atomically (a temporary file beside it, then a
//! rename). A missing file is a fresh start; an unreadable, corrupt or newer-version file is a
//! fresh start with a warning that says why. It never holds secrets: URLs are kept redacted and
//! keyed by `url_key` (a hash of the redacted URL).
//!
//! Versions: 1 keyed URLs by a hash of the full URL and had no `monitor`; 2 keys them by
//! `url_key` and records the monitor the file belongs to; 3 adds `history` (the samples,
//! hourly roll-ups and incidents of every URL, by the same keys; `crate::history`'s stored
//! form) and `digest_sent` (when the last Slack digest went out). Loading accepts every version
//! up to `VERSION` (fields added later default when absent): `super::open` re-keys a version-1
//! file and adopts a file without a monitor; the next save writes the current version. A
//! damaged `history` alone costs only the history (a warning says so), never the rest.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::transition::UrlState;
use crate::history::History;

/// The format this version writes (and the newest it reads).
pub const VERSION: u32 = 3;
/// How many past run times are kept (to learn the usual interval).
pub const KEPT_RUNS: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// Which monitor this file belongs to (absent in version 1 and in local runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<Monitor>,
    /// When recent runs happened, oldest first.
    #[serde(default)]
    pub runs: Vec<Run>,
    /// Per URL, keyed by `state::url_key` (version 1: by `state::legacy_url_key`).
    #[serde(default)]
    pub urls: BTreeMap<String, UrlState>,
    /// When the restart hook was last called (for `heal-cooldown`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub heal_called: Option<OffsetDateTime>,
    /// When the last Slack digest was sent (for `digest`: once per period).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub digest_sent: Option<OffsetDateTime>,
    /// When `keepalive` last re-enabled the workflow (absent until it first did).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub keepalive_enabled: Option<OffsetDateTime>,
    /// Every URL's history, by the keys of `urls` (absent before version 3). Read on its own
    /// by `load`, so that damage there costs only the history, and written last by `save`.
    #[serde(skip)]
    pub history: History,
}

/// What a state file belongs to: one monitor (repository, workflow, job, `state-key`, ref and
/// matrix leg). `id` is `super::Place::monitor`'s hash; `name` the readable parts (no matrix
/// values, which may hold anything), for warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: VERSION,
            monitor: None,
            runs: Vec::new(),
            urls: BTreeMap::new(),
            heal_called: None,
            digest_sent: None,
            keepalive_enabled: None,
            history: History::new(),
        }
    }
}

impl State {
    /// Remember a run, keeping the last `KEPT_RUNS`.
    pub fn record_run(&mut self, at: OffsetDateTime) {
        self.runs.push(Run { at });
        let excess = self.runs.len().saturating_sub(KEPT_RUNS);
        self.runs.drain(..excess);
    }

    /// Keep only the URLs still checked; a URL removed from the input is forgotten.
    pub fn retain_urls<'a>(&mut self, keys: impl IntoIterator<Item = &'a str>) {
        let keep: std::collections::BTreeSet<&str> = keys.into_iter().collect();
        self.urls.retain(|k, _| keep.contains(k.as_str()));
    }
}

/// Why a state file could not be used; the run starts fresh.
#[derive(Debug, thiserror::Error)]
pub enum LoadProblem {
    #[error("the state file {path} cannot be read ({source}); starting fresh")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the state file {path} is not valid state JSON ({detail}); starting fresh")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the state file {path} was written by a newer upcheck (format {found}, this one reads {VERSION}); starting fresh")]
    Newer { path: PathBuf, found: u32 },
    #[error("the history in the state file {path} is damaged ({detail}); the history starts over, the rest of the state is kept")]
    History { path: PathBuf, detail: String },
}

/// The state saved by the last run, or a fresh one (with the reason when the file was unusable).
pub fn load(path: &Path) -> (State, Option<LoadProblem>) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (State::default(), None),
        Err(source) => {
            return (
                State::default(),
                Some(LoadProblem::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }),
            )
        }
    };
    /// What is read before the rest: the format, and the history's text, kept unparsed.
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        version: Option<u64>,
        #[serde(borrow)]
        history: Option<&'a serde_json::value::RawValue>,
    }
    let corrupt = |e: serde_json::Error| LoadProblem::Corrupt {
        path: path.to_path_buf(),
        detail: crate::text::clip(&crate::redact::log_safe(&e.to_string()), 120),
    };
    let newer = |found: u64| {
        (
            State::default(),
            Some(LoadProblem::Newer {
                path: path.to_path_buf(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
            }),
        )
    };
    // A state is a JSON object. Read as a struct, serde would also take an array of the fields
    // in order (`[9]` as format 9): that is no file any version wrote.
    if bytes.iter().find(|b| !b" \t\n\r".contains(b)) != Some(&b'{') {
        return (
            State::default(),
            Some(LoadProblem::Corrupt {
                path: path.to_path_buf(),
                detail: "not a JSON object".into(),
            }),
        );
    }
    // The usual case in one pass: the whole state, history and all.
    if let Ok(whole) = serde_json::from_slice::<Whole<History>>(&bytes) {
        return match whole.into_state() {
            Ok((mut state, history)) => {
                state.history = history;
                (state, None)
            }
            Err(found) => newer(u64::from(found)),
        };
    }
    // A damaged history fails that pass: read again with the history's text kept unparsed, so
    // that the damage costs only the history.
    if let Ok(whole) = serde_json::from_slice::<Whole<Option<&serde_json::value::RawValue>>>(&bytes)
    {
        return match whole.into_state() {
            Ok((state, raw)) => with_history(path, state, raw),
            Err(found) => newer(u64::from(found)),
        };
    }
    // Else as two: not readable as this head (invalid UTF-8 in a string, say), a state may
    // still parse, since its unknown fields are skipped unread, but then without its history.
    let head = serde_json::from_slice::<Head>(&bytes);
    if let Ok(Head {
        version: Some(found),
        ..
    }) = head
    {
        if found > u64::from(VERSION) {
            return newer(found);
        }
    }
    match serde_json::from_slice::<State>(&bytes) {
        // A file that is not all UTF-8 can fail the head and still parse here.
        Ok(state) if state.version > VERSION => newer(u64::from(state.version)),
        Ok(state) => with_history(path, state, head.ok().and_then(|h| h.history)),
        Err(e) => (State::default(), Some(corrupt(e))),
    }
}

/// The state file read in one pass: `State`'s fields (with its serde attributes), and the
/// history as `H` (parsed, or its text kept unparsed). Any failure here (a repeated field, say)
/// falls back to the two passes, which judge the file as before.
#[derive(Deserialize)]
struct Whole<H> {
    version: u32,
    #[serde(default)]
    monitor: Option<Monitor>,
    #[serde(default)]
    runs: Vec<Run>,
    #[serde(default)]
    urls: BTreeMap<String, UrlState>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    heal_called: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    digest_sent: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    keepalive_enabled: Option<OffsetDateTime>,
    #[serde(default)]
    history: H,
}

impl<H> Whole<H> {
    /// The state it holds (its history empty) and the history apart, or the newer format it
    /// is.
    fn into_state(self) -> Result<(State, H), u32> {
        if self.version > VERSION {
            return Err(self.version);
        }
        let Whole {
            version,
            monitor,
            runs,
            urls,
            heal_called,
            digest_sent,
            keepalive_enabled,
            history,
        } = self;
        Ok((
            State {
                version,
                monitor,
                runs,
                urls,
                heal_called,
                digest_sent,
                keepalive_enabled,
                history: History::new(),
            },
            history,
        ))
    }
}

/// `state` with the history parsed from its text, if any; a damaged history costs only itself.
fn with_history(
    path: &Path,
    mut state: State,
    raw: Option<&serde_json::value::RawValue>,
) -> (State, Option<LoadProblem>) {
    let Some(raw) = raw else {
        return (state, None);
    };
    match serde_json::from_str::<History>(raw.get()) {
        Ok(h) => {
            state.history = h;
            (state, None)
        }
        Err(e) => (
            state,
            Some(LoadProblem::History {
                path: path.to_path_buf(),
                detail: crate::text::clip(&crate::redact::log_safe(&e.to_string()), 160),
            }),
        ),
    }
}

/// The state as written: its fields, then its history (each URL's columns from shared packs
/// when given).
#[derive(Serialize)]
struct Written<'a, H> {
    #[serde(flatten)]
    state: &'a State,
    history: H,
}

/// Write the state atomically: a reader sees the old file or the new one, never half of one.
pub fn save(path: &Path, state: &State) -> std::io::Result<()> {
    save_with(path, state, None)
}

/// `save`, with each URL's packed history columns from `packs` (made once for the state file
/// and `history.json`, when both are written side by side).
pub fn save_with(
    path: &Path,
    state: &State,
    packs: Option<&crate::history::Packs<'_>>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The mode a plain `File::create` gives (0o666 less the umask), not tempfile's private 0o600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // On any error the temporary file is removed when it is dropped.
    let mut file = builder.tempfile_in(&dir)?;
    {
        // Compact (with 90 days of history, pretty printing would make the file several times
        // larger), and written as it is serialized: the whole text is never held at once.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file.as_file_mut());
        let written = Written {
            state,
            history: state.history.stored(packs),
        };
        serde_json::to_writer(&mut out, &written).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    owned_like_its_directory(path);
    Ok(())
}

/// The container runs as root: a file it creates in a directory the runner user made (the
/// action creates the state directory before the check) is handed to that directory's owner,
/// so a later `actions/cache` restore on a persistent runner can replace it. Best effort: as
/// any other user, or when the owners already match, nothing happens.
fn owned_like_its_directory(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(d) => d.to_path_buf(),
            None => PathBuf::from("."),
        };
        let (Ok(d), Ok(f)) = (std::fs::metadata(&dir), std::fs::metadata(path)) else {
            return;
        };
        if (d.uid(), d.gid()) != (f.uid(), f.gid()) {
            let _ = std::os::unix::fs::chown(path, Some(d.uid()), Some(d.gid()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;
    use time::macros::datetime;

    /// A fresh directory, removed when the returned value is dropped.
    fn dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("upcheck-state-{name}-"))
            .tempdir()
            .unwrap()
    }

    fn sample() -> State {
        let mut s = State::default();
        s.record_run(datetime!(2026-11-25 03:00 UTC));
        s.urls.insert(
            "https://api.example.com/health?token=***".into(),
            UrlState {
                url: "https://api.example.com/health?token=***".into(),
                status: Status::Down,
                since: datetime!(2026-11-25 03:00 UTC),
                failures: 2,
                successes: 0,
                last_notified: Some(datetime!(2026-11-25 03:00 UTC)),
                last_error: Some("HTTP 503".into()),
                incident: None,
                unannounced: false,
                held: false,
            },
        );
        s
    }

    #[test]
    fn saves_and_loads_the_same_state() {
        let d = dir("roundtrip");
        let path = d.path().join("nested/state.json");
        save(&path, &sample()).unwrap();
        let (loaded, problem) = load(&path);
        assert!(problem.is_none(), "{problem:?}");
        assert_eq!(loaded, sample());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    /// The saved file has the mode any file the process creates gets (0o666 less the umask),
    /// as before the temporary file came from `tempfile` (whose own default is 0o600), and a
    /// save over an existing file keeps that.
    #[cfg(unix)]
    #[test]
    fn the_saved_file_has_the_mode_of_a_plainly_created_file() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("mode");
        let plain = d.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let expected = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let path = d.path().join("state.json");
        for _ in 0..2 {
            save(&path, &sample()).unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(format!("{mode:o}"), format!("{expected:o}"));
        }
    }

    #[test]
    fn a_missing_file_is_a_quiet_fresh_start() {
        let d = dir("missing");
        let (state, problem) = load(&d.path().join("none.json"));
        assert_eq!(state, State::default());
        assert!(problem.is_none());
    }

    #[test]
    fn corrupt_and_newer_files_start_fresh_with_a_reason() {
        let d = dir("bad");
        let corrupt = d.path().join("corrupt.json");
        std::fs::write(&corrupt, "{\"version\": 1, \"urls\": 7").unwrap();
        let (state, problem) = load(&corrupt);
        assert_eq!(state, State::default());
        assert!(problem
            .unwrap()
            .to_string()
            .contains("is not valid state JSON"));

        let newer = d.path().join("newer.json");
        std::fs::write(&newer, "{\"version\": 9, \"whatever\": true}").unwrap();
        let (_, problem) = load(&newer);
        assert!(problem
            .unwrap()
            .to_string()
            .contains("format 9, this one reads 3"));

        let unreadable = d.path().join("a-directory.json");
        std::fs::create_dir_all(&unreadable).unwrap();
        let (_, problem) = load(&unreadable);
        assert!(problem.unwrap().to_string().contains("cannot be read"));
    }

    #[test]
    fn a_corrupt_files_warning_holds_no_control_character() {
        // Found by fuzzing: serde's message quoted the file's text, a DEL included.
        let d = dir("control");
        let path = d.path().join("state.json");
        std::fs::write(
            &path,
            "{\"version\": 1, \"urls\": {\"k\": {\"status\": \"d\u{7f}wn\"}}}",
        )
        .unwrap();
        let (_, problem) = load(&path);
        let text = problem.unwrap().to_string();
        assert!(text.contains("is not valid state JSON"), "{text}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }

    #[test]
    fn a_newer_file_with_a_stray_byte_is_not_read_as_this_format() {
        // Found by fuzzing: invalid UTF-8 in an ignored field hid the version from the check.
        let d = dir("stray-byte");
        let path = d.path().join("state.json");
        let newer = VERSION + 1;
        let mut bytes = format!("{{\"version\": {newer}, \"other\": \"").into_bytes();
        bytes.extend_from_slice(b"\xff\"}");
        std::fs::write(&path, bytes).unwrap();
        let (state, problem) = load(&path);
        assert_eq!(state, State::default());
        assert!(
            matches!(problem, Some(LoadProblem::Newer { found, .. }) if found == newer),
            "{problem:?}"
        );
    }

    #[test]
    fn a_newer_file_is_named_newer_whatever_its_other_members_hold() {
        // Found by fuzzing: members the loader skips unread (a number beyond a float's range, a
        // lone surrogate, nesting deeper than a JSON value tree may go) made the file unreadable
        // as a whole JSON value, but its `version` is still there to read, and it says newer.
        let d = dir("newer-odd-members");
        let path = d.path().join("state.json");
        let newer = VERSION + 6;
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for other in ["1e400", "\"\\ud800\"", deep.as_str()] {
            let text = format!("{{\"version\": {newer}, \"other\": {other}}}");
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_err(),
                "{text}"
            );
            std::fs::write(&path, &text).unwrap();
            let (state, problem) = load(&path);
            assert_eq!(state, State::default());
            assert!(
                matches!(problem, Some(LoadProblem::Newer { found, .. }) if found == newer),
                "{text}: {problem:?}"
            );
            // The same member in a file of this format is skipped too.
            let text = format!("{{\"version\": {VERSION}, \"other\": {other}}}");
            std::fs::write(&path, &text).unwrap();
            let (state, problem) = load(&path);
            assert!(problem.is_none(), "{text}: {problem:?}");
            assert_eq!(state, State::default());
        }
    }

    #[test]
    fn a_file_that_is_not_a_json_object_is_corrupt() {
        // Found by fuzzing: `[33333333336666666]` was read as the fields of a state in order,
        // a format too large for the state, and so corrupt, where `[9, null]` was "newer" and
        // `[3]` a state; no version writes an array.
        let d = dir("not-an-object");
        let path = d.path().join("state.json");
        for text in ["[33333333336666666]", "[9, null]", "[3]", "", " 3", "\"x\""] {
            std::fs::write(&path, text).unwrap();
            let (state, problem) = load(&path);
            assert_eq!(state, State::default(), "{text:?}");
            let problem = problem.map(|p| p.to_string()).unwrap_or_default();
            assert!(
                problem.contains("is not valid state JSON (not a JSON object)"),
                "{text:?}: {problem}"
            );
        }
        std::fs::write(&path, " \n{\"version\": 3}").unwrap();
        assert!(load(&path).1.is_none());
    }

    #[test]
    fn runs_and_urls_are_pruned() {
        let mut s = sample();
        for i in 0..30 {
            s.record_run(datetime!(2026-11-25 04:00 UTC) + time::Duration::minutes(5 * i));
        }
        assert_eq!(s.runs.len(), KEPT_RUNS);
        assert_eq!(s.runs[0].at, datetime!(2026-11-25 04:50 UTC));
        s.retain_urls(["https://other.example/"]);
        assert!(s.urls.is_empty());
    }
}

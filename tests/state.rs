//! Black-box tests of MEMORY BETWEEN RUNS (issue 7): the state file, `previous-status` and
//! `changed`, `notify: change`, thresholds, reminders, outage times, and the cache plumbing of
//! `action.yml` that carries the state from one run to the next, and which state a run reads
//! and writes (issue 12): the cache key, one state per monitor (state-key, matrix leg, ref),
//! paths that outlive the container, and URL keys that reveal no secret.
//!
//! Two ways of running the real binary:
//!
//! * through `shared/tools/runner-sim` with one shared `--cache-dir` per scenario (a distinct
//!   `--run-id` per run, as on GitHub, so each run saves under a key of its own): this covers
//!   `actions/cache/restore` → check → `actions/cache/save` (`if: always()`), failed and
//!   cancelled runs, and `state-key`;
//! * directly ([`Direct`]: `GITHUB_ACTIONS=true`, `INPUT_*` variables, `INPUT_STATE-FILE` in a
//!   temporary directory, `$GITHUB_OUTPUT` parsed), for everything that needs a clock: upcheck
//!   has no test clock, so hours pass by moving every timestamp in the state file back
//!   ([`age`]) between runs.
//!
//! The checked URLs are scripted with `Behaviour::Sequence` (one request per URL per run with
//! `max-attempts: 1`, so the n-th item is the n-th run's answer). Every payload the fake Slack
//! receives must pass `shared/tools/validate-slack-payload --strict` ([`messages`]).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{
    all_text, messages, refused_port, slack_ok, Behaviour, Sim, SimReport, TempDir, TestServer,
    SLACK_HOOK,
};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

// ---- the fake Slack --------------------------------------------------------------------------

/// The lines of the payload's URL sections.
fn url_lines(payload: &Value) -> Vec<String> {
    payload["attachments"][0]["blocks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|b| b["type"] == "section" && b["text"]["text"].is_string())
        .flat_map(|b| {
            b["text"]["text"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

// ---- runner-sim with a shared cache ----------------------------------------------------------

/// Run `n` of a monitor whose state lives in `cache`: a run id of its own (so each run saves
/// under its own key), one attempt per URL, GitHub's API on a refused port.
fn sim(cache: &TempDir, n: u32) -> Sim {
    Sim::new()
        .cache_dir(cache.path())
        .arg(&format!("--run-id={}", 7000 + n))
        .arg(&format!("--run-number={n}"))
        .arg(&format!("--api-url=http://127.0.0.1:{}", refused_port()))
        .with("max-attempts", "1")
        .with("timeout", "5s")
}

/// The host path of the state file the action's `state` step chose (restored, written by the
/// check, saved).
fn state_file_of(r: &SimReport) -> std::path::PathBuf {
    let file = step(r, "state")["outputs"]["file"]
        .as_str()
        .unwrap_or_else(|| panic!("the state step gave no file:\n{r}"));
    std::path::PathBuf::from(file)
}

/// The step of the composite action with this id.
fn step<'a>(r: &'a SimReport, id: &str) -> &'a Value {
    r.json["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step {id}:\n{r}"))
}

// ---- the binary run directly -----------------------------------------------------------------

/// The binary as the runner starts it (`GITHUB_ACTIONS=true`, `INPUT_*`), with nothing from the
/// test's own environment, a state file of the caller's choosing and one attempt per URL.
struct Direct {
    inputs: Vec<(String, String)>,
    args: Vec<String>,
    actions: bool,
    /// Variables set after (over) the defaults.
    vars: Vec<(String, String)>,
}

/// What one direct run came to.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
}

fn direct(state: &Path) -> Direct {
    Direct {
        inputs: vec![
            ("state-file".into(), state.to_string_lossy().into_owned()),
            ("max-attempts".into(), "1".into()),
            ("timeout".into(), "5s".into()),
        ],
        args: Vec::new(),
        actions: true,
        vars: Vec::new(),
    }
}

impl Direct {
    fn with(mut self, name: &str, value: &str) -> Direct {
        self.inputs.retain(|(n, _)| n != name);
        self.inputs.push((name.to_string(), value.to_string()));
        self
    }

    fn var(mut self, name: &str, value: &str) -> Direct {
        self.vars.push((name.to_string(), value.to_string()));
        self
    }

    fn without(mut self, name: &str) -> Direct {
        self.inputs.retain(|(n, _)| n != name);
        self
    }

    fn run(self) -> Ran {
        let files = TempDir::new("state-direct");
        let output = files.write("output", "");
        let summary = files.write("summary", "");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_upcheck"));
        cmd.env_clear().args(&self.args);
        if self.actions {
            cmd.env("GITHUB_ACTIONS", "true")
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_REPOSITORY", "octo-org/octo-repo")
                .env("GITHUB_WORKFLOW", "Health check")
                .env("GITHUB_REF", "refs/heads/main")
                .env(
                    "GITHUB_API_URL",
                    format!("http://127.0.0.1:{}", refused_port()),
                );
            for (name, value) in &self.inputs {
                cmd.env(format!("INPUT_{}", name.to_uppercase()), value);
            }
            for (name, value) in &self.vars {
                cmd.env(name, value);
            }
        }
        let done = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run upcheck: {e}"));
        let text = std::fs::read_to_string(&output).unwrap_or_default();
        Ran {
            code: done.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&done.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&done.stderr).into_owned(),
            outputs: parse_outputs(&text),
        }
    }
}

/// `name<<DELIMITER\nvalue\nDELIMITER\n`, repeated.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((name, delimiter)) = line.split_once("<<") else {
            continue;
        };
        let mut value = Vec::new();
        for l in lines.by_ref() {
            if l == delimiter {
                break;
            }
            value.push(l);
        }
        outputs.insert(name.to_string(), value.join("\n"));
    }
    outputs
}

impl Ran {
    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no `{name}` output\n{self}"))
    }

    fn results(&self) -> Value {
        serde_json::from_str(self.output("results"))
            .unwrap_or_else(|e| panic!("`results` is not JSON ({e})\n{self}"))
    }

    /// The messages of the `::warning` commands on stdout.
    fn warnings(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("::warning"))
            .map(|rest| rest.split_once("::").map_or(rest, |(_, m)| m).to_string())
            .collect()
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- outputs ---\n{:#?}",
            self.code, self.stdout, self.stderr, self.outputs
        )
    }
}

// ---- the state file and its clock -----------------------------------------------------------

fn read_state(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the state file {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the state file is not JSON ({e}):\n{text}"))
}

fn write_state(path: &Path, state: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(state).unwrap()).unwrap();
}

fn parse_time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"))
}

fn shift(v: &mut Value, by: time::Duration) {
    if let Some(s) = v.as_str() {
        let moved = parse_time(s) - by;
        *v = Value::String(moved.format(&Rfc3339).unwrap());
    }
}

/// Move every timestamp in the state file `by` into the past: as if that much time had passed
/// since the runs it remembers.
fn age(path: &Path, by: time::Duration) {
    let mut state = read_state(path);
    if let Some(runs) = state["runs"].as_array_mut() {
        for run in runs {
            shift(&mut run["at"], by);
        }
    }
    if let Some(urls) = state["urls"].as_object_mut() {
        for entry in urls.values_mut() {
            shift(&mut entry["since"], by);
            shift(&mut entry["last_notified"], by);
        }
    }
    write_state(path, &state);
}

/// Set `last_notified` of every URL in the state file to `ago` before now.
fn notified_ago(path: &Path, ago: time::Duration) {
    let mut state = read_state(path);
    let at = (OffsetDateTime::now_utc() - ago).format(&Rfc3339).unwrap();
    for entry in state["urls"].as_object_mut().unwrap().values_mut() {
        entry["last_notified"] = Value::String(at.clone());
    }
    write_state(path, &state);
}

/// The state file is a valid version-3 state that knows exactly these URLs.
fn assert_valid_state(path: &Path, urls: &[&str]) {
    let state = read_state(path);
    assert_eq!(state["version"], 3, "{state:#}");
    assert!(state["runs"].is_array(), "{state:#}");
    let mut shown: Vec<&str> = state["urls"]
        .as_object()
        .unwrap_or_else(|| panic!("no urls object: {state:#}"))
        .values()
        .map(|entry| entry["url"].as_str().unwrap_or(""))
        .collect();
    shown.sort_unstable();
    let mut want = urls.to_vec();
    want.sort_unstable();
    assert_eq!(shown, want, "{state:#}");
}

/// The state file's entry for the URL shown as `url` (entries are keyed by a hash).
fn entry<'a>(state: &'a Value, url: &str) -> &'a Value {
    state["urls"]
        .as_object()
        .and_then(|urls| urls.values().find(|e| e["url"] == url))
        .unwrap_or_else(|| panic!("no entry for {url}: {state:#}"))
}

/// "03:00 UTC" (with the date in front when it is not the day of `now`), as the message says.
fn clock(t: OffsetDateTime, now: OffsetDateTime) -> String {
    let hm = format!("{:02}:{:02} UTC", t.hour(), t.minute());
    if t.date() == now.date() {
        hm
    } else {
        format!("{} {hm}", t.date())
    }
}

fn up() -> Behaviour {
    Behaviour::text(200, "ok")
}

fn down() -> Behaviour {
    Behaviour::Status(503)
}

// ---- the cache plumbing ----------------------------------------------------------------------

#[test]
fn the_cache_carries_the_state_from_run_to_run_even_after_a_failed_run() {
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![down(), down(), up()]),
    )]);
    let url = srv.url("/svc");
    let cache = TempDir::new("state-cache");

    // Run 1: nothing remembered; down is a change from unknown; the step fails (exit 1).
    let r1 = sim(&cache, 1).with("url", &url).run();
    assert_eq!(r1.exit_code(), 1, "{r1}");
    assert_eq!(r1.out("status"), "down", "{r1}");
    assert_eq!(r1.out("previous-status"), "unknown", "{r1}");
    assert_eq!(r1.out("changed"), "true", "{r1}");
    let res = r1.results();
    assert_eq!(res[0]["previous_status"], Value::Null, "{r1}");
    assert_eq!(res[0]["changed"], true, "{r1}");
    let first_down = res[0]["down_since"]
        .as_str()
        .expect("down_since")
        .to_string();
    // …and its state is saved even though the check failed.
    assert_eq!(step(&r1, "check")["outcome"], "failure", "{r1}");
    assert_eq!(step(&r1, "state-save")["outcome"], "success", "{r1}");
    assert!(
        r1.annotations("warning").is_empty(),
        "no warning on a fresh start or a save: {r1}"
    );

    // Run 2: the failed run's state came back through the cache.
    let r2 = sim(&cache, 2).with("url", &url).run();
    assert_eq!(r2.exit_code(), 1, "{r2}");
    assert_eq!(r2.out("previous-status"), "down", "{r2}");
    assert_eq!(r2.out("changed"), "false", "{r2}");
    let res = r2.results();
    assert_eq!(res[0]["previous_status"], "down", "{r2}");
    assert_eq!(res[0]["changed"], false, "{r2}");
    assert_eq!(
        res[0]["down_since"], first_down,
        "the outage started in run 1: {r2}"
    );
    let restore = step(&r2, "state-restore");
    assert!(
        restore["outputs"]["cache-matched-key"]
            .as_str()
            .is_some_and(|k| k.ends_with("-7001-1")),
        "run 2 restores run 1's state: {restore:#}"
    );

    // Run 3: back up; the recovery carries the outage's start and length.
    let r3 = sim(&cache, 3).with("url", &url).run();
    assert_eq!(r3.exit_code(), 0, "{r3}");
    assert_eq!(r3.out("status"), "up", "{r3}");
    assert_eq!(r3.out("previous-status"), "down", "{r3}");
    assert_eq!(r3.out("changed"), "true", "{r3}");
    let res = r3.results();
    assert_eq!(res[0]["previous_status"], "down", "{r3}");
    assert_eq!(res[0]["changed"], true, "{r3}");
    assert_eq!(res[0]["down_since"], first_down, "{r3}");
    assert!(res[0]["downtime_s"].as_u64().is_some(), "{r3}");
    assert!(
        r3.summary().contains("back up after"),
        "the summary says how long it was down:\n{}",
        r3.summary()
    );
}

#[test]
fn notify_change_tells_slack_only_when_something_changed() {
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![up(), down(), down(), up()]),
    )]);
    let slack = slack_ok();
    let cache = TempDir::new("state-change");
    let run = |n: u32| {
        sim(&cache, n)
            .with("url", &srv.url("/svc"))
            .with("notify", "change")
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run()
    };

    // (status, previous-status, message sent)
    let expected = [
        ("up", "unknown", false),
        ("down", "up", true),
        ("down", "down", false),
        ("up", "down", true),
    ];
    let mut sent = 0;
    for (n, (status, previous, due)) in (1..).zip(expected) {
        let r = run(n);
        assert_eq!(r.out("status"), status, "run {n}: {r}");
        assert_eq!(r.out("previous-status"), previous, "run {n}: {r}");
        assert_eq!(r.out("notified"), due.to_string(), "run {n}: {r}");
        assert_eq!(r.out("notify-error"), "", "run {n}: {r}");
        sent += usize::from(due);
        assert_eq!(
            messages(&slack).len(),
            sent,
            "run {n} ({previous} → {status}): messages so far\n{r}"
        );
    }
    let all = messages(&slack);
    let down_text = all_text(&all[0]);
    assert!(down_text.contains("down since"), "{down_text}");
    assert_eq!(all[0]["attachments"][0]["color"], "#e01e5a");
    let up_text = all[1]["text"].as_str().unwrap_or_default();
    assert!(
        up_text.contains("back up after"),
        "the recovery's text says how long it was down: {up_text:?}"
    );
    assert_eq!(all[1]["attachments"][0]["color"], "#2eb886");
}

#[test]
fn thresholds_hold_the_status_until_enough_runs_agree() {
    let srv = TestServer::start(vec![
        (
            "/svc",
            Behaviour::Sequence(vec![down(), down(), down(), up(), up()]),
        ),
        ("/flaky", Behaviour::Sequence(vec![down(), up(), up()])),
    ]);
    let slack = slack_ok();
    let cache = TempDir::new("state-thresholds");
    let run = |cache: &TempDir, n: u32, path: &str| {
        sim(cache, n)
            .with("url", &srv.url(path))
            .with("failure-threshold", "3")
            .with("success-threshold", "2")
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run()
    };

    // Two failed runs: not down yet.
    for n in 1..=2 {
        let r = run(&cache, n, "/svc");
        assert_eq!(r.exit_code(), 0, "run {n}: {r}");
        assert_eq!(r.out("status"), "up", "run {n}: {r}");
        assert_eq!(r.out("healthy"), "true", "run {n}: {r}");
        let res = r.results();
        let why = format!("{} {}", res[0]["error"], res[0]["warning"]);
        assert!(
            why.contains(&format!("not counted as down yet: {n} of 3")),
            "run {n}: {why}\n{r}"
        );
        assert!(messages(&slack).is_empty(), "run {n}: no message yet\n{r}");
    }

    // The third: down, and one message.
    let r = run(&cache, 3, "/svc");
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("status"), "down", "{r}");
    assert_eq!(r.out("previous-status"), "up", "{r}");
    assert_eq!(r.out("changed"), "true", "{r}");
    assert_eq!(messages(&slack).len(), 1, "{r}");

    // One good run: still counted as down, no message.
    let r = run(&cache, 4, "/svc");
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.out("status"), "down", "{r}");
    assert_eq!(r.out("healthy"), "false", "{r}");
    let res = r.results();
    let why = format!("{} {}", res[0]["error"], res[0]["warning"]);
    assert!(why.contains("still counted as down: 1 of 2"), "{why}\n{r}");
    assert_eq!(messages(&slack).len(), 1, "{r}");

    // The second good run: recovered, with a recovery message.
    let r = run(&cache, 5, "/svc");
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.out("status"), "up", "{r}");
    assert_eq!(r.out("previous-status"), "down", "{r}");
    assert_eq!(r.out("changed"), "true", "{r}");
    let all = messages(&slack);
    assert_eq!(all.len(), 2, "{r}");
    assert!(all_text(&all[1]).contains("back up after"), "{:#}", all[1]);

    // Another monitor: a single failed run then good ones, no message at all (no "up" without
    // a "down" before it).
    let other = TempDir::new("state-flaky");
    for n in 1..=3 {
        let r = run(&other, n, "/flaky");
        assert_eq!(r.exit_code(), 0, "flaky run {n}: {r}");
        assert_eq!(r.out("status"), "up", "flaky run {n}: {r}");
        assert_eq!(r.out("notified"), "false", "flaky run {n}: {r}");
    }
    assert_eq!(messages(&slack).len(), 2, "the flaky URL sent nothing");
}

#[test]
fn two_monitors_with_different_state_keys_keep_their_own_state() {
    // The same URL: monitor A requires a text the body lacks (down), monitor B does not (up).
    let srv = TestServer::start(vec![("/svc", up())]);
    let cache = TempDir::new("state-keys");
    let monitor = |key: &str, n: u32| {
        let sim = sim(&cache, n)
            .with("url", &srv.url("/svc"))
            .with("state-key", key);
        if key.starts_with('a') {
            sim.with("body-contains", "never there")
        } else {
            sim
        }
    };

    let a1 = monitor("a", 1).run();
    assert_eq!(a1.out("status"), "down", "{a1}");
    let b1 = monitor("b", 2).run();
    assert_eq!(b1.out("status"), "up", "{b1}");
    assert_eq!(
        b1.out("previous-status"),
        "unknown",
        "B never saw A's state\n{b1}"
    );
    let a2 = monitor("a", 3).run();
    assert_eq!(a2.out("previous-status"), "down", "{a2}");
    assert_eq!(a2.out("changed"), "false", "{a2}");
    let b2 = monitor("b", 4).run();
    assert_eq!(b2.out("previous-status"), "up", "{b2}");
    assert_eq!(b2.out("changed"), "false", "{b2}");
    assert_eq!(b2.results()[0]["previous_status"], "up", "{b2}");

    // The same state-key in another job is another monitor too.
    let other_job = monitor("b", 5).arg("--job=other-job").run();
    assert_eq!(other_job.out("previous-status"), "unknown", "{other_job}");
}

#[test]
fn a_state_key_that_starts_with_another_one_is_still_another_monitor() {
    // state-key `api` and `api-eu`: the restore key prefix of `api` must not match `api-eu`'s
    // saved keys.
    let srv = TestServer::start(vec![("/svc", up())]);
    let cache = TempDir::new("state-prefix");
    let eu = sim(&cache, 1)
        .with("url", &srv.url("/svc"))
        .with("state-key", "api-eu")
        .with("body-contains", "never there")
        .run();
    assert_eq!(eu.out("status"), "down", "{eu}");

    let api = sim(&cache, 2)
        .with("url", &srv.url("/svc"))
        .with("state-key", "api")
        .run();
    let restore = step(&api, "state-restore");
    assert_eq!(
        api.out("previous-status"),
        "unknown",
        "monitor `api` restored monitor `api-eu`'s state (cache-matched-key {})\n{api}",
        restore["outputs"]["cache-matched-key"]
    );
}

#[test]
fn sigint_mid_run_leaves_a_valid_state_that_the_next_run_restores() {
    let srv = TestServer::start(vec![(
        "/svc",
        // run 1; run 2's first attempt (then SIGINT during its 10 s wait); run 3
        Behaviour::Sequence(vec![down(), down(), up()]),
    )]);
    let url = srv.url("/svc");
    let cache = TempDir::new("state-sigint");

    let r1 = sim(&cache, 1).with("url", &url).run();
    assert_eq!(r1.out("status"), "down", "{r1}");
    let first_down = r1.results()[0]["down_since"].clone();

    let keep = TempDir::new("state-sigint-keep");
    let r2 = sim(&cache, 2)
        .with("url", &url)
        .with("max-attempts", "3")
        .with("retry-delay", "10s")
        .signal_after(1.0)
        .arg(&format!("--keep={}", keep.path().display()))
        .run();
    assert_eq!(r2.outcome(), "cancelled", "{r2}");
    assert_eq!(r2.exit_code(), 1, "{r2}");
    assert!(
        r2.json["exited_after_first_signal_s"]
            .as_f64()
            .is_some_and(|s| s < 2.0),
        "{r2}"
    );
    assert_eq!(step(&r2, "state-save")["outcome"], "success", "{r2}");
    // The file the cancelled run left: valid, the URL still counted as down since run 1.
    let file = state_file_of(&r2);
    assert!(
        file.starts_with(keep.path().join("work/_temp/upcheck-state")),
        "{r2}"
    );
    assert_valid_state(&file, &[&url]);
    let state = read_state(&file);
    assert_eq!(entry(&state, &url)["status"], "down", "{state:#}");
    assert!(
        std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")),
        "no temporary file left behind"
    );

    // Run 3 restores it: the previous status is run 1's down, and the outage began in run 1.
    let r3 = sim(&cache, 3).with("url", &url).run();
    assert_eq!(r3.out("status"), "up", "{r3}");
    assert_eq!(r3.out("previous-status"), "down", "{r3}");
    assert_eq!(r3.out("changed"), "true", "{r3}");
    let res = r3.results();
    assert_eq!(res[0]["previous_status"], "down", "{r3}");
    assert_eq!(res[0]["down_since"], first_down, "{r3}");
    let restore = step(&r3, "state-restore");
    assert!(
        restore["outputs"]["cache-matched-key"]
            .as_str()
            .is_some_and(|k| k.ends_with("-7002-1")),
        "run 3 restores the cancelled run's save: {restore:#}"
    );
}

#[test]
fn a_first_run_cancelled_before_any_verdict_remembers_no_status() {
    let srv = TestServer::start(vec![("/svc", Behaviour::Sequence(vec![down(), up()]))]);
    let url = srv.url("/svc");
    let cache = TempDir::new("state-cancel-first");

    let r1 = sim(&cache, 1)
        .with("url", &url)
        .with("max-attempts", "3")
        .with("retry-delay", "10s")
        .signal_after(1.0)
        .run();
    assert_eq!(r1.outcome(), "cancelled", "{r1}");
    assert_eq!(r1.out("status"), "unknown", "{r1}");

    // Nothing was ever seen of the URL: the next run's previous status is still unknown.
    let r2 = sim(&cache, 2).with("url", &url).run();
    assert_eq!(r2.out("status"), "up", "{r2}");
    assert_eq!(
        r2.results()[0]["previous_status"],
        Value::Null,
        "a URL never checked to a verdict was remembered with a status\n{r2}"
    );
    assert_eq!(r2.out("previous-status"), "unknown", "{r2}");
}

// ---- with a clock: the binary run directly ---------------------------------------------------

#[test]
fn the_seeds_night_sends_exactly_two_messages() {
    // Checked every five minutes from 02:50 to 09:30; the server is down from 03:00 to 09:00.
    let five = time::Duration::minutes(5);
    let night: Vec<bool> = (0..=80).map(|i| (2..74).contains(&i)).collect();
    let srv = TestServer::start(vec![(
        "/health",
        Behaviour::Sequence(
            night
                .iter()
                .map(|&is_down| if is_down { down() } else { up() })
                .collect(),
        ),
    )]);
    let slack = slack_ok();
    let dir = TempDir::new("state-night");
    let state = dir.path().join("state.json");
    let url = srv.url("/health");

    let mut sent_at = Vec::new();
    let mut recovery = None;
    for (i, is_down) in night.iter().enumerate() {
        let r = direct(&state)
            .with("url", &url)
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run();
        assert_eq!(r.code, i32::from(*is_down), "run {i}: {r}");
        if r.output("notified") == "true" {
            sent_at.push(i);
        }
        if i == 74 {
            recovery = Some(r.results());
        }
        age(&state, five);
    }
    assert_eq!(
        sent_at,
        [2, 74],
        "one message at 03:00 (down) and one at 09:00 (up)"
    );
    let all = messages(&slack);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["attachments"][0]["color"], "#e01e5a");

    let res = recovery.unwrap();
    let since = parse_time(res[0]["down_since"].as_str().expect("down_since"));
    let lasted = res[0]["downtime_s"].as_u64().expect("downtime_s");
    assert!(
        (6 * 3600..6 * 3600 + 60).contains(&lasted),
        "72 runs five minutes apart: {lasted} s"
    );
    let now = since + time::Duration::seconds(lasted as i64);
    let note = format!("back up after 6 h (down since {})", clock(since, now));
    let text = all[1]["text"].as_str().unwrap_or_default();
    assert!(text.contains(&note), "{note:?} in {text:?}");
    assert!(
        all_text(&all[1]).matches(&note).count() >= 2,
        "{:#}",
        all[1]
    );
}

#[test]
fn remind_every_reminds_while_still_down_at_most_that_often() {
    let srv = TestServer::start(vec![("/svc", down())]);
    let slack = slack_ok();
    let dir = TempDir::new("state-remind");
    let state = dir.path().join("state.json");
    let run = |remind: &str| {
        direct(&state)
            .with("url", &srv.url("/svc"))
            .with("remind-every", remind)
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run()
    };

    let r = run("2h");
    assert_eq!(r.output("notified"), "true", "the outage itself: {r}");
    assert_eq!(messages(&slack).len(), 1);

    notified_ago(&state, time::Duration::hours(1));
    let r = run("2h");
    assert_eq!(r.output("notified"), "false", "told 1 h ago: {r}");
    assert_eq!(messages(&slack).len(), 1);

    notified_ago(&state, time::Duration::hours(3));
    let r = run("2h");
    assert_eq!(
        r.output("notified"),
        "true",
        "told 3 h ago: a reminder\n{r}"
    );
    let all = messages(&slack);
    assert_eq!(all.len(), 2);
    assert!(all_text(&all[1]).contains("down since"), "{:#}", all[1]);
    let saved = read_state(&state);
    let last = entry(&saved, &srv.url("/svc"))["last_notified"]
        .as_str()
        .map(parse_time)
        .expect("last_notified");
    assert!(
        OffsetDateTime::now_utc() - last < time::Duration::minutes(1),
        "the reminder is remembered"
    );

    // Right after the reminder: nothing.
    let r = run("2h");
    assert_eq!(r.output("notified"), "false", "{r}");
    // Without remind-every: never reminded.
    notified_ago(&state, time::Duration::hours(3));
    let r = run("");
    assert_eq!(r.output("notified"), "false", "{r}");
    assert_eq!(messages(&slack).len(), 2);
}

#[test]
fn five_urls_one_going_down_while_another_stays_down_is_one_change() {
    let srv = TestServer::start(vec![
        ("/a", down()),
        ("/b", Behaviour::Sequence(vec![up(), down()])),
        ("/c", up()),
        ("/d", up()),
        ("/e", up()),
    ]);
    let slack = slack_ok();
    let dir = TempDir::new("state-five");
    let state = dir.path().join("state.json");
    let urls: Vec<String> = ["/a", "/b", "/c", "/d", "/e"]
        .iter()
        .map(|p| srv.url(p))
        .collect();
    let run = || {
        direct(&state)
            .with("url", &urls.join("\n"))
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run()
    };

    let r = run();
    assert_eq!(r.output("notified"), "true", "a went down: {r}");
    age(&state, time::Duration::minutes(10));

    let r = run();
    assert_eq!(r.output("notified"), "true", "b went down: {r}");
    let all = messages(&slack);
    assert_eq!(all.len(), 2, "one message per run with a change");
    let res = r.results();
    let changed: Vec<bool> = (0..5).map(|i| res[i]["changed"] == true).collect();
    assert_eq!(
        changed,
        [false, true, false, false, false],
        "only b changed\n{r}"
    );
    assert_eq!(res[0]["previous_status"], "down", "{r}");
    assert_eq!(res[1]["previous_status"], "up", "{r}");
    assert_eq!(r.output("status"), "down", "{r}");
    assert_eq!(r.output("previous-status"), "down", "{r}");

    // The message tells the new outage from the old one.
    let lines = url_lines(&all[1]);
    let line = |path: &str| {
        lines
            .iter()
            .find(|l| l.contains(&format!("{}|", srv.url(path))))
            .unwrap_or_else(|| panic!("no line for {path}: {lines:#?}"))
            .clone()
    };
    assert!(line("/a").contains("(10 min)"), "{}", line("/a"));
    assert!(line("/b").contains("new: down since"), "{}", line("/b"));
}

#[test]
fn urls_that_differ_only_in_query_values_keep_their_own_state() {
    // `?region=eu` is down and `?region=us` up, every run. Checked one after the other (the
    // server answers by path, so the order decides who gets which answer).
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![down(), up(), down(), up(), down(), up()]),
    )]);
    let slack = slack_ok();
    let dir = TempDir::new("state-query");
    let state = dir.path().join("state.json");
    let eu = srv.url("/svc?region=eu");
    let us = srv.url("/svc?region=us");
    let run = || {
        direct(&state)
            .with("url", &format!("{eu}\n{us}"))
            .with("concurrency", "1")
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .run()
    };
    let mut sent = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let r = run();
        sent.push(r.output("notified") == "true");
        last = Some(r);
    }
    let order: Vec<String> = srv
        .requests_to("/svc")
        .iter()
        .map(|r| r.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(order, ["region=eu", "region=us"].repeat(3), "request order");

    let r = last.unwrap();
    let res = r.results();
    assert_eq!(
        (&res[0]["status"], &res[1]["status"]),
        (&Value::from("down"), &Value::from("up")),
        "{r}"
    );
    assert_eq!(
        (&res[0]["previous_status"], &res[1]["previous_status"]),
        (&Value::from("down"), &Value::from("up")),
        "each URL's own previous status\n{r}"
    );
    assert_eq!(
        sent,
        [true, false, false],
        "one message for eu's outage, then quiet (messages: {:#?})",
        messages(&slack)
            .iter()
            .map(|m| m["text"].clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_url_removed_is_forgotten_and_a_url_added_starts_unknown() {
    let srv = TestServer::start(vec![("/a", up()), ("/b", down()), ("/c", up())]);
    let dir = TempDir::new("state-urls");
    let state = dir.path().join("state.json");
    let (a, b, c) = (srv.url("/a"), srv.url("/b"), srv.url("/c"));

    let r = direct(&state).with("url", &format!("{a}\n{b}")).run();
    assert_eq!(r.code, 1, "{r}");
    assert_valid_state(&state, &[&a, &b]);

    let r = direct(&state).with("url", &format!("{a}\n{c}")).run();
    assert_eq!(r.code, 0, "{r}");
    assert_valid_state(&state, &[&a, &c]);
    let res = r.results();
    assert_eq!(res[0]["previous_status"], "up", "{r}");
    assert_eq!(res[1]["url"], c.as_str(), "{r}");
    assert_eq!(res[1]["previous_status"], Value::Null, "{r}");
    assert_eq!(res[1]["changed"], false, "unknown → up is no change: {r}");
    // b's outage is gone with b: the overall previous status is a's.
    assert_eq!(r.output("previous-status"), "up", "{r}");
    assert_eq!(r.output("changed"), "false", "{r}");
}

#[test]
fn the_state_file_holds_no_secrets() {
    let srv = TestServer::start(vec![("/svc", down())]);
    let dir = TempDir::new("state-secrets");
    let state = dir.path().join("state.json");
    let url = format!(
        "http://bob:pw-hunter2@127.0.0.1:{}/svc?token=tok-hunter3",
        srv.port()
    );
    let r = direct(&state).with("url", &url).run();
    assert_eq!(r.code, 1, "{r}");
    let text = std::fs::read_to_string(&state).unwrap();
    for secret in ["pw-hunter2", "tok-hunter3", "bob"] {
        assert!(
            !text.contains(secret),
            "{secret} in the state file:\n{text}"
        );
    }
    assert_valid_state(
        &state,
        &[&format!(
            "http://***@127.0.0.1:{}/svc?token=***",
            srv.port()
        )],
    );
}

#[test]
fn an_unusable_state_file_is_a_warning_and_a_fresh_start() {
    let srv = TestServer::start(vec![("/svc", down())]);
    let url = srv.url("/svc");
    let cases: [(&str, &str, Option<&str>); 3] = [
        (
            "corrupt",
            "is not valid state JSON",
            Some("{\"version\": 1, \"urls\": {\"x\": 7"),
        ),
        (
            "future",
            "written by a newer upcheck (format 99",
            Some("{\"version\": 99, \"urls\": {}, \"runs\": []}"),
        ),
        ("directory", "cannot be read", None),
    ];
    for (case, problem, contents) in cases {
        let dir = TempDir::new("state-bad");
        let state = dir.path().join("state.json");
        match contents {
            Some(text) => std::fs::write(&state, text).unwrap(),
            None => std::fs::create_dir(&state).unwrap(),
        }
        let r = direct(&state).with("url", &url).run();
        assert_eq!(r.code, 1, "{case}: the run goes on (the URL is down)\n{r}");
        assert_eq!(r.output("status"), "down", "{case}: {r}");
        assert_eq!(r.output("previous-status"), "unknown", "{case}: {r}");
        assert_eq!(r.output("changed"), "true", "{case}: {r}");
        let warnings = r.warnings();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(problem) && w.contains("starting fresh")),
            "{case}: a ::warning saying {problem:?}: {warnings:#?}\n{r}"
        );
        assert!(
            warnings.iter().all(|w| !w.contains("panicked")),
            "{case}: {r}"
        );
        if contents.is_some() {
            assert_valid_state(&state, &[&url]);
            assert_eq!(warnings.len(), 1, "{case}: {warnings:#?}");
        } else {
            // A directory is not replaced (it may hold anything): the save fails with a warning.
            assert!(state.is_dir(), "the directory is left alone");
            assert!(
                warnings.iter().any(|w| w.contains("could not be saved")),
                "{case}: {warnings:#?}"
            );
        }
        // The next run (the corrupt and future files rewritten) has its memory back.
        if contents.is_some() {
            let r = direct(&state).with("url", &url).run();
            assert_eq!(r.output("previous-status"), "down", "{case}: {r}");
            assert!(r.warnings().is_empty(), "{case}: {r}");
        }
    }
}

#[test]
fn local_mode_remembers_with_state_file() {
    let srv = TestServer::start(vec![("/svc", Behaviour::Sequence(vec![down(), down()]))]);
    let dir = TempDir::new("state-local");
    let state = dir.path().join("nested/state.json");
    let local = || {
        let mut d = direct(&state);
        d.actions = false;
        d.args = vec![
            srv.url("/svc"),
            "--state-file".into(),
            state.to_string_lossy().into_owned(),
            "--max-attempts=1".into(),
            "--json".into(),
        ];
        let r = d.run();
        let json: Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("--json printed no JSON ({e})\n{r}"));
        (r, json)
    };
    let (r1, j1) = local();
    assert_eq!(r1.code, 1, "{r1}");
    assert_eq!(j1[0]["previous_status"], Value::Null, "{r1}");
    assert_eq!(j1[0]["changed"], true, "{r1}");
    assert!(!r1.stderr.contains("warning"), "{r1}");
    let (r2, j2) = local();
    assert_eq!(r2.code, 1, "{r2}");
    assert_eq!(j2[0]["previous_status"], "down", "{r2}");
    assert_eq!(j2[0]["changed"], false, "{r2}");
    assert_eq!(j2[0]["down_since"], j1[0]["down_since"], "{r2}");
    assert!(!r2.stderr.contains("warning"), "{r2}");
}

// ---- which state a run reads and writes (issue 12) -----------------------------------------

/// 32 hex digits of the SHA-256 of `text`, and all 64.
fn sha256_hex(text: &str) -> (String, String) {
    use sha2::{Digest, Sha256};
    let full: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (full[..32].to_string(), full)
}

/// The cache key the restore step was given.
fn restore_key(r: &SimReport) -> String {
    step(r, "state-restore")["outputs"]["cache-primary-key"]
        .as_str()
        .unwrap_or_else(|| panic!("no cache-primary-key:\n{r}"))
        .to_string()
}

#[test]
fn a_comma_in_the_workflow_name_or_the_state_key_keeps_the_state() {
    // actions/cache (and runner-sim's copy of it) fails the restore step for a key with a comma
    // or over 512 characters; the check then never ran.
    let srv = TestServer::start(vec![("/svc", down())]);
    let long = "k".repeat(600);
    for key in ["api,web", long.as_str()] {
        let cache = TempDir::new("state-comma");
        let run = |n: u32| {
            sim(&cache, n)
                .arg("--workflow=Uptime, prod")
                .with("url", &srv.url("/svc"))
                .with("state-key", key)
                .run()
        };
        let r1 = run(1);
        assert_eq!(step(&r1, "state-restore")["outcome"], "success", "{r1}");
        assert_eq!(r1.out("status"), "down", "the check ran: {r1}");
        let primary = restore_key(&r1);
        assert!(
            !primary.contains(',') && primary.len() < 512,
            "key {primary:?}"
        );
        if key == "api,web" {
            assert!(primary.starts_with("upcheck-state-api_web-"), "{primary}");
        }
        assert_eq!(step(&r1, "state-save")["outcome"], "success", "{r1}");
        let r2 = run(2);
        assert_eq!(
            r2.out("previous-status"),
            "down",
            "the state came back: {r2}"
        );
        assert_eq!(r2.out("changed"), "false", "{r2}");
    }
}

#[test]
fn two_steps_in_one_job_with_different_state_keys_never_read_each_others_file() {
    // One job, one runner temp directory: step `a` leaves its file; step `b`'s restore misses
    // (its first run), and it used to read `a`'s file at the shared default path.
    let srv = TestServer::start(vec![("/svc", up())]);
    let cache = TempDir::new("state-one-job");
    let job = TempDir::new("state-one-job-keep");
    let step_of = |key: &str| {
        let s = sim(&cache, 1)
            .arg(&format!("--keep={}", job.path().display()))
            .with("url", &srv.url("/svc"))
            .with("state-key", key);
        if key == "a" {
            s.with("body-contains", "never there")
        } else {
            s
        }
    };
    let a = step_of("a").run();
    assert_eq!(a.out("status"), "down", "{a}");
    let b = step_of("b").run();
    assert_eq!(b.out("status"), "up", "{b}");
    assert_eq!(b.out("previous-status"), "unknown", "b read a's state\n{b}");
    assert_ne!(state_file_of(&a), state_file_of(&b));
    let b_state = read_state(&state_file_of(&b));
    assert_eq!(
        entry(&b_state, &srv.url("/svc"))["status"],
        "up",
        "{b_state:#}"
    );
}

#[test]
fn matrix_legs_keep_their_own_state() {
    // Legs share github.job; each has its own matrix (runner-sim's matrix is empty, so the
    // leg is given as the `state-scope` default would give it: toJSON(matrix)).
    let srv = TestServer::start(vec![("/svc", up())]);
    let cache = TempDir::new("state-matrix");
    let leg = |region: &str, n: u32| {
        let s = sim(&cache, n).with("url", &srv.url("/svc")).with(
            "state-scope",
            &format!("{{\n  \"region\": \"{region}\"\n}}"),
        );
        if region == "eu" {
            s.with("body-contains", "never there")
        } else {
            s
        }
    };
    let eu1 = leg("eu", 1).run();
    assert_eq!(eu1.out("status"), "down", "{eu1}");
    let us1 = leg("us", 2).run();
    assert_eq!(us1.out("status"), "up", "{us1}");
    assert_eq!(
        us1.out("previous-status"),
        "unknown",
        "leg us restored leg eu's state\n{us1}"
    );
    assert_ne!(restore_key(&eu1), restore_key(&us1));
    let eu2 = leg("eu", 3).run();
    assert_eq!(eu2.out("previous-status"), "down", "{eu2}");
    assert_eq!(eu2.out("changed"), "false", "{eu2}");
    let keep = TempDir::new("state-matrix-keep");
    let us2 = leg("us", 4)
        .arg(&format!("--keep={}", keep.path().display()))
        .run();
    assert_eq!(us2.out("previous-status"), "up", "{us2}");
    // The file says which monitor it belongs to: the same hash as in the cache key.
    let saved = read_state(&state_file_of(&us2));
    let id = saved["monitor"]["id"]
        .as_str()
        .expect("a monitor id")
        .to_string();
    assert_eq!(id.len(), 32, "{saved:#}");
    assert!(
        restore_key(&us2).contains(&format!("-{id}-")),
        "{}",
        restore_key(&us2)
    );
    assert!(
        state_file_of(&us2).ends_with(format!("upcheck-state/{id}.json")),
        "{}",
        state_file_of(&us2).display()
    );
    let name = saved["monitor"]["name"].as_str().unwrap_or_default();
    assert!(
        name.contains("matrix leg") && !name.contains("us"),
        "{name}"
    );
}

#[test]
fn a_state_file_saved_for_another_monitor_is_not_read_as_this_ones() {
    let srv = TestServer::start(vec![("/svc", up())]);
    let dir = TempDir::new("state-identity");
    let state = dir.path().join("state.json");
    let monitor = |key: &str| {
        direct(&state)
            .with("url", &srv.url("/svc"))
            .with("state-key", key)
            .var("GITHUB_JOB", "check")
    };
    let a = monitor("a").with("body-contains", "never there").run();
    assert_eq!(a.output("status"), "down", "{a}");

    let b = monitor("b").run();
    assert_eq!(
        b.output("previous-status"),
        "unknown",
        "b read a's file\n{b}"
    );
    let warnings = b.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}\n{b}");
    let w = &warnings[0];
    assert!(
        w.contains("belongs to another monitor")
            && w.contains("state-key a")
            && w.contains("state-key b")
            && w.contains("starting fresh"),
        "{w}"
    );
    let again = monitor("b").run();
    assert_eq!(again.output("previous-status"), "up", "{again}");
    assert!(again.warnings().is_empty(), "{again}");
}

#[test]
fn a_version_1_file_is_adopted_and_its_urls_re_keyed_without_losing_memory() {
    // A file written by the previous format: no monitor, URLs keyed by a hash of the full URL.
    let srv = TestServer::start(vec![("/svc", down())]);
    let dir = TempDir::new("state-v1");
    let state = dir.path().join("state.json");
    let url = format!("http://127.0.0.1:{}/svc?token=tok-hunter3", srv.port());
    let shown = format!("http://127.0.0.1:{}/svc?token=***", srv.port());
    let (old_key, _) = sha256_hex(&url);
    write_state(
        &state,
        &serde_json::json!({
            "version": 1,
            "runs": [{"at": "2026-11-25T03:00:00Z"}],
            "urls": {old_key.clone(): {
                "url": shown, "status": "down", "since": "2026-11-25T03:00:00Z",
                "failures": 1, "successes": 0, "last_notified": "2026-11-25T03:00:00Z",
                "last_error": "HTTP 503"
            }}
        }),
    );
    let r = direct(&state).with("url", &url).run();
    assert_eq!(r.output("previous-status"), "down", "{r}");
    assert_eq!(r.output("changed"), "false", "{r}");
    assert_eq!(r.results()[0]["down_since"], "2026-11-25T03:00:00Z", "{r}");
    assert!(r.warnings().is_empty(), "{r}");
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(!text.contains(&old_key), "the old key is gone:\n{text}");
    let saved = read_state(&state);
    assert_eq!(saved["version"], 3, "{saved:#}");
    assert!(saved["monitor"]["id"].is_string(), "adopted: {saved:#}");
    let (new_key, _) = sha256_hex(&shown);
    assert!(saved["urls"][&new_key].is_object(), "{saved:#}");
}

#[test]
fn the_state_file_holds_no_hash_of_a_secret_bearing_url() {
    let srv = TestServer::start(vec![("/svc", down())]);
    let dir = TempDir::new("state-nohash");
    let state = dir.path().join("state.json");
    let url = format!(
        "http://bob:pw-hunter2@127.0.0.1:{}/svc?token=tok-hunter3",
        srv.port()
    );
    let r = direct(&state).with("url", &format!("{url}\n{url}")).run();
    assert_eq!(r.code, 1, "{r}");
    let text = std::fs::read_to_string(&state).unwrap();
    let (short, full) = sha256_hex(&url);
    for secret in [
        "pw-hunter2",
        "tok-hunter3",
        "bob",
        short.as_str(),
        full.as_str(),
    ] {
        assert!(
            !text.contains(secret),
            "{secret} in the state file:\n{text}"
        );
    }
    // Keyed by the redacted URL, the repeat by its position.
    let (shown_key, _) = sha256_hex(&format!(
        "http://***@127.0.0.1:{}/svc?token=***",
        srv.port()
    ));
    let saved = read_state(&state);
    let mut keys: Vec<&String> = saved["urls"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, [&shown_key, &format!("{shown_key}-1")], "{saved:#}");
}

#[test]
fn a_bare_docker_step_keeps_its_state_under_runner_temp() {
    // `uses: docker://…` with no state-file: a file under RUNNER_TEMP named by the monitor.
    let srv = TestServer::start(vec![("/svc", down())]);
    let temp = TempDir::new("state-bare");
    let run = || {
        direct(Path::new(""))
            .without("state-file")
            .with("url", &srv.url("/svc"))
            .var("RUNNER_TEMP", &temp.path().to_string_lossy())
            .var("GITHUB_JOB", "check")
            .run()
    };
    let r1 = run();
    assert_eq!(r1.output("status"), "down", "{r1}");
    let files: Vec<_> = std::fs::read_dir(temp.path().join("upcheck-state"))
        .unwrap_or_else(|e| panic!("no state directory under RUNNER_TEMP ({e})\n{r1}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].strip_suffix(".json").expect("a .json file");
    assert!(
        name.len() == 32 && name.chars().all(|c| c.is_ascii_hexdigit()),
        "{name}"
    );
    let r2 = run();
    assert_eq!(r2.output("previous-status"), "down", "{r2}");
    assert_eq!(r2.output("changed"), "false", "{r2}");
}

#[test]
fn a_run_on_another_branch_neither_reads_nor_disturbs_the_default_branchs_state() {
    // main: down (a message); a workflow_dispatch on a feature branch while it is up again used
    // to restore main's state (the cache falls back to the default branch) and announce a
    // recovery; main's next run must still remember its outage.
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![down(), up(), down(), up()]),
    )]);
    let slack = slack_ok();
    let cache = TempDir::new("state-refs");
    let run = |n: u32, git_ref: &str| {
        let s = sim(&cache, n)
            .with("url", &srv.url("/svc"))
            .with("notify", "change")
            .with("slack-webhook", &slack.url(SLACK_HOOK))
            .arg(&format!("--ref={git_ref}"));
        if git_ref == "refs/heads/main" {
            s.run()
        } else {
            s.arg("--event=workflow_dispatch").run()
        }
    };
    let main1 = run(1, "refs/heads/main");
    assert_eq!(main1.out("status"), "down", "{main1}");
    assert_eq!(messages(&slack).len(), 1, "{main1}");
    assert!(
        !main1.summary().contains("not the default branch's"),
        "{main1}"
    );

    let feature = run(2, "refs/heads/feature");
    assert_eq!(feature.out("status"), "up", "{feature}");
    assert_eq!(
        feature.out("previous-status"),
        "unknown",
        "the feature branch read main's state\n{feature}"
    );
    assert_eq!(feature.out("notified"), "false", "{feature}");
    assert_eq!(
        messages(&slack).len(),
        1,
        "no recovery message from the branch"
    );
    let summary = feature.summary();
    assert!(
        summary.contains("this run on refs/heads/feature used its own state")
            && summary.contains("not the default branch's (main)"),
        "{summary}"
    );

    let main2 = run(3, "refs/heads/main");
    assert_eq!(main2.out("previous-status"), "down", "{main2}");
    assert_eq!(main2.out("changed"), "false", "{main2}");
    assert_eq!(messages(&slack).len(), 1, "{main2}");

    // The branch's second run has its own memory.
    let feature2 = run(4, "refs/heads/feature");
    assert_eq!(feature2.out("previous-status"), "up", "{feature2}");
}

#[test]
fn a_state_file_outside_the_mounted_directories_is_a_warning() {
    let srv = TestServer::start(vec![("/svc", up())]);
    let outside = TempDir::new("state-outside");
    let file = outside.path().join("x.json");
    let r = sim(&TempDir::new("state-outside-cache"), 1)
        .with("url", &srv.url("/svc"))
        .with("state-file", &file.to_string_lossy())
        .run();
    assert_eq!(r.out("status"), "up", "{r}");
    let warnings = r.annotations("warning");
    assert_eq!(warnings.len(), 1, "{warnings:#?}\n{r}");
    assert!(
        warnings[0].contains(&*file.to_string_lossy())
            && warnings[0].contains("not in a directory mounted into the container")
            && warnings[0].contains("path in the workspace"),
        "{}",
        warnings[0]
    );

    // In the workspace: no warning.
    let ws = TempDir::new("state-ws");
    let r = sim(&TempDir::new("state-ws-cache"), 1)
        .arg(&format!("--workspace={}", ws.path().display()))
        .with("url", &srv.url("/svc"))
        .with("state-file", ".upcheck/state.json")
        .run();
    assert!(r.annotations("warning").is_empty(), "{r}");
    assert!(ws.path().join(".upcheck/state.json").is_file(), "{r}");
}

#[test]
fn runner_temp_that_an_older_runner_does_not_mount_is_a_warning() {
    // Runners before 2.329.0 leave RUNNER_TEMP a host path inside the container.
    let srv = TestServer::start(vec![("/svc", up())]);
    let temp = TempDir::new("state-old-runner");
    let file = temp.path().join("upcheck-state/a.json");
    let r = direct(&file)
        .with("url", &srv.url("/svc"))
        .var("GITHUB_WORKSPACE", "/github/workspace")
        .var("RUNNER_TEMP", &temp.path().to_string_lossy())
        .run();
    let warnings = r.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}\n{r}");
    assert!(
        warnings[0].contains(&*file.to_string_lossy())
            && warnings[0].contains("older than 2.329.0"),
        "{}",
        warnings[0]
    );
}

#[test]
fn the_action_makes_the_state_directory_before_the_container_runs() {
    // On a persistent runner a directory the container (root) makes blocks later restores:
    // the action makes it first, as the runner's user. Bad input stops the binary before it
    // touches the state, so only the action can have made it.
    let ws = TempDir::new("state-mkdir");
    let r = sim(&TempDir::new("state-mkdir-cache"), 1)
        .arg(&format!("--workspace={}", ws.path().display()))
        .with("url", "http://127.0.0.1:9/")
        .with("max-attempts", "0")
        .with("state-file", ".upcheck/deep/state.json")
        .run();
    assert_eq!(step(&r, "check")["exit_code"], 2, "{r}");
    assert!(ws.path().join(".upcheck/deep").is_dir(), "{r}");
    assert!(!ws.path().join(".upcheck/deep/state.json").exists(), "{r}");
}

//! Carrying reports through the state, run after run, with a clock the test sets.

use std::time::Duration;

use time::macros::datetime;
use time::OffsetDateTime;

use super::*;
use crate::config::NotifyPolicy;
use crate::redact::RedactedUrl;
use crate::report::{Failure, UrlResult};

fn result(url: &str, status: Status) -> UrlResult {
    UrlResult {
        url: RedactedUrl::new(&url::Url::parse(url).unwrap()),
        name: None,
        key: url.to_string(),
        status,
        http_status: Some(if status == Status::Down { 503 } else { 200 }),
        attempts: 1,
        max_attempts: 1,
        waits: vec![],
        response_time: Some(Duration::from_millis(20)),
        failure: (status == Status::Down).then(|| Failure::Status {
            code: 503,
            expected: "200-399".into(),
        }),
        degradations: vec![],
        final_url: None,
        cert_not_after: None,
        memory: None,
        healed: None,
        uptime_7d: None,
    }
}

fn report(results: Vec<UrlResult>, at: OffsetDateTime) -> RunReport {
    RunReport {
        results,
        previous: None,
        missed: None,
        heal: None,
        started_at: at,
        duration: Duration::from_millis(30),
        cancelled: None,
    }
}

const ONE: Thresholds = Thresholds {
    failure: 1,
    success: 1,
};

/// Would `notify: change` send a message for this report (reminders aside)?
fn change_message(r: &RunReport) -> bool {
    crate::slack::policy::should_notify(
        NotifyPolicy::Change,
        r.status(),
        r.results.iter().any(UrlResult::changed),
    )
}

#[test]
fn the_seeds_night_sends_two_messages() {
    // Checked every five minutes from 02:50 to 09:30; down from 03:00 to 09:00.
    let mut state = State::default();
    let mut messages = Vec::new();
    let mut t = datetime!(2026-11-25 02:50 UTC);
    while t <= datetime!(2026-11-25 09:30 UTC) {
        let down = t >= datetime!(2026-11-25 03:00 UTC) && t < datetime!(2026-11-25 09:00 UTC);
        let status = if down { Status::Down } else { Status::Up };
        let mut r = report(vec![result("https://api.example.com/health", status)], t);
        apply(&mut r, &mut state, ONE, t);
        if change_message(&r) {
            messages.push((t, r.results[0].status, r.results[0].memory.clone().unwrap()));
        }
        t += time::Duration::minutes(5);
    }
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_eq!(messages[0].0, datetime!(2026-11-25 03:00 UTC));
    assert_eq!(messages[0].1, Status::Down);
    assert_eq!(messages[1].0, datetime!(2026-11-25 09:00 UTC));
    assert_eq!(messages[1].1, Status::Up);
    assert_eq!(
        messages[1].2.down_since,
        Some(datetime!(2026-11-25 03:00 UTC))
    );
    assert_eq!(messages[1].2.downtime, Some(Duration::from_secs(6 * 3600)));
}

#[test]
fn thresholds_hold_a_flaky_url_and_say_so() {
    let gatus = Thresholds {
        failure: 3,
        success: 2,
    };
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Up)], t0);
    apply(&mut r, &mut state, gatus, t0);
    let mut r = report(
        vec![result("https://a.example/", Status::Down)],
        t0 + time::Duration::minutes(5),
    );
    apply(&mut r, &mut state, gatus, t0 + time::Duration::minutes(5));
    assert_eq!(r.results[0].status, Status::Up);
    assert!(!change_message(&r));
    assert!(r.healthy());
    assert_eq!(
        r.results[0].reason().unwrap(),
        "HTTP 503 Service Unavailable (expected 200-399); not counted as down yet: 1 of 3 failed runs (failure-threshold)"
    );
    // One good run after a single failure: nothing to announce.
    let mut r = report(
        vec![result("https://a.example/", Status::Up)],
        t0 + time::Duration::minutes(10),
    );
    apply(&mut r, &mut state, gatus, t0 + time::Duration::minutes(10));
    assert!(!change_message(&r));
}

#[test]
fn per_url_changes_count_while_another_stays_down() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(
        vec![
            result("https://a.example/", Status::Down),
            result("https://b.example/", Status::Up),
        ],
        t0,
    );
    apply(&mut r, &mut state, ONE, t0);
    let t1 = t0 + time::Duration::minutes(5);
    let mut r = report(
        vec![
            result("https://a.example/", Status::Down),
            result("https://b.example/", Status::Down),
        ],
        t1,
    );
    apply(&mut r, &mut state, ONE, t1);
    assert_eq!(r.previous, Some(Status::Down));
    assert!(!r.results[0].changed());
    assert!(r.results[1].changed());
    assert!(
        change_message(&r),
        "b going down while a stays down is a change"
    );
    assert_eq!(
        r.results[0].outage_note(t1).unwrap(),
        "down since 03:00 UTC (5 min)"
    );
    assert_eq!(
        r.results[1].outage_note(t1).unwrap(),
        "new: down since 03:05 UTC"
    );
}

#[test]
fn reminders_while_still_down() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t0);
    apply(&mut r, &mut state, ONE, t0);
    mark_notified(&r, &mut state, t0, None);
    let every = Some(Duration::from_secs(2 * 3600));
    let at = |m: i64| t0 + time::Duration::minutes(m);
    let mut r = report(vec![result("https://a.example/", Status::Down)], at(60));
    apply(&mut r, &mut state, ONE, at(60));
    assert!(!reminder_due(&r, &state, every, at(60)));
    assert!(!reminder_due(&r, &state, None, at(60)));
    let mut r = report(vec![result("https://a.example/", Status::Down)], at(125));
    apply(&mut r, &mut state, ONE, at(125));
    assert!(reminder_due(&r, &state, every, at(125)));
}

#[test]
fn removed_urls_are_forgotten_and_new_ones_start_unknown() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t0);
    apply(&mut r, &mut state, ONE, t0);
    let mut r = report(
        vec![result("https://b.example/", Status::Up)],
        t0 + time::Duration::minutes(5),
    );
    apply(&mut r, &mut state, ONE, t0 + time::Duration::minutes(5));
    assert!(state.urls.contains_key("https://b.example/"));
    assert!(!state.urls.contains_key("https://a.example/"));
    assert_eq!(r.results[0].memory.as_ref().unwrap().previous, None);
    assert!(!r.results[0].changed(), "unknown → up is quiet");
}

#[test]
fn a_cancelled_url_keeps_its_state() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t0);
    apply(&mut r, &mut state, ONE, t0);
    let kept = state.urls["https://a.example/"].clone();
    let mut r = report(
        vec![result("https://a.example/", Status::Unknown)],
        t0 + time::Duration::minutes(5),
    );
    apply(&mut r, &mut state, ONE, t0 + time::Duration::minutes(5));
    assert_eq!(state.urls["https://a.example/"], kept);
    assert_eq!(r.results[0].status, Status::Unknown);
}

#[test]
fn a_long_silence_between_runs_is_noticed() {
    let mut state = State::default();
    let mut t = datetime!(2026-11-25 02:45 UTC);
    for _ in 0..5 {
        let mut r = report(vec![result("https://a.example/", Status::Up)], t);
        apply(&mut r, &mut state, ONE, t);
        assert_eq!(r.missed, None, "regular runs at {t}");
        t += time::Duration::minutes(5);
    }
    // The last run was at 03:05; the next comes at 08:55.
    let late = datetime!(2026-11-25 08:55 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Up)], late);
    apply(&mut r, &mut state, ONE, late);
    assert_eq!(r.missed, Some((datetime!(2026-11-25 03:05 UTC), late)));
    assert_eq!(
        r.missed_note().unwrap(),
        "no check ran between 03:05 UTC and 08:55 UTC: scheduled runs were late, dropped or disabled"
    );
    // A run a little late is not a silence.
    let mut state = State::default();
    for m in [0, 5, 10, 15] {
        let at = datetime!(2026-11-25 03:00 UTC) + time::Duration::minutes(m);
        let mut r = report(vec![result("https://a.example/", Status::Up)], at);
        apply(&mut r, &mut state, ONE, at);
    }
    let at = datetime!(2026-11-25 03:27 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Up)], at);
    apply(&mut r, &mut state, ONE, at);
    assert_eq!(r.missed, None);
}

#[test]
fn an_outage_message_is_remembered_until_the_recovery() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let posted = Incident {
        channel: "C1".into(),
        ts: "1700000000.000100".into(),
    };
    let mut r = report(vec![result("https://a.example/", Status::Down)], t0);
    apply(&mut r, &mut state, ONE, t0);
    mark_notified(&r, &mut state, t0, Some(&posted));
    let t1 = t0 + time::Duration::minutes(5);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t1);
    apply(&mut r, &mut state, ONE, t1);
    assert!(ended_incidents(&r, &state).is_empty());
    let t2 = t0 + time::Duration::minutes(10);
    let mut r = report(vec![result("https://a.example/", Status::Up)], t2);
    apply(&mut r, &mut state, ONE, t2);
    assert_eq!(ended_incidents(&r, &state), [posted]);
    close_incidents(&r, &mut state);
    assert_eq!(state.urls["https://a.example/"].incident, None);
}

#[test]
fn a_change_that_did_not_reach_slack_is_told_next_run() {
    let mut state = State::default();
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t0);
    apply(&mut r, &mut state, ONE, t0);
    mark_unannounced(&r, &mut state);
    let t1 = t0 + time::Duration::minutes(5);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t1);
    apply(&mut r, &mut state, ONE, t1);
    assert!(!r.results[0].changed());
    assert!(
        reminder_due(&r, &state, None, t1),
        "the lost alert is due again"
    );
    mark_notified(&r, &mut state, t1, None);
    let t2 = t0 + time::Duration::minutes(10);
    let mut r = report(vec![result("https://a.example/", Status::Down)], t2);
    apply(&mut r, &mut state, ONE, t2);
    assert!(!reminder_due(&r, &state, None, t2));
}

// ---- `open`: which file, which monitor, which keys (issue 12) --------------------------------

fn settings(file: Option<&std::path::Path>, key: Option<&str>) -> crate::config::StateSettings {
    crate::config::StateSettings {
        file: file.map(std::path::Path::to_path_buf),
        key: key.map(str::to_string),
        failure_threshold: 1,
        success_threshold: 1,
        remind_every: None,
    }
}

fn in_actions(job: &str) -> Place {
    Place {
        actions: true,
        repository: "o/r".into(),
        workflow: "W".into(),
        job: job.into(),
        git_ref: "refs/heads/main".into(),
        default_branch: Some("main".into()),
        ..Place::default()
    }
}

/// A fresh directory, removed when the returned value is dropped.
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("upcheck-open-{name}-"))
        .tempdir()
        .unwrap()
}

#[test]
fn url_keys_reveal_no_secret() {
    let targets =
        crate::config::parse_url_list("https://u:pw@h/x?token=aaa\nhttps://h/x?token=bbb").unwrap();
    let alone = crate::config::parse_url_list("https://u:other@h/x?token=ccc").unwrap();
    // The same shown URL, whatever the secret: the key says nothing about it.
    assert_eq!(targets[0].key, alone[0].key);
    assert_eq!(targets[0].key, url_key(&targets[0].shown, 0));
    assert_ne!(targets[0].key, legacy_url_key(&targets[0].url, 0));
    assert!(!targets[1].key.contains("bbb"));
}

#[test]
fn another_monitors_file_is_a_fresh_start_with_a_warning_naming_both() {
    let d = scratch("identity");
    let path = d.path().join("s.json");
    let targets = crate::config::parse_url_list("https://h/").unwrap();
    let mut theirs = open(
        &settings(Some(&path), Some("a")),
        &targets,
        &in_actions("j"),
    )
    .memory
    .unwrap()
    .1;
    theirs.urls.insert(
        targets[0].key.clone(),
        UrlState {
            url: "https://h/".into(),
            status: Status::Down,
            since: datetime!(2026-11-25 03:00 UTC),
            failures: 1,
            successes: 0,
            last_notified: None,
            last_error: None,
            incident: None,
            unannounced: false,
            held: false,
        },
    );
    file::save(&path, &theirs).unwrap();

    let same = open(
        &settings(Some(&path), Some("a")),
        &targets,
        &in_actions("j"),
    );
    assert!(same.warnings.is_empty(), "{:?}", same.warnings);
    assert_eq!(same.memory.unwrap().1.urls.len(), 1);

    let other = open(
        &settings(Some(&path), Some("b")),
        &targets,
        &in_actions("j"),
    );
    assert_eq!(other.warnings.len(), 1);
    let w = &other.warnings[0];
    assert!(
        w.contains("belongs to another monitor")
            && w.contains("state-key a")
            && w.contains("state-key b"),
        "{w}"
    );
    let (_, fresh) = other.memory.unwrap();
    assert!(fresh.urls.is_empty());
    assert_eq!(fresh.monitor, in_actions("j").monitor(Some("b")));

    // A local run reads any file, and records no monitor of its own.
    let local = open(&settings(Some(&path), None), &targets, &Place::default());
    assert!(local.warnings.is_empty());
    assert_eq!(local.memory.unwrap().1.monitor, theirs.monitor);
}

#[test]
fn a_version_1_file_is_re_keyed_and_adopted() {
    let d = scratch("v1");
    let path = d.path().join("s.json");
    let targets =
        crate::config::parse_url_list("https://h/?t=1\nhttps://h/?t=2\nhttps://h/?t=1").unwrap();
    let entry = |s: Status| serde_json::json!({"url": "https://h/?t=***", "status": s, "since": "2026-11-25T03:00:00Z", "failures": 0, "successes": 1});
    let v1 = serde_json::json!({
        "version": 1,
        "urls": {
            legacy_url_key(&targets[0].url, 0): entry(Status::Down),
            legacy_url_key(&targets[1].url, 0): entry(Status::Up),
            legacy_url_key(&targets[2].url, 1): entry(Status::Degraded),
            "0123456789abcdef0123456789abcdef": entry(Status::Up),
        }
    });
    std::fs::write(&path, v1.to_string()).unwrap();
    let opened = open(&settings(Some(&path), None), &targets, &in_actions("j"));
    assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    let (_, state) = opened.memory.unwrap();
    assert_eq!(state.version, file::VERSION);
    assert!(state.monitor.is_some(), "adopted");
    let statuses: Vec<Status> = targets.iter().map(|t| state.urls[&t.key].status).collect();
    assert_eq!(statuses, [Status::Down, Status::Up, Status::Degraded]);
    assert_eq!(state.urls.len(), 3, "the unknown old key is dropped");
}

#[test]
fn no_file_in_actions_is_one_under_runner_temp_named_by_the_monitor() {
    let targets = crate::config::parse_url_list("https://h/").unwrap();
    let place = Place {
        runner_temp: Some("/github/runner_temp".into()),
        ..in_actions("j")
    };
    let opened = open(&settings(None, Some("k")), &targets, &place);
    let (path, _) = opened.memory.unwrap();
    let id = place.monitor(Some("k")).unwrap().id;
    assert_eq!(
        path,
        std::path::PathBuf::from(format!("/github/runner_temp/upcheck-state/{id}.json"))
    );
    // Without RUNNER_TEMP or outside Actions: no state unless a file is given.
    assert!(open(&settings(None, None), &targets, &in_actions("j"))
        .memory
        .is_none());
}

// ---- format 3: the history inside the state (issue 13) ---------------------------------------

fn a_history(key: &str) -> crate::history::History {
    use crate::history::{ReasonCode, Sample};
    let mut h = crate::history::History::new();
    for (i, counted) in [Status::Up, Status::Down, Status::Up]
        .into_iter()
        .enumerate()
    {
        h.record(
            key,
            "https://h/",
            Some("Home"),
            Sample {
                at: datetime!(2026-11-25 03:00 UTC) + time::Duration::minutes(5 * i as i64),
                counted,
                observed: counted,
                response_ms: Some(40 + i as u32),
                reason: if counted == Status::Down {
                    ReasonCode::Http(503)
                } else {
                    ReasonCode::Ok
                },
            },
        )
        .unwrap();
    }
    h
}

#[test]
fn a_version_2_file_becomes_version_3_with_nothing_lost() {
    let d = scratch("v2");
    let path = d.path().join("s.json");
    let targets = crate::config::parse_url_list("https://h/\nhttps://g/").unwrap();
    let v2 = serde_json::json!({
        "version": 2,
        "monitor": {"id": "abc", "name": "o/r · W · j"},
        "runs": [{"at": "2026-11-25T02:55:00Z"}, {"at": "2026-11-25T03:00:00Z"}],
        "urls": {
            targets[0].key.clone(): {"url": "https://h/", "status": "down", "since": "2026-11-25T03:00:00Z",
                "failures": 2, "successes": 0, "last_notified": "2026-11-25T03:00:00Z",
                "last_error": "HTTP 503", "incident": {"channel": "C1", "ts": "1.2"}, "unannounced": true},
            targets[1].key.clone(): {"url": "https://g/", "status": "up", "since": "2026-11-24T00:00:00Z",
                "failures": 0, "successes": 9}
        },
        "heal_called": "2026-11-25T02:00:00Z"
    });
    std::fs::write(&path, v2.to_string()).unwrap();
    let opened = open(&settings(Some(&path), None), &targets, &Place::default());
    assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    let (_, state) = opened.memory.unwrap();
    assert_eq!(state.version, 3);
    assert_eq!(state.monitor.as_ref().unwrap().id, "abc");
    assert_eq!(state.runs.len(), 2);
    assert_eq!(state.heal_called, Some(datetime!(2026-11-25 02:00 UTC)));
    let down = &state.urls[&targets[0].key];
    assert_eq!(
        (down.status, down.failures, down.unannounced),
        (Status::Down, 2, true)
    );
    assert_eq!(down.incident.as_ref().unwrap().ts, "1.2");
    assert_eq!(down.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(state.urls[&targets[1].key].successes, 9);
    assert!(state.history.is_empty() && state.digest_sent.is_none());

    // Saved as version 3 and read back the same, the history, the digest time and the last
    // keepalive included.
    let mut state = state;
    state.history = a_history(&targets[0].key);
    state.digest_sent = Some(datetime!(2026-11-25 00:05 UTC));
    state.keepalive_enabled = Some(datetime!(2026-11-20 12:00 UTC));
    file::save(&path, &state).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"version\":3") && text.contains("\"history\""));
    let (again, problem) = file::load(&path);
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(again, state);

    // With the history's columns packed once for the state and history.json, the very same
    // bytes, whichever writer packed a URL first.
    let packs = crate::history::Packs::new(&state.history);
    let shown = crate::history::entries(&state.history, &[targets[0].key.as_str()]);
    let now = datetime!(2026-11-25 03:10 UTC);
    let mut public = Vec::new();
    crate::history::public::render_to(&mut public, &shown, now, Some(&packs)).unwrap();
    file::save_with(&path, &state, Some(&packs)).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let mut alone = Vec::new();
    crate::history::public::render_to(&mut alone, &shown, now, None).unwrap();
    assert_eq!(public, alone);
    assert!(String::from_utf8(public).unwrap().contains(r#""raw":""#));
}

#[test]
fn a_version_1_file_becomes_version_3_with_its_runs_and_re_keyed_urls() {
    let d = scratch("v1to3");
    let path = d.path().join("s.json");
    let targets = crate::config::parse_url_list("https://h/?t=1").unwrap();
    let v1 = serde_json::json!({
        "version": 1,
        "runs": [{"at": "2026-11-25T03:00:00Z"}],
        "urls": {legacy_url_key(&targets[0].url, 0): {"url": "https://h/?t=***", "status": "down",
            "since": "2026-11-25T03:00:00Z", "failures": 1, "successes": 0}},
        "heal_called": "2026-11-25T02:00:00Z"
    });
    std::fs::write(&path, v1.to_string()).unwrap();
    let (_, state) = open(&settings(Some(&path), None), &targets, &Place::default())
        .memory
        .unwrap();
    file::save(&path, &state).unwrap();
    let (state, problem) = file::load(&path);
    assert!(problem.is_none());
    assert_eq!(state.version, 3);
    assert_eq!(state.runs.len(), 1);
    assert_eq!(state.urls[&targets[0].key].status, Status::Down);
    assert_eq!(state.heal_called, Some(datetime!(2026-11-25 02:00 UTC)));
    assert!(state.history.is_empty());
}

#[test]
fn a_damaged_history_costs_only_the_history() {
    let d = scratch("badhist");
    let path = d.path().join("s.json");
    let targets = crate::config::parse_url_list("https://h/").unwrap();
    let mut state = State::default();
    state.record_run(datetime!(2026-11-25 03:00 UTC));
    state.history = a_history(&targets[0].key);
    file::save(&path, &state).unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["history"]["urls"][&targets[0].key]["raw"] = serde_json::json!("not base64!");
    std::fs::write(&path, v.to_string()).unwrap();
    let (loaded, problem) = file::load(&path);
    let problem = problem.unwrap().to_string();
    assert!(
        problem.contains("history") && problem.contains("rest of the state is kept"),
        "{problem}"
    );
    assert!(loaded.history.is_empty());
    assert_eq!(loaded.runs, state.runs);
}

#[test]
fn counted_down_is_what_apply_counts_without_touching_the_state() {
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let gatus = Thresholds {
        failure: 2,
        success: 1,
    };
    let urls = [
        "https://a.example/",
        "https://b.example/",
        "https://c.example/",
    ];
    let mut state = State::default();
    // b has failed once already; a and c are up.
    let mut first = report(
        vec![
            result(urls[0], Status::Up),
            result(urls[1], Status::Down),
            result(urls[2], Status::Up),
        ],
        t0,
    );
    apply(&mut first, &mut state, gatus, t0);
    let t1 = t0 + time::Duration::minutes(5);
    let fresh = report(
        vec![
            result(urls[0], Status::Down),
            result(urls[1], Status::Down),
            result(urls[2], Status::Unknown),
        ],
        t1,
    );
    let before = state.clone();
    // a fails for the first time (held by failure-threshold 2), b for the second time.
    assert_eq!(counted_down(&fresh, Some(&state), gatus, t1), [1]);
    assert_eq!(state, before, "the state is not changed");
    let mut applied = fresh.clone();
    apply(&mut applied, &mut state, gatus, t1);
    let down: Vec<usize> = (0..3)
        .filter(|&i| applied.results[i].status == Status::Down)
        .collect();
    assert_eq!(down, [1], "the same as apply counts");
    // Without state, what this run found.
    assert_eq!(counted_down(&fresh, None, gatus, t1), [0, 1]);
}

#[test]
fn what_slack_changed_in_the_state() {
    type Outcome = crate::report::SlackOutcome<String>;
    let t0 = datetime!(2026-11-25 03:00 UTC);
    let url = "https://api.example.com/health";
    let posted = Incident {
        channel: "C1".into(),
        ts: "1.2".into(),
    };
    let down_run = |state: &mut State, t| {
        let mut r = report(vec![result(url, Status::Down)], t);
        apply(&mut r, state, ONE, t);
        r
    };

    // Delivered: remembered, and the new outage's message is its incident.
    let mut state = State::default();
    let r = down_run(&mut state, t0);
    let delivered = Outcome::Delivered {
        tries: 1,
        posted: Some(posted.clone()),
        warnings: vec![],
    };
    record_slack(&r, &mut state, &delivered, OthersTold::default(), t0, false);
    let s = &state.urls[url];
    assert_eq!(s.last_notified, Some(t0));
    assert_eq!(s.incident.as_ref(), Some(&posted));
    assert!(!s.unannounced);

    // Failed, or cancelled on its way: told again next run.
    for lost in [
        Outcome::Failed {
            error: "HTTP 404".into(),
            warnings: vec![],
        },
        Outcome::Cancelled {
            due: true,
            warnings: vec![],
        },
    ] {
        let mut state = State::default();
        let r = down_run(&mut state, t0);
        record_slack(&r, &mut state, &lost, OthersTold::default(), t0, false);
        assert!(state.urls[url].unannounced, "{lost:?}");
        assert_eq!(state.urls[url].last_notified, None);
    }

    // Not due, not configured, or the run cancelled before Slack: nothing to remember.
    for quiet in [
        Outcome::NotConfigured,
        Outcome::Skipped {
            why: "notify: never".into(),
        },
        Outcome::Cancelled {
            due: false,
            warnings: vec![],
        },
    ] {
        let mut state = State::default();
        let r = down_run(&mut state, t0);
        let before = state.clone();
        record_slack(&r, &mut state, &quiet, OthersTold::default(), t0, false);
        assert_eq!(state, before, "{quiet:?}");
    }

    // The recovery closes the incident, unless a signal came first.
    let t1 = t0 + time::Duration::minutes(5);
    for (cancelled, open) in [(false, None), (true, Some(posted.clone()))] {
        let mut state = State::default();
        let r = down_run(&mut state, t0);
        record_slack(&r, &mut state, &delivered, OthersTold::default(), t0, false);
        let mut back = report(vec![result(url, Status::Up)], t1);
        apply(&mut back, &mut state, ONE, t1);
        record_slack(
            &back,
            &mut state,
            &Outcome::NotConfigured,
            OthersTold::default(),
            t1,
            cancelled,
        );
        assert_eq!(state.urls[url].incident, open, "cancelled: {cancelled}");
    }
}

/// One run at `t` for two URLs through `windows`: the holds, whether a message is due, and
/// the state after it (a due message is delivered).
fn quiet_run(
    state: &mut State,
    windows: &crate::window::Windows,
    statuses: [Status; 2],
    t: OffsetDateTime,
) -> (Vec<crate::policy::Hold>, bool) {
    use crate::policy::{due, Quiet};
    type Outcome = crate::report::SlackOutcome<String>;
    let (a, b) = ("https://a.example/", "https://b.example/");
    let mut r = report(vec![result(a, statuses[0]), result(b, statuses[1])], t);
    apply(&mut r, state, ONE, t);
    let quiet = Quiet::of(&r, windows.active(t), |r| state.urls[&r.key].held);
    let remind = reminder_due(&r, state, None, t);
    let sent = due(NotifyPolicy::Change, &r, remind, &quiet).is_ok();
    let slack = if sent {
        Outcome::Delivered {
            tries: 1,
            posted: None,
            warnings: vec![],
        }
    } else {
        Outcome::Skipped { why: "-".into() }
    };
    record_slack(&r, state, &slack, OthersTold::default(), t, false);
    record_quiet(&r, state, &quiet, &slack, OthersTold::default());
    (quiet.urls, sent)
}

#[test]
fn a_window_holds_an_outage_until_it_ends() {
    use crate::policy::Hold::*;
    let windows = crate::window::Windows {
        quiet: crate::window::parse_quiet_hours("03:00-04:00 UTC").unwrap(),
        maintenance: Vec::new(),
    };
    let (a, b) = ("https://a.example/", "https://b.example/");
    let mut state = State::default();
    let (up, down) = (Status::Up, Status::Down);
    let at = |h: i64, m: i64| datetime!(2026-11-25 00:00 UTC) + time::Duration::minutes(h * 60 + m);
    let run = |state: &mut State, statuses, t| quiet_run(state, &windows, statuses, t);
    assert_eq!(
        run(&mut state, [up, up], at(2, 50)),
        (vec![Tell, Tell], false)
    );
    // Both go down inside the window: held, nothing sent.
    assert_eq!(
        run(&mut state, [down, down], at(3, 5)),
        (vec![Held, Held], false)
    );
    assert_eq!(
        run(&mut state, [down, down], at(3, 30)),
        (vec![Held, Held], false)
    );
    // a comes back inside: dropped, nothing sent, never told.
    assert_eq!(
        run(&mut state, [up, down], at(3, 55)),
        (vec![Dropped, Held], false)
    );
    assert!(!state.urls[a].held && state.urls[b].held);
    // After the window b is still down: told once, with its true down-since time.
    assert_eq!(
        run(&mut state, [up, down], at(4, 0)),
        (vec![Tell, Released], true)
    );
    assert_eq!(state.urls[b].since, at(3, 5));
    assert!(!state.urls[b].held);
    assert_eq!(
        run(&mut state, [up, down], at(4, 5)),
        (vec![Tell, Tell], false)
    );
    // Its recovery is told.
    assert_eq!(
        run(&mut state, [up, up], at(4, 10)),
        (vec![Tell, Tell], true)
    );
}

#[test]
fn a_recovery_of_an_outage_told_before_the_window_is_told() {
    use crate::policy::Hold::*;
    let windows = crate::window::Windows {
        quiet: crate::window::parse_quiet_hours("03:00-04:00 UTC").unwrap(),
        maintenance: Vec::new(),
    };
    let mut state = State::default();
    let (up, down) = (Status::Up, Status::Down);
    let at = |h: i64, m: i64| datetime!(2026-11-25 00:00 UTC) + time::Duration::minutes(h * 60 + m);
    let run = |state: &mut State, statuses, t| quiet_run(state, &windows, statuses, t);
    // a and b go down before the window: told.
    assert_eq!(
        run(&mut state, [down, down], at(2, 55)),
        (vec![Tell, Tell], true)
    );
    // Inside, still down: no reminder; a comes back: told at once.
    assert_eq!(
        run(&mut state, [down, down], at(3, 5)),
        (vec![Tell, Tell], false)
    );
    assert_eq!(
        run(&mut state, [up, down], at(3, 10)),
        (vec![Tell, Tell], true)
    );
    // a goes down again inside the window, then b comes back: b's recovery waits with a's
    // held outage, and both are told on the first run after the window.
    assert_eq!(
        run(&mut state, [down, down], at(3, 20)),
        (vec![Held, Tell], false)
    );
    assert_eq!(
        run(&mut state, [down, up], at(3, 30)),
        (vec![Held, Tell], false)
    );
    assert_eq!(
        run(&mut state, [down, up], at(4, 0)),
        (vec![Released, Tell], true)
    );
    assert_eq!(
        run(&mut state, [down, up], at(4, 5)),
        (vec![Tell, Tell], false)
    );
}

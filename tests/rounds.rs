//! Rounds inside one step (`every`, `run-for`) and watch mode (`--every` on a terminal), run
//! for real: the requests each round makes, a change told while the step still runs, the
//! outputs and the summary written once for all rounds, rounds on a fixed grid (a slow round
//! skips slots, never shifts the ones after it), the restart hook once per outage, a cancel
//! mid-loop, watch mode under SIGTERM, and the state written after every round.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A step with rounds `every` for `run_for` against `url`, one attempt per check.
fn rounds(url: &str, every: &str, run_for: &str) -> Sim {
    Sim::new()
        .with("url", url)
        .with("max-attempts", "1")
        .with("every", every)
        .with("run-for", run_for)
}

fn rounds_output(r: &SimReport) -> Value {
    serde_json::from_str(&r.out("rounds")).unwrap_or_else(|e| panic!("rounds output: {e}\n{r}"))
}

#[test]
fn a_change_mid_run_is_told_at_once_and_the_outputs_cover_every_round() {
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![
            Behaviour::text(200, "ok"),
            Behaviour::text(200, "ok"),
            Behaviour::Status(503),
            Behaviour::Status(503),
            Behaviour::text(200, "ok"),
        ]),
    )]);
    let slack = slack_ok();
    let r = rounds(&srv.url("/svc"), "1s", "5s")
        .with_secret("slack-webhook", &slack.url(SLACK_HOOK))
        .run();
    assert_eq!(r.exit_code(), 0, "the last round is up\n{r}");
    assert_eq!(srv.hits("/svc"), 5, "one request per round\n{r}");

    // The outage and the recovery, each told in the round that saw it.
    let sent = messages(&slack);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert!(all_text(&sent[0]).contains("down"), "{:#?}", sent[0]);
    assert!(all_text(&sent[1]).contains("back up"), "{:#?}", sent[1]);
    let checks = srv.hit_times("/svc");
    let told = slack.hit_times(SLACK_HOOK);
    assert!(
        told[0] > checks[2] && told[0] < checks[3],
        "the outage was told between the round that saw it and the next"
    );
    assert!(told[1] > checks[4]);

    let out = rounds_output(&r);
    assert_eq!(out["rounds"], 5, "{out:#}");
    assert_eq!(out["skipped"], 0, "{out:#}");
    assert_eq!(out["every"], "1s");
    assert_eq!(out["run_for"], "5s");
    let url = &out["urls"][0];
    assert_eq!(url["rounds_checked"], 5, "{out:#}");
    assert_eq!(url["rounds_up"], 3, "{out:#}");
    assert_eq!(url["up_share"], 0.6, "{out:#}");
    assert_eq!(url["worst"], "down", "{out:#}");
    assert!(
        url["worst_reason"].as_str().unwrap().contains("HTTP 503"),
        "{out:#}"
    );
    assert_eq!(url["last"], "up", "{out:#}");
    assert_eq!(url["changes"], 2, "{out:#}");
    let changes: Vec<(&str, &str)> = url["recent_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["from"].as_str().unwrap(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, [("up", "down"), ("down", "up")]);

    // The outputs and the summary are the last round's, written once.
    assert_eq!(r.out("status"), "up", "{r}");
    assert_eq!(r.out("notified"), "true", "{r}");
    let summary = r.summary();
    assert_eq!(summary.matches("### Rounds").count(), 1, "{summary}");
    assert!(
        summary.contains("5 rounds every 1s for 5s, 0 skipped"),
        "{summary}"
    );
    assert!(summary.contains("60% (3 of 5)"), "{summary}");
    // One line per change in the log, as it happened.
    let log = r.log_text();
    assert!(log.contains(": up → down (HTTP 503"), "{log}");
    assert!(log.contains(": down → up"), "{log}");
}

#[test]
fn rounds_keep_to_their_grid_over_twenty_rounds() {
    // Every answer takes 400 ms: rounds that slept `every` after each round would drift by
    // 8 s over 20 rounds; on the grid, round n starts n seconds after the first.
    let srv = TestServer::start(vec![(
        "/slow",
        Behaviour::delay(Duration::from_millis(400), Behaviour::text(200, "ok")),
    )]);
    let r = rounds(&srv.url("/slow"), "1s", "20s")
        .timeout(Duration::from_secs(90))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    let times = srv.hit_times("/slow");
    assert_eq!(times.len(), 20, "{r}");
    let first = times[0];
    for (n, t) in times.iter().enumerate() {
        let late = t.duration_since(first).as_secs_f64() - n as f64;
        assert!(
            late.abs() < 0.35,
            "round {n} started {late:.3} s off its slot"
        );
    }
    assert_eq!(rounds_output(&r)["skipped"], 0);
}

#[test]
fn a_round_longer_than_every_skips_the_slots_it_covered() {
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![
            Behaviour::text(200, "ok"),
            Behaviour::delay(Duration::from_millis(1500), Behaviour::text(200, "ok")),
            Behaviour::text(200, "ok"),
        ]),
    )]);
    let r = rounds(&srv.url("/svc"), "1s", "5s").run();
    assert_eq!(r.exit_code(), 0, "{r}");
    // Slots 0, 1, 3 and 4: slot 2 passed while round 1 still ran.
    let times = srv.hit_times("/svc");
    assert_eq!(times.len(), 4, "{r}");
    let third = times[2].duration_since(times[0]).as_secs_f64();
    assert!(
        (third - 3.0).abs() < 0.35,
        "round 3 on its slot: {third:.3}"
    );
    let out = rounds_output(&r);
    assert_eq!(
        (out["rounds"].clone(), out["skipped"].clone()),
        (4.into(), 1.into())
    );
    assert!(
        r.annotations("warning")
            .iter()
            .any(|w| w.contains("round 2 took longer than every (1s): 1 round skipped")),
        "{r}"
    );
    assert!(r.summary().contains("4 rounds every 1s for 5s, 1 skipped"));
}

#[test]
fn the_restart_hook_is_called_once_per_outage() {
    let srv = TestServer::start(vec![
        ("/down", Behaviour::Status(503)),
        ("/hook/secret-hook", Behaviour::text(200, "restarting")),
    ]);
    let r = rounds(&srv.url("/down"), "1s", "4s")
        .with_secret("heal-url", &srv.url("/hook/secret-hook"))
        .with("heal-wait", "300ms")
        .with("heal-interval", "100ms")
        .with("heal-cooldown", "0s")
        .with("fail-on-down", "false")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(
        srv.hits("/hook/secret-hook"),
        1,
        "one call for the one outage, however many rounds see it\n{r}"
    );
    let out = rounds_output(&r);
    assert!(out["rounds"].as_u64().unwrap() >= 3, "{out:#}");
    assert_eq!(out["urls"][0]["rounds_up"], 0, "{out:#}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");
}

#[test]
fn a_new_outage_gets_the_hook_again() {
    // Down, up, down: two outages, two calls (the cooldown allows it).
    let srv = TestServer::start(vec![
        (
            "/svc",
            Behaviour::Sequence(vec![
                Behaviour::Status(503),
                Behaviour::text(200, "ok"),
                Behaviour::text(200, "ok"),
                Behaviour::Status(503),
            ]),
        ),
        ("/hook", Behaviour::text(200, "restarting")),
    ]);
    let r = rounds(&srv.url("/svc"), "1s", "4s")
        .with("heal-url", &srv.url("/hook"))
        .with("heal-wait", "200ms")
        .with("heal-interval", "100ms")
        .with("heal-cooldown", "0s")
        .with("fail-on-down", "false")
        .run();
    assert_eq!(srv.hits("/hook"), 2, "{r}");
}

#[test]
fn a_cancel_mid_loop_ends_within_a_second_with_everything_written() {
    let srv = TestServer::start(vec![("/up", Behaviour::text(200, "ok"))]);
    let r = rounds(&srv.url("/up"), "1s", "1m").signal_after(2.5).run();
    assert!(r.exited_after_signal() < 1.0, "{r}");
    assert_eq!(
        r.exit_code(),
        0,
        "the rounds before the signal were all up\n{r}"
    );
    let out = rounds_output(&r);
    // Rounds at 0, 1 and 2 s after the first began (2 on a machine slow to start the process).
    let ran = srv.hits("/up");
    assert!((2..=3).contains(&ran), "{r}");
    assert_eq!(out["rounds"], ran, "{out:#}");
    assert!(out["stopped_by"].is_string(), "{out:#}");
    assert_eq!(r.out("status"), "up");
    assert!(
        r.summary()
            .contains(&format!("{ran} rounds every 1s for 1m")),
        "{r}"
    );
    assert!(r.summary().contains("; stopped by SIG"), "{r}");
}

#[test]
fn a_cancel_during_a_round_drops_that_round_only() {
    // The third round's request hangs; the signal comes while it waits.
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![
            Behaviour::text(200, "ok"),
            Behaviour::text(200, "ok"),
            Behaviour::Hang,
        ]),
    )]);
    let r = rounds(&srv.url("/svc"), "1s", "1m").signal_after(3.5).run();
    assert!(r.exited_after_signal() < 1.0, "{r}");
    assert_eq!(srv.hits("/svc"), 3, "{r}");
    let out = rounds_output(&r);
    assert_eq!(out["rounds"], 2, "{out:#}");
    assert_eq!(out["urls"][0]["rounds_checked"], 2, "{out:#}");
    assert_eq!(r.out("status"), "up", "the last complete round\n{r}");
    assert!(
        r.summary()
            .contains("during a round, whose checks are not counted"),
        "{r}"
    );
}

#[test]
fn every_and_run_for_are_checked_before_anything_runs() {
    let srv = TestServer::start(vec![("/up", Behaviour::text(200, "ok"))]);
    for (every, run_for, words) in [
        ("500ms", "5s", "input `every`: 500ms is too short"),
        ("", "5s", "input `run-for`: is set without every"),
        ("1s", "7h", "input `run-for`: 7h is out of range"),
        ("soon", "", "input `every`"),
    ] {
        let r = Sim::new()
            .with("url", &srv.url("/up"))
            .with("every", every)
            .with("run-for", run_for)
            .run();
        assert_eq!(r.exit_code(), 2, "{every} / {run_for}\n{r}");
        let errors = r.annotations("error");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains(words), "{errors:?}");
    }
    assert_eq!(srv.hits("/up"), 0);
}

#[test]
fn every_without_run_for_checks_once_in_a_workflow() {
    let srv = TestServer::start(vec![("/up", Behaviour::text(200, "ok"))]);
    let r = Sim::new()
        .with("url", &srv.url("/up"))
        .with("every", "1s")
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(srv.hits("/up"), 1);
    assert!(
        r.annotations("warning")
            .iter()
            .any(|w| w.contains("every is set without run-for")),
        "{r}"
    );
    assert_eq!(rounds_output(&r)["rounds"], 1);
    assert!(!r.summary().contains("### Rounds"));
}

#[test]
fn watch_mode_prints_each_change_and_stops_on_sigterm() {
    let srv = TestServer::start(vec![(
        "/svc",
        Behaviour::Sequence(vec![
            Behaviour::text(200, "ok"),
            Behaviour::Status(503),
            Behaviour::Status(503),
            Behaviour::text(200, "ok"),
        ]),
    )]);
    let dir = TempDir::new("watch");
    let state = dir.path().join("state.json");
    let url = srv.url("/svc");
    let running = watch_with_state(&state, &url);
    assert!(srv.wait_for_hits("/svc", 5, Duration::from_secs(15)));
    std::thread::sleep(Duration::from_millis(300));
    let sent = running.send("TERM");
    let ran = running.finish(Duration::from_secs(30));
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}\n{}", ran.show());
    assert_eq!(
        ran.code(),
        0,
        "stopped while idle, last round up\n{}",
        ran.show()
    );
    let changes: Vec<&str> = ran.stderr.lines().filter(|l| l.contains(" → ")).collect();
    assert_eq!(
        changes.len(),
        3,
        "first sight, the outage, the recovery\n{}",
        ran.show()
    );
    assert!(changes[0].ends_with(": first seen → up"), "{changes:?}");
    assert!(changes[1].contains(": up → down (HTTP 503"), "{changes:?}");
    assert!(changes[2].ends_with(": down → up"), "{changes:?}");
    assert!(
        !ran.stderr.contains(" round "),
        "no round lines without --verbose\n{}",
        ran.show()
    );
    assert!(ran.stderr.contains("stopped by SIGTERM"), "{}", ran.show());
    assert!(
        ran.stdout.contains("1 URL up"),
        "the last round's report\n{}",
        ran.show()
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["runs"].as_array().unwrap().len() >= 5, "{saved:#}");
}

#[test]
fn watch_mode_verbose_prints_every_round() {
    let srv = TestServer::start(vec![("/up", Behaviour::text(200, "ok"))]);
    let url = srv.url("/up");
    let running = Running::start(&["--every", "1s", "--verbose", &url], &[]);
    assert!(srv.wait_for_hits("/up", 3, Duration::from_secs(15)));
    std::thread::sleep(Duration::from_millis(300));
    running.send("INT");
    let ran = running.finish(Duration::from_secs(30));
    let rounds: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.contains(" round "))
        .collect();
    assert_eq!(rounds.len(), 3, "{}", ran.show());
    assert!(rounds[2].contains("round 3: 1 URL up"), "{rounds:?}");
    assert!(ran.stderr.contains("stopped by SIGINT"), "{}", ran.show());
}

#[test]
fn a_killed_watch_loses_at_most_the_round_in_progress() {
    // Every round changes the status, so every round is written.
    let flapping: Vec<Behaviour> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                Behaviour::text(200, "ok")
            } else {
                Behaviour::Status(503)
            }
        })
        .collect();
    let srv = TestServer::start(vec![("/up", Behaviour::Sequence(flapping))]);
    let dir = TempDir::new("watch-kill");
    let state = dir.path().join("state.json");
    let url = srv.url("/up");
    let running = watch_with_state(&state, &url);
    assert!(srv.wait_for_hits("/up", 3, Duration::from_secs(15)));
    // Time for the third round to finish and be saved.
    let deadline = Instant::now() + Duration::from_secs(5);
    let saved = loop {
        let runs = std::fs::read_to_string(&state)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["runs"].as_array().map(Vec::len))
            .unwrap_or(0);
        if runs >= 3 || Instant::now() > deadline {
            break runs;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    running.send("KILL");
    let _ = running.finish(Duration::from_secs(10));
    assert!(
        saved >= 3,
        "every completed round is in the state file: {saved}"
    );
    let text = std::fs::read_to_string(&state).unwrap();
    serde_json::from_str::<Value>(&text).expect("the state file is whole after a kill");
}

/// Watch mode on `url` every second, one attempt a round, keeping its state in `state`.
fn watch_with_state(state: &std::path::Path, url: &str) -> Running {
    let state = state.to_string_lossy();
    Running::start(
        &[
            "--every",
            "1s",
            "--max-attempts",
            "1",
            "--state-file",
            &state,
            url,
        ],
        &[],
    )
}

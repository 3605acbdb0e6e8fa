//! Black-box tests of QUIET HOURS AND MAINTENANCE WINDOWS (issue 16): the real binary through
//! `shared/tools/runner-sim`, a test clock (`UPCHECK_NOW`) and a state file carried between
//! runs, a checked URL on 127.0.0.1 whose answers are scripted run by run, the fake Slack, the
//! fake webhook receiver and the fake GitHub issues API. Inside a window an outage is checked
//! and recorded but no channel hears of it; what is still down when the window ends is told on
//! the first run after it, once; what came back inside is never told. Bad windows are input
//! errors that send nothing.

mod common;

use common::fake_channels::{receivers_ok, webhook_documents, webhook_url};
use common::fake_github::FakeGitHub;
use common::SLACK_HOOK;
use common::{all_text, messages, slack_ok, Behaviour, Sim, SimReport, TempDir, TestServer};
use serde_json::Value;

const TOKEN: &str = "ghs_windowstesttoken0123456789";

/// One monitor: a workspace with its state file, the fakes it tells, and the checked URL, whose
/// n-th check gets the n-th of the statuses given.
struct Monitor {
    workspace: TempDir,
    cache: TempDir,
    site: TestServer,
    slack: TestServer,
    receivers: TestServer,
    github: FakeGitHub,
    runs: u32,
}

impl Monitor {
    fn new(statuses: &[u16]) -> Monitor {
        let steps = statuses
            .iter()
            .map(|&s| match s {
                200 => Behaviour::text(200, "ok"),
                s => Behaviour::Status(s),
            })
            .collect();
        Monitor {
            workspace: TempDir::new("win-ws"),
            cache: TempDir::new("win-cache"),
            site: TestServer::start(vec![("/health", Behaviour::Sequence(steps))]),
            slack: slack_ok(),
            receivers: receivers_ok(),
            github: FakeGitHub::start(),
            runs: 0,
        }
    }

    /// A run at `now` (RFC 3339) with `inputs`, told through Slack, the webhook and issues.
    fn sim(&mut self, now: &str, inputs: &[(&str, &str)]) -> Sim {
        self.runs += 1;
        let n = self.runs;
        let mut sim = Sim::new()
            .cache_dir(self.cache.path())
            .arg(&format!("--workspace={}", self.workspace.path().display()))
            .arg(&format!("--run-id={}", 7000 + n))
            .arg(&format!("--run-number={n}"))
            .arg(&format!("--api-url={}", self.github.url()))
            .arg(&format!("--token={TOKEN}"))
            .with("url", &self.site.url("/health"))
            .with("max-attempts", "1")
            .with("timeout", "5s")
            .with("fail-on-down", "false")
            .with("state-file", ".upcheck/state.json")
            .with("webhook-url", &webhook_url(&self.receivers))
            .with("github-issues", "true")
            .env("SLACK_WEBHOOK_URL", &self.slack.url(SLACK_HOOK))
            .env("UPCHECK_NOW", now);
        for (name, value) in inputs {
            sim = sim.with(name, value);
        }
        sim
    }

    fn run(&mut self, now: &str, inputs: &[(&str, &str)]) -> SimReport {
        let r = self.sim(now, inputs).run();
        assert_eq!(r.exit_code(), 0, "{now}:\n{r}");
        r
    }

    /// Slack messages, webhook documents and incident issues so far.
    fn told(&self) -> (usize, usize, usize) {
        (
            messages(&self.slack).len(),
            webhook_documents(&self.receivers, None).len(),
            self.github.issues().len(),
        )
    }
}

fn uptime(r: &SimReport) -> Value {
    serde_json::from_str(&r.out("uptime")).unwrap_or_else(|e| panic!("uptime: {e}\n{r}"))
}

/// The summary and the log say why nothing is announced, once each.
fn says_inside(r: &SimReport, line: &str) {
    assert_eq!(
        r.summary().matches(line).count(),
        1,
        "{line}\n{}",
        r.summary()
    );
    let log = r.log();
    assert_eq!(
        log.iter().filter(|l| l.contains(line)).count(),
        1,
        "{line}\n{log:#?}"
    );
}

const SEOUL: (&str, &str) = ("quiet-hours", "03:00-09:00 Asia/Seoul");
const SEOUL_LINE: &str = "Inside quiet hours 03:00–09:00 Asia/Seoul (until 09:00 KST): outages are recorded, not announced";

#[test]
fn an_outage_inside_quiet_hours_is_told_once_on_the_first_run_after() {
    // 03:00-09:00 KST is 18:00-24:00 UTC.
    let mut m = Monitor::new(&[200, 503, 503, 503, 503, 503, 200]);
    let r = m.run("2026-12-03T17:50:00Z", &[SEOUL]);
    assert!(!r.summary().contains("quiet hours"), "{}", r.summary());
    // Down inside the window: checked and recorded, nothing sent, the summary says why.
    for now in [
        "2026-12-03T18:10:00Z",
        "2026-12-03T18:40:00Z",
        "2026-12-03T23:55:00Z",
    ] {
        let r = m.run(now, &[SEOUL]);
        assert_eq!(r.out("status"), "down", "{r}");
        says_inside(&r, SEOUL_LINE);
        let why = "inside quiet hours 03:00–09:00 Asia/Seoul, until 09:00 KST";
        for channel in [
            "Slack: no message",
            "Webhook: no message",
            "GitHub issues: nothing to do",
        ] {
            let line = format!("{channel} ({why})");
            assert!(r.summary().contains(&line), "{line}\n{}", r.summary());
        }
        assert_eq!(m.told(), (0, 0, 0), "{now}:\n{r}");
        let incidents = &uptime(&r)[0]["incidents"];
        assert_eq!(incidents[0]["ongoing"], true, "{incidents}");
        assert_eq!(incidents[0]["start"], "2026-12-03T18:10:00Z");
    }
    assert_eq!(m.site.hits("/health"), 4);
    // The first run after the window: one outage message on every channel, the true start.
    let r = m.run("2026-12-04T00:00:00Z", &[SEOUL]);
    assert!(
        !r.summary().contains("Inside quiet hours"),
        "{}",
        r.summary()
    );
    assert_eq!(m.told(), (1, 1, 1), "{r}");
    let text = all_text(&messages(&m.slack)[0]);
    assert!(text.contains("down since 2026-12-03 18:10 UTC"), "{text}");
    let issue = &m.github.issues()[0];
    let body = issue["body"].as_str().unwrap();
    assert!(
        body.lines()
            .next()
            .unwrap()
            .contains("since=2026-12-03T18:10:00Z"),
        "{body}"
    );
    let (_, doc) = &webhook_documents(&m.receivers, None)[0];
    assert_eq!(doc["results"][0]["down_since"], "2026-12-03T18:10:00Z");
    // Still down: told once only.
    m.run("2026-12-04T00:10:00Z", &[SEOUL]);
    assert_eq!(m.told(), (1, 1, 1));
    // Back up: the recovery is told, and the issue closed.
    m.run("2026-12-04T00:20:00Z", &[SEOUL]);
    assert_eq!(m.told(), (2, 2, 1));
    assert!(all_text(&messages(&m.slack)[1]).contains("back up"));
    assert!(m.github.open_issues().is_empty());
}

#[test]
fn a_url_down_and_back_inside_a_window_across_midnight_is_never_told() {
    // 22:00-02:00 in Berlin is 21:00-01:00 UTC in December.
    let quiet = ("quiet-hours", "22:00-02:00 Europe/Berlin");
    let mut m = Monitor::new(&[200, 503, 503, 200, 200, 200]);
    m.run("2026-12-03T20:50:00Z", &[quiet]);
    m.run("2026-12-03T21:30:00Z", &[quiet]);
    let r = m.run("2026-12-03T23:30:00Z", &[quiet]);
    assert_eq!(r.out("status"), "down");
    // After midnight, the window that began the evening before still holds.
    let r = m.run("2026-12-04T00:30:00Z", &[quiet]);
    assert_eq!(r.out("status"), "up");
    says_inside(
        &r,
        "Inside quiet hours 22:00–02:00 Europe/Berlin (until 02:00 CET): outages are recorded, not announced",
    );
    for now in ["2026-12-04T01:00:00Z", "2026-12-04T01:10:00Z"] {
        let r = m.run(now, &[quiet]);
        assert!(
            !r.summary().contains("Inside quiet hours"),
            "{}",
            r.summary()
        );
    }
    assert_eq!(m.told(), (0, 0, 0));
    // The history keeps the outage.
    let r = m.run("2026-12-04T01:20:00Z", &[quiet]);
    let incidents = uptime(&r)[0]["incidents"].clone();
    assert_eq!(incidents.as_array().unwrap().len(), 1, "{incidents}");
    assert_eq!(incidents[0]["start"], "2026-12-03T21:30:00Z");
    assert_eq!(incidents[0]["end"], "2026-12-04T00:30:00Z");
    assert_eq!(m.told(), (0, 0, 0));
}

#[test]
fn a_window_on_the_spring_forward_day_ends_by_the_local_clock() {
    // 2026-03-29 in Berlin: 01:00 CET is 00:00 UTC, and 04:00 is summer time, 02:00 UTC.
    let quiet = ("quiet-hours", "01:00-04:00 Europe/Berlin");
    let mut m = Monitor::new(&[200, 503, 503, 503, 503]);
    m.run("2026-03-28T23:50:00Z", &[quiet]);
    let r = m.run("2026-03-29T00:30:00Z", &[quiet]);
    says_inside(
        &r,
        "Inside quiet hours 01:00–04:00 Europe/Berlin (until 04:00 CEST): outages are recorded, not announced",
    );
    // 03:59 summer time: still inside.
    m.run("2026-03-29T01:59:00Z", &[quiet]);
    assert_eq!(m.told(), (0, 0, 0));
    // 04:00 summer time: the window is over (a fixed winter offset would say 03:00 CET).
    let r = m.run("2026-03-29T02:00:00Z", &[quiet]);
    assert_eq!(m.told(), (1, 1, 1), "{r}");
    assert!(all_text(&messages(&m.slack)[0]).contains("down since 00:30 UTC"));
    m.run("2026-03-29T02:10:00Z", &[quiet]);
    assert_eq!(m.told(), (1, 1, 1));
}

#[test]
fn a_recovery_of_an_outage_told_before_maintenance_is_told_inside_it() {
    let maintenance = (
        "maintenance",
        "2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin",
    );
    let mut m = Monitor::new(&[503, 503, 200, 503, 503]);
    // Down before the window (04:00 UTC the day before): told.
    m.run("2026-12-04T04:00:00Z", &[maintenance]);
    assert_eq!(m.told(), (1, 1, 1));
    // Inside (02:00-04:00 CET is 01:00-03:00 UTC): still down, no reminder; back up, told.
    let line = "Inside the maintenance window 2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin (until 04:00 CET): outages are recorded, not announced";
    let r = m.run(
        "2026-12-05T01:00:00Z",
        &[maintenance, ("remind-every", "1m")],
    );
    says_inside(&r, line);
    assert_eq!(m.told(), (1, 1, 1));
    m.run("2026-12-05T01:30:00Z", &[maintenance]);
    assert_eq!(m.told(), (2, 2, 1));
    assert!(m.github.open_issues().is_empty());
    // Down again inside: held; still down when it ends at 03:00 UTC: told then.
    m.run("2026-12-05T02:00:00Z", &[maintenance]);
    assert_eq!(m.told(), (2, 2, 1));
    m.run("2026-12-05T03:00:00Z", &[maintenance]);
    assert_eq!(m.told(), (3, 3, 2));
    assert!(all_text(&messages(&m.slack)[2]).contains("down since 02:00 UTC"));
}

#[test]
fn bad_windows_are_input_errors_and_send_nothing() {
    let cases = [
        (
            "quiet-hours",
            "03:00-09:00 Asia/Seul",
            "\"Asia/Seul\" is not a time zone name",
        ),
        (
            "quiet-hours",
            "03:00-9am Asia/Seoul",
            "\"9am\" is not a time of day",
        ),
        (
            "quiet-hours",
            "09:00-09:00 UTC",
            "starts and ends at the same time",
        ),
        ("quiet-hours", "03:00-09:00", "names no time zone"),
        (
            "maintenance",
            "2026-12-05T04:00/2026-12-05T02:00 Europe/Berlin",
            "ends before it starts",
        ),
        (
            "maintenance",
            "2026-12-05T02:00/2026-12-05T04:00",
            "has no offset",
        ),
    ];
    for (input, value, why) in cases {
        let mut m = Monitor::new(&[503]);
        let r = m.sim("2026-12-05T02:30:00Z", &[(input, value)]).run();
        assert_eq!(r.exit_code(), 2, "{input}: {value}\n{r}");
        let errors = r.annotations("error");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains(&format!("input `{input}`")) && errors[0].contains(why),
            "{errors:?}"
        );
        assert_eq!(m.site.hits("/health"), 0, "nothing is checked");
        assert_eq!(m.told(), (0, 0, 0));
        assert!(m.github.calls().is_empty());
    }
}

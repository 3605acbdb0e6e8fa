//! One run from start to end, as phases: read inputs, mask secrets, load the state, check, heal,
//! carry the results through the state, show them, tell Slack (with the heartbeat alongside),
//! save the state, then write every report even when checks fail or the run is cancelled.
//! Returns the exit code; `main` only calls this. Everything it says goes through `log`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use tokio_util::sync::CancellationToken;

use crate::config::{raw_secrets, Config, InputError, RawInputs};
use crate::github::context::RunContext;
use crate::github::{annotations, commands, outputs, summary};
use crate::log::Log;
use crate::report::{HealReport, HookAnswer, RunReport, RunView, Signal};
use crate::state;
use crate::text::format_duration;

/// Check URLs with retries and report like a GitHub Action.
#[derive(Debug, Parser)]
#[command(name = "upcheck", version, about, long_about = None)]
pub struct Cli {
    /// URLs to check (http or https); also read from the `url` input
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    #[command(flatten)]
    pub inputs: RawInputs,
    /// Print the results as JSON instead of the readable report (local runs)
    #[arg(long)]
    pub json: bool,
    /// With --every: one line per round as well as one per change
    #[arg(long)]
    pub verbose: bool,
}

/// The process's exit codes, as the contract fixes them; when several apply, the highest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Healthy = 0,
    Down = 1,
    BadInput = 2,
    ToolFailed = 3,
}

/// Where this run reports, read from the environment once: the GitHub runner's files and log,
/// or a terminal, and the workflow run around the step.
#[derive(Debug, Clone)]
pub struct Surroundings {
    /// `GITHUB_ACTIONS=true`: workflow commands are read from stdout.
    pub actions: bool,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
    pub slack_env: Option<String>,
    /// `SSL_CERT_FILE`: more roots for every client.
    pub ssl_cert_file: Option<PathBuf>,
    /// Where the state lives: the monitor, the runner's directories, the ref.
    pub place: state::Place,
    /// The repository, run and commit (`GITHUB_*` and the event payload), for Slack.
    pub run: RunContext,
    /// When the step started: the time limit of the network calls after the checks counts
    /// from here.
    pub started: Instant,
    /// `UPCHECK_NOW`: a fixed "now" (a testing aid), else the system clock.
    pub clock: crate::clock::Clock,
    /// `UPCHECK_NOW` was set to something that is not a time: an input error.
    pub clock_error: Option<crate::clock::BadClock>,
}

impl Surroundings {
    pub fn from_env() -> Surroundings {
        let started = Instant::now();
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let clock =
            crate::clock::Clock::from_value(std::env::var(crate::clock::VAR).ok().as_deref());
        Surroundings {
            actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            output_file: path("GITHUB_OUTPUT"),
            summary_file: path("GITHUB_STEP_SUMMARY"),
            slack_env: std::env::var("SLACK_WEBHOOK_URL").ok(),
            ssl_cert_file: path("SSL_CERT_FILE"),
            place: state::Place::from_env(),
            run: RunContext::from_env(),
            started,
            clock: clock.clone().unwrap_or_default(),
            clock_error: clock.err(),
        }
    }
}

/// The state between runs, when `state-file` is set: where it is saved and what it holds. In
/// rounds without a state file, the state lives in memory only (`path` is `None`), so that
/// thresholds and changes still carry from one round to the next.
struct Memory {
    path: Option<PathBuf>,
    state: state::State,
}

/// What every phase of a run reads: the surroundings, the inputs, both clients, the signals
/// and how the report is shown.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    log: Log,
    env: &'a Surroundings,
    config: &'a Config,
    client: &'a reqwest::Client,
    side: &'a reqwest::Client,
    signals: &'a Signals,
    json: bool,
    verbose: bool,
}

/// How one round differs from a single run.
#[derive(Debug, Clone, Copy)]
struct Pace {
    /// A round of a loop (`every` with `run-for`, or watch mode), not the one round of a run.
    looping: bool,
    /// The first round of the loop (or the single run).
    first: bool,
    /// The last planned round of the loop (or the single run).
    last: bool,
    /// `UPCHECK_NOW` for this round: the fixed time plus the round's slot.
    at: Option<time::OffsetDateTime>,
    /// When the round started: its network calls are done by a deadline counted from here.
    started: Instant,
    /// The heartbeat goes out this round.
    heartbeat: bool,
    /// A round of a loop cut short during its checks, with rounds before it, is dropped.
    drop_if_cut: bool,
}

impl Pace {
    fn single(env: &Surroundings) -> Pace {
        Pace {
            looping: false,
            first: true,
            last: true,
            at: env.clock.fixed(),
            started: env.started,
            heartbeat: true,
            drop_if_cut: false,
        }
    }
}

/// What a loop carries from one round to the next.
#[derive(Debug, Default)]
struct Carry {
    /// The restart hook was called in the current outage: not again until no URL counts as down.
    healed: bool,
    /// The last round recorded in the history, and the last one not recorded (recorded before a
    /// change, so that a change's time is exact to one round).
    recorded_at: Option<time::OffsetDateTime>,
    unrecorded: Option<(RunReport, time::OffsetDateTime)>,
    /// A state file that cannot be written is said once.
    save_warned: bool,
    /// A single run's state, being read while the first round's checks run, and the summary's
    /// note on it once read.
    loading: Option<Loading>,
    state_note: Option<String>,
}

/// The state file being read on a thread of its own.
#[derive(Debug)]
enum Loading {
    Reading(std::thread::JoinHandle<state::Opened>),
    /// No thread could be started: read at once.
    Read(Box<state::Opened>),
}

impl Loading {
    fn start(env: &Surroundings, config: &Config) -> Loading {
        let (settings, targets, place) = (
            config.state.clone(),
            config.targets.clone(),
            env.place.clone(),
        );
        let read = move || state::open(&settings, &targets, &place);
        match std::thread::Builder::new()
            .name("state".into())
            .spawn(read.clone())
        {
            Ok(t) => Loading::Reading(t),
            Err(_) => Loading::Read(Box::new(read())),
        }
    }

    /// The state and the summary's note, its warnings said.
    fn join(self, log: Log) -> (Option<Memory>, Option<String>) {
        let opened = match self {
            Loading::Read(o) => *o,
            Loading::Reading(t) => t.join().unwrap_or_else(|_| state::Opened {
                memory: None,
                warnings: vec!["the state could not be read; this run starts fresh".into()],
                note: None,
            }),
        };
        remembered(log, opened)
    }
}

/// What one round came to.
struct RoundEnd {
    report: RunReport,
    slack: crate::slack::Outcome,
    others: Others,
    /// What delivery failures and a cancel while telling add to the exit code.
    exit: Exit,
    /// The status page could not be written.
    site_failed: bool,
    /// Inside a quiet window: the line that says so, for the summary.
    quiet_line: Option<String>,
    /// A single run's state is still to be saved (it is written beside the status page and the
    /// outputs: `single`).
    save_due: bool,
}

/// One run: inputs, masks, clients and the state, then one round of checks and messages, or
/// rounds every `every` (until `run-for` has passed, or until stopped on a terminal), then the
/// outputs and the summary once.
pub async fn run(cli: Cli, env: Surroundings) -> Exit {
    // First of all: as PID 1 of a container, a signal that comes before its handler is ignored.
    let signals = Signals::listen();
    let log = Log::new(env.actions);
    let config = match read_config(cli.urls, cli.inputs, &env, log) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    mask(log, &config.secrets);
    if let Some(e) = &env.clock_error {
        log.fail("upcheck: invalid input", &e.to_string());
        return Exit::BadInput;
    }
    let Some((client, side)) = clients(log, &env, &config) else {
        return Exit::ToolFailed;
    };
    let ctx = Ctx {
        log,
        env: &env,
        config: &config,
        client: &client,
        side: &side,
        signals: &signals,
        json: cli.json,
        verbose: cli.verbose,
    };
    match looping(log, &env, &config) {
        None => {
            // The checks never read the state: it is read meanwhile, and taken after them.
            let mut memory = None;
            let mut scratch = crate::history::History::new();
            let pace = Pace::single(&env);
            let mut carry = Carry {
                loading: Some(Loading::start(&env, &config)),
                ..Carry::default()
            };
            // A single run's round is never dropped (`drop_if_cut` is false).
            let Some(end) = round(ctx, &mut memory, &mut scratch, pace, &mut carry).await else {
                return Exit::Down;
            };
            let mut tally = crate::rounds::Tally::new(None);
            tally.add(&end.report, end.report.started_at);
            let state_note = carry.state_note.take();
            single(
                ctx,
                memory.as_ref(),
                &scratch,
                &end,
                &tally,
                state_note.as_deref(),
            )
        }
        Some(schedule) => {
            let (memory, state_note) = load_state(log, &env, &config);
            rounds(ctx, schedule, memory, state_note).await
        }
    }
}

/// The schedule of the rounds, when this run loops: `every` with `run-for`, or `every` alone on
/// a terminal (watch mode, until stopped). In a workflow, `every` without `run-for` checks once.
fn looping(log: Log, env: &Surroundings, config: &Config) -> Option<crate::rounds::Schedule> {
    let schedule = config.rounds?;
    if schedule.run_for.is_none() && env.actions {
        log.warn(
            "every is set without run-for: a workflow step checks once; set run-for (e.g. 4m30s) \
             for rounds inside the step",
        );
        return None;
    }
    Some(schedule)
}

/// Rounds on a fixed grid until `run-for` has passed or a signal comes; each change told at
/// once, the state saved after every round, the outputs and the summary written once at the end.
async fn rounds(
    ctx: Ctx<'_>,
    schedule: crate::rounds::Schedule,
    memory: Option<Memory>,
    state_note: Option<String>,
) -> Exit {
    use crate::rounds::{Stop, Tally, HEARTBEAT_EVERY};
    let Ctx {
        log, env, signals, ..
    } = ctx;
    let mut memory = Some(memory.unwrap_or_else(|| Memory {
        path: None,
        state: state::State::default(),
    }));
    let mut scratch = crate::history::History::new();
    let mut tally = Tally::new(Some(schedule));
    let mut carry = Carry::default();
    let (mut exit, mut site_failed) = (Exit::Healthy, false);
    let mut last: Option<RoundEnd> = None;
    let mut last_beat: Option<Instant> = None;
    let first_start = Instant::now();
    let fixed = env.clock.fixed();
    let (mut index, mut offset) = (0u64, std::time::Duration::ZERO);
    log.info(&format!("Rounds: {}", schedule.describe()));
    loop {
        let is_last = schedule
            .run_for
            .is_some_and(|run_for| schedule.offset(index + 1) >= run_for);
        let started = Instant::now();
        let pace = Pace {
            looping: true,
            first: index == 0,
            last: is_last,
            at: fixed.map(|t| t + offset),
            started,
            heartbeat: index == 0
                || is_last
                || last_beat.is_none_or(|b| started.duration_since(b) >= HEARTBEAT_EVERY),
            drop_if_cut: last.is_some(),
        };
        if pace.heartbeat && ctx.config.heartbeat_url.is_some() {
            last_beat = Some(started);
        }
        let Some(end) = round(ctx, &mut memory, &mut scratch, pace, &mut carry).await else {
            tally.stop = Some(Stop::InRound(signals.which()));
            break;
        };
        let at = end.report.started_at;
        for (i, change) in tally.add(&end.report, at) {
            let label = end.report.results[i].named_url();
            log.info(&crate::rounds::change_line(&label, &change));
        }
        if ctx.verbose || log.on_actions() {
            log.info(&crate::rounds::round_line(
                index,
                schedule.planned(),
                &end.report,
                at,
            ));
        }
        exit = exit.max(end.exit);
        site_failed |= end.site_failed;
        let cut = end.report.cancelled.is_some();
        last = Some(match last {
            Some(before) => fold(before, end),
            None => end,
        });
        if cut {
            break;
        }
        if signals.cancel.is_cancelled() {
            tally.stop = Some(Stop::AfterRound(signals.which()));
            break;
        }
        let Some(next) = schedule.next(index, first_start.elapsed()) else {
            break;
        };
        if next.skipped > 0 {
            tally.skipped += next.skipped;
            // Said once as a warning (the summary counts every skip), then per round with
            // --verbose only: a slow network must not fill the log with one warning a round.
            let say = |line: &str| {
                if tally.skipped == next.skipped {
                    log.warn(line);
                } else if ctx.verbose {
                    log.info(line);
                }
            };
            say(&format!(
                "round {} took longer than every ({}): {} round{} skipped, the next starts on its own slot",
                index + 1,
                crate::text::format_duration(schedule.every),
                next.skipped,
                if next.skipped == 1 { "" } else { "s" }
            ));
        }
        let wake = first_start + next.at;
        tokio::select! {
            () = tokio::time::sleep_until(wake.into()) => {}
            () = signals.cancel.cancelled() => {
                tally.stop = Some(Stop::AfterRound(signals.which()));
                break;
            }
        }
        (index, offset) = (next.index, next.at);
    }
    let Some(end) = last else {
        // Cut short during the first round: nothing to report beyond the signal (never
        // reached: the first round is never dropped).
        return Exit::Down;
    };
    // The last round goes into the history even when it brought no change.
    if let (Some(m), Some(held)) = (&mut memory, carry.unrecorded.take()) {
        record_held(log, &mut m.state.history, held, "the last round");
        save(log, m, &mut carry);
    }
    log.info(&format!("Rounds: {}", tally.headline()));
    let history = memory.as_ref().map_or(&scratch, |m| &m.state.history);
    let exit = exit.max(if site_failed {
        Exit::ToolFailed
    } else {
        Exit::Healthy
    });
    finish(
        ctx,
        history,
        &end,
        &tally,
        state_note.as_deref(),
        exit,
        None,
    )
}

/// Record a round held back from the history (a loop records a round that changed nothing only
/// once a minute); a round the history refuses is a warning.
fn record_held(
    log: Log,
    history: &mut crate::history::History,
    (mut report, at): (RunReport, time::OffsetDateTime),
    which: &str,
) {
    let errors = crate::history::run::record_run(history, &mut report, at);
    if let Some(e) = errors.first() {
        log.warn(&format!("the history did not record {which}: {e}"));
    }
}

/// Two rounds' outcomes as one for the outputs and the summary: the later report; Slack's and
/// the other channels' latest word that says something (a delivery, a failure), else the later.
fn fold(before: RoundEnd, after: RoundEnd) -> RoundEnd {
    use crate::slack::Outcome;
    let says = |o: &Outcome| !matches!(o, Outcome::NotConfigured | Outcome::Skipped { .. });
    let slack = if says(&after.slack) || !says(&before.slack) {
        after.slack
    } else {
        before.slack
    };
    let others = if after.others.notified || !after.others.errors.is_empty() {
        after.others
    } else if before.others.notified || !before.others.errors.is_empty() {
        before.others
    } else {
        after.others
    };
    RoundEnd {
        report: after.report,
        slack,
        others,
        exit: before.exit.max(after.exit),
        site_failed: before.site_failed || after.site_failed,
        quiet_line: after.quiet_line,
        save_due: before.save_due || after.save_due,
    }
}

/// One round: checks → heal → state transitions → history → (a single run: console and
/// annotations) → Slack, the other channels, the issues and the heartbeat at once → digest →
/// what was told, into the state → state save. `None`: a loop's round cut short by a signal
/// during its checks (with rounds before it), dropped whole.
async fn round(
    ctx: Ctx<'_>,
    memory: &mut Option<Memory>,
    scratch: &mut crate::history::History,
    pace: Pace,
    carry: &mut Carry,
) -> Option<RoundEnd> {
    let Ctx {
        env,
        config,
        client,
        side,
        signals,
        ..
    } = ctx;
    // Rounds after the first say what changed, not what stayed the same.
    let log = if pace.looping && !pace.first && !ctx.verbose {
        ctx.log.quiet()
    } else {
        ctx.log
    };
    let settings = crate::check::Settings::of(config, env.actions);
    let mut report = crate::check::run(
        &config.targets,
        config.concurrency,
        settings,
        client,
        &signals.cancel,
        || signals.caught(),
    )
    .await;
    if let Some(loading) = carry.loading.take() {
        (*memory, carry.state_note) = loading.join(ctx.log);
    }
    if pace.drop_if_cut && report.cancelled.is_some() {
        return None;
    }
    if let Some(now) = pace.at {
        report.started_at = now;
    }
    let thresholds = state::Thresholds {
        failure: config.state.failure_threshold,
        success: config.state.success_threshold,
    };
    let now = report.started_at;
    if !carry.healed {
        heal_phase(
            log,
            env,
            config,
            &mut report,
            memory.as_mut().map(|m| &mut m.state),
            thresholds,
            settings,
            client,
            side,
            signals,
        )
        .await;
    }

    let (remind, ended) = match memory.as_mut() {
        Some(m) => {
            state::apply(&mut report, &mut m.state, thresholds, now);
            (
                state::reminder_due(&report, &m.state, config.state.remind_every, now),
                state::ended_incidents(&report, &m.state),
            )
        }
        None => (false, Vec::new()),
    };
    // What the quiet windows hold back, for this run's instant; said once in the log.
    let quiet = crate::policy::Quiet::of(&report, config.windows.active(now), |r| {
        let saved = memory.as_ref().and_then(|m| m.state.urls.get(&r.key));
        saved.is_some_and(|s| s.held)
    });
    let quiet_line = quiet.inside.as_ref().map(crate::window::Active::line);
    quiet_line.iter().for_each(|line| log.note(line));
    if pace.looping {
        // Once per outage in a loop: the hook waits until no URL counts as down.
        carry.healed = (carry.healed || report.heal.is_some()) && report.down().next().is_some();
    }
    // Some URL's counted status changed, or the hook was called (whether or not a window
    // holds the news back).
    let changed =
        report.heal.is_some() || report.results.iter().any(crate::report::UrlResult::changed);

    // The history (without a state file, this run's alone): rebuilt from history-url when
    // empty, then this run recorded on the final results, before anything shows them. In a
    // loop, a round is recorded when something changed, and otherwise once a minute.
    let history = memory
        .as_mut()
        .map_or(&mut *scratch, |m| &mut m.state.history);
    let (h, cancel) = (&config.history, &signals.cancel);
    let record = !pace.looping
        || pace.first
        || changed
        || carry
            .recorded_at
            .is_none_or(|t| (now - t).unsigned_abs() >= crate::rounds::HISTORY_EVERY);
    if record {
        if let Some(held) = carry.unrecorded.take().filter(|_| changed) {
            record_held(log, history, held, "the round before the change");
        }
        let notes =
            crate::history_io::update(h, &config.targets, history, &mut report, side, cancel, now)
                .await;
        notes.warnings.iter().for_each(|w| log.warn(w));
        notes.info.iter().for_each(|line| log.info(line));
        carry.recorded_at = Some(now);
        carry.unrecorded = None;
    } else {
        carry.unrecorded = Some((report.clone(), now));
    }

    let view = RunView::new(&report);
    if !pace.looping {
        show(log, ctx.json, &view);
    }

    let deadline = crate::deadline::network_deadline(pace.started, Instant::now());
    let heartbeat = async {
        match (&config.heartbeat_url, report.cancelled, pace.heartbeat) {
            (Some(url), None, true) => Some(heartbeat(side, url, &signals.cancel, deadline).await),
            _ => None,
        }
    };
    let tell = async {
        let told = tell_slack(
            log,
            env,
            config,
            &view,
            remind,
            &quiet,
            ended.first(),
            side,
            signals,
            deadline,
        )
        .await;
        // A signal during the Slack phase leaves the outage messages as they are.
        let cancelled = signals.cancel.is_cancelled();
        if !ended.is_empty() && !cancelled && memory.is_some() {
            resolve(log, config, &ended, &view, side, signals, deadline).await;
        }
        (told, cancelled)
    };
    // Slack, the other channels, the incident issues and the heartbeat at once, each done by
    // the same deadline. In a loop, the issues are looked at in the first round and when
    // something changed or a reminder is due (each look costs API calls).
    let channels = tell_channels(
        log, config, &report, remind, &quiet, env, side, signals, deadline,
    );
    let issues_due = !pace.looping || pace.first || pace.last || changed || remind;
    let issues = async {
        if issues_due {
            crate::github::issues::notify(
                config,
                &report,
                &quiet,
                &env.run,
                side,
                &signals.cancel,
                deadline,
            )
            .await
        } else {
            crate::github::issues::ChannelOutcome::Skipped("no URL changed this round".into())
        }
    };
    // Keepalive once a run (the first round of a loop).
    let last_kept = memory.as_ref().and_then(|m| m.state.keepalive_enabled);
    let keepalive = async {
        if pace.first {
            keepalive(config, &report, &env.run, side, last_kept, deadline).await
        } else {
            None
        }
    };
    let (((slack, slack_exit), cancelled), beat, (channels, channels_exit), issues, kept) =
        tokio::join!(tell, heartbeat, channels, issues, keepalive);
    if let Some(kept) = &kept {
        tell_keepalive(log, kept);
        if let (Some(at), Some(m)) = (kept.enabled_at(), memory.as_mut()) {
            m.state.keepalive_enabled = Some(at);
        }
    }
    let mut exit = slack_exit.max(channels_exit);
    if issues_due {
        exit = exit.max(tell_issues(log, config, &issues));
    }
    // A cancel that cut a channel short, unless the Slack phase has said so already (exit 1).
    if channels.cut_short() && slack_exit != Exit::Down && report.cancelled.is_none() {
        let signal = signals.which();
        log.fail(
            "upcheck was cancelled",
            &format!(
                "cancelled by {signal} while telling the channels; the checks had finished: {}",
                report.headline()
            ),
        );
        exit = exit.max(Exit::Down);
    }
    let others = Others::of(config, &channels, &issues);

    // The digest, when due, by the same deadline.
    if let Some(m) = memory.as_mut() {
        let budget = deadline.saturating_duration_since(Instant::now());
        let sent = crate::history_io::digest(
            config,
            &mut m.state,
            &report,
            &env.run,
            side,
            cancel,
            budget,
            now,
        )
        .await;
        match sent {
            Some(Ok(line)) => log.info(&line),
            Some(Err(warning)) => log.warn(&warning),
            None => {}
        }
    }

    let mut save_due = false;
    if let Some(m) = memory.as_mut() {
        let told = state::OthersTold {
            notified: channels.notified(),
            lost: channels.failed().next().is_some(),
        };
        state::record_slack(&report, &mut m.state, &slack, told, now, cancelled);
        state::record_quiet(&report, &mut m.state, &quiet, &slack, told);
        // In a loop, the state is written when the round changed it beyond the list of runs
        // (a status, a threshold's count, a message, the hook, keepalive), and otherwise with
        // the history once a minute: a file synced every 2 ms would be the loop's whole cost.
        let counting = report.results.iter().any(|r| {
            r.memory
                .as_ref()
                .is_some_and(|m| m.held.is_some() || m.observed != r.status)
        });
        let told_something = !matches!(
            slack,
            crate::slack::Outcome::Skipped { .. } | crate::slack::Outcome::NotConfigured
        ) || channels.notified()
            || channels.failed().next().is_some();
        if !pace.looping {
            save_due = m.path.is_some();
        } else if record || counting || told_something || kept.is_some() {
            save(log, m, carry);
        }
    }
    match beat {
        Some(Ok(_)) if pace.looping => {}
        Some(Ok(_)) if log.on_actions() => log.info("Heartbeat: sent"),
        Some(Ok(_)) => log.info("heartbeat sent"),
        Some(Err(e)) => log.warn(&e.to_string()),
        None => {}
    }
    // In a loop, the status page follows the history as it is recorded.
    let mut site_failed = false;
    if pace.looping && record {
        let history = memory.as_ref().map_or(&*scratch, |m| &m.state.history);
        let shown = crate::history_io::shown(history, &config.targets);
        let site = crate::history_io::site_phase(h, &env.place, &shown, now, None);
        if site.failed {
            site.warnings.iter().for_each(|w| log.warn(w));
            site_failed = true;
        }
    }
    Some(RoundEnd {
        report,
        slack,
        others,
        exit,
        site_failed,
        quiet_line,
        save_due,
    })
}

/// The end of a single run: the state is saved on a thread of its own while `finish` renders
/// the views, writes the status page, the outputs and the summary (both only read the state,
/// and on a machine with two cores neither waits for the other); a failed save is a warning,
/// said once both are done.
fn single(
    ctx: Ctx<'_>,
    memory: Option<&Memory>,
    scratch: &crate::history::History,
    end: &RoundEnd,
    tally: &crate::rounds::Tally,
    state_note: Option<&str>,
) -> Exit {
    let history = memory.map_or(scratch, |m| &m.state.history);
    let saving = memory
        .filter(|_| end.save_due)
        .and_then(|m| m.path.as_deref().map(|path| (path, &m.state)));
    // The state file and history.json hold the same packed columns: packed once for both.
    let packs = saving
        .filter(|_| ctx.config.history.status_dir.is_some())
        .map(|(_, state)| crate::history::Packs::new(&state.history));
    let packs = packs.as_ref();
    let (exit, saved) = std::thread::scope(|s| {
        let saver = saving.map(|(path, state)| {
            (
                path,
                crate::beside::run(s, move || state::file::save_with(path, state, packs)),
            )
        });
        let exit = finish(ctx, history, end, tally, state_note, end.exit, packs);
        let saved = saver.map(|(path, t)| (path, t.join()));
        (exit, saved)
    });
    if let Some((path, Err(e))) = saved {
        ctx.log.warn(&save_warning(path, &e));
    }
    exit
}

/// What a failed save says.
fn save_warning(path: &std::path::Path, e: &std::io::Error) -> String {
    format!(
        "the state could not be saved to {} ({e}); the next run starts fresh",
        path.display()
    )
}

/// Save the state, when it has a file; a failure is a warning (once in a loop).
fn save(log: Log, m: &Memory, carry: &mut Carry) {
    let Some(path) = &m.path else { return };
    if let Err(e) = state::file::save(path, &m.state) {
        if !carry.save_warned {
            log.warn(&save_warning(path, &e));
        }
        carry.save_warned = true;
    }
}

/// The end of a run: (after rounds) the last round's report on the console, then the history's
/// views, the status page, the outputs and the summary, once.
fn finish(
    ctx: Ctx<'_>,
    history: &crate::history::History,
    end: &RoundEnd,
    tally: &crate::rounds::Tally,
    state_note: Option<&str>,
    exit: Exit,
    packs: Option<&crate::history::Packs<'_>>,
) -> Exit {
    let Ctx {
        log, env, config, ..
    } = ctx;
    let report = &end.report;
    let view = RunView::new(report);
    if tally.schedule.is_some() {
        show(log, ctx.json, &view);
    }
    let mut exit = exit.max(verdict_exit(report, config.fail_on_down));
    let now = report.started_at;
    let shown = crate::history_io::shown(history, &config.targets);
    // The status page is written while the views are rendered: both only read the history,
    // and each URL's figures are worked out once, by whichever asks first.
    let (views, site) = std::thread::scope(|s| {
        let site = crate::beside::run(s, || {
            crate::history_io::site_phase(&config.history, &env.place, &shown, now, packs)
        });
        let views = crate::history_io::views(&shown, now);
        (views, site.join())
    });
    site.warnings.iter().for_each(|w| log.warn(w));
    site.info.iter().for_each(|line| log.info(line));
    if site.failed {
        exit = exit.max(Exit::ToolFailed);
    }
    exit = exit.max(write_files(
        log,
        env,
        config,
        &view,
        &end.slack,
        &end.others,
        state_note,
        end.quiet_line.as_deref(),
        &views,
        tally,
    ));
    if exit == Exit::Down && !log.on_actions() && report.cancelled.is_some() {
        log.info("cancelled before every check finished");
    }
    exit
}

/// `::add-mask::` for every secret (Actions only).
fn mask(log: Log, secrets: &[String]) {
    for line in commands::mask_lines(secrets) {
        log.command(&line);
    }
}

/// One trust store (webpki roots, `ca-cert`, `SSL_CERT_FILE`) for every client: the checks' and
/// the side channels' (Slack, the hook, the heartbeat, the GitHub API). `None`: the run cannot
/// go on, and the error has been said.
fn clients(
    log: Log,
    env: &Surroundings,
    config: &Config,
) -> Option<(reqwest::Client, reqwest::Client)> {
    let built = crate::net::Trust::new(
        config.request.ca_pem.as_deref(),
        env.ssl_cert_file.as_deref(),
    )
    .and_then(|(trust, warning)| {
        let check = crate::check::build_client(&config.request, &trust)?;
        Ok((check, crate::net::side_client(&trust)?, warning))
    });
    match built {
        Ok((check, side, warning)) => {
            if let Some(warning) = warning {
                log.warn(&warning);
            }
            Some((check, side))
        }
        Err(e) => {
            log.fail("upcheck failed", &e.to_string());
            None
        }
    }
}

/// The saved state of this monitor (which file, which monitor: `state::open`), and the
/// summary's note on it; a file that cannot be used is a fresh start, with a warning.
fn load_state(log: Log, env: &Surroundings, config: &Config) -> (Option<Memory>, Option<String>) {
    remembered(log, state::open(&config.state, &config.targets, &env.place))
}

/// What an opened state comes to: its warnings said, the memory and the summary's note.
fn remembered(log: Log, opened: state::Opened) -> (Option<Memory>, Option<String>) {
    for warning in &opened.warnings {
        log.warn(warning);
    }
    let memory = opened.memory.map(|(path, state)| Memory {
        path: Some(path),
        state,
    });
    (memory, opened.note)
}

/// The readable report (or `--json`), then the annotations (Actions only).
fn show(log: Log, json: bool, view: &RunView) {
    if json {
        log.report(&serde_json::to_string_pretty(&view.report.results_json()).unwrap_or_default());
    } else {
        log.report(&crate::console::render(view));
    }
    for line in annotations::render(view) {
        log.command(&line);
    }
}

/// The restart hook: when a URL counts as down (thresholds applied) and the cooldown has
/// passed, call the hook once, then re-check the down URLs; what came back replaces their
/// results before the state and Slack see them. `client` makes the re-checks, `side` calls the
/// hook.
#[expect(
    clippy::too_many_arguments,
    reason = "the heal phase reads the run's config, report, state, check settings, both clients and the signals"
)]
async fn heal_phase(
    log: Log,
    env: &Surroundings,
    config: &Config,
    report: &mut RunReport,
    saved: Option<&mut state::State>,
    thresholds: state::Thresholds,
    settings: crate::check::Settings<'_>,
    client: &reqwest::Client,
    side: &reqwest::Client,
    signals: &Signals,
) {
    let Some(hook) = crate::heal::target(&config.heal) else {
        return;
    };
    if report.cancelled.is_some() || signals.cancel.is_cancelled() {
        return;
    }
    let down = state::counted_down(report, saved.as_deref(), thresholds, report.started_at);
    if down.is_empty() {
        return;
    }
    let now = env.clock.now();
    let last = saved.as_deref().and_then(|s| s.heal_called);
    if let Err(crate::heal::NotCalled::Cooldown { last }) =
        crate::heal::cooldown_passed(&config.heal, last, now)
    {
        log.note(&format!(
            "Restart hook: not called, the last call was at {} (heal-cooldown {})",
            crate::text::clock(last, now),
            format_duration(config.heal.cooldown)
        ));
        return;
    }
    let triggered_by: Vec<(String, String)> = down
        .iter()
        .map(|&i| {
            let r = &report.results[i];
            (r.url.to_string(), r.reason().unwrap_or_default())
        })
        .collect();
    let answer = crate::heal::call_hook(side, &config.heal, &config.secrets, &signals.cancel).await;
    if let Some(saved) = saved {
        saved.heal_called = Some(now);
    }
    let (rounds, waited) = match answer {
        HookAnswer::Accepted { .. } => {
            let results = &mut report.results;
            crate::heal::recheck(config, settings, client, results, &down, &signals.cancel).await
        }
        _ => (Vec::new(), std::time::Duration::ZERO),
    };
    if signals.cancel.is_cancelled() {
        report.cancelled = signals.caught().or(Some(Signal::Interrupt));
    }
    let heal = HealReport {
        hook,
        called_at: now,
        answer,
        triggered_by,
        rounds,
        waited,
        cancelled: signals.cancel.is_cancelled(),
    };
    if let Some(error) = heal.answer.error() {
        log.warn(&error);
    }
    log.info(&format!("Restart hook: {}", heal.outcome()));
    report.heal = Some(heal);
}

/// Inputs from the environment and flags (positional URLs join the `url` input), validated.
fn read_config(
    urls: Vec<String>,
    mut flags: RawInputs,
    env: &Surroundings,
    log: Log,
) -> Result<Config, Exit> {
    let env_inputs = RawInputs::from_env().map_err(|e| bad_input(log, &[], &e))?;
    if !urls.is_empty() {
        let positional = urls.join("\n");
        flags.url = Some(match flags.url.take() {
            Some(more) => format!("{more}\n{positional}"),
            None => positional,
        });
    }
    let raw = flags.over(env_inputs);
    Config::from_inputs(raw.clone(), env.slack_env.clone()).map_err(|e| {
        let secrets = raw_secrets(&raw, env.slack_env.as_deref());
        bad_input(log, &secrets, &e)
    })
}

/// The Slack phase, done by `deadline`, and what it adds to the exit code: 3 for an undelivered
/// message with `fail-on-notify-error`, 1 for a cancel that arrived while Slack was being told.
#[expect(
    clippy::too_many_arguments,
    reason = "the Slack phase needs the run's surroundings, config, view, thread, client, signals and deadline"
)]
async fn tell_slack(
    log: Log,
    env: &Surroundings,
    config: &Config,
    view: &RunView<'_>,
    remind: bool,
    quiet: &crate::policy::Quiet,
    thread: Option<&state::Incident>,
    side: &reqwest::Client,
    signals: &Signals,
    deadline: Instant,
) -> (crate::slack::Outcome, Exit) {
    use crate::slack::Outcome;
    let report = view.report;
    let slack = crate::slack::notify(
        &config.slack,
        view,
        remind,
        quiet,
        thread,
        &env.run,
        side,
        &signals.cancel,
        deadline,
    )
    .await;
    let mut exit = Exit::Healthy;
    if report.cancelled.is_none() && signals.cancel.is_cancelled() {
        let signal = signals.which();
        log.fail(
            "upcheck was cancelled",
            &format!(
                "cancelled by {signal} while telling Slack; the checks had finished: {}",
                report.headline()
            ),
        );
        exit = Exit::Down;
    }
    for warning in slack.warnings() {
        log.warn(warning);
    }
    let line = slack.describe();
    match &slack {
        Outcome::Failed { .. } if config.slack.fail_on_notify_error => {
            log.fail("Slack message not delivered", &line);
            exit = Exit::ToolFailed;
        }
        Outcome::Failed { .. } => log.warn(&line),
        Outcome::Skipped { .. } | Outcome::NotConfigured => {
            if log.on_actions() || crate::slack::destination(&config.slack).is_some() {
                log.note(&line);
            }
        }
        _ => {
            if log.on_actions() || crate::slack::destination(&config.slack).is_some() {
                log.info(&line);
            }
        }
    }
    (slack, exit)
}

/// The GitHub-issues line (when `github-issues` is on), and what it adds to the exit code: 3
/// for an issue not updated with `fail-on-notify-error`.
fn tell_issues(log: Log, config: &Config, issues: &crate::github::issues::ChannelOutcome) -> Exit {
    if !config.issues.enabled {
        return Exit::Healthy;
    }
    match issues.error() {
        Some(_) if config.slack.fail_on_notify_error => {
            log.fail("GitHub issue not updated", &issues.describe());
            Exit::ToolFailed
        }
        Some(_) => {
            log.warn(&issues.describe());
            Exit::Healthy
        }
        None if matches!(issues, crate::github::issues::ChannelOutcome::Skipped(_)) => {
            log.note(&issues.describe());
            Exit::Healthy
        }
        None => {
            log.info(&issues.describe());
            Exit::Healthy
        }
    }
}

/// Discord, Teams and the webhook, done by `deadline`, and what they add to the exit code: 3 for
/// an undelivered message with `fail-on-notify-error` (a cancel is `run`'s to report, once for
/// every channel).
#[expect(
    clippy::too_many_arguments,
    reason = "the channels phase needs the run's config, report, surroundings, client, signals and deadline"
)]
async fn tell_channels(
    log: Log,
    config: &Config,
    report: &RunReport,
    remind: bool,
    quiet: &crate::policy::Quiet,
    env: &Surroundings,
    side: &reqwest::Client,
    signals: &Signals,
    deadline: Instant,
) -> (crate::channels::Outcomes, Exit) {
    use crate::channels::{ChannelError, Sent};
    let outcomes = crate::channels::notify(
        &config.channels,
        config.slack.notify,
        report,
        remind,
        quiet,
        &env.run,
        &config.secrets,
        side,
        &signals.cancel,
        deadline,
    )
    .await;
    let mut exit = Exit::Healthy;
    for outcome in &outcomes.0 {
        let line = outcome.describe();
        match &outcome.sent {
            Sent::Failed(e) if !matches!(e, ChannelError::Cancelled) => {
                if config.slack.fail_on_notify_error {
                    let title = format!("{} message not delivered", outcome.channel);
                    log.fail(&title, &line);
                    exit = exit.max(Exit::ToolFailed);
                } else {
                    log.warn(&line);
                }
            }
            Sent::Skipped(_) => log.note(&line),
            _ => log.info(&line),
        }
    }
    (outcomes, exit)
}

/// What the channels other than Slack (Discord, Teams, the webhook, the incident issues) came
/// to, for the outputs and the summary.
struct Others {
    /// One of them got its message.
    notified: bool,
    /// `notify-error` lines after Slack's: each channel whose message did not arrive, by name.
    errors: Vec<String>,
    /// The summary's line per channel.
    lines: Vec<String>,
}

impl Others {
    fn of(
        config: &Config,
        channels: &crate::channels::Outcomes,
        issues: &crate::github::issues::ChannelOutcome,
    ) -> Others {
        let mut others = Others {
            notified: channels.notified(),
            errors: channels.error_lines(),
            lines: channels
                .0
                .iter()
                .map(crate::channels::Outcome::describe)
                .collect(),
        };
        if config.issues.enabled {
            others.notified |= issues.delivered();
            others.errors.extend(
                issues
                    .error()
                    .map(|e| format!("{}: {e}", crate::github::issues::ChannelOutcome::CHANNEL)),
            );
            others.lines.push(issues.describe());
        }
        others
    }
}

/// Mark the outage messages this run ends as resolved; a failure is a warning.
async fn resolve(
    log: Log,
    config: &Config,
    ended: &[state::Incident],
    view: &RunView<'_>,
    side: &reqwest::Client,
    signals: &Signals,
    deadline: Instant,
) {
    let errors =
        crate::slack::resolve(&config.slack, ended, view, side, &signals.cancel, deadline).await;
    for e in errors {
        log.warn(&format!(
            "the outage message could not be marked resolved: {e}"
        ));
    }
}

/// `keepalive`, when on and the run was not cancelled, by `deadline`.
async fn keepalive(
    config: &Config,
    report: &RunReport,
    run: &RunContext,
    side: &reqwest::Client,
    last: Option<time::OffsetDateTime>,
    deadline: Instant,
) -> Option<crate::github::keepalive::Outcome> {
    if !config.keepalive || report.cancelled.is_some() {
        return None;
    }
    let token = config.slack.github_token.as_deref();
    let now = report.started_at;
    Some(crate::github::keepalive::run(side, run, token, last, now, deadline).await)
}

/// The keepalive line: a failure is a warning, never a failed step (it is no notification, and
/// the schedule still runs; the next run tries again).
fn tell_keepalive(log: Log, outcome: &crate::github::keepalive::Outcome) {
    match outcome {
        crate::github::keepalive::Outcome::Failed(_) => log.warn(&outcome.describe()),
        _ => log.info(&outcome.describe()),
    }
}

/// The heartbeat, cut off at `deadline` like the other calls after the checks.
async fn heartbeat(
    side: &reqwest::Client,
    url: &url::Url,
    cancel: &CancellationToken,
    deadline: Instant,
) -> Result<u16, crate::heartbeat::HeartbeatError> {
    tokio::time::timeout_at(deadline.into(), crate::heartbeat::beat(side, url, cancel))
        .await
        .unwrap_or(Err(crate::heartbeat::HeartbeatError::Timeout))
}

/// Step outputs and the job summary; exit 3 when either cannot be written.
#[expect(
    clippy::too_many_arguments,
    reason = "a phase takes what it needs by name"
)]
fn write_files(
    log: Log,
    env: &Surroundings,
    config: &Config,
    view: &RunView,
    slack: &crate::slack::Outcome,
    others: &Others,
    state_note: Option<&str>,
    quiet_line: Option<&str>,
    history: &crate::history_io::Views,
    rounds: &crate::rounds::Tally,
) -> Exit {
    let report = view.report;
    let mut exit = Exit::Healthy;
    if let Some(path) = &env.output_file {
        let mut values = outputs::outputs(report, slack, others.notified, &others.errors);
        values.push(("uptime", history.uptime.clone()));
        values.push(("rounds", rounds.to_json().to_string()));
        if let Err(e) = outputs::write(path, &values) {
            let why = format!(
                "cannot write step outputs to $GITHUB_OUTPUT ({}): {e}",
                path.display()
            );
            log.fail("upcheck failed", &why);
            exit = Exit::ToolFailed;
        }
    }
    if let Some(path) = &env.summary_file {
        let settings = summary::Settings {
            max_attempts: config.retry.max_attempts,
            retry_delay: format_duration(config.retry.delay),
            timeout: format_duration(config.request.timeout),
            expected: config.checks.expected.to_string(),
        };
        let slack_line = slack.describe();
        let missed = report.missed_note();
        let mut notes: Vec<&str> = missed.iter().map(String::as_str).collect();
        notes.extend(quiet_line);
        if crate::slack::destination(&config.slack).is_some() {
            notes.push(slack_line.as_str());
        }
        notes.extend(others.lines.iter().map(String::as_str));
        notes.extend(state_note);
        let markdown = summary::render(view, &settings, &notes);
        let markdown = summary::with_section(
            markdown,
            &rounds.summary(),
            "The rounds section is left out to keep this summary small; the `rounds` output has every figure.",
        );
        let markdown = summary::with_section(
            markdown,
            &history.summary,
            "The history section is left out to keep this summary small; the `uptime` output has every figure.",
        );
        if let Err(e) = summary::write(path, &markdown) {
            let why = format!(
                "cannot write the job summary to $GITHUB_STEP_SUMMARY ({}): {e}",
                path.display()
            );
            log.fail("upcheck failed", &why);
            exit = Exit::ToolFailed;
        }
    }
    exit
}

fn verdict_exit(report: &RunReport, fail_on_down: bool) -> Exit {
    if report.cancelled.is_some() || (!report.healthy() && fail_on_down) {
        Exit::Down
    } else {
        Exit::Healthy
    }
}

fn bad_input(log: Log, secrets: &[String], e: &InputError) -> Exit {
    mask(log, secrets);
    log.fail("upcheck: invalid input", &e.to_string());
    Exit::BadInput
}

/// SIGINT or SIGTERM cancel the run; which one came is kept for the report.
struct Signals {
    cancel: CancellationToken,
    caught: Arc<AtomicU8>,
}

impl Signals {
    fn listen() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        let signals = Signals {
            cancel: CancellationToken::new(),
            caught: Arc::new(AtomicU8::new(0)),
        };
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return signals;
        };
        let (cancel, caught) = (signals.cancel.clone(), signals.caught.clone());
        tokio::spawn(async move {
            let which = tokio::select! {
                _ = int.recv() => 1,
                _ = term.recv() => 2,
            };
            caught.store(which, Ordering::SeqCst);
            cancel.cancel();
        });
        signals
    }

    fn caught(&self) -> Option<Signal> {
        match self.caught.load(Ordering::SeqCst) {
            1 => Some(Signal::Interrupt),
            2 => Some(Signal::Terminate),
            _ => None,
        }
    }

    /// The signal that cancelled the run, once it is known to be cancelled (an interrupt when
    /// the cancel came otherwise).
    fn which(&self) -> Signal {
        self.caught().unwrap_or(Signal::Interrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_use_the_input_names() {
        let cli = Cli::try_parse_from([
            "upcheck",
            "--max-attempts",
            "2",
            "--retry-delay=500ms",
            "--insecure",
            "--follow-redirect",
            "false",
            "http://a/",
            "http://b/",
        ])
        .unwrap();
        assert_eq!(cli.urls, ["http://a/", "http://b/"]);
        assert_eq!(cli.inputs.max_attempts.as_deref(), Some("2"));
        assert_eq!(cli.inputs.retry_delay.as_deref(), Some("500ms"));
        assert_eq!(cli.inputs.insecure.as_deref(), Some("true"));
        assert_eq!(cli.inputs.follow_redirect.as_deref(), Some("false"));
    }
}

//! One run from start to end: read inputs, mask secrets, check, then write every report even when
//! checks fail or the run is cancelled. Returns the exit code; `main` only calls this.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use clap::Parser;
use tokio_util::sync::CancellationToken;

use crate::config::{format_duration, raw_secrets, Config, InputError, RawInputs};
use crate::github::context::RunContext;
use crate::github::{annotations, commands, outputs, summary};
use crate::report::{RunReport, Signal, Status};
use crate::state;

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
}

/// The process's exit codes, as the contract fixes them; when several apply, the highest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Healthy = 0,
    Down = 1,
    BadInput = 2,
    ToolFailed = 3,
}

/// Where this run reports: the GitHub runner's files and log, or a terminal.
#[derive(Debug, Clone, Default)]
pub struct Surroundings {
    /// `GITHUB_ACTIONS=true`: workflow commands are read from stdout.
    pub actions: bool,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
    pub slack_env: Option<String>,
    /// `SSL_CERT_FILE`: more roots for every client.
    pub ssl_cert_file: Option<PathBuf>,
    /// `UPCHECK_NOW`: a fixed "now" (a testing aid), else the system clock.
    pub clock: crate::clock::Clock,
    /// `UPCHECK_NOW` was set to something that is not a time: an input error.
    pub clock_error: Option<crate::clock::BadClock>,
}

impl Surroundings {
    pub fn from_env() -> Surroundings {
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let clock =
            crate::clock::Clock::from_value(std::env::var(crate::clock::VAR).ok().as_deref());
        let clock_error = clock.clone().err();
        let clock = clock.ok();
        Surroundings {
            actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            output_file: path("GITHUB_OUTPUT"),
            summary_file: path("GITHUB_STEP_SUMMARY"),
            slack_env: std::env::var("SLACK_WEBHOOK_URL").ok(),
            ssl_cert_file: path("SSL_CERT_FILE"),
            clock: clock.unwrap_or_default(),
            clock_error,
        }
    }
}

/// Lines to stdout, ignoring a closed pipe.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// A warning, in the form the surroundings read.
fn warn(env: &Surroundings, message: &str) {
    if env.actions {
        say(&commands::annotation(
            commands::Level::Warning,
            None,
            message,
        ));
    } else {
        eprintln!("upcheck: warning: {}", crate::text::log_safe(message));
    }
}

/// An error that ends the run, in the form the surroundings read.
fn fail(env: &Surroundings, title: &str, message: &str) {
    if env.actions {
        say(&commands::annotation(
            commands::Level::Error,
            Some(title),
            message,
        ));
    } else {
        eprintln!("upcheck: {}", crate::text::log_safe(message));
    }
}

pub async fn run(cli: Cli, env: Surroundings) -> Exit {
    let config = match read_config(cli.urls, cli.inputs, &env) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    if env.actions {
        for line in commands::mask_lines(&config.secrets) {
            say(&line);
        }
    }
    if let Some(e) = &env.clock_error {
        fail(&env, "upcheck: invalid input", &e.to_string());
        return Exit::BadInput;
    }
    // One trust store for every client: the checks' and the side channels'.
    let clients = crate::net::Trust::new(
        config.request.ca_pem.as_deref(),
        env.ssl_cert_file.as_deref(),
    )
    .and_then(|(trust, warning)| {
        let check = crate::check::build_client(&config.request, &trust)?;
        Ok((check, crate::net::side_client(&trust)?, warning))
    });
    let (client, side) = match clients {
        Ok((check, side, warning)) => {
            if let Some(warning) = warning {
                warn(&env, &warning);
            }
            (check, side)
        }
        Err(e) => {
            fail(&env, "upcheck failed", &e.to_string());
            return Exit::ToolFailed;
        }
    };

    let opened = state::open(&config.state, &config.targets, &state::Place::from_env());
    for warning in &opened.warnings {
        warn(&env, warning);
    }
    let mut memory = opened.memory;

    let signals = Signals::listen();
    let settings = crate::check::Settings::of(&config, env.actions);
    let mut report = crate::check::run(
        &config.targets,
        config.concurrency,
        settings,
        &client,
        &signals.cancel,
        || signals.caught(),
    )
    .await;
    if let Some(now) = env.clock.fixed() {
        report.started_at = now;
    }
    let thresholds = state::Thresholds {
        failure: config.state.failure_threshold,
        success: config.state.success_threshold,
    };
    let now = report.started_at;
    let saved_state = memory.as_mut().map(|(_, saved)| saved);
    heal_phase(
        &env,
        &config,
        &mut report,
        saved_state,
        thresholds,
        settings,
        &client,
        &side,
        &signals,
    )
    .await;
    let remind = match &mut memory {
        Some((_, saved)) => {
            state::apply(&mut report, saved, thresholds, now);
            state::reminder_due(&report, saved, config.state.remind_every, now)
        }
        None => false,
    };
    // The history (without a state file, this run's alone): rebuilt from history-url when
    // empty, then this run recorded on the final results.
    let mut scratch = crate::history::History::new();
    let history = memory
        .as_mut()
        .map_or(&mut scratch, |(_, s)| &mut s.history);
    let (h, cancel) = (&config.history, &signals.cancel);
    let notes =
        crate::history_io::update(h, &config.targets, history, &mut report, &side, cancel, now)
            .await;
    notes.warnings.iter().for_each(|w| warn(&env, w));
    notes.info.iter().for_each(|line| info(&env, line));
    if cli.json {
        say(&serde_json::to_string_pretty(&report.results_json()).unwrap_or_default());
    } else {
        for line in crate::console::render(&report).lines() {
            say(line);
        }
    }
    if env.actions {
        for line in annotations::render(&report) {
            say(&line);
        }
    }
    let mut exit = verdict_exit(&report, config.fail_on_down);

    let ended = memory
        .as_ref()
        .map(|(_, saved)| state::ended_incidents(&report, saved))
        .unwrap_or_default();
    let slack_started = std::time::Instant::now();
    let (slack, slack_exit) = tell_slack(
        &env,
        &config,
        &report,
        remind,
        ended.first(),
        &side,
        &signals,
    )
    .await;
    exit = exit.max(slack_exit);
    if let Some((_, saved)) = &mut memory {
        let budget = crate::slack::deliver::BUDGET.saturating_sub(slack_started.elapsed());
        let sent =
            crate::history_io::digest(&config, saved, &report, &side, cancel, budget, now).await;
        match sent {
            Some(Ok(line)) => info(&env, &line),
            Some(Err(warning)) => warn(&env, &warning),
            None => {}
        }
    }
    // The history's views and the status site, before the state is saved.
    let history = memory.as_ref().map_or(&scratch, |(_, s)| &s.history);
    let views = crate::history_io::views(history, &config.targets, now);
    let place = state::Place::from_env();
    let site = crate::history_io::site_phase(h, &place, history, &config.targets, now);
    site.warnings.iter().for_each(|w| warn(&env, w));
    site.info.iter().for_each(|line| info(&env, line));
    if site.failed {
        exit = exit.max(Exit::ToolFailed);
    }
    if let Some((path, mut saved)) = memory {
        if let Some(delivered) = &slack.delivered {
            let posted = match (&delivered.channel, &delivered.ts) {
                (Some(channel), Some(ts)) => Some(state::Incident {
                    channel: channel.clone(),
                    ts: ts.clone(),
                }),
                _ => None,
            };
            state::mark_notified(&report, &mut saved, now, posted.as_ref());
        } else if slack.error.is_some() && slack.skipped.is_none() {
            state::mark_unannounced(&report, &mut saved);
        }
        if !ended.is_empty() && !signals.cancel.is_cancelled() {
            let errors =
                crate::slack::resolve(&config.slack, &ended, &report, &side, &signals.cancel).await;
            for e in errors {
                warn(
                    &env,
                    &format!("the outage message could not be marked resolved: {e}"),
                );
            }
            state::close_incidents(&report, &mut saved);
        }
        if let Err(e) = state::file::save(&path, &saved) {
            warn(
                &env,
                &format!(
                    "the state could not be saved to {} ({e}); the next run starts fresh",
                    path.display()
                ),
            );
        }
    }
    if let (Some(url), None) = (&config.heartbeat_url, report.cancelled) {
        match crate::heartbeat::beat(&side, url, &signals.cancel).await {
            Ok(_) if env.actions => say("Heartbeat: sent"),
            Ok(_) => eprintln!("upcheck: heartbeat sent"),
            Err(e) => warn(&env, &e.to_string()),
        }
    }
    exit = exit.max(write_files(
        &env,
        &config,
        &report,
        &slack,
        opened.note.as_deref(),
        &views,
    ));
    if exit == Exit::Down && !env.actions && report.cancelled.is_some() {
        eprintln!("upcheck: cancelled before every check finished");
    }
    exit
}

/// The restart hook: when a URL counts as down (thresholds applied) and the cooldown has
/// passed, call the hook once, then re-check the down URLs; what came back replaces their
/// results before the state and Slack see them. `client` makes the re-checks, `side` calls the
/// hook.
#[allow(clippy::too_many_arguments)]
async fn heal_phase(
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
    let Some(hook) = &config.heal.url else { return };
    if report.cancelled.is_some() || signals.cancel.is_cancelled() {
        return;
    }
    // Which URLs count as down: thresholds applied on a copy of the state.
    let counted: Vec<Status> = match saved.as_deref() {
        Some(saved) => {
            let (mut copy, mut trial) = (saved.clone(), report.clone());
            state::apply(&mut trial, &mut copy, thresholds, report.started_at);
            trial.results.iter().map(|r| r.status).collect()
        }
        None => report.results.iter().map(|r| r.status).collect(),
    };
    let down: Vec<usize> = (0..counted.len())
        .filter(|&i| counted[i] == Status::Down)
        .collect();
    if down.is_empty() {
        return;
    }
    let now = env.clock.now();
    let last = saved.as_deref().and_then(|s| s.heal_called);
    if let Err(crate::heal::NotCalled::Cooldown { last }) =
        crate::heal::cooldown_passed(&config.heal, last, now)
    {
        info(
            env,
            &format!(
                "Restart hook: not called, the last call was at {} (heal-cooldown {})",
                crate::text::clock(last, now),
                format_duration(config.heal.cooldown)
            ),
        );
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
        crate::heal::HookAnswer::Accepted { .. } => {
            let results = &mut report.results;
            crate::heal::recheck(config, settings, client, results, &down, &signals.cancel).await
        }
        _ => (Vec::new(), std::time::Duration::ZERO),
    };
    if signals.cancel.is_cancelled() {
        report.cancelled = signals.caught().or(Some(Signal::Interrupt));
    }
    let heal = crate::heal::HealReport {
        hook: crate::heal::shown(hook),
        called_at: now,
        answer,
        triggered_by,
        rounds,
        waited,
        cancelled: signals.cancel.is_cancelled(),
    };
    if let Some(error) = heal.answer.error() {
        warn(env, &error);
    }
    info(env, &format!("Restart hook: {}", heal.outcome()));
    report.heal = Some(heal);
}

/// A line for the log (Actions) or stderr (local).
fn info(env: &Surroundings, line: &str) {
    if env.actions {
        say(&crate::text::log_safe(line));
    } else {
        eprintln!("upcheck: {}", crate::text::log_safe(line));
    }
}

/// Inputs from the environment and flags (positional URLs join the `url` input), validated.
fn read_config(
    urls: Vec<String>,
    mut flags: RawInputs,
    env: &Surroundings,
) -> Result<Config, Exit> {
    let env_inputs = RawInputs::from_env().map_err(|e| bad_input(env, &[], &e))?;
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
        bad_input(env, &secrets, &e)
    })
}

/// The Slack phase, and what it adds to the exit code: 3 for an undelivered message with
/// `fail-on-notify-error`, 1 for a cancel that arrived while Slack was being told.
async fn tell_slack(
    env: &Surroundings,
    config: &Config,
    report: &RunReport,
    remind: bool,
    thread: Option<&state::Incident>,
    side: &reqwest::Client,
    signals: &Signals,
) -> (crate::slack::Outcome, Exit) {
    use crate::slack::SlackError;
    let ctx = RunContext::from_env();
    let slack = crate::slack::notify(
        &config.slack,
        report,
        remind,
        thread,
        &ctx,
        side,
        &signals.cancel,
    )
    .await;
    let mut exit = Exit::Healthy;
    if report.cancelled.is_none() && signals.cancel.is_cancelled() {
        let signal = signals.caught().unwrap_or(Signal::Interrupt);
        fail(
            env,
            "upcheck was cancelled",
            &format!(
                "cancelled by {signal} while telling Slack; the checks had finished: {}",
                report.headline()
            ),
        );
        exit = Exit::Down;
    }
    for warning in &slack.warnings {
        warn(env, warning);
    }
    let line = slack.describe();
    match &slack.error {
        Some(e) if config.slack.fail_on_notify_error && !matches!(e, SlackError::Cancelled) => {
            fail(env, "Slack message not delivered", &line);
            exit = Exit::ToolFailed;
        }
        Some(SlackError::Cancelled) | None => {
            if env.actions {
                say(&crate::text::log_safe(&line));
            } else if crate::slack::destination(&config.slack).is_some() {
                eprintln!("upcheck: {}", crate::text::log_safe(&line));
            }
        }
        Some(_) => warn(env, &line),
    }
    (slack, exit)
}

/// Step outputs and the job summary; exit 3 when either cannot be written.
fn write_files(
    env: &Surroundings,
    config: &Config,
    report: &RunReport,
    slack: &crate::slack::Outcome,
    state_note: Option<&str>,
    history: &crate::history_io::Views,
) -> Exit {
    let mut exit = Exit::Healthy;
    if let Some(path) = &env.output_file {
        let notify_error = slack
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let mut values = outputs::outputs(report, slack.notified(), &notify_error);
        values.push(("uptime", history.uptime.clone()));
        if let Err(e) = outputs::write(path, &values) {
            let why = format!(
                "cannot write step outputs to $GITHUB_OUTPUT ({}): {e}",
                path.display()
            );
            fail(env, "upcheck failed", &why);
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
        notes.extend(state_note);
        if crate::slack::destination(&config.slack).is_some() {
            notes.push(slack_line.as_str());
        }
        let markdown = summary::render(report, &settings, &notes);
        let markdown = summary::with_section(markdown, &history.summary);
        if let Err(e) = summary::write(path, &markdown) {
            let why = format!(
                "cannot write the job summary to $GITHUB_STEP_SUMMARY ({}): {e}",
                path.display()
            );
            fail(env, "upcheck failed", &why);
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

fn bad_input(env: &Surroundings, secrets: &[String], e: &InputError) -> Exit {
    if env.actions {
        for line in commands::mask_lines(secrets) {
            say(&line);
        }
    }
    fail(env, "upcheck: invalid input", &e.to_string());
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

//! Writes a state file (the current format) holding `--days` of history for the given URLs, as
//! if upcheck had checked them every 5 minutes until `--now`: the input of bench/run's history
//! scenario. Each URL has its own response times (a daily rhythm and noise), a 30-minute outage
//! every 9 to 14 days and an afternoon of slow (degraded) answers now and then. Deterministic:
//! the same arguments give the same file.
//!
//! Usage: cargo run --release --example gen_history -- --out FILE --now RFC3339 [--days N] URL...
//! (URLs as the `url` input takes them, `Name=https://…` included; one argument per URL).

use std::path::PathBuf;
use std::process::ExitCode;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use upcheck::config::parse_url_list;
use upcheck::history::{ReasonCode, Sample};
use upcheck::report::Status;
use upcheck::state::file::{self, Run, State, KEPT_RUNS};
use upcheck::state::UrlState;

const INTERVAL: Duration = Duration::minutes(5);

struct Args {
    out: PathBuf,
    now: OffsetDateTime,
    days: i64,
    urls: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut now = None;
    let mut days = 90;
    let mut urls = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--now" => {
                let v = value("--now")?;
                now = Some(
                    OffsetDateTime::parse(&v, &Rfc3339)
                        .map_err(|e| format!("--now {v:?} is not an RFC 3339 time: {e}"))?,
                );
            }
            "--days" => {
                let v = value("--days")?;
                days = v
                    .parse()
                    .ok()
                    .filter(|d| (1..=400).contains(d))
                    .ok_or(format!(
                        "--days {v:?} is not a number of days from 1 to 400"
                    ))?;
            }
            _ if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => urls.push(a),
        }
    }
    Ok(Args {
        out: out.ok_or("--out FILE is missing")?,
        now: now.ok_or("--now TIME is missing")?,
        days,
        urls,
    })
}

/// A small deterministic generator (a 64-bit LCG), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.urls.is_empty() {
        return Err("no URL given".into());
    }
    let targets = parse_url_list(&args.urls.join("\n"))?;
    let mut state = State::default();
    let start = args.now - Duration::days(args.days);
    let mut rng = Rng(0x5eed);
    // Per URL: base response time, and when its outages and slow afternoons come.
    let plan: Vec<(u32, i64, i64)> = (0..targets.len())
        .map(|i| {
            (
                60 + rng.next() % 300,
                9 + (i as i64 % 6),
                3 + (i as i64 % 5),
            )
        })
        .collect();
    let mut t = start;
    let mut day = start.date();
    while t < args.now {
        let days_in = (t - start).whole_days();
        for (i, target) in targets.iter().enumerate() {
            let (base, outage_every, slow_every) = plan[i];
            let busy = (9..18).contains(&t.hour());
            let mut s = Sample {
                at: t + Duration::seconds(i as i64 % 60),
                counted: Status::Up,
                observed: Status::Up,
                response_ms: Some(base + if busy { base / 3 } else { 0 } + rng.next() % 60),
                reason: ReasonCode::Ok,
            };
            let minute_of_day = i64::from(t.hour()) * 60 + i64::from(t.minute());
            let outage_at = (i as i64 * 97) % 1380;
            if days_in % outage_every == outage_every - 1
                && (outage_at..outage_at + 30).contains(&minute_of_day)
            {
                s.counted = Status::Down;
                s.observed = Status::Down;
                s.response_ms = None;
                s.reason = if i % 2 == 0 {
                    ReasonCode::Http(503)
                } else {
                    ReasonCode::Timeout
                };
            } else if days_in % slow_every == 1 && (13..16).contains(&t.hour()) {
                s.counted = Status::Degraded;
                s.observed = Status::Degraded;
                s.response_ms = Some(2000 + rng.next() % 1500);
                s.reason = ReasonCode::Slow;
            }
            state
                .history
                .record(
                    &target.key,
                    target.shown.as_str(),
                    target.name.as_deref(),
                    s,
                )
                .map_err(|e| e.to_string())?;
        }
        t += INTERVAL;
        if t.date() != day {
            day = t.date();
            state.history.rollup(t);
        }
    }
    state.history.rollup(args.now);
    state
        .history
        .prune(args.now, targets.iter().map(|t| t.key.as_str()));
    let last = t - INTERVAL;
    for target in &targets {
        state.urls.insert(
            target.key.clone(),
            UrlState {
                url: target.shown.as_str().to_string(),
                status: Status::Up,
                since: last - Duration::days(1),
                failures: 0,
                successes: 288,
                last_notified: None,
                last_error: None,
                incident: None,
                unannounced: false,
                held: false,
            },
        );
    }
    for k in (0..KEPT_RUNS as i64).rev() {
        state.runs.push(Run {
            at: last - INTERVAL * k as i32,
        });
    }
    file::save(&args.out, &state)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}: {} URLs, {} days, {size} bytes",
        args.out.display(),
        targets.len(),
        args.days
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_history: {e}");
            ExitCode::from(2)
        }
    }
}

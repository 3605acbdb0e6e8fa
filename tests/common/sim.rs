//! Runs the action under `shared/tools/runner-sim` (a Python 3 emulator of the
//! GitHub Actions runner) and wraps its `--json` report.
//!
//! `Sim::new()` runs `python3 runner-sim --json --action <crate>/action.yml
//! --binary <CARGO_BIN_EXE_upcheck>`; builder methods add flags. Every flag is passed
//! as `--flag=value`, so values starting with '-' survive argparse.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{crate_root, TempDir};

/// `$RUNNER_SIM`, else `<crate>/../shared/tools/runner-sim`.
pub fn runner_sim_path() -> PathBuf {
    match std::env::var_os("RUNNER_SIM") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => crate_root().join("../shared/tools/runner-sim"),
    }
}

/// A statically linked upcheck for `--sandbox`/`--image` tests: `$UPCHECK_STATIC_BIN`
/// if set and the file exists, else `<crate>/target/x86_64-unknown-linux-musl/release/upcheck`
/// (or the same under `$CARGO_TARGET_DIR`) if it exists, else `None`.
pub fn static_binary() -> Option<String> {
    if let Some(p) = std::env::var_os("UPCHECK_STATIC_BIN") {
        if !p.is_empty() && Path::new(&p).is_file() {
            return Some(p.to_string_lossy().into_owned());
        }
    }
    let rel = "x86_64-unknown-linux-musl/release/upcheck";
    let mut candidates = vec![crate_root().join("target").join(rel)];
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(dir).join(rel));
    }
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

enum Mode {
    Binary(String),
    Image(String),
}

/// A runner-sim invocation being built.
pub struct Sim {
    action: String,
    mode: Mode,
    sandbox: bool,
    args: Vec<String>,
    files: Option<TempDir>,
    timeout: Duration,
    /// The actions/cache store: a fresh one per run unless `cache_dir` names one to share.
    cache_dir: Option<String>,
    own_cache: Option<TempDir>,
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

impl Sim {
    /// `--json --action <crate>/action.yml --binary <the upcheck test build>`, 120 s timeout.
    pub fn new() -> Sim {
        Sim {
            action: crate_root()
                .join("action.yml")
                .to_string_lossy()
                .into_owned(),
            mode: Mode::Binary(env!("CARGO_BIN_EXE_upcheck").to_string()),
            sandbox: false,
            args: Vec::new(),
            files: None,
            timeout: Duration::from_secs(120),
            cache_dir: None,
            own_cache: None,
        }
    }

    /// `--cache-dir dir`: the actions/cache store, kept between runs that name the same one.
    pub fn cache_dir(mut self, dir: impl AsRef<Path>) -> Sim {
        self.cache_dir = Some(dir.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Another action metadata file (or its directory) instead of the crate's action.yml.
    pub fn action(mut self, path: impl AsRef<Path>) -> Sim {
        self.action = path.as_ref().to_string_lossy().into_owned();
        self
    }

    /// `--with name=value`; a value containing a newline goes through `--with-file`.
    pub fn with(mut self, name: &str, value: &str) -> Sim {
        if value.contains('\n') || value.contains('\r') {
            let n = self.args.len();
            let dir = self.files.get_or_insert_with(|| TempDir::new("with"));
            let path = dir.write(&format!("with-{n}.txt"), value);
            self.args
                .push(format!("--with-file={name}={}", path.to_string_lossy()));
        } else {
            self.args.push(format!("--with={name}={value}"));
        }
        self
    }

    /// `--with-file name=path` (the input's value is the file's contents).
    pub fn with_file(mut self, name: &str, path: impl AsRef<Path>) -> Sim {
        self.args.push(format!(
            "--with-file={name}={}",
            path.as_ref().to_string_lossy()
        ));
        self
    }

    /// `--env name=value` (a step `env:` variable).
    pub fn env(mut self, name: &str, value: &str) -> Sim {
        self.args.push(format!("--env={name}={value}"));
        self
    }

    /// `--secret v`: masked by the runner before the step starts.
    pub fn secret(mut self, v: &str) -> Sim {
        self.args.push(format!("--secret={v}"));
        self
    }

    /// `--watch-secret v`: every unmasked appearance is listed under `leaks`.
    pub fn watch_secret(mut self, v: &str) -> Sim {
        self.args.push(format!("--watch-secret={v}"));
        self
    }

    /// An input that stands for `${{ secrets.X }}`: `--secret value` (the runner masks
    /// it before the step starts, as it does for real secrets), `--watch-secret value`
    /// and `--with name=value`. Without `--secret`, runner-sim reports the runner's own
    /// echo of the `with:` inputs in the log header as a leak.
    pub fn with_secret(self, name: &str, value: &str) -> Sim {
        self.secret(value).watch_secret(value).with(name, value)
    }

    /// `--signal-after secs`: SIGINT, then SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
    pub fn signal_after(mut self, secs: f64) -> Sim {
        self.args.push(format!("--signal-after={secs}"));
        self
    }

    /// `--binary path` instead of the test build of upcheck.
    pub fn binary(mut self, path: &str) -> Sim {
        self.mode = Mode::Binary(path.to_string());
        self
    }

    /// `--sandbox`: the binary as PID 1 of an empty container (needs a static binary, root).
    pub fn sandbox(mut self) -> Sim {
        self.sandbox = true;
        self
    }

    /// `--image tag` instead of `--binary` (needs a Docker daemon).
    pub fn image(mut self, tag: &str) -> Sim {
        self.mode = Mode::Image(tag.to_string());
        self
    }

    /// Any other flag, passed as one argv element (e.g. "--step-id=check", "--debug").
    pub fn arg(mut self, raw: &str) -> Sim {
        self.args.push(raw.to_string());
        self
    }

    /// Kill runner-sim and panic if it runs longer than this (default 120 s).
    pub fn timeout(mut self, t: Duration) -> Sim {
        self.timeout = t;
        self
    }

    fn argv(&self) -> Vec<String> {
        let mut argv = vec![
            runner_sim_path().to_string_lossy().into_owned(),
            "--json".to_string(),
            format!("--action={}", self.action),
        ];
        match &self.mode {
            Mode::Binary(p) => argv.push(format!("--binary={p}")),
            Mode::Image(t) => argv.push(format!("--image={t}")),
        }
        if self.sandbox {
            argv.push("--sandbox".to_string());
        }
        let cache = match (&self.cache_dir, &self.own_cache) {
            (Some(dir), _) => Some(dir.clone()),
            (None, Some(own)) => Some(own.path().to_string_lossy().into_owned()),
            (None, None) => None,
        };
        if let Some(dir) = cache {
            argv.push(format!("--cache-dir={dir}"));
        }
        argv.extend(self.args.iter().cloned());
        argv
    }

    /// Runs `python3 runner-sim ...` and parses its JSON report. Panics with the
    /// command line, stdout and stderr if runner-sim fails (exit 64/70), times out
    /// or prints something that is not JSON.
    pub fn run(mut self) -> SimReport {
        if self.cache_dir.is_none() {
            self.own_cache = Some(TempDir::new("cache"));
        }
        let argv = self.argv();
        let shown = format!("python3 {}", argv.join(" "));
        let start = Instant::now();
        let mut child = Command::new("python3")
            .args(&argv)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{shown}`: {e}"));
        let mut out = child.stdout.take().expect("stdout pipe");
        let mut err = child.stderr.take().expect("stderr pipe");
        let out_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out.read_to_end(&mut v);
            v
        });
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err.read_to_end(&mut v);
            v
        });
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for runner-sim") {
                break status;
            }
            if start.elapsed() > self.timeout {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait for killed runner-sim");
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let wall = start.elapsed();
        let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
        let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
        drop(self.files);
        if timed_out {
            panic!(
                "runner-sim timed out after {:?}: `{shown}`\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
                self.timeout
            );
        }
        if !status.success() {
            panic!(
                "runner-sim failed ({status}): `{shown}`\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
            );
        }
        let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("runner-sim printed no JSON ({e}): `{shown}`\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}")
        });
        SimReport {
            json,
            wall,
            stderr,
            command: shown,
        }
    }
}

/// runner-sim's `--json` report.
pub struct SimReport {
    pub json: Value,
    /// Wall time of the whole runner-sim process (≈ 0.2 s of it is Python start-up).
    pub wall: Duration,
    /// runner-sim's own stderr (normally empty).
    pub stderr: String,
    /// The command line that was run.
    pub command: String,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

impl SimReport {
    /// An output's value; panics (with the report) when the step did not write it.
    pub fn out(&self, name: &str) -> String {
        self.output(name)
            .unwrap_or_else(|| panic!("no `{name}` output:\n{self}"))
    }

    /// How long runner-sim ran the steps (without Python's own start-up).
    pub fn run_secs(&self) -> f64 {
        self.json["duration_s"]
            .as_f64()
            .unwrap_or(self.wall.as_secs_f64())
    }

    /// The `exited_after_first_signal_s` figure of a run with `--signal-after`.
    pub fn exited_after_signal(&self) -> f64 {
        self.json["exited_after_first_signal_s"]
            .as_f64()
            .unwrap_or_else(|| panic!("no exited_after_first_signal_s in the report:\n{self}"))
    }

    /// Leaks the binary caused: all but the runner's own echo of the `with:` inputs in the log
    /// header, which only `--secret` covers (a test that watches a value without registering it
    /// as a secret triggers that one on purpose).
    pub fn binary_leaks(&self) -> Vec<Value> {
        self.leaks()
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|l| {
                !(l["where"] == "log"
                    && l["detail"]
                        .as_str()
                        .is_some_and(|d| d.starts_with("a runner log line")))
            })
            .collect()
    }

    /// The action's exit code (panics if the report has none, e.g. it never started).
    pub fn exit_code(&self) -> i64 {
        self.exit_code_opt()
            .unwrap_or_else(|| panic!("runner-sim report has no exit_code:\n{self}"))
    }

    pub fn exit_code_opt(&self) -> Option<i64> {
        self.json["exit_code"].as_i64()
    }

    /// "success" | "failure" (after continue-on-error).
    pub fn conclusion(&self) -> String {
        self.json["conclusion"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// "success" | "failure" | "cancelled".
    pub fn outcome(&self) -> String {
        self.json["outcome"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// `outputs[name]` (what `steps.<id>.outputs.<name>` would give).
    pub fn output(&self, name: &str) -> Option<String> {
        self.json["outputs"][name].as_str().map(str::to_string)
    }

    /// The job summary (masked); "" when none was written.
    pub fn summary(&self) -> String {
        self.json["summary"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Messages of the annotations of `level` ("error", "warning", "notice"), from
    /// workflow commands and from the runner itself.
    pub fn annotations(&self, level: &str) -> Vec<String> {
        self.annotation_entries(level)
            .iter()
            .map(|a| a["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Full annotation objects of `level` ({level, message, title, file, line, ..., source}).
    pub fn annotation_entries(&self, level: &str) -> Vec<Value> {
        self.json["annotations"]
            .as_array()
            .map(|a| a.iter().filter(|x| x["level"] == level).cloned().collect())
            .unwrap_or_default()
    }

    /// The step log as displayed (masked; workflow commands consumed). It starts with
    /// runner lines: `##[group]Run ./`, the `with:` inputs, `##[endgroup]` and the
    /// `##[command]docker run ...` line.
    pub fn log(&self) -> Vec<String> {
        strings(&self.json["log"])
    }

    /// `log()` joined with '\n'.
    pub fn log_text(&self) -> String {
        self.log().join("\n")
    }

    /// The first log line or warning that contains `text`; panics with the report if none.
    pub fn line_with(&self, text: &str) -> String {
        self.log()
            .into_iter()
            .chain(self.annotations("warning"))
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("no line with {text:?}:\n{self}"))
    }

    /// Every registered mask value (includes runner-sim's fake github.token and
    /// ACTIONS_RUNTIME_TOKEN).
    pub fn masks(&self) -> Vec<String> {
        strings(&self.json["masks"])
    }

    /// `[{secret, hint, where, step, detail, ...}]`; empty array when nothing leaked.
    pub fn leaks(&self) -> &Value {
        &self.json["leaks"]
    }

    /// `[{name, properties, data, stream, line, syntax, step, processed}]`.
    pub fn commands(&self) -> &Value {
        &self.json["commands"]
    }

    /// The runner's own warnings (e.g. "Unexpected input(s) ...").
    pub fn runner_warnings(&self) -> Vec<String> {
        strings(&self.json["warnings"])
    }

    /// The runner's own errors.
    pub fn runner_errors(&self) -> Vec<String> {
        strings(&self.json["errors"])
    }

    /// `[{signal, at_s}]` sent with `--signal-after`.
    pub fn signals(&self) -> &Value {
        &self.json["signals"]
    }

    /// The `results` output parsed as JSON (panics with the report if absent or invalid).
    pub fn results(&self) -> Value {
        let text = self
            .output("results")
            .unwrap_or_else(|| panic!("no `results` output:\n{self}"));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("`results` output is not JSON ({e}): {text}\n{self}"))
    }
}

impl fmt::Display for SimReport {
    /// The command, the pretty-printed report and stderr: for assertion messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pretty = serde_json::to_string_pretty(&self.json).unwrap_or_default();
        write!(f, "$ {}\n{pretty}", self.command)?;
        if !self.stderr.is_empty() {
            write!(f, "\n--- runner-sim stderr ---\n{}", self.stderr)?;
        }
        Ok(())
    }
}

impl fmt::Debug for SimReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

//! Running the binary directly, without runner-sim: a clean environment, stdout and stderr
//! collected, signals sent by pid, and the `$GITHUB_OUTPUT` file read back the way the runner
//! reads it.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_upcheck");

/// A finished direct run of the binary.
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {:?}\n{}", self.status, self.show()))
    }

    pub fn show(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// The binary started directly, with a clean environment, stdout and stderr collected.
pub struct Running {
    child: Child,
    started: Instant,
    out: Option<JoinHandle<Vec<u8>>>,
    err: Option<JoinHandle<Vec<u8>>>,
}

fn reader(mut r: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

impl Running {
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Running {
        let mut child = Command::new(BIN)
            .env_clear()
            .args(args)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let out = child.stdout.take().map(reader);
        let err = child.stderr.take().map(reader);
        Running {
            child,
            started: Instant::now(),
            out,
            err,
        }
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// `kill -<sig> <pid>` through the `kill` program.
    pub fn send(&self, sig: &str) -> Instant {
        let at = Instant::now();
        let st = Command::new("kill")
            .args([format!("-{sig}"), self.pid()])
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -{sig} failed");
        at
    }

    /// Waits (at most `limit`, then kills and panics) and collects the output.
    pub fn finish(mut self, limit: Duration) -> Ran {
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            if self.started.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let out = self.out.take().map(|h| h.join().unwrap_or_default());
                panic!(
                    "upcheck ran longer than {limit:?}; stdout so far:\n{}",
                    String::from_utf8_lossy(&out.unwrap_or_default())
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let stdout = self.out.take().map(|h| h.join().unwrap_or_default());
        let stderr = self.err.take().map(|h| h.join().unwrap_or_default());
        Ran {
            status,
            stdout: String::from_utf8_lossy(&stdout.unwrap_or_default()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.unwrap_or_default()).into_owned(),
        }
    }
}

/// Runs the binary with exactly `envs` (nothing inherited), for at most a minute.
pub fn run_direct(args: &[&str], envs: &[(&str, &str)]) -> Ran {
    Running::start(args, envs).finish(Duration::from_secs(60))
}

/// Parses a `$GITHUB_OUTPUT` file the way the runner does (`name=value` and heredocs).
pub fn parse_output_file(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), Some(h)) if h < e => {}
            (Some(e), _) => {
                out.insert(line[..e].to_string(), line[e + 1..].to_string());
                continue;
            }
            (None, Some(_)) => {}
            (None, None) => panic!("invalid output line {line:?} in:\n{text}"),
        }
        let h = heredoc.expect("heredoc");
        let (name, delimiter) = (&line[..h], &line[h + 2..]);
        let mut value = Vec::new();
        let mut closed = false;
        for l in lines.by_ref() {
            if l == delimiter {
                closed = true;
                break;
            }
            value.push(l);
        }
        assert!(
            closed,
            "no delimiter {delimiter:?} for {name:?} in:\n{text}"
        );
        out.insert(name.to_string(), value.join("\n"));
    }
    out
}

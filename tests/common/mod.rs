//! Shared black-box test infrastructure for the integration tests: a scriptable
//! HTTP/1.1 (and HTTPS) test server with recorded requests (`server`), throwaway
//! certificates made with rcgen (`tls`), a wrapper around `shared/tools/runner-sim`
//! that runs the action and parses its JSON report (`sim`), and small helpers
//! (temporary directories, a refused port, the static release binary).
//!
//! Every test binary uses a subset of this, hence `dead_code` (and `unused_imports`
//! for the re-exports below) are allowed.
#![allow(dead_code, unused_imports)]

pub mod fake_channels;
pub mod fake_github;
pub mod fake_slack;
pub mod server;
pub mod sim;
pub mod tls;

pub use fake_slack::{all_text, messages, slack_ok, validate_payload, validator_path, SLACK_HOOK};
pub use server::{refused_port, Behaviour, Recorded, TestServer};
pub use sim::{runner_sim_path, static_binary, Sim, SimReport};
pub use tls::TestCert;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Absolute path of the crate root (`CARGO_MANIFEST_DIR`).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A directory under the system temp dir, removed (recursively) when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let name = format!(
                "upcheck-test-{label}-{}-{}-{nanos}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = base.join(name);
            match std::fs::create_dir(&path) {
                Ok(()) => return TempDir { path },
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create temp dir {}: {e}", path.display()),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` to `name` inside the directory and returns the full path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        p
    }

    /// Like `write`, then marks the file executable (0o755).
    pub fn write_executable(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.write(name, contents);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

//! Shared black-box test infrastructure for the integration tests: a scriptable
//! HTTP/1.1 (and HTTPS) test server with recorded requests (`server`), throwaway
//! certificates made with rcgen (`tls`), a wrapper around `shared/tools/runner-sim`
//! that runs the action and parses its JSON report (`sim`), the binary run directly with
//! the `$GITHUB_OUTPUT` parser (`direct`), a raw-bytes server (`raw`), and small helpers
//! (temporary directories, a refused port, the static release binary).
//!
//! Every test binary uses a subset of this, hence `dead_code` (and `unused_imports`
//! for the re-exports below) are allowed.
#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses its own subset of the shared helpers"
)]

pub mod direct;
pub mod fake_channels;
pub mod fake_github;
pub mod fake_slack;
pub mod raw;
pub mod server;
pub mod sim;
pub mod tls;

pub use direct::{parse_output_file, run_direct, Ran, Running, BIN};
pub use fake_slack::{all_text, messages, slack_ok, validate_payload, validator_path, SLACK_HOOK};
pub use raw::RawServer;
pub use server::{refused_port, Behaviour, Recorded, TestServer};
pub use sim::{runner_sim_path, static_binary, Sim, SimReport};
pub use tls::TestCert;

use std::path::{Path, PathBuf};

/// Absolute path of the crate root (`CARGO_MANIFEST_DIR`).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A directory under the system temp dir, removed (recursively) when dropped: a thin wrapper
/// over `tempfile::TempDir` with a label in its name and file-writing helpers.
#[derive(Debug)]
pub struct TempDir {
    dir: tempfile::TempDir,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("upcheck-test-{label}-"))
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temp dir for {label}: {e}"));
        TempDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `name` inside the directory and returns the full path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
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

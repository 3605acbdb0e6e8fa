//! Where a run's state belongs: the monitor identity (repository, workflow, job, `state-key`,
//! ref, matrix leg), the default state file, whether the path survives the container, and
//! whether the run used the default branch's state. `Place::from_env` is the only part that
//! reads the environment; the rest is pure.

use std::path::{Component, Path, PathBuf};

use super::file::Monitor;

/// The container paths the runner mounts from the host (runner-contract §2.2).
const MOUNTED: &[&str] = &[
    "/github/workspace",
    "/github/home",
    "/github/workflow",
    "/github/file_commands",
    "/github/runner_temp",
];

/// What the state needs to know about the run's surroundings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// `GITHUB_ACTIONS=true`.
    pub actions: bool,
    pub repository: String,
    pub workflow: String,
    pub job: String,
    /// `GITHUB_REF`, e.g. `refs/heads/main`.
    pub git_ref: String,
    pub event: String,
    /// The matrix leg, as the action computes it (`UPCHECK_STATE_LEG`, internal): a hash of
    /// `toJSON(matrix)`, empty outside a matrix.
    pub leg: String,
    /// The repository's default branch (`UPCHECK_DEFAULT_BRANCH`, internal, else the event
    /// payload's `repository.default_branch`).
    pub default_branch: Option<String>,
    pub runner_temp: Option<PathBuf>,
    pub workspace: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// Directories of `GITHUB_EVENT_PATH`, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
    pub runner_files: Vec<PathBuf>,
    /// The working directory, for relative paths.
    pub cwd: Option<PathBuf>,
}

impl Place {
    /// Read from the process environment (and the event payload file, for the default branch).
    pub fn from_env() -> Place {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let path = |name: &str| var(name).map(PathBuf::from);
        let parent = |name: &str| path(name).and_then(|p| p.parent().map(Path::to_path_buf));
        let default_branch = var("UPCHECK_DEFAULT_BRANCH").or_else(|| {
            let text = std::fs::read(path("GITHUB_EVENT_PATH")?).ok()?;
            let event: serde_json::Value = serde_json::from_slice(&text).ok()?;
            event["repository"]["default_branch"]
                .as_str()
                .filter(|b| !b.is_empty())
                .map(str::to_string)
        });
        Place {
            actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            repository: var("GITHUB_REPOSITORY").unwrap_or_default(),
            workflow: var("GITHUB_WORKFLOW").unwrap_or_default(),
            job: var("GITHUB_JOB").unwrap_or_default(),
            git_ref: var("GITHUB_REF").unwrap_or_default(),
            event: var("GITHUB_EVENT_NAME").unwrap_or_default(),
            leg: var("UPCHECK_STATE_LEG").unwrap_or_default(),
            default_branch,
            runner_temp: path("RUNNER_TEMP"),
            workspace: path("GITHUB_WORKSPACE"),
            home: path("HOME"),
            runner_files: ["GITHUB_EVENT_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"]
                .iter()
                .filter_map(|n| parent(n))
                .collect(),
            cwd: std::env::current_dir().ok(),
        }
    }

    /// The monitor this run is, in Actions: the identity its state file records. `None` in a
    /// local run (no identity is checked).
    pub fn monitor(&self, state_key: Option<&str>) -> Option<Monitor> {
        if !self.actions {
            return None;
        }
        let key = state_key.unwrap_or("").trim();
        let id = monitor_id(
            &self.repository,
            &self.workflow,
            &self.job,
            key,
            &self.git_ref,
            &self.leg,
        );
        let mut name = format!("{} · {}", self.repository, self.workflow);
        if !self.job.is_empty() {
            name.push_str(&format!(" · job {}", self.job));
        }
        if !key.is_empty() {
            name.push_str(&format!(" · state-key {key}"));
        }
        name.push_str(&format!(" · {}", self.git_ref));
        if !self.leg.is_empty() {
            name.push_str(&format!(
                " · matrix leg {}",
                crate::text::clip(&self.leg, 16)
            ));
        }
        Some(Monitor {
            id,
            name: crate::text::clip(&name, 300),
        })
    }

    /// With no `state-file` in Actions (a bare `docker://` step): a file under `RUNNER_TEMP`
    /// named by the monitor, the same name the action gives it.
    pub fn default_file(&self, monitor: Option<&Monitor>) -> Option<PathBuf> {
        let temp = self.runner_temp.as_ref().filter(|_| self.actions)?;
        Some(default_file(temp, &monitor?.id))
    }

    /// A `::warning::` text when, in Actions, the state file is written where it does not
    /// outlive the container: outside every mounted directory, or under a `RUNNER_TEMP` that an
    /// older runner does not mount. Without `GITHUB_WORKSPACE` (which the runner always sets)
    /// the mounts are unknown and nothing is said.
    pub fn lost_path_warning(&self, file: &Path) -> Option<String> {
        self.lost_path_warning_for("state-file", ".upcheck/state.json", file)
    }

    /// The same warning for any input that names a path the run writes (`state-file`,
    /// `status-dir`), with `example` as the path to use instead.
    pub fn lost_path_warning_for(&self, input: &str, example: &str, file: &Path) -> Option<String> {
        if !self.actions || self.workspace.is_none() {
            return None;
        }
        let instead = if input == "state-file" {
            format!("set {input} to a path in the workspace (e.g. {example}) or leave it empty")
        } else {
            format!("set {input} to a path in the workspace (e.g. {example})")
        };
        let shown = file.display();
        if file.starts_with("~") {
            return Some(format!(
                "{input} {shown}: `~` is not expanded inside the container, so the files \
                 go to a directory named `~` in the workspace and are lost; {instead}"
            ));
        }
        let full = normalize(&match (&self.cwd, file.is_absolute()) {
            (Some(cwd), false) => cwd.join(file),
            _ => file.to_path_buf(),
        });
        let temp_unmounted = self.runner_temp_unmounted();
        if let (Some(temp), true) = (&self.runner_temp, temp_unmounted) {
            if full.starts_with(normalize(temp)) {
                return Some(format!(
                    "{input} {shown} is under RUNNER_TEMP ({}), which this runner does not \
                     mount into the container (runners older than 2.329.0): what is written \
                     there is lost when the step ends; update the runner, or set {input} to a \
                     path in the workspace (e.g. {example})",
                    temp.display()
                ));
            }
        }
        let mut roots: Vec<PathBuf> = MOUNTED.iter().map(PathBuf::from).collect();
        roots.extend(self.workspace.iter().cloned());
        roots.extend(self.home.iter().cloned());
        roots.extend(self.runner_files.iter().cloned());
        if !temp_unmounted {
            roots.extend(self.runner_temp.iter().cloned());
        }
        if roots.iter().any(|r| full.starts_with(normalize(r))) {
            return None;
        }
        Some(format!(
            "{input} {shown} is not in a directory mounted into the container \
             (/github/workspace, /github/home, /github/runner_temp): what is written there is \
             lost when the step ends; {instead}"
        ))
    }

    /// In a container (the workspace at `/github/workspace`) with `RUNNER_TEMP` a host path:
    /// a runner older than 2.329.0, which does not mount it.
    fn runner_temp_unmounted(&self) -> bool {
        let in_container = self
            .workspace
            .as_ref()
            .is_some_and(|w| w == Path::new("/github/workspace"));
        in_container
            && self
                .runner_temp
                .as_ref()
                .is_some_and(|t| !t.starts_with("/github/"))
    }

    /// Whether this run's state is the default branch's. `None` when it cannot be told.
    pub fn on_default_branch(&self) -> Option<bool> {
        match &self.default_branch {
            Some(branch) => Some(self.git_ref == format!("refs/heads/{branch}")),
            // Scheduled runs always run on the default branch.
            None if self.event == "schedule" => Some(true),
            None => None,
        }
    }

    /// For the job summary: a run on another ref keeps a state of its own.
    pub fn branch_note(&self) -> Option<String> {
        if !self.actions || self.on_default_branch() != Some(false) {
            return None;
        }
        let shown = |s: &str| crate::text::md_cell(&crate::text::clip(s, 200));
        let default = shown(self.default_branch.as_deref().unwrap_or_default());
        Some(format!(
            "State: this run on {} used its own state between runs, not the default branch's \
             ({default}): it neither read nor changed what the monitor on {default} remembers.",
            shown(&self.git_ref),
        ))
    }
}

/// The monitor identity: 32 hex digits of the SHA-256 of the length-prefixed parts
/// (`<bytes>:<text>\n` each, after `upcheck-monitor-1`). `action.yml` computes the same hash in
/// bash for the cache key and the default file name.
pub fn monitor_id(
    repository: &str,
    workflow: &str,
    job: &str,
    state_key: &str,
    git_ref: &str,
    leg: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        "upcheck-monitor-1",
        repository,
        workflow,
        job,
        state_key,
        git_ref,
        leg,
    ] {
        hash.update(format!("{}:{part}\n", part.len()).as_bytes());
    }
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `<temp>/upcheck-state/<monitor id>.json`.
pub fn default_file(runner_temp: &Path, monitor_id: &str) -> PathBuf {
    runner_temp
        .join("upcheck-state")
        .join(format!("{monitor_id}.json"))
}

/// `.` and `..` resolved lexically (the file may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container() -> Place {
        Place {
            actions: true,
            repository: "octo-org/octo-repo".into(),
            workflow: "Uptime, prod".into(),
            job: "check".into(),
            git_ref: "refs/heads/main".into(),
            event: "schedule".into(),
            leg: String::new(),
            default_branch: Some("main".into()),
            runner_temp: Some("/github/runner_temp".into()),
            workspace: Some("/github/workspace".into()),
            home: Some("/github/home".into()),
            runner_files: vec!["/github/file_commands".into(), "/github/workflow".into()],
            cwd: Some("/github/workspace".into()),
        }
    }

    #[test]
    fn the_monitor_depends_on_every_part() {
        let base = container();
        let id = |p: &Place, key: Option<&str>| p.monitor(key).unwrap().id;
        let a = id(&base, Some("api"));
        assert_eq!(a.len(), 32);
        assert_eq!(a, id(&base, Some(" api ")), "the key is trimmed");
        assert_ne!(a, id(&base, Some("web")));
        assert_ne!(a, id(&base, None));
        let leg = Place {
            leg: "0123abcd".into(),
            ..base.clone()
        };
        assert_ne!(a, id(&leg, Some("api")));
        let feature = Place {
            git_ref: "refs/heads/feature".into(),
            ..base.clone()
        };
        assert_ne!(a, id(&feature, Some("api")));
        // Length prefixes: moving text from one part to the next is another monitor.
        assert_ne!(
            monitor_id("a", "b c", "d", "", "r", ""),
            monitor_id("a b", "c", "d", "", "r", "")
        );
        assert_eq!(
            base.monitor(Some("api")).unwrap().name,
            "octo-org/octo-repo · Uptime, prod · job check · state-key api · refs/heads/main"
        );
        let local = Place {
            actions: false,
            ..base
        };
        assert!(local.monitor(Some("api")).is_none());
    }

    #[test]
    fn the_hash_matches_the_one_action_yml_computes() {
        // printf '%d:%s\n' for each part, piped to sha256sum, first 32 hex digits.
        assert_eq!(monitor_id("o/r", "W", "j", "", "refs/heads/main", ""), {
            use sha2::{Digest, Sha256};
            let text = "17:upcheck-monitor-1\n3:o/r\n1:W\n1:j\n0:\n15:refs/heads/main\n0:\n";
            let d = Sha256::digest(text.as_bytes());
            d.iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
    }

    #[test]
    fn the_default_file_is_named_by_the_monitor() {
        let p = container();
        let m = p.monitor(Some("api"));
        assert_eq!(
            p.default_file(m.as_ref()).unwrap(),
            PathBuf::from(format!(
                "/github/runner_temp/upcheck-state/{}.json",
                m.unwrap().id
            ))
        );
        let no_temp = Place {
            runner_temp: None,
            ..container()
        };
        assert!(no_temp
            .default_file(no_temp.monitor(None).as_ref())
            .is_none());
    }

    #[test]
    fn paths_outside_the_mounts_are_warned_about() {
        let p = container();
        for kept in [
            "/github/workspace/.upcheck/state.json",
            ".upcheck/state.json",
            "/github/runner_temp/upcheck-state/x.json",
            "/github/home/state.json",
        ] {
            assert_eq!(p.lost_path_warning(Path::new(kept)), None, "{kept}");
        }
        for lost in ["/tmp/x.json", "/github/workspace/../x.json", "/root/x.json"] {
            let w = p.lost_path_warning(Path::new(lost)).expect(lost);
            assert!(
                w.contains(lost) && w.contains("not in a directory mounted"),
                "{w}"
            );
            assert!(w.contains("path in the workspace"), "{w}");
        }
        let w = p.lost_path_warning(Path::new("~/x.json")).unwrap();
        assert!(w.contains("`~` is not expanded"), "{w}");

        // An older runner: RUNNER_TEMP keeps its host path and is not mounted.
        let old = Place {
            runner_temp: Some("/home/runner/work/_temp".into()),
            ..container()
        };
        let w = old
            .lost_path_warning(Path::new("/home/runner/work/_temp/upcheck-state/a.json"))
            .unwrap();
        assert!(w.contains("older than 2.329.0"), "{w}");
        // Outside a container (the emulator, a host path workspace) RUNNER_TEMP counts.
        let host = Place {
            runner_temp: Some("/srv/r/_temp".into()),
            workspace: Some("/srv/r/ws".into()),
            cwd: Some("/srv/r/ws".into()),
            ..container()
        };
        assert_eq!(
            host.lost_path_warning(Path::new("/srv/r/_temp/s.json")),
            None
        );
        assert!(host.lost_path_warning(Path::new("/tmp/s.json")).is_some());
        let local = Place {
            actions: false,
            ..container()
        };
        assert_eq!(local.lost_path_warning(Path::new("/tmp/x.json")), None);
        let unknown = Place {
            workspace: None,
            ..container()
        };
        assert_eq!(unknown.lost_path_warning(Path::new("/tmp/x.json")), None);
    }

    #[test]
    fn a_run_on_another_ref_says_so() {
        let main = container();
        assert_eq!(main.on_default_branch(), Some(true));
        assert!(main.branch_note().is_none());
        let feature = Place {
            git_ref: "refs/heads/<b>x".into(),
            event: "workflow_dispatch".into(),
            ..container()
        };
        let note = feature.branch_note().unwrap();
        assert!(note.contains("on refs/heads/&lt;b&gt;x used"), "{note}");
        assert!(note.contains("not the default branch's (main)"), "{note}");
        let unknown = Place {
            default_branch: None,
            event: "push".into(),
            ..container()
        };
        assert_eq!(unknown.on_default_branch(), None);
        let scheduled = Place {
            default_branch: None,
            ..container()
        };
        assert_eq!(scheduled.on_default_branch(), Some(true));
    }
}

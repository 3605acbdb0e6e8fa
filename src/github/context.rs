//! The workflow run around this step, from the runner's `GITHUB_*` variables: repository, run,
//! workflow, job, ref and commit (the pull request's head commit on pull-request events).

use std::collections::HashMap;

/// What the runner tells about the run. Every field may be missing in a local run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunContext {
    pub server_url: String,
    pub api_url: String,
    pub repository: Option<String>,
    pub run_id: Option<String>,
    pub run_number: Option<String>,
    pub run_attempt: Option<String>,
    pub workflow: Option<String>,
    /// `GITHUB_WORKFLOW_REF`: `owner/repo/.github/workflows/file.yml@ref` of the workflow that
    /// started the run (the caller's, when a reusable workflow runs this step).
    pub workflow_ref: Option<String>,
    pub job: Option<String>,
    pub git_ref: Option<String>,
    pub sha: Option<String>,
    /// The pull request's head commit, on pull-request events.
    pub head_sha: Option<String>,
    pub event_name: Option<String>,
    pub actor: Option<String>,
}

impl RunContext {
    /// From the process environment and the event payload file.
    pub fn from_env() -> RunContext {
        let vars: HashMap<String, String> = std::env::vars().collect();
        let event = vars
            .get("GITHUB_EVENT_PATH")
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
        Self::from_vars(&vars, event.as_ref())
    }

    pub fn from_vars(
        vars: &HashMap<String, String>,
        event: Option<&serde_json::Value>,
    ) -> RunContext {
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let head_sha = event
            .and_then(|e| e["pull_request"]["head"]["sha"].as_str())
            .map(str::to_string);
        RunContext {
            server_url: get("GITHUB_SERVER_URL")
                .unwrap_or_else(|| "https://github.com".into())
                .trim_end_matches('/')
                .to_string(),
            api_url: get("GITHUB_API_URL")
                .unwrap_or_else(|| "https://api.github.com".into())
                .trim_end_matches('/')
                .to_string(),
            repository: get("GITHUB_REPOSITORY"),
            run_id: get("GITHUB_RUN_ID"),
            run_number: get("GITHUB_RUN_NUMBER"),
            run_attempt: get("GITHUB_RUN_ATTEMPT"),
            workflow: get("GITHUB_WORKFLOW"),
            workflow_ref: get("GITHUB_WORKFLOW_REF"),
            job: get("GITHUB_JOB"),
            git_ref: get("GITHUB_REF"),
            sha: get("GITHUB_SHA"),
            head_sha,
            event_name: get("GITHUB_EVENT_NAME"),
            actor: get("GITHUB_ACTOR"),
        }
    }

    pub fn repo_url(&self) -> Option<String> {
        Some(format!("{}/{}", self.server_url, self.repository.as_ref()?))
    }

    /// The run's page, at this attempt when known.
    pub fn run_url(&self) -> Option<String> {
        let mut url = format!(
            "{}/actions/runs/{}",
            self.repo_url()?,
            self.run_id.as_ref()?
        );
        if let Some(attempt) = self.run_attempt.as_deref().filter(|a| *a != "1") {
            url.push_str(&format!("/attempts/{attempt}"));
        }
        Some(url)
    }

    /// The commit the run is about: the pull request's head, else `GITHUB_SHA`.
    pub fn commit(&self) -> Option<&str> {
        self.head_sha.as_deref().or(self.sha.as_deref())
    }

    pub fn commit_url(&self) -> Option<String> {
        Some(format!("{}/commit/{}", self.repo_url()?, self.commit()?))
    }
}

/// The run context the rendering unit tests share.
#[cfg(test)]
pub fn test_context() -> RunContext {
    let vars: std::collections::HashMap<String, String> = [
        ("GITHUB_REPOSITORY", "octo-org/site"),
        ("GITHUB_RUN_ID", "42"),
        ("GITHUB_RUN_NUMBER", "7"),
        ("GITHUB_WORKFLOW", "Health check"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    RunContext::from_vars(&vars, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn links_from_the_runner_variables() {
        let ctx = RunContext::from_vars(
            &vars(&[
                ("GITHUB_SERVER_URL", "https://github.example/"),
                ("GITHUB_REPOSITORY", "octo/site"),
                ("GITHUB_RUN_ID", "42"),
                ("GITHUB_RUN_ATTEMPT", "2"),
                ("GITHUB_SHA", "abc123"),
            ]),
            None,
        );
        assert_eq!(
            ctx.run_url().unwrap(),
            "https://github.example/octo/site/actions/runs/42/attempts/2"
        );
        assert_eq!(
            ctx.commit_url().unwrap(),
            "https://github.example/octo/site/commit/abc123"
        );
        assert_eq!(ctx.api_url, "https://api.github.com");
    }

    #[test]
    fn pull_requests_use_the_head_commit() {
        let event = serde_json::json!({"pull_request": {"head": {"sha": "head456"}}});
        let ctx = RunContext::from_vars(&vars(&[("GITHUB_SHA", "merge789")]), Some(&event));
        assert_eq!(ctx.commit(), Some("head456"));
    }

    #[test]
    fn a_local_run_has_no_links() {
        let ctx = RunContext::from_vars(&HashMap::new(), None);
        assert_eq!(ctx.run_url(), None);
        assert_eq!(ctx.server_url, "https://github.com");
    }
}

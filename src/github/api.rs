//! The few GitHub REST calls behind Slack's `message`, `author`, `job` and `took` fields (the
//! commit, and this run's jobs) and behind `keepalive` (the repository, and enabling a
//! workflow). A token without the needed permission is explained (GitHub names it in
//! `X-Accepted-GitHub-Permissions`), never fatal.

use std::time::Duration;

use reqwest::{Client, Method};
use serde_json::Value;
use time::OffsetDateTime;

/// One call's limit.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// The most of one answer that is read (a run's jobs, 100 at a time, fit well within it).
const MAX_ANSWER: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("no github_token was given")]
    NoToken,
    #[error("this is not a workflow run (no {0})")]
    NotInRun(&'static str),
    #[error("the token may not {what}: add `permissions: {permission}` to the job (GitHub answered 403 Resource not accessible by integration)")]
    Forbidden {
        what: &'static str,
        permission: String,
    },
    #[error("GitHub answered HTTP {status} when asked to {what}")]
    Status { what: &'static str, status: u16 },
    #[error("cannot reach the GitHub API to {what} ({why})")]
    Unreachable { what: &'static str, why: String },
    #[error("no job named {0:?} in this run")]
    JobNotFound(String),
    #[error("no time was left before the step's deadline to {what}")]
    OutOfTime { what: &'static str },
}

/// The commit a run is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The first line of the message.
    pub title: String,
    pub author: String,
}

/// The job this step runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub name: String,
    pub url: Option<String>,
    pub started_at: Option<OffsetDateTime>,
}

pub struct Api<'a> {
    pub client: &'a Client,
    /// `GITHUB_API_URL`, without a trailing slash.
    pub base: &'a str,
    pub token: Option<&'a str>,
}

/// A GitHub REST call with `token`, as GitHub asks to be called (its JSON media type and API
/// version).
pub fn rest_request(
    client: &Client,
    method: Method,
    url: String,
    token: &str,
) -> reqwest::RequestBuilder {
    client
        .request(method, url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
}

/// The repository, as `GET /repos/{owner}/{repo}` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The last push to any of its branches.
    pub pushed_at: Option<OffsetDateTime>,
    pub private: bool,
    pub archived: bool,
}

impl Api<'_> {
    async fn get(
        &self,
        path: &str,
        what: &'static str,
        permission: &str,
    ) -> Result<Value, ApiError> {
        self.call(Method::GET, path, what, permission, TIMEOUT)
            .await
    }

    /// One call, within `limit` (at most `TIMEOUT`); an empty answer (204) is `Value::Null`.
    async fn call(
        &self,
        method: Method,
        path: &str,
        what: &'static str,
        permission: &str,
        limit: Duration,
    ) -> Result<Value, ApiError> {
        let token = self.token.ok_or(ApiError::NoToken)?;
        let limit = limit.min(TIMEOUT);
        if limit.is_zero() {
            return Err(ApiError::OutOfTime { what });
        }
        let request =
            rest_request(self.client, method, format!("{}{path}", self.base), token).timeout(limit);
        let response = request.send().await.map_err(|e| ApiError::Unreachable {
            what,
            why: crate::net::unanswered(&e, limit),
        })?;
        let status = response.status().as_u16();
        if status == 403 {
            let named = response
                .headers()
                .get("x-accepted-github-permissions")
                .and_then(|v| v.to_str().ok())
                .map(permission_words)
                .filter(|p| !p.is_empty());
            return Err(ApiError::Forbidden {
                what,
                permission: named.unwrap_or_else(|| permission.to_string()),
            });
        }
        if !(200..300).contains(&status) {
            return Err(ApiError::Status { what, status });
        }
        let body = crate::net::read_capped(response, MAX_ANSWER)
            .await
            .map_err(|e| ApiError::Unreachable {
                what,
                why: format!("the answer broke off ({})", crate::net::classify(&e)),
            })?;
        if body.cut {
            return Err(ApiError::Unreachable {
                what,
                why: format!("the answer is larger than {} MiB", MAX_ANSWER >> 20),
            });
        }
        if body.bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body.bytes).map_err(|_| ApiError::Unreachable {
            what,
            why: "the answer was not JSON".into(),
        })
    }

    /// `GET /repos/{repository}`, within `limit`.
    pub async fn repository(
        &self,
        repository: &str,
        limit: Duration,
    ) -> Result<Repository, ApiError> {
        let v = self
            .call(
                Method::GET,
                &format!("/repos/{repository}"),
                "read the repository",
                "contents: read",
                limit,
            )
            .await?;
        Ok(Repository {
            pushed_at: v["pushed_at"].as_str().and_then(|s| {
                OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            }),
            private: v["private"].as_bool().unwrap_or(false),
            archived: v["archived"].as_bool().unwrap_or(false),
        })
    }

    /// `PUT /repos/{repository}/actions/workflows/{workflow}/enable` (a workflow's id or file
    /// name), within `limit`.
    pub async fn enable_workflow(
        &self,
        repository: &str,
        workflow: &str,
        limit: Duration,
    ) -> Result<(), ApiError> {
        let id = path_segment(workflow);
        self.call(
            Method::PUT,
            &format!("/repos/{repository}/actions/workflows/{id}/enable"),
            "re-enable this workflow",
            "actions: write",
            limit,
        )
        .await
        .map(drop)
    }

    pub async fn commit(&self, repository: &str, sha: &str) -> Result<Commit, ApiError> {
        let v = self
            .get(
                &format!("/repos/{repository}/commits/{sha}"),
                "read the commit",
                "contents: read",
            )
            .await?;
        let message = v["commit"]["message"].as_str().unwrap_or("");
        let name = v["commit"]["author"]["name"].as_str().unwrap_or("");
        let email = v["commit"]["author"]["email"].as_str().unwrap_or("");
        Ok(Commit {
            title: message.lines().next().unwrap_or("").to_string(),
            author: if email.is_empty() {
                name.to_string()
            } else {
                format!("{name} <{email}>")
            },
        })
    }

    pub async fn job(
        &self,
        repository: &str,
        run_id: &str,
        job_key: &str,
    ) -> Result<Job, ApiError> {
        let v = self
            .get(
                &format!("/repos/{repository}/actions/runs/{run_id}/jobs?per_page=100"),
                "read this run's jobs",
                "actions: read",
            )
            .await?;
        let jobs = v["jobs"].as_array().cloned().unwrap_or_default();
        find_job(&jobs, job_key).ok_or_else(|| ApiError::JobNotFound(job_key.to_string()))
    }
}

/// `s` as one URL path segment: every byte but letters, digits and `-._~` percent-encoded.
fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `actions=read; contents=read` → `actions: read, contents: read`.
fn permission_words(header: &str) -> String {
    header
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.replacen('=', ": ", 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The job named by its key (`GITHUB_JOB`), its display name, a matrix job (`name (a, b)`) or a
/// reusable workflow's job (`caller / name`); among several, the one still running.
pub fn find_job(jobs: &[Value], key: &str) -> Option<Job> {
    let matches = |name: &str| {
        name == key || name.starts_with(&format!("{key} (")) || name.ends_with(&format!(" / {key}"))
    };
    let candidates: Vec<&Value> = jobs
        .iter()
        .filter(|j| j["name"].as_str().is_some_and(matches))
        .collect();
    let chosen = candidates
        .iter()
        .find(|j| j["status"] == "in_progress")
        .or(candidates.first())?;
    Some(Job {
        name: chosen["name"].as_str().unwrap_or(key).to_string(),
        url: chosen["html_url"].as_str().map(str::to_string),
        started_at: chosen["started_at"].as_str().and_then(|s| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_files_are_one_path_segment() {
        assert_eq!(path_segment("healthcheck.yml"), "healthcheck.yml");
        assert_eq!(path_segment("up check/x.yaml"), "up%20check%2Fx.yaml");
    }

    #[test]
    fn permissions_in_words() {
        assert_eq!(permission_words("actions=read"), "actions: read");
        assert_eq!(
            permission_words("actions=read; contents=read"),
            "actions: read, contents: read"
        );
    }

    #[test]
    fn jobs_are_found_by_key_matrix_or_caller() {
        let jobs = serde_json::json!([
            {"name": "build", "status": "completed", "html_url": "https://gh/j/1", "started_at": "2026-11-25T03:00:00Z"},
            {"name": "healthcheck (api, eu)", "status": "in_progress", "html_url": "https://gh/j/2", "started_at": "2026-11-25T03:01:00Z"},
            {"name": "monitor / check", "status": "in_progress", "html_url": "https://gh/j/3", "started_at": null}
        ]);
        let jobs = jobs.as_array().unwrap();
        let j = find_job(jobs, "healthcheck").unwrap();
        assert_eq!(j.name, "healthcheck (api, eu)");
        assert_eq!(
            j.started_at,
            Some(time::macros::datetime!(2026-11-25 03:01 UTC))
        );
        assert_eq!(
            find_job(jobs, "check").unwrap().url.as_deref(),
            Some("https://gh/j/3")
        );
        assert!(find_job(jobs, "deploy").is_none());
    }

    #[test]
    fn errors_say_what_to_add() {
        let e = ApiError::Forbidden {
            what: "read this run's jobs",
            permission: "actions: read".into(),
        };
        assert_eq!(
            e.to_string(),
            "the token may not read this run's jobs: add `permissions: actions: read` to the job (GitHub answered 403 Resource not accessible by integration)"
        );
    }
}

//! The context fields of a message, with 8398a7/action-slack's names and meanings. `repo`,
//! `commit`, `action`, `eventName`, `ref` and `workflow` come from the run's variables; `message`
//! and `author` need the commit from the API, `job` and `took` the run's jobs. A field the API
//! cannot give is left out with a warning that says which permission is missing.

use time::OffsetDateTime;

use super::message::{escape, link, Field};
use crate::config::SlackField;
use crate::github::api::{Api, ApiError, Commit, Job};
use crate::github::context::RunContext;
use crate::text::clip;

/// `1 hour 2 min 3 sec`, zero units left out (8398a7's form).
pub fn took(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} hour"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} sec"));
    }
    parts.join(" ")
}

/// The fields, in the order asked, from what is known. `commit` and `job` are the API's answers
/// (`None` when not asked for).
pub fn render(
    names: &[SlackField],
    ctx: &RunContext,
    commit: Option<&Result<Commit, ApiError>>,
    job: Option<&Result<Job, ApiError>>,
    now: OffsetDateTime,
) -> Vec<Field> {
    let mut fields = Vec::new();
    for &name in names {
        let value = match name {
            SlackField::Repo => ctx.repository.as_ref().map(|repo| match ctx.repo_url() {
                Some(url) => link(&url, repo),
                None => escape(repo),
            }),
            SlackField::Commit => ctx.commit().map(|sha| {
                let short = &sha[..sha.len().min(8)];
                ctx.commit_url()
                    .map_or_else(|| escape(short), |url| link(&url, short))
            }),
            SlackField::Action => ctx
                .commit_url()
                .map(|url| link(&format!("{url}/checks"), "action")),
            SlackField::EventName => ctx.event_name.as_deref().map(escape),
            SlackField::Ref => ctx.git_ref.as_deref().map(escape),
            SlackField::Workflow => ctx.workflow.as_ref().map(|w| match ctx.run_url() {
                Some(url) => link(&url, w),
                None => escape(w),
            }),
            SlackField::Message => match commit {
                Some(Ok(c)) => Some(match ctx.commit_url() {
                    Some(url) => link(&url, &clip(&c.title, 200)),
                    None => escape(&clip(&c.title, 200)),
                }),
                _ => None,
            },
            SlackField::Author => match commit {
                Some(Ok(c)) => Some(escape(&clip(&c.author, 200))),
                _ => None,
            },
            SlackField::Job => match job {
                Some(Ok(j)) => Some(match &j.url {
                    Some(url) => link(url, &j.name),
                    None => escape(&j.name),
                }),
                _ => None,
            },
            SlackField::Took => match job {
                Some(Ok(Job {
                    started_at: Some(start),
                    ..
                })) => Some(took((now - *start).whole_seconds().max(0))),
                _ => None,
            },
        };
        if let Some(value) = value {
            fields.push(Field {
                title: name.as_str(),
                value,
            });
        }
    }
    fields
}

/// Ask the API for what the fields need, both calls at once; returns the fields and a warning
/// for each field that had to be left out.
pub async fn gather(
    names: &[SlackField],
    ctx: &RunContext,
    api: &Api<'_>,
) -> (Vec<Field>, Vec<String>) {
    let wants_commit = names
        .iter()
        .any(|n| matches!(n, SlackField::Message | SlackField::Author));
    let wants_job = names
        .iter()
        .any(|n| matches!(n, SlackField::Job | SlackField::Took));
    let commit_call = async {
        if !wants_commit {
            return None;
        }
        Some(match (&ctx.repository, ctx.commit()) {
            (Some(repo), Some(sha)) => api.commit(repo, sha).await,
            _ => Err(ApiError::NotInRun("GITHUB_REPOSITORY or GITHUB_SHA")),
        })
    };
    let job_call = async {
        if !wants_job {
            return None;
        }
        Some(match (&ctx.repository, &ctx.run_id, &ctx.job) {
            (Some(repo), Some(run), Some(job)) => api.job(repo, run, job).await,
            _ => Err(ApiError::NotInRun("GITHUB_RUN_ID or GITHUB_JOB")),
        })
    };
    let (commit, job) = tokio::join!(commit_call, job_call);
    let mut warnings = Vec::new();
    if let Some(Err(e)) = &commit {
        warnings.push(left_out(
            names,
            &[SlackField::Message, SlackField::Author],
            e,
        ));
    }
    if let Some(Err(e)) = &job {
        warnings.push(left_out(names, &[SlackField::Job, SlackField::Took], e));
    }
    let fields = render(
        names,
        ctx,
        commit.as_ref(),
        job.as_ref(),
        OffsetDateTime::now_utc(),
    );
    (fields, warnings)
}

/// "Slack fields job, took left out: <why>", naming only the fields that were asked for.
fn left_out(names: &[SlackField], group: &[SlackField], why: &ApiError) -> String {
    let asked: Vec<&str> = group
        .iter()
        .filter(|n| names.contains(n))
        .map(|n| n.as_str())
        .collect();
    let plural = if asked.len() == 1 { "" } else { "s" };
    format!("Slack field{plural} {} left out: {why}", asked.join(", "))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use time::macros::datetime;

    fn ctx() -> RunContext {
        let vars: HashMap<String, String> = [
            ("GITHUB_REPOSITORY", "octo/site"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_WORKFLOW", "Health <check>"),
            ("GITHUB_SHA", "0123456789abcdef"),
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_EVENT_NAME", "schedule"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        RunContext::from_vars(&vars, None)
    }

    #[test]
    fn took_reads_like_action_slack() {
        assert_eq!(took(0), "0 sec");
        assert_eq!(took(64), "1 min 4 sec");
        assert_eq!(took(3600), "1 hour");
        assert_eq!(took(3725), "1 hour 2 min 5 sec");
    }

    #[test]
    fn context_fields_need_no_api() {
        use SlackField::*;
        let names = [Repo, Commit, Action, EventName, Ref, Workflow];
        let fields = render(&names, &ctx(), None, None, datetime!(2026-11-25 03:00 UTC));
        let text: Vec<String> = fields
            .iter()
            .map(|f| format!("{}={}", f.title, f.value))
            .collect();
        assert_eq!(
            text,
            [
                "repo=<https://github.com/octo/site|octo/site>",
                "commit=<https://github.com/octo/site/commit/0123456789abcdef|01234567>",
                "action=<https://github.com/octo/site/commit/0123456789abcdef/checks|action>",
                "eventName=schedule",
                "ref=refs/heads/main",
                "workflow=<https://github.com/octo/site/actions/runs/42|Health &lt;check&gt;>",
            ]
        );
    }

    #[test]
    fn api_fields_are_escaped_or_left_out() {
        let commit = Ok(Commit {
            title: "Fix <script> & more".into(),
            author: "Ann <ann@example.com>".into(),
        });
        let job = Err(ApiError::Forbidden {
            what: "read this run's jobs",
            permission: "actions: read".into(),
        });
        let fields = render(
            &[
                SlackField::Message,
                SlackField::Author,
                SlackField::Job,
                SlackField::Took,
            ],
            &ctx(),
            Some(&commit),
            Some(&job),
            datetime!(2026-11-25 03:00 UTC),
        );
        let text: Vec<String> = fields
            .iter()
            .map(|f| format!("{}={}", f.title, f.value))
            .collect();
        assert_eq!(
            text,
            [
                "message=<https://github.com/octo/site/commit/0123456789abcdef|Fix &lt;script&gt; &amp; more>",
                "author=Ann &lt;ann@example.com&gt;",
            ]
        );
        let running = Ok(Job {
            name: "check".into(),
            url: None,
            started_at: Some(datetime!(2026-11-25 02:58:56 UTC)),
        });
        let fields = render(
            &[SlackField::Job, SlackField::Took],
            &ctx(),
            None,
            Some(&running),
            datetime!(2026-11-25 03:00 UTC),
        );
        assert_eq!(fields[1].value, "1 min 4 sec");
    }
}

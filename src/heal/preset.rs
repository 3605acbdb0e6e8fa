//! Restarts through a platform's API (`heal-preset`): Render, Railway, Fly.io, Koyeb and
//! CloudType. The pure parts are here: each request (method, URL, headers, body), and the
//! reading of each answer into a `HookAnswer` in plain words. `call` sends them in turn, within
//! the hook's 30 s and the run's cancel. Every answer is bounded, scrubbed of the token and of
//! the run's secrets, and treated as untrusted.

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Method};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::HOOK_TIMEOUT;
use crate::config::{HealPreset, PresetSettings, PresetTarget};
use crate::redact::scrub;
use crate::report::heal::HookAnswer;

/// How much of an answer is read.
const BODY_LIMIT: usize = 64 * 1024;
/// How much of the platform's own words is shown.
const SAID_CHARS: usize = 200;

/// The GraphQL mutation behind `railway`: a new deployment of the service's latest one.
pub const RAILWAY_REDEPLOY: &str = "mutation ServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {\n  serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)\n}";
/// The query that gives a project token's environment.
pub const RAILWAY_PROJECT_TOKEN: &str =
    "query ProjectToken {\n  projectToken {\n    project {\n      id\n    }\n    environment {\n      id\n    }\n  }\n}";

/// One request of a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    /// The credential's header; its value is marked sensitive when sent.
    pub auth: (HeaderName, String),
    pub body: Option<Value>,
}

/// An answer, read up to `BODY_LIMIT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

/// "Render (service srv-abc123)": the platform and what it restarts, as the summary and Slack
/// show it.
pub fn shown(target: &PresetTarget) -> String {
    let title = target.preset().title();
    match target {
        PresetTarget::Render { service } | PresetTarget::Koyeb { service } => {
            format!("{title} (service {service})")
        }
        PresetTarget::Railway {
            service,
            environment: Some(environment),
        } => format!("{title} (service {service}, environment {environment})"),
        PresetTarget::Railway { service, .. } => format!("{title} (service {service})"),
        PresetTarget::Fly { app } => format!("{title} (app {app})"),
        PresetTarget::Cloudtype {
            scope,
            project,
            stage,
            deployment,
        } => format!("{title} (deployment {stage}/{deployment} in {scope}/{project})"),
    }
}

/// `api` with `segments` added to its path (each one percent-encoded).
fn endpoint(api: &Url, segments: &[&str]) -> Url {
    let mut url = api.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// Fly.io's form of the token: macaroon tokens (`fm1r_…`, `fm1a_…`, `fm2_…`, as `fly tokens
/// create` prints them, with or without `FlyV1 `) go as `FlyV1 …`, any other as `Bearer …`.
pub fn fly_authorization(token: &str) -> String {
    let mut bare = token.trim();
    loop {
        match bare.split_once(' ') {
            Some((scheme, rest))
                if scheme.eq_ignore_ascii_case("Bearer")
                    || scheme.eq_ignore_ascii_case("FlyV1") =>
            {
                bare = rest.trim();
            }
            _ => break,
        }
    }
    let macaroon = bare.split(',').any(|t| {
        let t = t.trim();
        t.starts_with("fm1r_") || t.starts_with("fm1a_") || t.starts_with("fm2_")
    });
    if macaroon {
        format!("FlyV1 {bare}")
    } else {
        format!("Bearer {bare}")
    }
}

/// The credential's header for `target`.
fn auth(target: &PresetTarget, token: &str) -> (HeaderName, String) {
    match target {
        PresetTarget::Railway {
            environment: None, ..
        } => (
            HeaderName::from_static("project-access-token"),
            token.to_string(),
        ),
        PresetTarget::Fly { .. } => (AUTHORIZATION, fly_authorization(token)),
        _ => (AUTHORIZATION, format!("Bearer {token}")),
    }
}

fn request(p: &PresetSettings, method: Method, segments: &[&str], body: Option<Value>) -> Request {
    Request {
        method,
        url: endpoint(&p.api, segments),
        auth: auth(&p.target, &p.token),
        body,
    }
}

/// The first request of `p`.
pub fn first_request(p: &PresetSettings) -> Request {
    match &p.target {
        PresetTarget::Render { service } => request(
            p,
            Method::POST,
            &["v1", "services", service, "restart"],
            None,
        ),
        PresetTarget::Koyeb { service } => request(
            p,
            Method::POST,
            &["v1", "services", service, "redeploy"],
            Some(json!({})),
        ),
        PresetTarget::Railway {
            service,
            environment: Some(environment),
        } => railway_redeploy(p, service, environment),
        PresetTarget::Railway {
            environment: None, ..
        } => request(
            p,
            Method::POST,
            &["graphql", "v2"],
            Some(
                json!({"query": RAILWAY_PROJECT_TOKEN, "operationName": "ProjectToken", "variables": {}}),
            ),
        ),
        PresetTarget::Fly { app } => {
            request(p, Method::GET, &["v1", "apps", app, "machines"], None)
        }
        PresetTarget::Cloudtype { .. } => cloudtype(p, Method::GET, "stat"),
    }
}

fn railway_redeploy(p: &PresetSettings, service: &str, environment: &str) -> Request {
    request(
        p,
        Method::POST,
        &["graphql", "v2"],
        Some(json!({
            "query": RAILWAY_REDEPLOY,
            "operationName": "ServiceInstanceRedeploy",
            "variables": {"environmentId": environment, "serviceId": service},
        })),
    )
}

fn cloudtype(p: &PresetSettings, method: Method, action: &str) -> Request {
    let PresetTarget::Cloudtype {
        scope,
        project,
        stage,
        deployment,
    } = &p.target
    else {
        unreachable!("cloudtype requests are only made for cloudtype");
    };
    request(
        p,
        method,
        &[
            "project",
            scope,
            project,
            "stage",
            stage,
            "deployment",
            deployment,
            action,
        ],
        None,
    )
}

/// A Fly.io machine's action: `start` for a stopped or suspended machine, else `restart`.
fn fly_machine(p: &PresetSettings, id: &str, state: &str) -> Request {
    let PresetTarget::Fly { app } = &p.target else {
        unreachable!("machine requests are only made for fly");
    };
    let action = if matches!(state, "stopped" | "suspended") {
        "start"
    } else {
        "restart"
    };
    request(
        p,
        Method::POST,
        &["v1", "apps", app, "machines", id, action],
        None,
    )
}

/// What a 404 means, and which inputs name it.
fn not_found(target: &PresetTarget, step: Step) -> String {
    match (target, step) {
        (PresetTarget::Render { service }, _) => {
            format!("no service {service} is known to this API key; check heal-service (the id in the service's dashboard URL, srv-…)")
        }
        (PresetTarget::Koyeb { service }, _) => {
            format!("no service {service} is known to this token; check heal-service (the service id, not its name)")
        }
        (PresetTarget::Fly { app }, Step::Machine(id)) => {
            format!("the machine {id} of the app {app} is gone (it was listed a moment ago)")
        }
        (PresetTarget::Fly { app }, _) => {
            format!("no app {app} is known to this token; check heal-service (the app's name)")
        }
        (
            PresetTarget::Cloudtype {
                scope,
                project,
                stage,
                deployment,
            },
            _,
        ) => format!(
            "no deployment {deployment} in stage {stage} of {scope}/{project}; check heal-project (scope/project) and heal-service (stage/deployment)"
        ),
        (PresetTarget::Railway { .. }, _) => {
            "the API is not at this address; check heal-api-url, or remove it".into()
        }
    }
}

/// Which request an answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    First,
    /// Railway's redeploy after the project token's lookup.
    Redeploy,
    /// A Fly.io machine's restart or start.
    Machine(&'a str),
    /// CloudType's start.
    Start,
}

/// The platform's own words in an error answer: `message`, `error`, `errors[0].message` or
/// the start of the text; cleaned and clipped, `secrets` removed.
fn said(body: &str, secrets: &[String]) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().map(|v| {
        let pick = |v: &Value| v.as_str().map(str::to_string);
        let empty = v.is_null()
            || v.as_object().is_some_and(serde_json::Map::is_empty)
            || v.as_array().is_some_and(Vec::is_empty);
        pick(&v["message"])
            .or_else(|| pick(&v["error"]))
            .or_else(|| pick(&v["error"]["message"]))
            .or_else(|| pick(&v["errors"][0]["message"]))
            .or_else(|| pick(&v["detail"]))
            .unwrap_or_else(|| if empty { String::new() } else { v.to_string() })
    });
    // An HTML error page says nothing worth showing.
    let text = from_json
        .unwrap_or_else(|| body.trim().to_string())
        .trim()
        .to_string();
    if text.starts_with('<') {
        return String::new();
    }
    crate::text::clip(
        &crate::redact::log_safe(&scrub(text.trim(), secrets)),
        SAID_CHARS,
    )
}

/// An answer outside 2xx, in plain words: what the status means for this platform, where a
/// token is made, and what the platform said.
pub fn refused(target: &PresetTarget, step: Step, answer: &Answer, secrets: &[String]) -> String {
    let preset = target.preset();
    let title = preset.title();
    let status = answer.status;
    let meaning = match status {
        401 => format!(
            "the token in heal-token is wrong, expired or revoked; make {}",
            preset.token_hint()
        ),
        403 => format!(
            "the token in heal-token may not restart this; make {} with access to it",
            preset.token_hint()
        ),
        404 => not_found(target, step),
        429 => match answer.retry_after {
            Some(secs) => format!(
                "too many requests; {title} asks to wait {secs} s, and a later run tries again"
            ),
            None => "too many requests; a later run tries again".into(),
        },
        500..=599 => format!("a problem on {title}'s side; a run after heal-cooldown tries again"),
        _ => String::new(),
    };
    let said = said(&answer.body, secrets);
    let mut out = format!("{title} answered HTTP {status}");
    if !meaning.is_empty() {
        out.push_str(&format!(": {meaning}"));
    }
    if !said.is_empty() {
        out.push_str(&format!(" ({title} said: {said})"));
    }
    out
}

/// What a GraphQL answer of Railway holds: `data`, or the first error in words.
pub fn railway_data(answer: &Answer, secrets: &[String]) -> Result<Value, String> {
    let body: Value = serde_json::from_str(&answer.body).map_err(|_| {
        format!(
            "Railway answered HTTP {} with something that is not GraphQL JSON",
            answer.status
        )
    })?;
    if let Some(first) = body["errors"].as_array().and_then(|e| e.first()) {
        let message = said(
            first["message"]
                .as_str()
                .unwrap_or("an error without a message"),
            secrets,
        );
        let lower = message.to_ascii_lowercase();
        let hint = if lower.contains("not authorized") || lower.contains("unauthorized") {
            format!(
                ": the token in heal-token is wrong or may not redeploy this service; make {}",
                HealPreset::Railway.token_hint()
            )
        } else if lower.contains("not found") {
            ": check heal-service and heal-environment (the ids in the service's URL)".to_string()
        } else {
            String::new()
        };
        return Err(format!("Railway refused: {message}{hint}"));
    }
    match body.get("data") {
        Some(data) if !data.is_null() => Ok(data.clone()),
        _ => Err("Railway answered without data or errors".into()),
    }
}

/// The machines of a Fly.io app that can be restarted or started: (id, state), destroyed ones
/// left out.
pub fn fly_machines(answer: &Answer) -> Result<Vec<(String, String)>, String> {
    let list: Value = serde_json::from_str(&answer.body)
        .map_err(|_| "Fly.io listed the machines in a form upcheck does not know".to_string())?;
    let Some(list) = list.as_array() else {
        return Err("Fly.io listed the machines in a form upcheck does not know".into());
    };
    Ok(list
        .iter()
        .filter_map(|m| {
            let id = m["id"].as_str()?;
            let state = m["state"].as_str().unwrap_or("");
            let plain =
                !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric());
            (plain && !matches!(state, "destroyed" | "destroying"))
                .then(|| (id.to_string(), state.to_string()))
        })
        .collect())
}

/// A CloudType deployment's state, from its `stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudtypeState {
    Stopped,
    /// Any other state, in CloudType's word ("running", "deploying", …).
    Other(String),
}

/// Read a CloudType `stat` answer: `status` (at the top or under `stat`), or else `active` (0 is
/// stopped).
pub fn cloudtype_state(answer: &Answer) -> Result<CloudtypeState, String> {
    let unknown =
        || "CloudType answered the deployment's state in a form upcheck does not know".to_string();
    let body: Value = serde_json::from_str(&answer.body).map_err(|_| unknown())?;
    let status = body["status"]
        .as_str()
        .or_else(|| body["stat"]["status"].as_str());
    if let Some(status) = status {
        let word = crate::text::clip(&crate::redact::log_safe(status.trim()), 40);
        return Ok(match word.to_ascii_lowercase().as_str() {
            "stopped" | "stop" | "inactive" => CloudtypeState::Stopped,
            _ => CloudtypeState::Other(word),
        });
    }
    match body["active"]
        .as_i64()
        .or_else(|| body["stat"]["active"].as_i64())
    {
        Some(0) => Ok(CloudtypeState::Stopped),
        Some(_) => Ok(CloudtypeState::Other("active".into())),
        None => Err(unknown()),
    }
}

/// Send one request, bounded and read up to `BODY_LIMIT`.
async fn send(client: &Client, r: &Request) -> Result<Answer, reqwest::Error> {
    let mut auth =
        HeaderValue::from_str(&r.auth.1).unwrap_or_else(|_| HeaderValue::from_static(""));
    auth.set_sensitive(true);
    let mut builder = client
        .request(r.method.clone(), r.url.clone())
        .header(r.auth.0.clone(), auth)
        .header(ACCEPT, "application/json")
        .timeout(HOOK_TIMEOUT);
    if let Some(body) = &r.body {
        builder = builder
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let response = builder.send().await?;
    let status = response.status().as_u16();
    let retry_after = crate::net::retry_after(response.headers()).map(|d| d.as_secs());
    let body = crate::net::read_capped(response, BODY_LIMIT).await?;
    Ok(Answer {
        status,
        body: body.text(),
        retry_after,
    })
}

/// The whole exchange of `p`, request after request.
async fn exchange(client: &Client, p: &PresetSettings, secrets: &[String]) -> HookAnswer {
    let title = p.target.preset().title();
    let ask = |r: Request| async move {
        send(client, &r).await.map_err(|e| {
            let why = match crate::net::classify(&e) {
                crate::net::Transport::Timeout => {
                    format!("did not answer within {}s", HOOK_TIMEOUT.as_secs())
                }
                other => format!("cannot be reached ({})", scrub(&other.to_string(), secrets)),
            };
            HookAnswer::Explained(format!(
                "{title}'s API at {} {why}",
                crate::redact::host_only(&p.api)
            ))
        })
    };
    let ok = |a: &Answer| (200..300).contains(&a.status);
    let first = match ask(first_request(p)).await {
        Ok(a) => a,
        Err(failed) => return failed,
    };
    if !ok(&first) {
        return HookAnswer::Explained(refused(&p.target, Step::First, &first, secrets));
    }
    match &p.target {
        PresetTarget::Render { .. } | PresetTarget::Koyeb { .. } => {
            HookAnswer::Accepted { status: first.status }
        }
        PresetTarget::Railway {
            service,
            environment,
        } => {
            let data = match railway_data(&first, secrets) {
                Ok(data) => data,
                Err(why) => return HookAnswer::Explained(why),
            };
            // A project token: `first` was the lookup of its environment; redeploy there.
            let (status, data) = match environment {
                Some(_) => (first.status, data),
                None => {
                    let Some(environment) = data["projectToken"]["environment"]["id"].as_str()
                    else {
                        return HookAnswer::Explained("Railway did not say which environment the project token belongs to; give heal-environment with an account or workspace token".into());
                    };
                    let second = match ask(railway_redeploy(p, service, environment)).await {
                        Ok(a) => a,
                        Err(failed) => return failed,
                    };
                    if !ok(&second) {
                        return HookAnswer::Explained(refused(
                            &p.target,
                            Step::Redeploy,
                            &second,
                            secrets,
                        ));
                    }
                    match railway_data(&second, secrets) {
                        Ok(data) => (second.status, data),
                        Err(why) => return HookAnswer::Explained(why),
                    }
                }
            };
            match data["serviceInstanceRedeploy"].as_bool() {
                Some(true) => HookAnswer::Accepted { status },
                _ => HookAnswer::Explained(format!(
                    "Railway did not redeploy the service {service} (serviceInstanceRedeploy was not true)"
                )),
            }
        }
        PresetTarget::Fly { app } => {
            let machines = match fly_machines(&first) {
                Ok(m) => m,
                Err(why) => return HookAnswer::Explained(why),
            };
            if machines.is_empty() {
                return HookAnswer::Explained(format!(
                    "Fly.io lists no machine of the app {app}: there is nothing to restart (deploy the app, or check heal-service)"
                ));
            }
            let mut last = first.status;
            for (id, state) in &machines {
                let answer = match ask(fly_machine(p, id, state)).await {
                    Ok(a) => a,
                    Err(failed) => return failed,
                };
                if !ok(&answer) {
                    return HookAnswer::Explained(refused(
                        &p.target,
                        Step::Machine(id),
                        &answer,
                        secrets,
                    ));
                }
                last = answer.status;
            }
            HookAnswer::Accepted { status: last }
        }
        PresetTarget::Cloudtype {
            stage, deployment, ..
        } => match cloudtype_state(&first) {
            Err(why) => HookAnswer::Explained(why),
            Ok(CloudtypeState::Other(state)) => HookAnswer::Explained(format!(
                "CloudType reports the deployment {stage}/{deployment} as {state:?}, not stopped: it was not started (look at its logs in the console)"
            )),
            Ok(CloudtypeState::Stopped) => {
                let answer = match ask(cloudtype(p, Method::PUT, "start")).await {
                    Ok(a) => a,
                    Err(failed) => return failed,
                };
                if ok(&answer) {
                    HookAnswer::Accepted {
                        status: answer.status,
                    }
                } else {
                    HookAnswer::Explained(refused(&p.target, Step::Start, &answer, secrets))
                }
            }
        },
    }
}

/// Restart through `p`'s platform: every request within the hook's limit and the run's cancel.
/// `secrets` (the run's, the token among them) are removed from whatever the platform answers.
pub async fn call(
    client: &Client,
    p: &PresetSettings,
    secrets: &[String],
    cancel: &CancellationToken,
) -> HookAnswer {
    let mut all = secrets.to_vec();
    all.push(p.token.clone());
    all.push(auth(&p.target, &p.token).1);
    let title = p.target.preset().title();
    tokio::select! {
        answer = tokio::time::timeout(HOOK_TIMEOUT, exchange(client, p, &all)) => {
            answer.unwrap_or_else(|_| HookAnswer::Explained(format!(
                "{title}'s API did not finish the restart within {}s",
                HOOK_TIMEOUT.as_secs()
            )))
        }
        () = cancel.cancelled() => HookAnswer::Explained(format!(
            "the restart through {title} was not finished: the run was cancelled"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(target: PresetTarget) -> PresetSettings {
        PresetSettings {
            token: "tok-SECRET-1".into(),
            target,
            api: Url::parse("https://api.example/").unwrap(),
        }
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    #[test]
    fn each_preset_starts_with_its_request() {
        let r = first_request(&settings(PresetTarget::Render {
            service: "srv-abc".into(),
        }));
        assert_eq!(r.method, Method::POST);
        assert_eq!(
            r.url.as_str(),
            "https://api.example/v1/services/srv-abc/restart"
        );
        assert_eq!(r.auth, (AUTHORIZATION, "Bearer tok-SECRET-1".into()));
        assert_eq!(r.body, None);

        let r = first_request(&settings(PresetTarget::Koyeb {
            service: "6f1e".into(),
        }));
        assert_eq!(
            r.url.as_str(),
            "https://api.example/v1/services/6f1e/redeploy"
        );
        assert_eq!(r.body, Some(json!({})));

        let r = first_request(&settings(PresetTarget::Railway {
            service: "svc".into(),
            environment: Some("env".into()),
        }));
        assert_eq!(r.url.as_str(), "https://api.example/graphql/v2");
        assert_eq!(r.auth.0, AUTHORIZATION);
        let body = r.body.unwrap();
        assert_eq!(body["query"], RAILWAY_REDEPLOY);
        assert_eq!(
            body["variables"],
            json!({"environmentId": "env", "serviceId": "svc"})
        );

        let r = first_request(&settings(PresetTarget::Railway {
            service: "svc".into(),
            environment: None,
        }));
        assert_eq!(
            r.auth,
            (
                HeaderName::from_static("project-access-token"),
                "tok-SECRET-1".into()
            )
        );
        assert_eq!(r.body.unwrap()["query"], RAILWAY_PROJECT_TOKEN);

        let fly = settings(PresetTarget::Fly { app: "shop".into() });
        let r = first_request(&fly);
        assert_eq!(r.method, Method::GET);
        assert_eq!(r.url.as_str(), "https://api.example/v1/apps/shop/machines");
        assert_eq!(
            fly_machine(&fly, "148ed", "started").url.as_str(),
            "https://api.example/v1/apps/shop/machines/148ed/restart"
        );
        assert_eq!(
            fly_machine(&fly, "148ed", "stopped").url.as_str(),
            "https://api.example/v1/apps/shop/machines/148ed/start"
        );

        let ct = PresetSettings {
            api: Url::parse("http://127.0.0.1:9/base?x=1").unwrap(),
            ..settings(PresetTarget::Cloudtype {
                scope: "space".into(),
                project: "shop".into(),
                stage: "main".into(),
                deployment: "web".into(),
            })
        };
        let r = first_request(&ct);
        assert_eq!(r.method, Method::GET);
        assert_eq!(
            r.url.as_str(),
            "http://127.0.0.1:9/base/project/space/shop/stage/main/deployment/web/stat"
        );
        let r = cloudtype(&ct, Method::PUT, "start");
        assert_eq!(r.method, Method::PUT);
        assert!(r.url.path().ends_with("/deployment/web/start"));
    }

    #[test]
    fn fly_tokens_keep_their_scheme() {
        assert_eq!(
            fly_authorization("FlyV1 fm2_abc,fm2_def"),
            "FlyV1 fm2_abc,fm2_def"
        );
        assert_eq!(fly_authorization("fm2_abc"), "FlyV1 fm2_abc");
        assert_eq!(fly_authorization("Bearer fm1r_x"), "FlyV1 fm1r_x");
        assert_eq!(fly_authorization("personal-token"), "Bearer personal-token");
    }

    #[test]
    fn shown_names_the_platform_and_the_service() {
        assert_eq!(
            shown(&PresetTarget::Render {
                service: "srv-abc".into()
            }),
            "Render (service srv-abc)"
        );
        assert_eq!(
            shown(&PresetTarget::Cloudtype {
                scope: "space".into(),
                project: "shop".into(),
                stage: "main".into(),
                deployment: "web".into(),
            }),
            "CloudType (deployment main/web in space/shop)"
        );
        assert_eq!(
            shown(&PresetTarget::Fly { app: "shop".into() }),
            "Fly.io (app shop)"
        );
    }

    #[test]
    fn errors_in_plain_words_without_the_token() {
        let render = PresetTarget::Render {
            service: "srv-abc".into(),
        };
        let secrets = vec!["tok-SECRET-1".to_string()];
        let e = refused(
            &render,
            Step::First,
            &answer(401, r#"{"message":"invalid token tok-SECRET-1"}"#),
            &secrets,
        );
        assert!(
            e.starts_with("Render answered HTTP 401: the token in heal-token is wrong"),
            "{e}"
        );
        assert!(e.contains("API Keys"), "{e}");
        assert!(!e.contains("tok-SECRET-1"), "{e}");
        assert!(e.contains("Render said: invalid token ***"), "{e}");
        let e = refused(&render, Step::First, &answer(403, "{}"), &secrets);
        assert_eq!(e, "Render answered HTTP 403: the token in heal-token may not restart this; make a Render API key (Account Settings → API Keys) with access to it");
        let e = refused(&render, Step::First, &answer(404, ""), &secrets);
        assert_eq!(e, "Render answered HTTP 404: no service srv-abc is known to this API key; check heal-service (the id in the service's dashboard URL, srv-…)");
        let e = refused(
            &render,
            Step::First,
            &Answer {
                retry_after: Some(30),
                ..answer(429, "")
            },
            &secrets,
        );
        assert!(e.contains("wait 30 s"), "{e}");
        let e = refused(
            &render,
            Step::First,
            &answer(503, "<html>oops</html>"),
            &secrets,
        );
        assert!(e.contains("a problem on Render's side"), "{e}");
        let fly = PresetTarget::Fly { app: "shop".into() };
        let e = refused(&fly, Step::Machine("148ed"), &answer(404, ""), &secrets);
        assert!(e.contains("machine 148ed of the app shop"), "{e}");
    }

    #[test]
    fn railway_answers() {
        let s = vec!["tok".to_string()];
        assert_eq!(
            railway_data(
                &answer(200, r#"{"data":{"serviceInstanceRedeploy":true}}"#),
                &s
            )
            .unwrap(),
            json!({"serviceInstanceRedeploy": true})
        );
        let e = railway_data(
            &answer(
                200,
                r#"{"data":null,"errors":[{"message":"Not Authorized"}]}"#,
            ),
            &s,
        )
        .unwrap_err();
        assert!(
            e.starts_with("Railway refused: Not Authorized: the token in heal-token"),
            "{e}"
        );
        let e = railway_data(
            &answer(200, r#"{"errors":[{"message":"Service not found"}]}"#),
            &s,
        )
        .unwrap_err();
        assert!(
            e.ends_with("check heal-service and heal-environment (the ids in the service's URL)"),
            "{e}"
        );
        let e = railway_data(&answer(200, "<html>"), &s).unwrap_err();
        assert!(e.contains("not GraphQL JSON"), "{e}");
    }

    #[test]
    fn fly_machines_and_cloudtype_states() {
        let list = r#"[{"id":"148ed","state":"started"},{"id":"9080","state":"stopped"},{"id":"dead","state":"destroyed"},{"id":"../x","state":"started"}]"#;
        assert_eq!(
            fly_machines(&answer(200, list)).unwrap(),
            [
                ("148ed".to_string(), "started".to_string()),
                ("9080".to_string(), "stopped".to_string())
            ]
        );
        assert_eq!(fly_machines(&answer(200, "[]")).unwrap(), []);
        assert!(fly_machines(&answer(200, "{}")).is_err());
        assert_eq!(
            cloudtype_state(&answer(200, r#"{"status":"stopped"}"#)).unwrap(),
            CloudtypeState::Stopped
        );
        assert_eq!(
            cloudtype_state(&answer(200, r#"{"stat":{"status":"running","ready":1}}"#)).unwrap(),
            CloudtypeState::Other("running".into())
        );
        assert_eq!(
            cloudtype_state(&answer(200, r#"{"active":0}"#)).unwrap(),
            CloudtypeState::Stopped
        );
        assert!(cloudtype_state(&answer(200, "{}")).is_err());
    }
}

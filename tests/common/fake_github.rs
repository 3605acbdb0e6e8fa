//! A fake GitHub API with state, for the incident-issue and keepalive tests: it keeps the issues
//! and comments it was sent (list with `state`, `labels`, `per_page` and `page`; create;
//! comment; edit and close), so several runs, or two at once, see the same repository; it
//! answers `GET /repos/{owner}/{repo}` (with the `pushed_at` that `pushed_at` sets) and
//! `PUT /repos/{owner}/{repo}/actions/workflows/{id}/enable` (204, kept in `enabled`).
//! Scripted answers (`script`) are served first, one per request, for 403s, rate limits and hangs; `overlap`
//! makes runs overlap without any waiting: each run's first listing sees the issues as they
//! were before any of those runs opened one.
//!
//! HTTP/1.1 with `Connection: close`, on 127.0.0.1, one thread per connection; every request is
//! recorded with its headers and body.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// A canned answer.
#[derive(Clone, Debug)]
pub enum Canned {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, never answer.
    Hang,
}

impl Canned {
    pub fn new(status: u16, headers: &[(&str, &str)], body: &str) -> Canned {
        Canned::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }
}

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Call {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Repo {
    issues: Vec<Value>,
    comments: Vec<(u64, String)>,
    calls: Vec<Call>,
    script: VecDeque<Canned>,
    /// How many runs (told apart by their token) overlap; see `FakeGitHub::overlap`.
    overlap: usize,
    /// The tokens whose first listing was answered from `before`.
    overlapped: Vec<String>,
    /// The issues as they were at the first of those listings.
    before: Option<Vec<Value>>,
    /// `pushed_at` of `GET /repos/{owner}/{repo}`; `None` is now.
    pushed_at: Option<String>,
    /// The workflow ids of every `PUT …/actions/workflows/{id}/enable`, in order.
    enabled: Vec<String>,
}

pub struct FakeGitHub {
    port: u16,
    repo: Arc<Mutex<Repo>>,
    stop: Arc<AtomicBool>,
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .trim_end_matches('Z')
        .to_string()
        + "Z"
}

impl FakeGitHub {
    pub fn start() -> FakeGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let repo = Arc::new(Mutex::new(Repo::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (repo.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, s) = (r.clone(), s.clone());
                        std::thread::spawn(move || serve(stream, &r, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakeGitHub { port, repo, stop }
    }

    /// `GITHUB_API_URL` for this fake.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers served first, one per request, in order.
    pub fn script(&self, answers: Vec<Canned>) {
        self.repo.lock().unwrap().script.extend(answers);
    }

    /// Make `n` runs, each with a token of its own, overlap: the first listing of each is
    /// answered with the issues as they stood at the first of them, as if all `n` had listed
    /// before any of them opened an issue. Later listings see the issues as they are. Nothing
    /// waits, so whether the runs overlapped never depends on when they started.
    pub fn overlap(&self, n: usize) {
        self.repo.lock().unwrap().overlap = n;
    }

    /// The repository's last push, as `GET /repos/{owner}/{repo}` tells it (RFC 3339).
    pub fn pushed_at(&self, at: &str) {
        self.repo.lock().unwrap().pushed_at = Some(at.to_string());
    }

    /// The workflow ids the fake was asked to enable, in order.
    pub fn enabled(&self) -> Vec<String> {
        self.repo.lock().unwrap().enabled.clone()
    }

    /// An issue that exists before the run (as another run left it).
    pub fn seed(&self, title: &str, body: &str, labels: &[&str]) -> u64 {
        let mut repo = self.repo.lock().unwrap();
        let number = repo.issues.len() as u64 + 1;
        let at = now();
        repo.issues.push(json!({
            "number": number, "title": title, "body": body, "state": "open",
            "state_reason": null, "labels": labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "assignees": [], "created_at": at, "updated_at": at,
        }));
        number
    }

    pub fn issues(&self) -> Vec<Value> {
        self.repo.lock().unwrap().issues.clone()
    }

    pub fn open_issues(&self) -> Vec<Value> {
        self.issues()
            .into_iter()
            .filter(|i| i["state"] == "open")
            .collect()
    }

    /// The comments on issue `number`, oldest first.
    pub fn comments(&self, number: u64) -> Vec<String> {
        let repo = self.repo.lock().unwrap();
        repo.comments
            .iter()
            .filter(|(n, _)| *n == number)
            .map(|(_, b)| b.clone())
            .collect()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.repo.lock().unwrap().calls.clone()
    }

    /// Everything the fake was sent (paths, headers but the token's, bodies), as one text.
    pub fn received_text(&self) -> String {
        self.calls()
            .iter()
            .map(|c| {
                let headers: Vec<String> = c
                    .headers
                    .iter()
                    .filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                format!(
                    "{} {}\n{}\n{}\n",
                    c.method,
                    c.path,
                    headers.join("\n"),
                    c.body
                )
            })
            .collect()
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(mut stream: TcpStream, repo: &Arc<Mutex<Repo>>, stop: &Arc<AtomicBool>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let call = Call {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let canned = {
        let mut r = repo.lock().unwrap();
        r.calls.push(call.clone());
        r.script.pop_front()
    };
    let (status, extra, text) = match canned {
        Some(Canned::Hang) => {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
                let mut probe = [0u8; 1];
                let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
                if let Ok(0) = stream.read(&mut probe) {
                    return;
                }
            }
            return;
        }
        Some(Canned::Respond {
            status,
            headers,
            body,
        }) => (status, headers, body),
        None => {
            let (status, v) = handle(&call, repo);
            // A 204 has no body.
            let text = if status == 204 {
                String::new()
            } else {
                v.to_string()
            };
            (status, Vec::new(), text)
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        text.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
}

fn query(path: &str, name: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| {
            url::form_urlencoded::parse(format!("x={v}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
    })
}

fn handle(call: &Call, repo: &Arc<Mutex<Repo>>) -> (u16, Value) {
    let route = call.path.split('?').next().unwrap_or("");
    let pieces: Vec<&str> = route.trim_matches('/').split('/').collect();
    let mut r = repo.lock().unwrap();
    match (call.method.as_str(), pieces.as_slice()) {
        ("GET", ["repos", _, _, "issues"]) => {
            let state = query(&call.path, "state").unwrap_or("open".into());
            let label = query(&call.path, "labels");
            let per_page: usize = query(&call.path, "per_page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30);
            let page: usize = query(&call.path, "page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let token = call.header("authorization").unwrap_or("").to_string();
            let first_of_overlap = r.overlapped.len() < r.overlap && !r.overlapped.contains(&token);
            let issues = if first_of_overlap {
                r.overlapped.push(token);
                let now = r.issues.clone();
                r.before.get_or_insert(now).clone()
            } else {
                r.issues.clone()
            };
            let mut matching: Vec<Value> = issues
                .iter()
                .filter(|i| state == "all" || i["state"] == state.as_str())
                .filter(|i| {
                    label.as_deref().is_none_or(|l| {
                        i["labels"]
                            .as_array()
                            .is_some_and(|ls| ls.iter().any(|x| x["name"] == l))
                    })
                })
                .cloned()
                .collect();
            // Newest first, as GitHub lists by default.
            matching.reverse();
            let start = (page.max(1) - 1) * per_page;
            let slice: Vec<Value> = matching.into_iter().skip(start).take(per_page).collect();
            (200, Value::Array(slice))
        }
        ("POST", ["repos", _, _, "issues"]) => {
            let v = call.json();
            let number = r.issues.len() as u64 + 1;
            let at = now();
            let issue = json!({
                "number": number, "title": v["title"], "body": v["body"], "state": "open",
                "state_reason": null,
                "labels": v["labels"].as_array().cloned().unwrap_or_default().iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
                "assignees": v["assignees"].as_array().cloned().unwrap_or_default().iter().map(|a| json!({"login": a})).collect::<Vec<_>>(),
                "created_at": at, "updated_at": at,
            });
            r.issues.push(issue.clone());
            (201, issue)
        }
        ("POST", ["repos", _, _, "issues", n, "comments"]) => {
            let n: u64 = n.parse().unwrap_or(0);
            let Some(i) = r.issues.iter_mut().find(|i| i["number"] == n) else {
                return (404, json!({"message": "Not Found"}));
            };
            i["updated_at"] = now().into();
            let body = call.json()["body"].as_str().unwrap_or("").to_string();
            r.comments.push((n, body.clone()));
            (201, json!({"id": r.comments.len(), "body": body}))
        }
        ("PATCH", ["repos", _, _, "issues", n]) => {
            let n: u64 = n.parse().unwrap_or(0);
            let v = call.json();
            let Some(i) = r.issues.iter_mut().find(|i| i["number"] == n) else {
                return (404, json!({"message": "Not Found"}));
            };
            for field in ["state", "state_reason", "body", "title"] {
                if let Some(x) = v.get(field) {
                    i[field] = x.clone();
                }
            }
            i["updated_at"] = now().into();
            (200, i.clone())
        }
        ("GET", ["repos", owner, name]) => {
            let pushed_at = r.pushed_at.clone().unwrap_or_else(now);
            (
                200,
                json!({
                    "full_name": format!("{owner}/{name}"), "private": false,
                    "archived": false, "default_branch": "main", "pushed_at": pushed_at,
                }),
            )
        }
        ("PUT", ["repos", _, _, "actions", "workflows", id, "enable"]) => {
            r.enabled.push(id.to_string());
            (204, Value::Null)
        }
        _ => (404, json!({"message": "Not Found"})),
    }
}

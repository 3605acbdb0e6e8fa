//! The GitHub REST answers behind Slack's fields: `github::api::Api::commit` and `Api::job`
//! (with `find_job`), served from a local server, then `slack::fields::render`. Input: a byte
//! picking the status, a line (the job key, and the `X-Accepted-GitHub-Permissions` header on a
//! 403), then the body.
#![no_main]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use upcheck::github::api::{Api, ApiError};
use upcheck::github::context::RunContext;
use upcheck::slack::fields::render;
use upcheck_fuzz::assert_one_line;

/// What the server answers next: status, one header line, body.
type Answer = Arc<Mutex<(u16, String, Vec<u8>)>>;

struct World {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    base: String,
    answer: Answer,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let answer: Answer = Arc::new(Mutex::new((200, String::new(), Vec::new())));
        let served = answer.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let served = served.clone();
                std::thread::spawn(move || serve(stream, &served));
            }
        });
        World {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("a client"),
            base,
            answer,
        }
    })
}

/// HTTP/1.1 with keep-alive: each request gets the current answer.
fn serve(stream: std::net::TcpStream, answer: &Answer) {
    let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
    let mut writer = stream;
    loop {
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {}
            }
        }
        let (status, header, body) = answer.lock().unwrap().clone();
        let mut out = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{header}\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(&body);
        if writer.write_all(&out).is_err() {
            return;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let status = [200, 200, 200, 403, 404, 500][usize::from(pick) % 6];
    let (line, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    // Header values are visible ASCII; a job key from the runner is text.
    let line: String = line
        .iter()
        .filter(|b| (0x20..0x7f).contains(*b))
        .map(|&b| char::from(b))
        .collect();
    let key = line.trim();
    if key.is_empty() {
        return;
    }
    let header = if status == 403 && pick & 0x40 != 0 {
        format!("X-Accepted-GitHub-Permissions: {line}\r\n")
    } else {
        String::new()
    };
    let w = world();
    *w.answer.lock().unwrap() = (status, header, body.to_vec());
    let api = Api {
        client: &w.client,
        base: &w.base,
        token: Some("t0ken"),
    };
    let (commit, job) = w.runtime.block_on(async {
        (
            api.commit("o/r", "0123456789abcdef").await,
            api.job("o/r", "42", key).await,
        )
    });

    for e in [commit.as_ref().err(), job.as_ref().err()]
        .into_iter()
        .flatten()
    {
        let shown = e.to_string();
        assert_one_line("a GitHub API error", &shown);
        if !line.contains("t0ken") {
            assert!(!shown.contains("t0ken"), "{shown:?}");
        }
        match e {
            ApiError::Forbidden { .. } => assert_eq!(status, 403, "{shown}"),
            ApiError::Status { status: s, .. } => assert_eq!(*s, status),
            ApiError::JobNotFound(k) => assert_eq!(k, key),
            ApiError::Unreachable { why, .. } => {
                assert_eq!(why, "the answer was not JSON", "{shown}");
                assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
            }
            other => panic!("unexpected {other:?}"),
        }
        if let ApiError::Forbidden { permission, .. } = e {
            assert!(!permission.is_empty());
        }
    }
    if let Ok(c) = &commit {
        assert_eq!(status, 200);
        assert!(!c.title.contains('\n'), "{:?}", c.title);
    }
    if let Ok(j) = &job {
        assert_eq!(status, 200);
        let name = j.name.as_str();
        assert!(
            name == key
                || name.starts_with(&format!("{key} ("))
                || name.ends_with(&format!(" / {key}")),
            "{name:?} is not the job {key:?}"
        );
    }

    let ctx = RunContext {
        server_url: "https://github.com".into(),
        api_url: w.base.clone(),
        repository: Some("o/r".into()),
        run_id: Some("42".into()),
        job: Some(key.to_string()),
        sha: Some("0123456789abcdef".into()),
        ..RunContext::default()
    };
    let now = time::OffsetDateTime::now_utc();
    let names = ["message", "author", "job", "took", "repo", "commit"];
    let wanted: Vec<upcheck::config::SlackField> = names
        .iter()
        .map(|n| {
            <upcheck::config::SlackField as upcheck::config::Choice>::parse(n)
                .expect("a field name")
        })
        .collect();
    let fields = render(&wanted, &ctx, Some(&commit), Some(&job), now);
    for f in &fields {
        assert!(names.contains(&f.title));
        if f.title == "took" {
            assert!(
                f.value.ends_with(" sec")
                    || f.value.ends_with(" min")
                    || f.value.ends_with(" hour")
            );
        }
    }
});

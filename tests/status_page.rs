//! The status site in a real headless Chromium (Debian's `chromium`): the page's DOM (one
//! section per URL, the uptime figures, the incident rows), a screenshot under `target/`, and
//! proof that the page makes no network request (Chromium's proxy points at a local listener
//! that must see nothing, while a control page that does load something is seen). Badges are
//! parsed as XML; the endpoint JSON is checked against shields' endpoint schema. Rendered twice:
//! through the lib from a built history, and black-box, by the real binary over a dozen runs
//! with `status-dir` and the test clock `UPCHECK_NOW` stepping 10 minutes a run.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::macros::datetime;
use time::OffsetDateTime;
use upcheck::history::{self, History, ReasonCode, Sample};
use upcheck::report::Status;

use common::{Behaviour, TempDir, TestServer};

const NOW: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

/// Chromium on PATH, or None (the test then skips, unless CI is set).
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

fn require_chromium() -> Option<PathBuf> {
    match chromium() {
        Some(c) => Some(c),
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "chromium is not installed (apt-get install -y --no-install-recommends chromium)"
            )
        }
        None => {
            println!("skipped: chromium is not installed (apt-get install -y --no-install-recommends chromium)");
            None
        }
    }
}

/// Three URLs over 40 days at 10 minutes: a steady one, one with a past outage and slow
/// spells, one that went down an hour ago and still is.
fn build() -> History {
    let mut h = History::new();
    let start = NOW - time::Duration::days(40);
    let mut seed: u64 = 42;
    let mut rnd = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let urls = [
        ("k-api", "https://api.example.com/health", Some("API")),
        (
            "k-shop",
            "https://shop.example.com/?token=***",
            Some("Shop <EU>"),
        ),
        ("k-docs", "https://docs.example.com/", None),
    ];
    let mut t = start;
    let mut day = 0;
    while t < NOW {
        let to_now = (NOW - t).whole_minutes();
        for (i, (key, shown, name)) in urls.iter().enumerate() {
            let hour = t.hour();
            let base = [140, 260, 90][i] + if (9..18).contains(&hour) { 40 } else { 0 };
            let mut s = Sample {
                at: t + time::Duration::seconds(i as i64),
                counted: Status::Up,
                observed: Status::Up,
                response_ms: Some(base + rnd() % 50),
                reason: ReasonCode::Ok,
            };
            // Shop: down for 2 h 10 days ago, slow for an afternoon 3 days ago.
            let ago = NOW - t;
            if i == 1
                && ago >= time::Duration::days(10)
                && ago < time::Duration::days(10) + time::Duration::hours(2)
            {
                s.counted = Status::Down;
                s.observed = Status::Down;
                s.response_ms = None;
                s.reason = ReasonCode::Http(503);
            }
            if i == 1
                && ago > time::Duration::days(3)
                && ago < time::Duration::days(3) + time::Duration::hours(5)
            {
                s.counted = Status::Degraded;
                s.observed = Status::Degraded;
                s.response_ms = Some(1800 + rnd() % 400);
                s.reason = ReasonCode::Slow;
            }
            // Docs: down for the last hour; added 20 days ago (older days are no data).
            if i == 2 && ago > time::Duration::days(20) {
                continue;
            }
            if i == 2 && to_now <= 60 {
                s.counted = Status::Down;
                s.observed = Status::Down;
                s.response_ms = None;
                s.reason = ReasonCode::Timeout;
            }
            h.record(key, shown, *name, s).unwrap();
        }
        t += time::Duration::minutes(10);
        if (NOW - t).whole_days() != day {
            day = (NOW - t).whole_days();
            h.rollup(t);
        }
    }
    h.rollup(NOW);
    h.prune(NOW, ["k-api", "k-shop", "k-docs"]);
    h
}

fn write_site(dir: &Path, h: &History) -> Vec<(String, Vec<u8>)> {
    let entries = history::entries(h, &["k-api", "k-shop", "k-docs"]);
    let files = history::site::files(&entries, NOW, "Example <status>");
    for (path, bytes) in &files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    files
}

/// A TCP listener, Chromium's proxy: it keeps the host of every request it is offered.
struct Recorder {
    port: u16,
    hosts: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    /// Hosts asked for other than Chromium's own services (time, component updates, accounts),
    /// which it contacts on its own whatever the page.
    fn page_requests(&self) -> Vec<String> {
        let own = [
            ".google.com",
            ".googleapis.com",
            ".gvt1.com",
            ".gstatic.com",
        ];
        self.hosts
            .lock()
            .unwrap()
            .iter()
            .filter(|h| !own.iter().any(|o| h.ends_with(o)))
            .cloned()
            .collect()
    }
}

fn recorder() -> Recorder {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let hosts = Arc::new(Mutex::new(Vec::new()));
    let seen = hosts.clone();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten().take(1000) {
            let mut buf = [0u8; 2048];
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            // "GET http://host/path HTTP/1.1" or "CONNECT host:443 HTTP/1.1".
            let target = head.split_whitespace().nth(1).unwrap_or("?").to_string();
            let host = target
                .trim_start_matches("http://")
                .trim_start_matches("https://")
                .split(['/', ':'])
                .next()
                .unwrap_or("?")
                .to_string();
            seen.lock()
                .unwrap()
                .push(if host.is_empty() { "?".into() } else { host });
        }
    });
    Recorder { port, hosts }
}

/// Run chromium on `page` with `extra` flags; its stdout. Bounded to 90 s.
fn run_chromium(bin: &Path, proxy_port: u16, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--proxy-server=127.0.0.1:{proxy_port}"))
    .arg("--proxy-bypass-list=<-loopback>")
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("chromium starts");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// A 1200×2100 screenshot of `page` (with `extra` flags) written to `target/<name>`, anew:
/// its path.
fn screenshot(bin: &Path, proxy_port: u16, page: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let shot = target_dir().join(name);
    let _ = std::fs::remove_file(&shot);
    let mut flags = vec![
        format!("--screenshot={}", shot.display()),
        "--window-size=1200,2100".to_string(),
    ];
    flags.extend(extra.iter().map(ToString::to_string));
    run_chromium(bin, proxy_port, page, &flags);
    shot
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

#[test]
fn the_page_renders_in_chromium_with_no_network_request() {
    let Some(bin) = require_chromium() else {
        return;
    };
    let h = build();
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &h);
    let page = dir.path().join("index.html");

    // The control: a page that loads an image over http is seen by the recorder, so silence
    // below means no request, not a deaf listener.
    let control = recorder();
    let control_page = dir.path().join("control.html");
    std::fs::write(
        &control_page,
        "<!doctype html><img src=\"http://status-control.test/x.png\">",
    )
    .unwrap();
    run_chromium(&bin, control.port, &control_page, &["--dump-dom".into()]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        control
            .page_requests()
            .iter()
            .any(|h| h == "status-control.test"),
        "the control page's request reached the recorder: {:?}",
        control.hosts.lock().unwrap()
    );

    let rec = recorder();
    let dom = run_chromium(&bin, rec.port, &page, &["--dump-dom".into()]);
    let shot = screenshot(&bin, rec.port, &page, "status-page.png", &[]);
    // Dark: Chromium reports prefers-color-scheme: dark.
    let dark = screenshot(
        &bin,
        rec.port,
        &page,
        "status-page-dark.png",
        &["--force-dark-mode"],
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        rec.page_requests(),
        Vec::<String>::new(),
        "the status page made a network request"
    );
    // And it names nothing to fetch: no src, href or url() but the SVG's own fragments.
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("src=") && !html.contains("href=") && !html.contains("@import"));
    assert!(html.matches("url(").count() == html.matches("url(#").count());

    // The DOM as Chromium built it.
    assert!(
        dom.contains("<title>Example &lt;status&gt;</title>"),
        "{dom}"
    );
    assert!(dom.contains("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
    assert!(!dom.contains("<script"));
    let sections: Vec<&str> = dom.split("<section class=\"url\"").skip(1).collect();
    assert_eq!(sections.len(), 3, "one section per URL");
    let (api, shop, docs) = (sections[0], sections[1], sections[2]);
    assert!(api.contains("<h2>API</h2>") && shop.contains("<h2>Shop &lt;EU&gt;</h2>"));
    assert!(docs.contains("<h2>https://docs.example.com/</h2>"));
    assert!(api.contains("<dd class=\"uptime-24h\">100%</dd>"), "{api}");
    assert!(api.contains("<dd class=\"uptime-30d\">100%</dd>"));
    let shop7 = h.uptime("k-shop", Duration::from_secs(7 * 86_400), NOW);
    assert!(shop.contains(&format!(
        "<dd class=\"uptime-7d\">{}</dd>",
        shop7.percent_text()
    )));
    let shop30 = h
        .uptime("k-shop", Duration::from_secs(30 * 86_400), NOW)
        .percent_text();
    assert!(shop30.starts_with("99.7"), "{shop30}");
    assert!(shop.contains(&format!("<dd class=\"uptime-30d\">{shop30}</dd>")));
    // Down for the last observed hour: 3600 s of the 85,802 s observed (the last 598 s of the
    // window have no sample yet).
    let docs24 = h.uptime("k-docs", Duration::from_secs(86_400), NOW);
    assert_eq!(docs24.percent_text(), "95.80%");
    assert!(
        docs.contains("<dd class=\"uptime-24h\">95.80%</dd>"),
        "{docs}"
    );
    assert!(docs.contains("<span class=\"pill down\">Down</span>"));
    // Incident rows: the shop's past outage, the docs' ongoing one.
    assert_eq!(shop.matches("<tr class=\"incident\">").count(), 1);
    assert!(shop.contains("2 h") && shop.contains("HTTP 503"), "{shop}");
    assert_eq!(docs.matches("<tr class=\"incident\">").count(), 1);
    assert!(docs.contains("class=\"ongoing\">ongoing</span>") && docs.contains("timeout"));
    assert!(api.contains("No incidents."));
    // 90 day cells, grey before the docs were added.
    assert_eq!(docs.matches("<span class=\"d").count(), 90);
    assert_eq!(docs.matches("<span class=\"d0\"").count(), 69);
    assert!(docs.contains("<span class=\"d4\" title=\"2026-11-13: 100% up, 49% observed\">"));
    assert!(dom.contains("class=\"last-checked\" datetime=\"2026-12-03T11:50:02Z\""));

    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    let dark_png = std::fs::read(&dark).expect("a dark screenshot was written");
    assert!(dark_png.starts_with(b"\x89PNG") && dark_png != png);
    println!("screenshots: {} and {}", shot.display(), dark.display());
}

#[test]
fn badges_are_svg_with_the_right_text_and_endpoints_follow_the_shields_schema() {
    let h = build();
    let dir = tempfile::tempdir().unwrap();
    let files = write_site(dir.path(), &h);
    let file = |p: &str| {
        String::from_utf8(
            files
                .iter()
                .find(|f| f.0 == p)
                .unwrap_or_else(|| panic!("{p}"))
                .1
                .clone(),
        )
        .unwrap()
    };
    let expect = [
        ("badge/api-status.svg", "status", "up"),
        ("badge/api-uptime-30d.svg", "uptime 30d", "100%"),
        ("badge/docs-example-com-status.svg", "status", "down"),
        (
            "badge/shop-eu-uptime-30d.svg",
            "uptime 30d",
            &*h.uptime("k-shop", Duration::from_secs(30 * 86_400), NOW)
                .percent_text(),
        ),
    ];
    for (path, label, message) in expect {
        let svg = file(path);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let title = root.children().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(
            title.text(),
            Some(&*format!("{label}: {message}")),
            "{path}"
        );
        let texts: Vec<&str> = root
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(texts, [label, label, message, message], "{path}");
        let width: u32 = root.attribute("width").unwrap().parse().unwrap();
        let rects: Vec<u32> = root
            .descendants()
            .filter(|n| {
                n.has_tag_name("rect")
                    && n.attribute("fill")
                        .is_some_and(|f| f.starts_with('#') && f != "#fff")
            })
            .map(|n| n.attribute("width").unwrap().parse().unwrap())
            .collect();
        assert_eq!(rects.iter().sum::<u32>(), width, "{path}");
        assert!(width > 60 && width < 200, "{path}: {width}");
    }
    let response = file("badge/api-response.svg");
    let doc = roxmltree::Document::parse(&response).unwrap();
    assert!(doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap()
        .ends_with(" ms"));

    // shields.io endpoint schema: schemaVersion 1, label and message strings, the optional
    // keys of the right types, nothing else.
    let optional = [
        "color",
        "labelColor",
        "isError",
        "namedLogo",
        "logoSvg",
        "logoColor",
        "logoWidth",
        "style",
        "cacheSeconds",
    ];
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|f| f.0.starts_with("api/")) {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let o = v.as_object().unwrap_or_else(|| panic!("{path}"));
        assert_eq!(o["schemaVersion"], 1, "{path}");
        assert!(
            o["label"].is_string() && o["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}"
        );
        for (k, val) in o {
            assert!(
                ["schemaVersion", "label", "message"].contains(&k.as_str())
                    || optional.contains(&k.as_str()),
                "{path}: {k}"
            );
            if k == "color" {
                assert!(val.is_string());
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 3 * 3);
    let up: serde_json::Value = serde_json::from_str(&file("api/api/uptime-30d.json")).unwrap();
    assert_eq!(
        up,
        serde_json::json!({"schemaVersion": 1, "label": "uptime 30d", "message": "100%", "color": "brightgreen"})
    );
    let down: serde_json::Value =
        serde_json::from_str(&file("api/docs-example-com/status.json")).unwrap();
    assert_eq!(down["message"], "down");
    assert_eq!(down["color"], "red");
}

// ---- black-box: the binary writes the site over several runs ---------------------------------

/// Runs of the binary, 10 minutes apart from this time.
const T0: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);
const RUNS: usize = 12;

/// One run of the binary in action mode at `now`, with these inputs; its outputs.
fn run_at(now: OffsetDateTime, inputs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let files = TempDir::new("status-site-run");
    let output = files.write("output", "");
    let summary = files.write("summary", "");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_upcheck"));
    cmd.env_clear()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_REPOSITORY", "octo-org/octo-repo")
        .env("GITHUB_WORKFLOW", "status page")
        .env("GITHUB_REF", "refs/heads/main")
        .env(
            "UPCHECK_NOW",
            now.format(&time::format_description::well_known::Rfc3339)
                .unwrap(),
        );
    for (name, value) in inputs {
        cmd.env(format!("INPUT_{}", name.to_uppercase()), value);
    }
    let done = cmd.output().expect("upcheck runs");
    let stdout = String::from_utf8_lossy(&done.stdout).into_owned();
    // fail-on-down is off: a run that fails is a bad input or a broken run.
    assert!(
        done.status.success(),
        "run at {now}: {stdout}\n{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = std::fs::read_to_string(&output).unwrap();
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        }
    }
    outputs
}

#[test]
fn the_binary_writes_a_site_over_many_runs_that_renders_in_chromium() {
    // API: always up. Shop (a token in its query): down for runs 5 to 7, up again from run 8.
    // Docs: too slow for the 1 s timeout in the last two runs, still down.
    let ok = || Behaviour::text(200, "ok");
    let shop: Vec<Behaviour> = (0..RUNS)
        .map(|i| {
            if (5..8).contains(&i) {
                Behaviour::text(503, "busy")
            } else {
                ok()
            }
        })
        .collect();
    let docs: Vec<Behaviour> = (0..RUNS)
        .map(|i| {
            if i >= 10 {
                Behaviour::delay(Duration::from_secs(3), ok())
            } else {
                ok()
            }
        })
        .collect();
    let srv = TestServer::start(vec![
        ("/api", ok()),
        ("/shop", Behaviour::Sequence(shop)),
        ("/docs", Behaviour::Sequence(docs)),
    ]);
    let secret = "s3cr3t-token";
    let urls = format!(
        "API={}\nShop={}?token={secret}\n{}",
        srv.url("/api"),
        srv.url("/shop"),
        srv.url("/docs")
    );
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state.json");
    let site = work.path().join("site");
    let (state_s, site_s) = (
        state.to_string_lossy().into_owned(),
        site.to_string_lossy().into_owned(),
    );
    let inputs = [
        ("url", urls.as_str()),
        ("state-file", state_s.as_str()),
        ("status-dir", site_s.as_str()),
        ("status-title", "Acme & co <status>"),
        ("max-attempts", "1"),
        ("timeout", "1s"),
        ("fail-on-down", "false"),
    ];
    let mut last = BTreeMap::new();
    let now = T0 + time::Duration::minutes(10 * (RUNS as i64 - 1));
    for i in 0..RUNS {
        last = run_at(T0 + time::Duration::minutes(10 * i as i64), &inputs);
    }
    assert_eq!(srv.hits("/shop"), RUNS);

    // Uptime by hand: the first run stands for nothing, each later one for the 10 minutes
    // since the one before, so 11 × 600 s observed. Shop down 3 × 600 s: 4800 / 6600 =
    // 72.727…%; docs down 2 × 600 s: 5400 / 6600 = 81.818…% (two decimals, rounded down).
    let uptime: serde_json::Value =
        serde_json::from_str(last.get("uptime").expect("an `uptime` output")).unwrap();
    let figures: Vec<(&str, &str, u64)> = [0, 1, 2]
        .iter()
        .map(|&i| {
            let u = &uptime[i];
            (
                u["slug"].as_str().unwrap(),
                u["status"].as_str().unwrap(),
                u["uptime"]["24h"]["observed_seconds"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(figures[0], ("api", "up", 6600), "{uptime:#}");
    assert_eq!(figures[1], ("shop", "up", 6600));
    assert_eq!(figures[2].1, "down");
    assert_eq!(uptime[1]["incidents"].as_array().unwrap().len(), 1);
    assert_eq!(uptime[2]["incidents"][0]["ongoing"], true);

    // The files: the page, history.json (valid by the public parser), badges, endpoints; no
    // secret anywhere.
    let docs_slug = figures[2].0.to_string();
    for path in [
        "index.html".to_string(),
        "history.json".to_string(),
        "badge/api-status.svg".to_string(),
        "badge/shop-uptime-30d.svg".to_string(),
        format!("badge/{docs_slug}-response.svg"),
        "api/shop/uptime-30d.json".to_string(),
        format!("api/{docs_slug}/status.json"),
    ] {
        assert!(site.join(&path).is_file(), "{path} was not written");
    }
    let mut all = Vec::new();
    for entry in walk(&site) {
        all.extend(std::fs::read(&entry).unwrap());
    }
    assert!(
        !String::from_utf8_lossy(&all).contains(secret),
        "the token reached the site"
    );
    let public = history::public::parse(&std::fs::read(site.join("history.json")).unwrap())
        .expect("history.json parses");
    assert_eq!(public.urls.len(), 3);
    assert_eq!(public.generated, now);
    let endpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("api/shop/uptime-30d.json")).unwrap())
            .unwrap();
    assert_eq!(endpoint["message"], "72.72%");
    let status: serde_json::Value = serde_json::from_slice(
        &std::fs::read(site.join(format!("api/{docs_slug}/status.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(status["message"], "down");

    // The page in Chromium, with no network request.
    let Some(bin) = require_chromium() else {
        return;
    };
    let page = site.join("index.html");
    let rec = recorder();
    let dom = run_chromium(&bin, rec.port, &page, &["--dump-dom".into()]);
    let shot = screenshot(&bin, rec.port, &page, "status-site.png", &[]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        rec.page_requests(),
        Vec::<String>::new(),
        "the status page made a network request"
    );
    assert!(
        dom.contains("<title>Acme &amp; co &lt;status&gt;</title>"),
        "{dom}"
    );
    assert!(!dom.contains("<script"));
    let sections: Vec<&str> = dom.split("<section class=\"url\"").skip(1).collect();
    assert_eq!(sections.len(), 3, "one section per URL");
    let (api, shop, docs) = (sections[0], sections[1], sections[2]);
    assert!(api.contains("<h2>API</h2>") && shop.contains("<h2>Shop</h2>"));
    assert!(shop.contains("?token=***"), "{shop}");
    assert!(
        docs.contains(&format!("<h2>{}</h2>", srv.url("/docs"))),
        "{docs}"
    );
    for (section, text) in [(api, "100%"), (shop, "72.72%"), (docs, "81.81%")] {
        for window in ["24h", "7d", "30d"] {
            assert!(
                section.contains(&format!("<dd class=\"uptime-{window}\">{text}</dd>")),
                "{window} {text}: {section}"
            );
        }
    }
    assert!(api.contains("<span class=\"pill up\">Up</span>"));
    assert!(shop.contains("<span class=\"pill up\">Up</span>"));
    assert!(docs.contains("<span class=\"pill down\">Down</span>"));
    // Incident rows: the shop's ended outage of 30 minutes, the docs' ongoing one.
    assert!(api.contains("No incidents.") && !api.contains("<tr class=\"incident\">"));
    assert_eq!(shop.matches("<tr class=\"incident\">").count(), 1);
    assert!(
        shop.contains("2026-12-03 12:50 UTC")
            && shop.contains("2026-12-03 13:20 UTC")
            && shop.contains("30 min")
            && shop.contains("HTTP 503"),
        "{shop}"
    );
    assert_eq!(docs.matches("<tr class=\"incident\">").count(), 1);
    assert!(
        docs.contains("2026-12-03 13:40 UTC")
            && docs.contains("class=\"ongoing\">ongoing</span>")
            && docs.contains("timeout"),
        "{docs}"
    );
    // 90 day cells, today's the only one with data.
    for section in [api, shop, docs] {
        assert_eq!(section.matches("<span class=\"d").count(), 90);
        assert_eq!(section.matches("<span class=\"d0\"").count(), 89);
    }
    assert!(
        dom.contains("class=\"last-checked\" datetime=\"2026-12-03T13:50:00Z\""),
        "{dom}"
    );
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

//! The container image, run the way the runner runs it: `runner-sim --image` issues the real
//! `docker run` (env by name, /github/* mounts, --workdir) for the composite action's
//! `docker://` step. The image tag comes from `UPCHECK_IMAGE` (`.ci/run` builds it from the
//! static binary); without it these tests say so and pass, except under CI, where they fail.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

fn image() -> Option<String> {
    match std::env::var("UPCHECK_IMAGE") {
        Ok(tag) if !tag.is_empty() => Some(tag),
        _ if std::env::var_os("CI").is_some() => {
            panic!("UPCHECK_IMAGE is not set: CI must build the image and test it")
        }
        _ => {
            eprintln!("UPCHECK_IMAGE is not set: image tests skipped (bash .ci/run sets it)");
            None
        }
    }
}

fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("the docker client runs")
}

#[test]
fn image_is_one_static_binary_on_scratch() {
    let Some(tag) = image() else { return };
    let inspect = docker(&["image", "inspect", &tag]);
    assert!(inspect.status.success(), "{inspect:?}");
    let info: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let config = &info[0]["Config"];
    assert_eq!(
        config["Entrypoint"],
        serde_json::json!(["/upcheck"]),
        "{config}"
    );
    assert!(
        config["User"].as_str().unwrap_or("").is_empty(),
        "no USER: {config}"
    );
    let workdir = config["WorkingDir"].as_str().unwrap_or("");
    assert!(matches!(workdir, "" | "/"), "no WORKDIR: {config}");
    assert_eq!(
        info[0]["RootFS"]["Layers"].as_array().unwrap().len(),
        1,
        "one layer"
    );

    // Its only file is the binary: no shell, no libc, no CA bundle.
    let created = docker(&["create", &tag]);
    assert!(created.status.success(), "{created:?}");
    let id = String::from_utf8_lossy(&created.stdout).trim().to_string();
    let export = Command::new("sh")
        .arg("-c")
        .arg(format!("docker export {id} | tar -t"))
        .output()
        .unwrap();
    docker(&["rm", &id]);
    let files: Vec<String> = String::from_utf8_lossy(&export.stdout)
        .lines()
        .filter(|l| !l.ends_with('/'))
        .map(String::from)
        .collect();
    let own: Vec<&String> = files
        .iter()
        .filter(|f| !f.starts_with("etc/") && !f.starts_with("dev/") && *f != ".dockerenv")
        .collect();
    assert_eq!(own, ["upcheck"], "files in the image: {files:?}");

    // Compressed, it stays small.
    let size = Command::new("sh")
        .arg("-c")
        .arg(format!("docker save {tag} | gzip -c | wc -c"))
        .output()
        .unwrap();
    let bytes: u64 = String::from_utf8_lossy(&size.stdout)
        .trim()
        .parse()
        .unwrap();
    eprintln!("compressed image: {bytes} bytes");
    assert!(
        bytes <= 6 * 1024 * 1024,
        "compressed image is {bytes} bytes"
    );
}

#[test]
fn image_healthy() {
    let Some(tag) = image() else { return };
    let srv = TestServer::start(vec![("/health", Behaviour::text(200, "ok"))]);
    let r = Sim::new()
        .image(&tag)
        .with("url", &srv.url("/health"))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
    assert_eq!(r.output("healthy").as_deref(), Some("true"), "{r}");
    assert_eq!(r.output("status-code").as_deref(), Some("200"), "{r}");
    assert!(r.summary().contains("1 URL up"), "{r}");
    assert!(r.annotations("error").is_empty(), "{r}");
    assert_eq!(srv.hits("/health"), 1);
}

#[test]
fn image_down() {
    let Some(tag) = image() else { return };
    let srv = TestServer::start(vec![("/health", Behaviour::Status(503))]);
    let url = srv.url("/health");
    let r = Sim::new()
        .image(&tag)
        .with("url", &url)
        .with("max-attempts", "2")
        .with("retry-delay", "200ms")
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("down"), "{r}");
    assert_eq!(
        r.output("failed-urls").as_deref(),
        Some(url.as_str()),
        "{r}"
    );
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{r}");
    assert!(
        errors[0].contains("HTTP 503") && errors[0].contains("after 2 attempts (200ms apart)"),
        "{r}"
    );
    assert!(r.summary().contains("🔴 down"), "{r}");
    assert_eq!(srv.hits("/health"), 2);
}

#[test]
fn image_bad_input() {
    let Some(tag) = image() else { return };
    let srv = TestServer::start(vec![("/health", Behaviour::text(200, "ok"))]);
    let r = Sim::new()
        .image(&tag)
        .with("url", &srv.url("/health"))
        .with("max-attempts", "abc")
        .run();
    assert_eq!(r.exit_code(), 2, "{r}");
    let errors = r.annotations("error");
    assert_eq!(errors.len(), 1, "{r}");
    assert!(errors[0].contains("max-attempts"), "{r}");
    assert_eq!(srv.requests().len(), 0, "nothing is sent on bad input");
}

#[test]
fn image_cancel_stops_within_a_second() {
    let Some(tag) = image() else { return };
    let srv = TestServer::start(vec![("/health", Behaviour::Status(503))]);
    let r = Sim::new()
        .image(&tag)
        .with("url", &srv.url("/health"))
        .with("max-attempts", "5")
        .with("retry-delay", "10s")
        .signal_after(1.5)
        .run();
    let after = r.json["exited_after_first_signal_s"]
        .as_f64()
        .expect("exited after the signal");
    assert!(
        after < 1.0,
        "the container took {after}s to stop after SIGINT: {r}"
    );
    assert_eq!(r.output("healthy").as_deref(), Some("false"), "{r}");
    let results = r.results();
    assert_eq!(results[0]["attempts"], 1, "{r}");
    assert!(r.summary().contains("cancelled by SIGINT"), "{r}");
    assert!(
        r.annotations("error")
            .iter()
            .any(|e| e.contains("cancelled by SIGINT")),
        "{r}"
    );
}

#[test]
fn image_trusts_a_private_ca_without_ca_files() {
    let Some(tag) = image() else { return };
    let cert = TestCert::new(90);
    let srv = TestServer::start_tls(vec![("/", Behaviour::text(200, "ok"))], &cert);
    let r = Sim::new()
        .image(&tag)
        .with("url", &srv.url("/"))
        .with("ca-cert", &cert.ca_pem())
        .timeout(Duration::from_secs(60))
        .run();
    assert_eq!(r.exit_code(), 0, "{r}");
    assert_eq!(r.output("status").as_deref(), Some("up"), "{r}");
}

#[test]
fn image_masks_secrets() {
    let Some(tag) = image() else { return };
    let srv = TestServer::start(vec![("/health", Behaviour::Status(503))]);
    let password = "image-secret-Pa55word";
    let r = Sim::new()
        .image(&tag)
        .with("url", &srv.url("/health"))
        .with("max-attempts", "1")
        .with_secret("basic-auth", &format!("monitor:{password}"))
        .run();
    assert_eq!(r.exit_code(), 1, "{r}");
    assert_eq!(r.leaks(), &serde_json::json!([]), "{r}");
    assert!(r.masks().iter().any(|m| m == password), "{r}");
}

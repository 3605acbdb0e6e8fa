//! The fake Slack side of the black-box tests: an incoming-webhook route, the independent payload
//! validator (`validate-slack-payload --strict`), and readers for what the fake Slack received.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::{crate_root, Behaviour, TempDir, TestServer};

/// The incoming webhook's path on the fake Slack.
pub const SLACK_HOOK: &str = "/services/T000/B000/XXXX";

/// A fake Slack whose webhook answers 200 `ok`.
pub fn slack_ok() -> TestServer {
    TestServer::start(vec![(SLACK_HOOK, Behaviour::text(200, "ok"))])
}

/// The validator: `VALIDATE_SLACK_PAYLOAD`, else the one beside the checkout.
pub fn validator_path() -> PathBuf {
    match std::env::var_os("VALIDATE_SLACK_PAYLOAD") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => crate_root().join("../shared/tools/validate-slack-payload"),
    }
}

/// `validate-slack-payload --strict [--target api]` on `body`; panics with its findings.
pub fn validate_payload(body: &[u8], api: bool) {
    let dir = TempDir::new("slack-payload");
    let file = dir.write("payload.json", body);
    let mut cmd = Command::new("python3");
    cmd.arg(validator_path()).arg("--strict");
    if api {
        cmd.args(["--target", "api"]);
    }
    let out = cmd
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", validator_path().display()));
    assert!(
        out.status.success(),
        "validate-slack-payload --strict{} rejected the payload ({}):\n{}{}\n--- payload ---\n{}",
        if api { " --target api" } else { "" },
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(body)
    );
}

/// Every message the fake Slack's webhook received so far, validated and parsed, in order.
pub fn messages(slack: &TestServer) -> Vec<Value> {
    slack
        .requests_to(SLACK_HOOK)
        .into_iter()
        .map(|r| {
            validate_payload(&r.body, false);
            r.body_json()
        })
        .collect()
}

/// The top-level `text` and every block's text of a payload, joined with newlines.
pub fn all_text(payload: &Value) -> String {
    let mut out = vec![payload["text"].as_str().unwrap_or_default().to_string()];
    for block in payload["attachments"][0]["blocks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        if let Some(t) = block["text"]["text"].as_str() {
            out.push(t.to_string());
        }
    }
    out.join("\n")
}

//! The fake Discord, Teams and webhook receivers of the black-box tests: one server with the
//! three routes, the Adaptive Card validator (`tests/tools/validate-adaptive-card.js`, Microsoft's
//! `adaptivecards` parser, installed with `npm ci --prefix tests/tools`), Discord's limits, and
//! the webhook signature computed independently.

use std::path::PathBuf;
use std::process::Command;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::{crate_root, Behaviour, Recorded, TempDir, TestServer};

/// Discord's execute-webhook path: `/api/webhooks/{id}/{token}`.
pub const DISCORD_HOOK: &str =
    "/api/webhooks/123456789012345678/dIsCoRdToKeN-0123456789abcdefghijklmnopqrstuvwxyz";
/// The token part of the Discord path: a secret of its own.
pub const DISCORD_TOKEN: &str = "dIsCoRdToKeN-0123456789abcdefghijklmnopqrstuvwxyz";
/// A Workflows trigger path; the URL adds `?api-version=…&sig=TEAMS_SIG`.
pub const TEAMS_HOOK: &str =
    "/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke";
pub const TEAMS_SIG: &str = "tEaMsSiG0123456789abcdefghijklmnopqrstuv";
/// The generic receiver.
pub const WEBHOOK: &str = "/hooks/upcheck";
pub const WEBHOOK_SECRET: &str = "whsec-test-0123456789-secret";

/// What Discord answers with `?wait=true`: the message.
pub fn discord_ok() -> Behaviour {
    Behaviour::json(200, &json!({"id": "1100000000000000001", "type": 0}))
}

/// What a Workflows trigger answers: 202 Accepted, empty.
pub fn teams_ok() -> Behaviour {
    Behaviour::Status(202)
}

pub fn webhook_ok() -> Behaviour {
    Behaviour::Status(204)
}

/// One server with the three receivers.
pub fn receivers(discord: Behaviour, teams: Behaviour, webhook: Behaviour) -> TestServer {
    TestServer::start(vec![
        (DISCORD_HOOK, discord),
        (TEAMS_HOOK, teams),
        (WEBHOOK, webhook),
    ])
}

pub fn receivers_ok() -> TestServer {
    receivers(discord_ok(), teams_ok(), webhook_ok())
}

/// The three inputs' URLs on `server`.
pub fn discord_url(server: &TestServer) -> String {
    server.url(DISCORD_HOOK)
}

pub fn teams_url(server: &TestServer) -> String {
    format!(
        "{}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={TEAMS_SIG}",
        server.url(TEAMS_HOOK)
    )
}

pub fn webhook_url(server: &TestServer) -> String {
    server.url(WEBHOOK)
}

/// The validator script.
pub fn card_validator() -> PathBuf {
    crate_root().join("tests/tools/validate-adaptive-card.js")
}

/// `node validate-adaptive-card.js` on a Teams body; panics with its findings.
pub fn validate_card(body: &[u8]) {
    let dir = TempDir::new("teams-card");
    let file = dir.write("card.json", body);
    let out = Command::new("node")
        .arg(card_validator())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", card_validator().display()));
    assert!(
        out.status.success(),
        "validate-adaptive-card rejected the Teams message ({}):\n{}{}\n--- message ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(body)
    );
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Discord's documented limits; panics naming the one exceeded.
pub fn assert_discord_limits(body: &Value) {
    let embeds = body["embeds"].as_array().expect("embeds");
    assert!(embeds.len() <= 10, "{} embeds", embeds.len());
    assert!(chars(&body["content"]) <= 2_000, "content too long");
    let mut total = 0;
    for e in embeds {
        assert!(chars(&e["title"]) <= 256, "title: {}", e["title"]);
        assert!(chars(&e["description"]) <= 4_096, "description too long");
        assert!(chars(&e["footer"]["text"]) <= 2_048, "footer too long");
        total += chars(&e["title"]) + chars(&e["description"]) + chars(&e["footer"]["text"]);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= 25, "{} fields", fields.len());
        for f in &fields {
            assert!(
                chars(&f["name"]) <= 256 && chars(&f["value"]) <= 1_024,
                "field {f}"
            );
            total += chars(&f["name"]) + chars(&f["value"]);
        }
        assert!(
            e["color"].as_u64().is_some_and(|c| c <= 0xff_ff_ff),
            "color {}",
            e["color"]
        );
    }
    assert!(total <= 6_000, "{total} characters in the embeds");
    assert_eq!(
        body["allowed_mentions"],
        json!({"parse": []}),
        "mentions are suppressed"
    );
}

/// Every request to Discord, limits checked, parsed.
pub fn discord_messages(server: &TestServer) -> Vec<(Recorded, Value)> {
    server
        .requests_to(DISCORD_HOOK)
        .into_iter()
        .map(|r| {
            let body = r.body_json();
            assert_discord_limits(&body);
            (r, body)
        })
        .collect()
}

/// Every request to Teams, each card validated, parsed.
pub fn teams_messages(server: &TestServer) -> Vec<(Recorded, Value)> {
    server
        .requests_to(TEAMS_HOOK)
        .into_iter()
        .map(|r| {
            validate_card(&r.body);
            let body = r.body_json();
            (r, body)
        })
        .collect()
}

/// `sha256=<hex>` of `body` keyed by `secret`, computed here, not by upcheck.
pub fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Every request to the webhook, parsed; with `secret`, each signature must verify.
pub fn webhook_documents(server: &TestServer, secret: Option<&str>) -> Vec<(Recorded, Value)> {
    server
        .requests_to(WEBHOOK)
        .into_iter()
        .map(|r| {
            match secret {
                Some(secret) => assert_eq!(
                    r.header("x-upcheck-signature"),
                    Some(hmac_hex(secret, &r.body).as_str()),
                    "the signature verifies against the raw body"
                ),
                None => assert_eq!(r.header("x-upcheck-signature"), None),
            }
            let doc = r.body_json();
            assert_eq!(doc["schema"], "upcheck.webhook/1");
            assert_eq!(r.header("x-upcheck-delivery"), doc["delivery"].as_str());
            (r, doc)
        })
        .collect()
}

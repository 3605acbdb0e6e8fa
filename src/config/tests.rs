//! Unit tests for input parsing and its errors.

use super::*;

fn raw(pairs: &[(&str, &str)]) -> RawInputs {
    let vars: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.to_string()))
        .collect();
    envy::prefixed("INPUT_").from_iter(vars).unwrap()
}

fn config(pairs: &[(&str, &str)]) -> Result<Config, InputError> {
    Config::from_inputs(raw(pairs), None)
}

fn error(pairs: &[(&str, &str)]) -> InputError {
    config(pairs).unwrap_err()
}

#[test]
fn defaults_follow_the_contract() {
    let c = config(&[("url", "https://example.org/")]).unwrap();
    assert_eq!(c.retry.max_attempts, 3);
    assert_eq!(c.retry.delay, Duration::from_secs(3));
    assert_eq!(c.retry.backoff, Backoff::Fixed);
    assert_eq!(c.retry.retry_on, RetryOn::Any);
    assert_eq!(c.request.timeout, Duration::from_secs(10));
    assert_eq!(c.checks.expected.to_string(), "200-399");
    assert!(c.request.follow_redirects);
    assert_eq!(c.request.method, Method::GET);
    assert_eq!(c.checks.cert_min_days, 14);
    assert_eq!(c.concurrency, 8);
    assert!(c.fail_on_down);
    assert!(!c.request.insecure);
    assert_eq!(c.slack.notify, NotifyPolicy::Change);
}

#[test]
fn hyphenated_names_and_trimming() {
    let c = config(&[
        ("url", " http://a/ "),
        ("max-attempts", " 5 "),
        ("retry-delay", "500ms"),
        ("expected-status", "2xx"),
    ])
    .unwrap();
    assert_eq!(c.retry.max_attempts, 5);
    assert_eq!(c.retry.delay, Duration::from_millis(500));
    assert!(c.checks.expected.contains(204));
}

#[test]
fn empty_means_unset() {
    let c = config(&[
        ("url", "http://a/"),
        ("max-attempts", ""),
        ("timeout", "  "),
    ])
    .unwrap();
    assert_eq!(c.retry.max_attempts, 3);
    assert_eq!(c.request.timeout, Duration::from_secs(10));
}

#[test]
fn flags_win_over_variables() {
    let env = raw(&[("url", "http://env/"), ("max-attempts", "5")]);
    let flags = RawInputs {
        max_attempts: Some("2".into()),
        ..RawInputs::default()
    };
    let c = Config::from_inputs(flags.over(env), None).unwrap();
    assert_eq!(c.retry.max_attempts, 2);
    assert_eq!(c.targets[0].shown.as_str(), "http://env/");
}

#[test]
fn jtalk_retry_all() {
    let c = config(&[("url", "http://a/"), ("retry-all", "false")]).unwrap();
    assert_eq!(c.retry.retry_on, RetryOn::Transient);
    let c = config(&[("url", "http://a/"), ("retry-all", "true")]).unwrap();
    assert_eq!(c.retry.retry_on, RetryOn::Any);
    let c = config(&[
        ("url", "http://a/"),
        ("retry-all", "false"),
        ("retry-on", "any"),
    ])
    .unwrap();
    assert_eq!(c.retry.retry_on, RetryOn::Any);
}

#[test]
fn invalid_inputs_name_the_input_and_the_fix() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[("url", "http://a/"), ("max-attempts", "abc")],
            "max-attempts",
            "\"abc\" is not a whole number",
        ),
        (
            &[("url", "http://a/"), ("max-attempts", "0")],
            "max-attempts",
            "0 is out of range",
        ),
        (
            &[("url", "http://a/"), ("retry-delay", "5 parsecs")],
            "retry-delay",
            "\"5 parsecs\" is not a duration",
        ),
        (&[("url", "ftp://x")], "url", "is not an http or https URL"),
        (&[("url", "")], "url", "no URL given"),
        (&[("url", " | ")], "url", "no URL given"),
        (
            &[("url", "http://a/"), ("expected-status", "abc")],
            "expected-status",
            "\"abc\" is not a status code",
        ),
        (
            &[("url", "http://a/"), ("follow-redirect", "yes")],
            "follow-redirect",
            "\"yes\" is not a boolean",
        ),
        (
            &[("url", "http://a/"), ("notify", "sometimes")],
            "notify",
            "\"sometimes\" is not a notification policy",
        ),
        (
            &[("url", "http://a/"), ("headers", "X-Token abc")],
            "headers",
            "has no colon",
        ),
        (
            &[("url", "http://a/"), ("basic-auth", "justuser")],
            "basic-auth",
            "no colon",
        ),
        (
            &[("url", "http://a/"), ("backoff", "linear")],
            "backoff",
            "not a backoff",
        ),
        (
            &[("url", "http://a/"), ("retry-on", "some")],
            "retry-on",
            "not a retry rule",
        ),
        (
            &[("url", "http://a/"), ("timeout", "0")],
            "timeout",
            "leaves no time",
        ),
        (
            &[("url", "http://a/"), ("concurrency", "0")],
            "concurrency",
            "out of range",
        ),
        (
            &[("url", "http://a/"), ("ca-cert", "/nonexistent/ca.pem")],
            "ca-cert",
            "cannot read the file",
        ),
        (
            &[
                ("url", "http://a/"),
                ("ca-cert", "-----BEGIN CERTIFICATE-----\nxx\n"),
            ],
            "ca-cert",
            "not valid PEM",
        ),
        (
            &[
                ("url", "http://a/"),
                (
                    "ca-cert",
                    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                ),
            ],
            "ca-cert",
            "no PEM certificate",
        ),
        (
            &[
                ("url", "http://a/"),
                ("method", "HEAD"),
                ("body-contains", "ok"),
            ],
            "body-contains",
            "HEAD",
        ),
        (
            &[("url", "http://a/"), ("method", "GE T")],
            "method",
            "not an HTTP method",
        ),
        (
            &[("url", "http://a/"), ("cookie", "novalue")],
            "cookie",
            "has no `=`",
        ),
        (
            &[("url", "http://a/"), ("insecure", "1")],
            "insecure",
            "not a boolean",
        ),
    ];
    for (pairs, input, problem) in cases {
        let e = error(pairs);
        assert_eq!(e.input, *input, "{pairs:?}");
        assert!(e.problem.contains(problem), "{pairs:?}: {}", e.problem);
        assert!(!e.accepted.is_empty());
    }
}

#[test]
fn error_message_shape() {
    let e = error(&[("url", "http://a/"), ("max-attempts", "abc")]);
    assert_eq!(
        e.to_string(),
        "input `max-attempts`: \"abc\" is not a whole number; use a whole number from 1 to 100 (total requests per URL)"
    );
}

#[test]
fn secrets_are_collected() {
    let c = config(&[
        ("url", "https://u:pw1234@h/?token=tok5678"),
        ("headers", "Authorization: Bearer hdr-secret\nX-Plain: v"),
        ("basic-auth", "user:passw0rd"),
        ("cookie", "session=cookie-val; theme=dark"),
        ("slack-webhook", "https://hooks.example/T/B/x"),
    ])
    .unwrap();
    for s in [
        "pw1234",
        "tok5678",
        "Bearer hdr-secret",
        "passw0rd",
        "dXNlcjpwYXNzdzByZA==",
        "cookie-val",
        "dark",
        "https://hooks.example/T/B/x",
    ] {
        assert!(
            c.secrets.iter().any(|x| x == s),
            "{s} missing from {:?}",
            c.secrets
        );
    }
}

#[test]
fn webhook_falls_back_to_environment() {
    let c =
        Config::from_inputs(raw(&[("url", "http://a/")]), Some("https://hooks/x".into())).unwrap();
    assert_eq!(c.slack.webhook.as_deref(), Some("https://hooks/x"));
}

#[test]
fn headers_parse() {
    let c = config(&[
        ("url", "http://a/"),
        ("headers", "X-A: 1\n\n  X-B: two: parts  \n"),
    ])
    .unwrap();
    assert_eq!(c.request.headers["x-a"], "1");
    assert_eq!(c.request.headers["x-b"], "two: parts");
}

#[test]
fn hook_secrets_are_masked() {
    let c = config(&[
        ("url", "http://a/"),
        ("heal-url", "https://hooks.example/restart/abcd1234"),
        ("heal-headers", "X-Key: heal-secret"),
    ])
    .unwrap();
    assert!(c
        .secrets
        .contains(&"https://hooks.example/restart/abcd1234".to_string()));
    assert!(c.secrets.contains(&"heal-secret".to_string()));
}

#[test]
fn inputs_of_later_features_are_validated_too() {
    let cases: &[(&str, &str, &str)] = &[
        ("mention-on", "sometimes", "is not a mention rule"),
        ("failure-threshold", "abc", "is not a whole number"),
        ("success-threshold", "0", "out of range"),
        ("fields", "repo,colour", "\"colour\" is not a field"),
        ("mention", "@bob", "is not someone Slack can mention"),
        ("remind-every", "often", "is not a duration"),
        ("heal-url", "ftp://hooks/x", "not an http or https URL"),
        ("heal-wait", "a while", "is not a duration"),
        ("heal-method", "PO ST", "not an HTTP method"),
        ("heal-headers", "X-Key", "has no colon"),
        ("fail-on-notify-error", "yes", "is not a boolean"),
        ("slack-api-url", "not a url", "not a valid URL"),
        ("heartbeat-url", "mailto:x@y", "not an http or https URL"),
        ("slack-webhook", "hooks.example/x", "not a valid URL"),
    ];
    for (input, value, problem) in cases {
        let e = error(&[("url", "http://a/"), (input, value)]);
        assert_eq!(e.input, *input, "{input}: {e}");
        assert!(e.problem.contains(problem), "{input}: {}", e.problem);
    }
    let e = error(&[("url", "http://a/"), ("slack-token", "xoxb-1")]);
    assert_eq!(e.input, "slack-channel");
}

#[test]
fn later_feature_settings_parse() {
    let c = config(&[
        ("url", "http://a/"),
        ("fields", "all"),
        ("mention", "here, U0123ABCD,subteam^S0ABC"),
        ("mention-on", "always"),
        ("failure-threshold", "3"),
        ("remind-every", "2h"),
        ("heal-url", "https://hooks.example/deploy?key=abcdef"),
        ("heal-wait", "1m"),
    ])
    .unwrap();
    assert_eq!(c.slack.fields.len(), 10);
    assert_eq!(c.slack.mention, ["here", "U0123ABCD", "subteam^S0ABC"]);
    assert_eq!(c.slack.mention_on, MentionOn::Always);
    assert_eq!(c.state.failure_threshold, 3);
    assert_eq!(c.state.remind_every, Some(Duration::from_secs(7200)));
    assert_eq!(c.heal.wait, Duration::from_secs(60));
    assert_eq!(c.heal.method, Method::POST);
    assert_eq!(c.slack.api_url.as_str(), "https://slack.com/api/");
    let d = config(&[("url", "http://a/")]).unwrap();
    assert_eq!(
        d.slack.fields,
        [SlackField::Repo, SlackField::Workflow, SlackField::Ref]
    );
    let c = config(&[
        ("url", "http://a/"),
        ("fields", "took, repo,took,eventName"),
    ])
    .unwrap();
    assert_eq!(
        c.slack.fields,
        [SlackField::Took, SlackField::Repo, SlackField::EventName]
    );
}

/// `action.yml`'s inputs, in file order: each name and its default.
fn action_yml_inputs() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    yaml["inputs"]
        .as_mapping()
        .expect("action.yml has inputs")
        .iter()
        .map(|(name, body)| {
            let name = name.as_str().expect("an input name is text").to_string();
            let default = body["default"]
                .as_str()
                .unwrap_or_else(|| panic!("input `{name}` has no text default"))
                .to_string();
            (name, default)
        })
        .filter(|(name, _)| !super::raw::ACTION_ONLY_INPUTS.contains(&name.as_str()))
        .collect()
}

#[test]
fn input_table_is_action_yml() {
    let declared: Vec<String> = action_yml_inputs().into_iter().map(|(n, _)| n).collect();
    let known: Vec<&str> = INPUTS.iter().map(|i| i.name).collect();
    assert_eq!(
        declared, known,
        "action.yml's inputs and the table in config/raw.rs"
    );
}

#[test]
fn every_input_reads_its_own_variable_and_flag() {
    use clap::CommandFactory;
    let command = crate::app::Cli::command();
    for (i, input) in INPUTS.iter().enumerate() {
        let value = format!("value-{i}");
        let var = format!("INPUT_{}", input.name.to_uppercase());
        let raw = RawInputs::from_vars([(var.clone(), value.clone())]).unwrap();
        assert_eq!(raw.get(input.name), Some(value.as_str()), "{var}");
        for other in INPUTS.iter().filter(|o| o.name != input.name) {
            assert_eq!(raw.get(other.name), None, "{var} set {}", other.name);
        }
        let arg = command
            .get_arguments()
            .find(|a| a.get_long() == Some(input.flag))
            .unwrap_or_else(|| panic!("no flag --{} for input `{}`", input.flag, input.name));
        let switch = arg.get_num_args() == Some(clap::builder::ValueRange::new(0..=1));
        assert_eq!(switch, input.form == Form::Switch, "--{}", input.flag);
    }
    assert_eq!(RawInputs::default().get("no-such-input"), None);
}

#[test]
fn cli_definition_is_valid() {
    use clap::CommandFactory;
    crate::app::Cli::command().debug_assert();
}

#[test]
fn flags_parse_into_the_table_fields() {
    use clap::Parser;
    let cli = crate::app::Cli::try_parse_from([
        "upcheck",
        "--max-attempts",
        "5",
        "--github-token",
        "tok",
        "--insecure",
        "--fail-on-down",
        "false",
        "http://a/",
    ])
    .unwrap();
    assert_eq!(cli.inputs.max_attempts.as_deref(), Some("5"));
    assert_eq!(cli.inputs.github_token.as_deref(), Some("tok"));
    assert_eq!(cli.inputs.insecure.as_deref(), Some("true"));
    assert_eq!(cli.inputs.fail_on_down.as_deref(), Some("false"));
    assert_eq!(cli.urls, ["http://a/"]);
}

/// `action.yml`'s defaults are what the binary does with no input at all. Two inputs cannot
/// take part: `url` has no default (both sides get the same URL), and a default that is an
/// expression (`github_token: ${{ github.token }}`) is the runner's to evaluate; the binary
/// without that input has no token, by design.
#[test]
fn action_yml_defaults_are_the_binarys_defaults() {
    let url = ("url".to_string(), "https://example.org/".to_string());
    let mut vars = vec![url.clone()];
    let mut compared = 0;
    for (name, default) in action_yml_inputs() {
        if name == "url" || default.contains("${{") {
            continue;
        }
        compared += 1;
        vars.push((name, default));
    }
    assert!(compared >= 40, "only {compared} defaults compared");
    let build = |pairs: &[(String, String)]| {
        let vars = pairs
            .iter()
            .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.clone()));
        Config::from_inputs(RawInputs::from_vars(vars).unwrap(), None)
            .unwrap_or_else(|e| panic!("action.yml's defaults are refused: {e}"))
    };
    pretty_assertions::assert_eq!(build(&vars), build(&[url]));
}

#[test]
fn raw_secrets_come_from_the_table() {
    let raw = raw(&[
        ("url", "https://u:url-pass@h/?t=query-secret"),
        ("basic-auth", "user:basic-pass"),
        ("headers", "X-A: header-secret"),
        ("heal-headers", "X-B: heal-header-secret"),
        ("slack-webhook", " https://hooks.example/w "),
        ("slack-token", "xoxb-token"),
        ("github_token", "ghs_token"),
        ("heal-url", "https://hooks.example/heal"),
        ("heartbeat-url", "https://hb.example/ping"),
        ("cookie", "s=cookie-secret"),
        ("slack-channel", "#ops"),
    ]);
    let mut found = raw_secrets(
        &raw.over(RawInputs::default()),
        Some("https://env.example/w"),
    );
    found.sort();
    let mut wanted = vec![
        "basic-pass",
        "header-secret",
        "heal-header-secret",
        "https://hooks.example/w",
        "xoxb-token",
        "ghs_token",
        "https://hooks.example/heal",
        "https://hb.example/ping",
        "https://env.example/w",
    ];
    wanted.sort();
    assert_eq!(found, wanted);
    for input in INPUTS {
        let parsed_later = ["url", "cookie", "history-url"].contains(&input.name);
        assert_eq!(
            input.secret == Secret::WhenParsed,
            parsed_later,
            "{}",
            input.name
        );
    }
}

#[test]
fn a_ca_cert_the_client_cannot_use_is_an_input_error() {
    // Found by fuzzing: a block whose BEGIN line reads `CERTIFICATE-…` is a certificate to the
    // client's PEM reader but was skipped by the second reader here, and a certificate with bytes
    // after its end was accepted here and refused as a root by the client: the run failed later
    // with a bare "builder error". Both now read the bundle once, the same way.
    let generated = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap();
    let pem = generated.cert.pem();
    let mut der = generated.cert.der().to_vec();
    der.extend_from_slice(b"\0\0");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let trailing = format!("-----BEGIN CERTIFICATE-X-----\n{b64}\n-----END CERTIFICATE-X-----\n");
    let damaged_label = pem.replace("BEGIN CERTIFICATE", "BEGIN CERTIFICA\u{14}E");
    let cases = [
        (pem.clone(), true),
        (format!("{pem}{trailing}"), false),
        (format!("{trailing}{pem}"), false),
        // Another kind of block (a key, say) is no certificate to either, and is skipped.
        (format!("{pem}{damaged_label}"), true),
        (damaged_label.clone(), false),
        (pem.replace("-----END CERTIFICATE-----", ""), false),
    ];
    for (bundle, usable) in cases {
        let client = crate::net::Trust::new(Some(bundle.as_bytes()), None);
        assert_eq!(client.is_ok(), usable, "{bundle}");
        let result = config(&[("url", "http://a/"), ("ca-cert", &bundle)]);
        match result {
            Ok(_) => assert!(usable, "ca-cert accepts what the client refuses: {bundle}"),
            Err(e) => {
                assert!(!usable, "{e}");
                assert_eq!(e.input, "ca-cert");
                let why = client.unwrap_err().to_string();
                let why = why.trim_start_matches("cannot set up the HTTP client: ca-cert ");
                assert_eq!(e.problem, format!("it {why}"));
            }
        }
    }
}

#[test]
fn header_and_basic_auth_errors_show_no_value_only_their_own_words() {
    // Found by fuzzing, both no leak: the value `"a26` appears in the error only as the quote
    // around the line without a colon, `a26`; the basic-auth value `; use` only as the error's
    // own words.
    let e = error(&[("url", "http://a/"), ("headers", "y:\"a26\na26")]);
    assert_eq!(
        e.to_string(),
        "input `headers`: the line starting \"a26\" has no colon; give one `Name: value` header per line"
    );
    let e = error(&[("url", "http://a/"), ("basic-auth", "; use")]);
    assert_eq!(
        e.to_string(),
        "input `basic-auth`: the value has no colon; use user:password"
    );
}

#[test]
fn issue_inputs_parse_and_are_checked() {
    let d = config(&[("url", "http://a/")]).unwrap();
    assert!(!d.issues.enabled);
    assert_eq!(d.issues.labels, ["upcheck", "incident"]);
    assert!(d.issues.assignees.is_empty());
    let c = config(&[
        ("url", "http://a/"),
        ("github-issues", "true"),
        ("github_token", "ghs_x"),
        ("issue-labels", " outage , upcheck,outage"),
        ("issue-assignees", "@octocat, hubot-2"),
    ])
    .unwrap();
    assert!(c.issues.enabled);
    assert_eq!(c.issues.labels, ["outage", "upcheck"]);
    assert_eq!(c.issues.assignees, ["octocat", "hubot-2"]);
    let cases: &[(&str, &str, &str)] = &[
        ("github-issues", "yes", "is not a boolean"),
        ("issue-assignees", "octo cat", "is not a GitHub login"),
        ("issue-assignees", "-bad", "is not a GitHub login"),
        (
            "issue-labels",
            &"x".repeat(51),
            "is not a GitHub label name",
        ),
    ];
    for (input, value, problem) in cases {
        let e = error(&[("url", "http://a/"), ("github_token", "t"), (input, value)]);
        assert_eq!(e.input, *input, "{input}: {e}");
        assert!(e.problem.contains(problem), "{input}: {}", e.problem);
    }
    let e = error(&[("url", "http://a/"), ("github-issues", "true")]);
    assert_eq!(e.input, "github_token");
    assert!(e.accepted.contains("issues: write"), "{e}");
}

#[test]
fn windows_are_read_and_a_bad_one_names_its_input() {
    let c = config(&[
        ("url", "https://example.org/"),
        ("quiet-hours", "03:00-09:00 Asia/Seoul, 22:00-02:00 Europe/Berlin"),
        (
            "maintenance",
            "2026-12-05T02:00/2026-12-05T04:00 Europe/Berlin\n2026-12-06T01:00:00Z/2026-12-06T02:00:00Z",
        ),
    ])
    .unwrap();
    assert_eq!((c.windows.quiet.len(), c.windows.maintenance.len()), (2, 2));
    assert!(config(&[("url", "https://example.org/")])
        .unwrap()
        .windows
        .is_empty());
    let e = error(&[
        ("url", "https://example.org/"),
        ("quiet-hours", "03:00-09:00 Asia/Seul"),
    ]);
    assert_eq!(e.input, "quiet-hours");
    assert!(
        e.to_string()
            .starts_with("input `quiet-hours`: \"Asia/Seul\" is not a time zone name"),
        "{e}"
    );
    let e = error(&[
        ("url", "https://example.org/"),
        ("maintenance", "2026-12-05T04:00Z/2026-12-05T02:00Z"),
    ]);
    assert_eq!(e.input, "maintenance");
    assert!(e.problem.contains("ends before it starts"), "{e}");
}

#[test]
fn keepalive_is_off_by_default_and_needs_a_token() {
    let c = config(&[("url", "http://a/")]).unwrap();
    assert!(!c.keepalive);
    let c = config(&[
        ("url", "http://a/"),
        ("keepalive", "true"),
        ("github_token", "t"),
    ])
    .unwrap();
    assert!(c.keepalive);
    let e = error(&[("url", "http://a/"), ("keepalive", "true")]);
    assert_eq!(
        e.to_string(),
        "input `github_token`: keepalive is true but no token is given; give a token that may enable workflows (in a workflow the default ${{ github.token }} with `permissions: actions: write`)"
    );
    let e = error(&[("url", "http://a/"), ("keepalive", "yes please")]);
    assert!(e.to_string().starts_with("input `keepalive`:"), "{e}");
}

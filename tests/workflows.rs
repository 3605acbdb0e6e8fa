//! The workflows that call the action cannot drift from `action.yml` or the release: the examples in
//! `examples/` and the workflows in `.github/workflows/` pass only inputs that `action.yml`
//! declares; the reusable workflow forwards each of its inputs and secrets to the action input of
//! the same name, with the same default, and exposes the action's outputs; a manual run's
//! `notify` is a choice of exactly the contract's policies; scheduled runs, where `inputs` is
//! empty, fall back to something else; and every literal value reaches upcheck as a valid input.
//! Also: no reference to the project can resolve to another account (the placeholder owner,
//! `scripts/set-owner`), the documented tag is the one a release moves, a monitor's runs never
//! overlap, ci.yml runs the action for real, and third-party actions are pinned by commit (one
//! commit per action, its tag in a trailing comment). The status page is published without
//! commits: `examples/status-page.yml` uploads the `status-dir` it writes with
//! upload-pages-artifact (also when a URL is down) and deploys it in a job of its own with only
//! `pages: write` and `id-token: write`; the reusable workflow's `publish-pages` (off by
//! default) does the upload and `deploy-pages.yml` the deployment, so callers that do not
//! publish are asked for no new permission.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_yaml_ng::{Mapping, Value};
use upcheck::config::{Config, NotifyPolicy, RawInputs};

/// The reusable workflow, callable as `<owner>/upcheck/.github/workflows/healthcheck.yml@v0`.
const REUSABLE: &str = ".github/workflows/healthcheck.yml";
/// Outputs the reusable workflow must expose to its caller.
const REUSABLE_OUTPUTS: [&str; 3] = ["healthy", "status", "results"];
/// Inputs of the reusable workflow that are its own, not forwarded to an action input.
const REUSABLE_OWN_INPUTS: [&str; 2] = ["publish-pages", "timeout-minutes"];
/// The companion reusable workflow that deploys what `publish-pages` uploaded.
const DEPLOY_PAGES: &str = ".github/workflows/deploy-pages.yml";
/// The example that publishes the status page.
const PAGES_EXAMPLE: &str = "examples/status-page.yml";
/// Stands in for a URL given by an expression when a step's literal values are validated.
const PLACEHOLDER_URL: &str = "https://example.org/";

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Value {
    let path = crate_root().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

/// A scalar as the runner hands it to an action: text, numbers and booleans as written, an
/// empty value as "".
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn mapping<'a>(value: &'a Value, what: &str) -> &'a Mapping {
    value
        .as_mapping()
        .unwrap_or_else(|| panic!("{what} is not a mapping: {value:?}"))
}

/// The entries of a mapping with text keys, in file order.
fn entries<'a>(map: &'a Mapping, what: &str) -> Vec<(String, &'a Value)> {
    map.iter()
        .map(|(k, v)| {
            let key = k
                .as_str()
                .unwrap_or_else(|| panic!("a key of {what} is not text: {k:?}"));
            (key.to_string(), v)
        })
        .collect()
}

struct Action {
    /// Input name to its default, as text.
    inputs: BTreeMap<String, String>,
    outputs: BTreeSet<String>,
}

fn action() -> Action {
    let action = load("action.yml");
    let inputs = entries(mapping(&action["inputs"], "action.yml `inputs`"), "inputs")
        .into_iter()
        .map(|(name, body)| {
            let default = body.get("default").map_or(Some(String::new()), text);
            let default = default.unwrap_or_else(|| {
                panic!("action.yml: the default of input `{name}` is not a scalar")
            });
            (name, default)
        })
        .collect();
    let outputs = entries(
        mapping(&action["outputs"], "action.yml `outputs`"),
        "outputs",
    )
    .into_iter()
    .map(|(name, _)| name)
    .collect();
    Action { inputs, outputs }
}

/// Every workflow of the repository and every example, as paths relative to the crate.
fn workflow_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "examples"] {
        let path = crate_root().join(dir);
        let listing = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()));
        for entry in listing {
            let name = entry.expect("a directory entry").file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    assert!(
        files.iter().any(|f| f.starts_with("examples/")),
        "examples/ holds no workflow"
    );
    assert!(
        files.iter().any(|f| f == REUSABLE),
        "the reusable workflow {REUSABLE} is missing"
    );
    files
}

/// `on:` of a workflow as a mapping of event names (empty when it is a list or a name).
fn triggers(workflow: &Value) -> Mapping {
    // YAML 1.1 reads a bare `on` as `true`; accept either spelling of the key.
    let on = workflow
        .get("on")
        .or_else(|| workflow.as_mapping().and_then(|m| m.get(Value::Bool(true))));
    match on {
        Some(Value::Mapping(m)) => m.clone(),
        Some(Value::String(event)) => {
            let mut m = Mapping::new();
            m.insert(Value::String(event.clone()), Value::Null);
            m
        }
        Some(Value::Sequence(events)) => events.iter().map(|e| (e.clone(), Value::Null)).collect(),
        _ => Mapping::new(),
    }
}

/// Whether a step's `uses:` is this action: the local `./` or `<owner>/upcheck@<ref>`.
fn is_this_action(uses: &str) -> bool {
    if uses == "./" || uses == "." {
        return true;
    }
    match uses.split_once('@') {
        Some((path, _)) => {
            let parts: Vec<&str> = path.split('/').collect();
            parts.len() == 2 && !parts[0].is_empty() && parts[1] == "upcheck"
        }
        None => false,
    }
}

/// A step that runs this action.
struct ActionStep {
    file: String,
    job: String,
    /// Where it is, for messages: `job \`healthcheck\` step 1 (id \`check\`)`.
    place: String,
    uses: String,
    id: Option<String>,
    with: Vec<(String, Value)>,
    /// `continue-on-error: true`: a step expected to fail (a bad input on purpose), whose
    /// outcome a later step checks.
    may_fail: bool,
}

impl ActionStep {
    fn with_text(&self, key: &str) -> Option<String> {
        self.with
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| text(v).unwrap_or_default())
    }
}

fn action_steps(file: &str, workflow: &Value) -> Vec<ActionStep> {
    let mut found = Vec::new();
    let Some(jobs) = workflow.get("jobs").and_then(Value::as_mapping) else {
        return found;
    };
    for (job, body) in entries(jobs, &format!("{file} `jobs`")) {
        let Some(steps) = body.get("steps").and_then(Value::as_sequence) else {
            continue;
        };
        for (i, step) in steps.iter().enumerate() {
            let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                continue;
            };
            if !is_this_action(uses) {
                continue;
            }
            let id = step.get("id").and_then(Value::as_str).map(str::to_string);
            let may_fail = step.get("continue-on-error").and_then(Value::as_bool) == Some(true);
            let with = match step.get("with") {
                None | Some(Value::Null) => Vec::new(),
                Some(w) => entries(mapping(w, &format!("{file}: `with`")), "with")
                    .into_iter()
                    .map(|(k, v)| (k, v.clone()))
                    .collect(),
            };
            let place = match &id {
                Some(id) => format!("job `{job}` step {} (id `{id}`)", i + 1),
                None => format!("job `{job}` step {}", i + 1),
            };
            found.push(ActionStep {
                file: file.to_string(),
                job: job.clone(),
                place,
                uses: uses.to_string(),
                id,
                with,
                may_fail,
            });
        }
    }
    found
}

fn all_action_steps() -> Vec<ActionStep> {
    workflow_files()
        .iter()
        .flat_map(|file| action_steps(file, &load(file)))
        .collect()
}

/// The `||` operands of a value that is one whole `${{ … }}` expression, trimmed.
fn operands(value: &str) -> Option<Vec<String>> {
    let inner = value.trim().strip_prefix("${{")?.strip_suffix("}}")?;
    if inner.contains("${{") || inner.contains("}}") {
        return None;
    }
    Some(inner.split("||").map(|s| s.trim().to_string()).collect())
}

/// A literal operand of an expression as text: `'change'` is `change`, `3` is `3`.
fn literal(operand: &str) -> Option<String> {
    if let Some(s) = operand
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
    {
        return Some(s.replace("''", "'"));
    }
    if operand == "true" || operand == "false" || operand.parse::<f64>().is_ok() {
        return Some(operand.to_string());
    }
    None
}

fn report(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}:\n  - {}",
        problems.join("\n  - ")
    );
}

#[test]
fn every_with_key_is_an_action_input() {
    let action = action();
    let steps = all_action_steps();
    assert!(
        steps
            .iter()
            .filter(|s| s.file.starts_with("examples/"))
            .count()
            >= 2,
        "the examples should use the action (`uses: <owner>/upcheck@v0`) at least twice"
    );
    let mut problems = Vec::new();
    for step in &steps {
        for (key, value) in &step.with {
            if !action.inputs.contains_key(key) {
                problems.push(format!(
                    "{}: {} (`{}`): `with.{key}` ({:?}) is not an input of action.yml",
                    step.file,
                    step.place,
                    step.uses,
                    text(value).unwrap_or_default()
                ));
            }
        }
    }
    report("with: keys that action.yml does not declare", &problems);
}

#[test]
fn steps_that_use_the_action_have_an_id_when_their_outputs_are_read() {
    let mut problems = Vec::new();
    for file in workflow_files() {
        let source = std::fs::read_to_string(crate_root().join(&file)).expect("readable");
        for step in action_steps(&file, &load(&file)) {
            // A step expected to fail is read by its outcome.
            let reads_outputs = step.id.as_ref().is_some_and(|id| {
                source.contains(&format!("steps.{id}.outputs."))
                    || (step.may_fail && source.contains(&format!("steps.{id}.outcome")))
            });
            if step.id.is_none() || !reads_outputs {
                problems.push(format!(
                    "{}: {}: a step that uses the action should have an `id` and a later step or \
                     output that reads `steps.<id>.outputs`",
                    step.file, step.place
                ));
            }
        }
    }
    report("action steps whose outputs go unread", &problems);
}

/// `on.workflow_call` of the reusable workflow.
fn workflow_call() -> Mapping {
    let on = triggers(&load(REUSABLE));
    let call = on
        .get("workflow_call")
        .unwrap_or_else(|| panic!("{REUSABLE}: `on` has no `workflow_call`"));
    mapping(call, &format!("{REUSABLE}: `on.workflow_call`")).clone()
}

/// The one step of the reusable workflow that runs the action.
fn reusable_action_step() -> ActionStep {
    let mut steps = action_steps(REUSABLE, &load(REUSABLE));
    assert_eq!(
        steps.len(),
        1,
        "{REUSABLE} should run the action in exactly one step, found {}",
        steps.len()
    );
    steps.remove(0)
}

#[test]
fn reusable_workflow_references_the_published_action() {
    let step = reusable_action_step();
    assert!(
        step.uses.contains('@') && !step.uses.starts_with('.'),
        "{REUSABLE}: {}: `uses: {}` must name the published action (`<owner>/upcheck@v0`): a \
         local `./` resolves against the caller's checkout, not this repository",
        step.place,
        step.uses
    );
}

#[test]
fn reusable_workflow_inputs_reach_the_action_with_its_defaults() {
    let action = action();
    let call = workflow_call();
    let step = reusable_action_step();
    let secrets: BTreeSet<String> = call
        .get("secrets")
        .and_then(Value::as_mapping)
        .map(|m| entries(m, "secrets").into_iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    let inputs = entries(
        mapping(
            call.get("inputs")
                .unwrap_or_else(|| panic!("{REUSABLE}: `on.workflow_call` has no `inputs`")),
            "workflow_call inputs",
        ),
        "workflow_call inputs",
    );
    let mut problems = Vec::new();
    for (name, body) in &inputs {
        if REUSABLE_OWN_INPUTS.contains(&name.as_str()) {
            continue; // checked by publish_pages_is_off_by_default_and_uploads_the_status_dir
        }
        let Some(action_default) = action.inputs.get(name) else {
            problems.push(format!(
                "{REUSABLE}: input `{name}` has no action input of the same name in action.yml"
            ));
            continue;
        };
        let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
        // Without a default, GitHub gives "", false or 0 by type.
        let (implicit, type_fits): (&str, fn(&Value) -> bool) = match kind {
            "string" => ("", Value::is_string),
            "boolean" => ("false", Value::is_bool),
            "number" => ("0", Value::is_number),
            other => {
                problems.push(format!(
                    "{REUSABLE}: input `{name}` has type {other:?}; a workflow_call input is \
                     boolean, number or string"
                ));
                continue;
            }
        };
        let default = match body.get("default") {
            None => implicit.to_string(),
            Some(value) => {
                if !type_fits(value) {
                    problems.push(format!(
                        "{REUSABLE}: input `{name}` is a {kind} but its default is {value:?}"
                    ));
                }
                text(value).unwrap_or_default()
            }
        };
        if &default != action_default {
            problems.push(format!(
                "{REUSABLE}: input `{name}` defaults to {default:?}, action.yml's `{name}` to \
                 {action_default:?}"
            ));
        }
        match step.with_text(name) {
            None => problems.push(format!(
                "{REUSABLE}: input `{name}` is not forwarded: {} has no `with.{name}`",
                step.place
            )),
            Some(value) => {
                let wanted = format!("inputs.{name}");
                let ok = operands(&value).is_some_and(|ops| {
                    ops.contains(&wanted)
                        && ops.iter().all(|op| {
                            *op == wanted
                                || op
                                    .strip_prefix("secrets.")
                                    .is_some_and(|s| s == name && secrets.contains(s))
                        })
                });
                if !ok {
                    problems.push(format!(
                        "{REUSABLE}: {}: `with.{name}` is {value:?}; it should be \
                         `${{{{ inputs.{name} }}}}` (or `${{{{ secrets.{name} || inputs.{name} }}}}`)",
                        step.place
                    ));
                }
            }
        }
    }
    report(
        "the reusable workflow's inputs and action.yml disagree",
        &problems,
    );
}

#[test]
fn reusable_workflow_secrets_reach_the_action() {
    let action = action();
    let call = workflow_call();
    let step = reusable_action_step();
    let secrets = call
        .get("secrets")
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("{REUSABLE}: `on.workflow_call` has no `secrets`"));
    let secrets = entries(secrets, "workflow_call secrets");
    let names: Vec<&str> = secrets.iter().map(|(k, _)| k.as_str()).collect();
    for wanted in ["slack-webhook", "slack-token"] {
        assert!(
            names.contains(&wanted),
            "{REUSABLE}: `on.workflow_call.secrets` should declare `{wanted}`; it declares {names:?}"
        );
    }
    let mut problems = Vec::new();
    for (name, body) in &secrets {
        if body.get("required").and_then(Value::as_bool) == Some(true) {
            problems.push(format!(
                "{REUSABLE}: secret `{name}` is required; every secret is optional"
            ));
        }
        if !action.inputs.contains_key(name) {
            problems.push(format!(
                "{REUSABLE}: secret `{name}` has no action input of the same name in action.yml"
            ));
            continue;
        }
        let wanted = format!("secrets.{name}");
        match step.with_text(name) {
            Some(value) if operands(&value).is_some_and(|ops| ops.contains(&wanted)) => {}
            Some(value) => problems.push(format!(
                "{REUSABLE}: {}: `with.{name}` is {value:?}; it should use `${{{{ {wanted} }}}}`",
                step.place
            )),
            None => problems.push(format!(
                "{REUSABLE}: secret `{name}` is not forwarded: {} has no `with.{name}`",
                step.place
            )),
        }
    }
    report(
        "the reusable workflow's secrets do not reach the action",
        &problems,
    );
}

#[test]
fn reusable_workflow_exposes_the_action_outputs() {
    let action = action();
    let call = workflow_call();
    let step = reusable_action_step();
    let id = step
        .id
        .clone()
        .unwrap_or_else(|| panic!("{REUSABLE}: {} has no `id`", step.place));
    let workflow = load(REUSABLE);
    let job_outputs: BTreeMap<String, String> = workflow["jobs"][step.job.as_str()]
        .get("outputs")
        .and_then(Value::as_mapping)
        .map(|m| {
            entries(m, "job outputs")
                .into_iter()
                .map(|(k, v)| (k, text(v).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let outputs = call
        .get("outputs")
        .and_then(Value::as_mapping)
        .map(|m| entries(m, "workflow_call outputs"))
        .unwrap_or_default();
    let names: Vec<&str> = outputs.iter().map(|(k, _)| k.as_str()).collect();
    let mut problems = Vec::new();
    for wanted in REUSABLE_OUTPUTS {
        if !names.contains(&wanted) {
            problems.push(format!(
                "{REUSABLE}: `on.workflow_call.outputs` lacks `{wanted}` (it has {names:?})"
            ));
        }
    }
    for (name, body) in &outputs {
        if !action.outputs.contains(name) {
            problems.push(format!(
                "{REUSABLE}: output `{name}` is not an output of action.yml"
            ));
        }
        let value = body.get("value").and_then(text).unwrap_or_default();
        let wanted = format!("jobs.{}.outputs.{name}", step.job);
        if operands(&value) != Some(vec![wanted.clone()]) {
            problems.push(format!(
                "{REUSABLE}: output `{name}` has value {value:?}; expected `${{{{ {wanted} }}}}`"
            ));
        }
        let wanted = format!("steps.{id}.outputs.{name}");
        match job_outputs.get(name) {
            Some(v) if operands(v) == Some(vec![wanted.clone()]) => {}
            Some(v) => problems.push(format!(
                "{REUSABLE}: job `{}` output `{name}` is {v:?}; expected `${{{{ {wanted} }}}}`",
                step.job
            )),
            None => problems.push(format!(
                "{REUSABLE}: job `{}` has no output `{name}` (expected `${{{{ {wanted} }}}}`)",
                step.job
            )),
        }
    }
    report(
        "the reusable workflow does not expose the action's outputs",
        &problems,
    );
}

/// Whether upcheck accepts these inputs, as `INPUT_*` variables; the error otherwise.
fn upcheck_accepts(inputs: &[(String, String)]) -> Result<(), String> {
    let vars = inputs
        .iter()
        .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.clone()));
    let raw = RawInputs::from_vars(vars).map_err(|e| format!("{e:?}"))?;
    Config::from_inputs(raw, None)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn manual_notify_is_a_choice_of_the_contracts_policies() {
    let mut seen = 0;
    let mut problems = Vec::new();
    for file in workflow_files() {
        let on = triggers(&load(&file));
        let Some(notify) = on
            .get("workflow_dispatch")
            .and_then(|d| d.get("inputs"))
            .and_then(|i| i.get("notify"))
        else {
            continue;
        };
        seen += 1;
        let kind = notify.get("type").and_then(Value::as_str).unwrap_or("");
        if kind != "choice" {
            problems.push(format!(
                "{file}: workflow_dispatch input `notify` has type {kind:?}, expected `choice`"
            ));
        }
        let options: Vec<String> = notify
            .get("options")
            .and_then(Value::as_sequence)
            .map(|s| s.iter().map(|v| text(v).unwrap_or_default()).collect())
            .unwrap_or_default();
        let mut sorted = options.clone();
        sorted.sort();
        let policies: Vec<&str> = NotifyPolicy::ALL.iter().map(|p| p.as_str()).collect();
        let mut wanted: Vec<String> = policies
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        wanted.sort();
        if sorted != wanted {
            problems.push(format!(
                "{file}: workflow_dispatch input `notify` offers {options:?}; the policies are \
                 {policies:?}"
            ));
        }
        if let Some(default) = notify.get("default").and_then(text) {
            if !options.contains(&default) {
                problems.push(format!(
                    "{file}: workflow_dispatch input `notify` defaults to {default:?}, not one of \
                     its options {options:?}"
                ));
            }
        }
        for option in &options {
            let inputs = [
                ("url".to_string(), PLACEHOLDER_URL.to_string()),
                ("notify".to_string(), option.clone()),
            ];
            if let Err(e) = upcheck_accepts(&inputs) {
                problems.push(format!(
                    "{file}: workflow_dispatch `notify` option {option:?} is refused by upcheck: {e}"
                ));
            }
        }
    }
    assert!(
        seen > 0,
        "no example offers a manual run with a `notify` input (workflow_dispatch)"
    );
    report("manual `notify` inputs", &problems);
}

#[test]
fn scheduled_runs_fall_back_when_inputs_are_empty() {
    let mut problems = Vec::new();
    for file in workflow_files() {
        let workflow = load(&file);
        if !triggers(&workflow).contains_key("schedule") {
            continue;
        }
        for step in action_steps(&file, &workflow) {
            for (key, value) in &step.with {
                let value = text(value).unwrap_or_default();
                if !value.contains("inputs.") {
                    continue;
                }
                // On a schedule `inputs` is empty: something after the inputs must give a value.
                let falls_back = operands(&value).is_some_and(|ops| {
                    ops.first().is_some_and(|op| op.starts_with("inputs."))
                        && ops.len() > 1
                        && !ops.iter().skip(1).any(|op| op.starts_with("inputs."))
                });
                if !falls_back {
                    problems.push(format!(
                        "{file}: {}: `with.{key}` is {value:?}; a scheduled run has empty \
                         `inputs`, so write `${{{{ inputs.x || vars.X || 'default' }}}}`",
                        step.place
                    ));
                }
            }
        }
    }
    report(
        "inputs without a fallback in scheduled workflows",
        &problems,
    );
}

/// The minutes of an hour that a cron minute field names (`*`, `*/n`, `a`, `a-b`, `a-b/n`,
/// comma-separated).
fn cron_minutes(field: &str) -> Result<BTreeSet<u32>, String> {
    let mut minutes = BTreeSet::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .map_err(|_| format!("bad step in {part:?}"))?,
            ),
            None => (part, 1),
        };
        let (from, to) = if range == "*" {
            (0, 59)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = a.parse().map_err(|_| format!("bad range in {part:?}"))?;
            let b = b.parse().map_err(|_| format!("bad range in {part:?}"))?;
            (a, b)
        } else {
            let a: u32 = range.parse().map_err(|_| format!("bad minute {part:?}"))?;
            (a, if part.contains('/') { 59 } else { a })
        };
        if step == 0 || from > to || to > 59 {
            return Err(format!("bad minute field part {part:?}"));
        }
        minutes.extend((from..=to).step_by(step as usize));
    }
    Ok(minutes)
}

#[test]
fn cron_minute_parser() {
    assert_eq!(cron_minutes("17,47").unwrap(), BTreeSet::from([17, 47]));
    assert_eq!(cron_minutes("*/20").unwrap(), BTreeSet::from([0, 20, 40]));
    assert_eq!(
        cron_minutes("2-59/15").unwrap(),
        BTreeSet::from([2, 17, 32, 47])
    );
    assert_eq!(cron_minutes("5/30").unwrap(), BTreeSet::from([5, 35]));
    assert!(cron_minutes("61").is_err());
}

#[test]
fn schedules_avoid_the_top_of_the_hour() {
    let mut problems = Vec::new();
    for file in workflow_files() {
        let on = triggers(&load(&file));
        let Some(schedule) = on.get("schedule") else {
            continue;
        };
        let entries = schedule.as_sequence().cloned().unwrap_or_default();
        if entries.is_empty() {
            problems.push(format!("{file}: `schedule` has no cron entry"));
        }
        for entry in entries {
            let cron = entry.get("cron").and_then(Value::as_str).unwrap_or("");
            let fields: Vec<&str> = cron.split_whitespace().collect();
            if fields.len() != 5 {
                problems.push(format!("{file}: cron {cron:?} does not have 5 fields"));
                continue;
            }
            match cron_minutes(fields[0]) {
                Err(e) => problems.push(format!("{file}: cron {cron:?}: {e}")),
                Ok(minutes) => {
                    if minutes.contains(&0) {
                        problems.push(format!(
                            "{file}: cron {cron:?} runs at minute 0, when scheduled runs are \
                             most often late or dropped; pick an odd minute (e.g. '2-59/5')"
                        ));
                    }
                    let gaps = minutes
                        .iter()
                        .zip(minutes.iter().skip(1))
                        .map(|(a, b)| b - a);
                    if gaps.clone().any(|g| g < 5) {
                        problems.push(format!(
                            "{file}: cron {cron:?} runs more often than every 5 minutes, GitHub's \
                             shortest interval"
                        ));
                    }
                }
            }
        }
    }
    report("schedules", &problems);
}

#[test]
fn literal_values_are_valid_upcheck_inputs() {
    let mut problems = Vec::new();
    // A step that may fail carries a bad input on purpose (ci.yml's end-to-end job).
    for step in all_action_steps().into_iter().filter(|s| !s.may_fail) {
        let mut inputs = Vec::new();
        for (key, value) in &step.with {
            let value = text(value).unwrap_or_default();
            let literal_value = if !value.contains("${{") {
                Some(value.clone())
            } else {
                // An expression's last operand, when it is a literal, is what a scheduled run
                // gets.
                operands(&value).and_then(|ops| ops.last().and_then(|op| literal(op)))
            };
            match literal_value {
                Some(v) => inputs.push((key.clone(), v)),
                None if key == "url" => inputs.push((key.clone(), PLACEHOLDER_URL.to_string())),
                None => {}
            }
        }
        if !inputs.iter().any(|(k, _)| k == "url") {
            inputs.push(("url".to_string(), PLACEHOLDER_URL.to_string()));
        }
        if let Err(e) = upcheck_accepts(&inputs) {
            problems.push(format!(
                "{}: {}: upcheck refuses the literal inputs {inputs:?}: {e}",
                step.file, step.place
            ));
        }
    }

    // The reusable workflow's defaults, as a caller that sets nothing but a URL passes them.
    let call = workflow_call();
    let mut defaults = vec![("url".to_string(), PLACEHOLDER_URL.to_string())];
    if let Some(inputs) = call.get("inputs").and_then(Value::as_mapping) {
        for (name, body) in entries(inputs, "workflow_call inputs") {
            if REUSABLE_OWN_INPUTS.contains(&name.as_str()) {
                continue;
            }
            if let Some(default) = body.get("default").and_then(text) {
                defaults.push((name, default));
            }
        }
    }
    if let Err(e) = upcheck_accepts(&defaults) {
        problems.push(format!(
            "{REUSABLE}: upcheck refuses the defaults {defaults:?}: {e}"
        ));
    }
    report("literal inputs that upcheck refuses", &problems);
}

/// The owner every reference names until `scripts/set-owner` runs: GitHub logins are letters,
/// digits and single hyphens, so no account can have it.
const PLACEHOLDER_OWNER: &str = "set-owner.invalid";
/// Owner words that anyone could register as a GitHub account.
const GUESSABLE_OWNERS: [&str; 9] = [
    "owner",
    "your-org",
    "your-name",
    "yourname",
    "user",
    "username",
    "org",
    "example",
    "me",
];

/// Whether GitHub could give this name to an account: 1 to 39 letters, digits and single
/// hyphens, no hyphen first or last.
fn registrable_login(name: &str) -> bool {
    let chars_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    chars_ok
        && (1..=39).contains(&name.len())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

#[test]
fn github_login_rule() {
    assert!(registrable_login("octo-cat"));
    assert!(registrable_login("OWNER"));
    assert!(!registrable_login(PLACEHOLDER_OWNER));
    assert!(!registrable_login("a_b"));
    assert!(!registrable_login("-a"));
    assert!(!registrable_login("a--b"));
    assert!(!registrable_login(&"a".repeat(40)));
}

/// The files that name the project (what `scripts/set-owner` rewrites).
fn naming_files() -> Vec<String> {
    let mut files = vec!["action.yml".to_string(), "README.md".to_string()];
    files.extend(workflow_files());
    files
}

/// A reference to this project: the owner it names and where.
struct Reference {
    place: String,
    owner: String,
    /// `uses: o/upcheck@v0` or `o/upcheck/.github/workflows/…@v0`: the ref after `@`.
    tag: Option<String>,
}

/// The token that starts at `at` and runs to white space or a quote or bracket.
fn token(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || "`'\")(<>".contains(c))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every reference to this project in the files that name it: `uses:` lines, release URLs,
/// `--repo`, and the image `ghcr.io/<owner>/upcheck`.
fn references() -> Vec<Reference> {
    let mut found = Vec::new();
    for file in naming_files() {
        let text = std::fs::read_to_string(crate_root().join(&file)).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let place = format!("{file}:{}", n + 1);
            for (marker, is_uses) in [
                ("uses: ", true),
                ("github.com/", false),
                ("--repo ", false),
                ("ghcr.io/", false),
            ] {
                for (at, _) in line.match_indices(marker) {
                    let tok = token(line, at + marker.len());
                    // An image reference's `@` is its digest, not a tag.
                    let image = tok.starts_with("docker://");
                    let tok = tok.strip_prefix("docker://ghcr.io/").unwrap_or(tok);
                    let (path, tag) = match tok.split_once('@') {
                        Some((p, t)) => (p, Some(t.to_string())),
                        None => (tok, None),
                    };
                    let mut parts = path.split(['/', ':']);
                    let (Some(owner), Some(repo)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    if repo != "upcheck" || owner.is_empty() || owner.starts_with('$') {
                        continue;
                    }
                    if owner.starts_with('<') || owner.starts_with('{') {
                        continue; // a description such as ghcr.io/<owner>/upcheck
                    }
                    found.push(Reference {
                        place: place.clone(),
                        owner: owner.to_string(),
                        tag: if is_uses && !image { tag } else { None },
                    });
                }
            }
        }
    }
    found
}

#[test]
fn no_reference_can_resolve_to_another_account() {
    let refs = references();
    assert!(
        refs.len() >= 5,
        "expected the README, the examples, the reusable workflow and action.yml to name the \
         project; found {} references",
        refs.len()
    );
    let mut problems = Vec::new();
    let first = refs[0].owner.to_lowercase();
    for r in &refs {
        let owner = r.owner.to_lowercase();
        if owner != first {
            problems.push(format!(
                "{}: names the owner `{}`, {} names `{}`: run scripts/set-owner OWNER/REPO",
                r.place, r.owner, refs[0].place, refs[0].owner
            ));
        }
        if registrable_login(&r.owner) {
            if GUESSABLE_OWNERS.contains(&owner.as_str()) {
                problems.push(format!(
                    "{}: the placeholder owner `{}` is a name anyone can register on GitHub; use \
                     `{PLACEHOLDER_OWNER}` (no account can have it) until scripts/set-owner runs",
                    r.place, r.owner
                ));
            }
        } else if r.owner != PLACEHOLDER_OWNER {
            problems.push(format!(
                "{}: `{}` is neither a GitHub login nor the placeholder `{PLACEHOLDER_OWNER}`",
                r.place, r.owner
            ));
        }
    }
    report(
        "references that could reach someone else's account",
        &problems,
    );
}

/// A throw-away copy of the files `scripts/set-owner` touches, and the two scripts.
struct Copy(tempfile::TempDir);

impl Copy {
    fn new(tag: &str) -> Copy {
        let dir = tempfile::Builder::new()
            .prefix(&format!("upcheck-set-owner-{tag}-"))
            .tempdir()
            .expect("a temp dir");
        let mut files = naming_files();
        files.extend([
            "scripts/set-owner".to_string(),
            ".ci/placeholders".to_string(),
        ]);
        for file in files {
            let to = dir.path().join(&file);
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
            std::fs::copy(crate_root().join(&file), &to)
                .unwrap_or_else(|e| panic!("cannot copy {file}: {e}"));
        }
        Copy(dir)
    }

    fn set_owner(&self, name: &str) -> std::process::Output {
        std::process::Command::new("bash")
            .arg("scripts/set-owner")
            .arg(name)
            .current_dir(self.0.path())
            .env_remove("GITHUB_REPOSITORY")
            .output()
            .expect("bash runs")
    }

    /// Every file's text, by path.
    fn snapshot(&self) -> BTreeMap<String, String> {
        let mut files = naming_files();
        files.push("scripts/set-owner".to_string());
        files
            .into_iter()
            .map(|f| {
                let text = std::fs::read_to_string(self.0.path().join(&f)).expect("readable");
                (f, text)
            })
            .collect()
    }
}

#[test]
fn set_owner_rewrites_every_reference_once_and_refuses_bad_names() {
    let copy = Copy::new("rewrite");
    let pristine = copy.snapshot();
    for bad in [
        "acme_co/upcheck",
        "-acme/upcheck",
        "acme-/upcheck",
        "ac--me/upcheck",
        "acme",
        "acme/up/check",
        "acme/",
        "acme/..",
    ] {
        let out = copy.set_owner(bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "scripts/set-owner {bad:?} should refuse the name with exit 2; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            copy.snapshot() == pristine,
            "a refused {bad:?} changed files"
        );
    }

    let out = copy.set_owner("Acme-Co/upcheck");
    assert!(
        out.status.success(),
        "scripts/set-owner Acme-Co/upcheck failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let after = copy.snapshot();
    let mut uses = 0;
    for (file, text) in &after {
        if file == "scripts/set-owner" {
            continue;
        }
        assert!(
            !text.contains(&format!("{PLACEHOLDER_OWNER}/")),
            "{file} still names {PLACEHOLDER_OWNER} after scripts/set-owner"
        );
        uses += text.matches("Acme-Co/upcheck@").count();
    }
    assert!(
        uses >= 4,
        "only {uses} `Acme-Co/upcheck@` references after set-owner"
    );
    assert!(
        after["action.yml"].contains("uses: docker://ghcr.io/acme-co/upcheck:"),
        "action.yml should run ghcr.io/acme-co/upcheck (registry paths are lower case)"
    );

    let out = copy.set_owner("Acme-Co/upcheck");
    assert!(
        out.status.success(),
        "a second run with the same name failed"
    );
    assert!(
        copy.snapshot() == after,
        "a second run with the same name changed files"
    );

    let out = copy.set_owner("other-org/upcheck");
    assert!(
        !out.status.success(),
        "scripts/set-owner re-pointed a tree already set to Acme-Co/upcheck"
    );
    assert!(copy.snapshot() == after, "a refused re-point changed files");
}

/// The major tag a release of this version moves: release.yml's `major="${TAG%%.*}"`.
fn released_major_tag() -> String {
    let release = std::fs::read_to_string(crate_root().join(".github/workflows/release.yml"))
        .expect("release.yml");
    assert!(
        release.contains(r#"major="${TAG%%.*}""#)
            && release.contains(r#"git tag --force "$major""#),
        "release.yml should move the major tag `${{TAG%%.*}}`; this test reads it that way"
    );
    let version = env!("CARGO_PKG_VERSION");
    let major = version.split('.').next().expect("a version");
    format!("v{major}")
}

#[test]
fn documented_tag_is_the_tag_the_release_moves() {
    let tag = released_major_tag();
    let mut problems = Vec::new();
    let mut seen = 0;
    for r in references() {
        if let Some(used) = &r.tag {
            seen += 1;
            if *used != tag {
                problems.push(format!(
                    "{}: `@{used}`, but a release of {} moves `{tag}`",
                    r.place,
                    env!("CARGO_PKG_VERSION")
                ));
            }
        }
    }
    assert!(seen >= 4, "only {seen} `uses:` references with a tag");
    report("documented tags that no release makes", &problems);
}

#[test]
fn overlapping_runs_of_a_monitor_are_serialized() {
    let mut problems = Vec::new();
    let reusable = load(REUSABLE);
    let job = &reusable["jobs"][reusable_action_step().job.as_str()];
    let concurrency = job
        .get("concurrency")
        .or_else(|| reusable.get("concurrency"));
    match concurrency {
        None => problems.push(format!("{REUSABLE}: no `concurrency:` group")),
        Some(c) => {
            let group = c.get("group").and_then(Value::as_str).unwrap_or("");
            for part in ["github.workflow", "inputs.state-key"] {
                if !group.contains(part) {
                    problems.push(format!(
                        "{REUSABLE}: the concurrency group {group:?} is not keyed by `{part}`"
                    ));
                }
            }
            if c.get("cancel-in-progress").and_then(Value::as_bool) != Some(false) {
                problems.push(format!(
                    "{REUSABLE}: `cancel-in-progress` should be false: a check in progress finishes"
                ));
            }
        }
    }
    for file in workflow_files()
        .iter()
        .filter(|f| f.starts_with("examples/"))
    {
        let workflow = load(file);
        let ok = workflow.get("concurrency").is_some_and(|c| {
            c.get("cancel-in-progress").and_then(Value::as_bool) == Some(false)
                && c.get("group").and_then(Value::as_str).is_some()
        });
        if !ok {
            problems.push(format!(
                "{file}: needs `concurrency:` with a group and `cancel-in-progress: false`"
            ));
        }
    }
    report("monitors whose runs can overlap", &problems);
}

const CI: &str = ".github/workflows/ci.yml";

#[test]
fn ci_runs_the_action_for_real_on_github() {
    let ci = load(CI);
    let source = std::fs::read_to_string(crate_root().join(CI)).expect("ci.yml");
    let jobs = mapping(&ci["jobs"], "ci.yml `jobs`");
    let mut problems = Vec::new();
    if source.contains(".ci/run") && !source.contains("`bash .ci/run`") {
        problems.push(format!(
            "{CI}: runs .ci/run, whose black-box tests need runner-sim, absent on GitHub"
        ));
    }

    // The Rust job runs the tests that need no emulator, named explicitly.
    let runs: Vec<String> = jobs
        .iter()
        .filter_map(|(_, job)| job.get("steps").and_then(Value::as_sequence))
        .flatten()
        .filter_map(|s| s.get("run").and_then(Value::as_str).map(str::to_string))
        .collect();
    if !runs
        .iter()
        .any(|r| r.contains("cargo test") && r.contains("--lib") && r.contains("--test workflows"))
    {
        problems.push(format!(
            "{CI}: no `cargo test --lib --test …` step naming the emulator-free test binaries"
        ));
    }

    // The end-to-end job: the image built in the job, `uses: ./` steps, a bad input that fails
    // its step, a state carried between two steps, and a step that checks the outputs.
    let steps = action_steps(CI, &ci);
    let local: Vec<&ActionStep> = steps.iter().filter(|s| s.uses == "./").collect();
    if local.len() < 4 {
        problems.push(format!(
            "{CI}: {} `uses: ./` steps, expected at least 4",
            local.len()
        ));
    }
    if !runs.iter().any(|r| r.contains("docker build")) {
        problems.push(format!("{CI}: no step builds the image"));
    }
    if !runs.iter().any(|r| r.contains("0.0.0.0")) {
        problems.push(format!(
            "{CI}: the test servers must listen on 0.0.0.0 (a container step's localhost is the container)"
        ));
    }
    match local.iter().find(|s| s.may_fail) {
        None => problems.push(format!(
            "{CI}: no `continue-on-error` step with a bad input"
        )),
        Some(step) => {
            let id = step.id.clone().unwrap_or_default();
            if !source.contains(&format!("steps.{id}.outcome")) {
                problems.push(format!("{CI}: the outcome of step `{id}` is never checked"));
            }
        }
    }
    let keys: Vec<String> = local
        .iter()
        .filter_map(|s| s.with_text("state-key"))
        .collect();
    let shared = keys
        .iter()
        .any(|k| keys.iter().filter(|other| *other == k).count() >= 2);
    if !shared || !source.contains("previous-status") {
        problems.push(format!(
            "{CI}: no two steps share a state-key with the second's previous-status checked"
        ));
    }
    for step in &local {
        if let Some(id) = &step.id {
            if !step.may_fail && !source.contains(&format!("steps.{id}.outputs.")) {
                problems.push(format!(
                    "{CI}: the outputs of step `{id}` are never checked"
                ));
            }
        }
    }

    // The reusable workflow, called as a local workflow.
    let calls_reusable = jobs.iter().any(|(_, job)| {
        job.get("uses").and_then(Value::as_str) == Some("./.github/workflows/healthcheck.yml")
    });
    if !calls_reusable {
        problems.push(format!(
            "{CI}: no job calls `uses: ./.github/workflows/healthcheck.yml`"
        ));
    }
    report(
        "ci.yml does not test the action on a real runner",
        &problems,
    );
}

#[test]
fn third_party_actions_are_pinned_by_commit() {
    let mut problems = Vec::new();
    // (place, `uses:` value, the line's trailing comment)
    let mut uses: Vec<(String, String, String)> = Vec::new();
    let mut files = vec!["action.yml".to_string()];
    files.extend(workflow_files());
    for file in files {
        let source = std::fs::read_to_string(crate_root().join(&file)).expect("readable");
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start().trim_start_matches("- ");
            let Some(rest) = code.strip_prefix("uses:") else {
                continue;
            };
            let (value, comment) = match rest.split_once(" #") {
                Some((v, c)) => (v.trim(), c.trim()),
                None => (rest.trim(), ""),
            };
            uses.push((
                format!("{file}:{}", n + 1),
                value.to_string(),
                comment.to_string(),
            ));
        }
    }
    assert!(uses.len() > 10, "found only {} `uses:`", uses.len());
    // One commit per action across the files, each with its tag in a trailing comment.
    let mut pins: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (place, u, comment) in uses {
        if u.starts_with("./") || u.starts_with("docker://") || is_this_action(&u) {
            continue;
        }
        let Some((action, sha)) = u
            .split_once('@')
            .filter(|(_, r)| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
        else {
            problems.push(format!("{place}: `{u}` is not pinned by commit SHA"));
            continue;
        };
        let tag_ok = comment
            .strip_prefix('v')
            .is_some_and(|v| !v.is_empty() && v.split('.').all(|p| p.parse::<u32>().is_ok()));
        if !tag_ok {
            problems.push(format!(
                "{place}: `{u}` should say its tag in a trailing comment (`# v1.2.3`), not {comment:?}"
            ));
        }
        match pins.get(action) {
            Some((other, at)) if other != sha => problems.push(format!(
                "{place}: `{action}` is pinned to {sha}, {at} pins {other}"
            )),
            Some(_) => {}
            None => {
                pins.insert(action.to_string(), (sha.to_string(), place));
            }
        }
    }
    for action in ["actions/upload-pages-artifact", "actions/deploy-pages"] {
        if !pins.contains_key(action) {
            problems.push(format!("no workflow uses {action}"));
        }
    }
    report("actions not pinned by commit", &problems);
}

/// The step of `job` whose `uses:` is `action@…`, with its index.
fn step_using<'a>(job: &'a Value, action: &str) -> Option<(usize, &'a Value)> {
    job.get("steps")?
        .as_sequence()?
        .iter()
        .enumerate()
        .find(|(_, s)| {
            s.get("uses")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
        })
}

/// A job's `permissions:` as name -> level.
fn permissions(job: &Value) -> BTreeMap<String, String> {
    job.get("permissions")
        .and_then(Value::as_mapping)
        .map(|m| {
            entries(m, "permissions")
                .into_iter()
                .map(|(k, v)| (k, text(v).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

/// The job of `file` that runs the action uploads its `status-dir` as the Pages artifact: an
/// upload step after the action step, run unless cancelled and only when the check ran (so a
/// URL that is down is still published), whose `path` is the `status-dir`; `dir` says how the
/// status-dir must be written. The job asks for no Pages permission. Returns the upload step's
/// id.
fn check_upload(
    file: &str,
    workflow: &Value,
    dir: impl Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> Option<String> {
    let steps = action_steps(file, workflow);
    let Some(step) = steps.iter().find(|s| s.with_text("status-dir").is_some()) else {
        problems.push(format!("{file}: no upcheck step sets `status-dir`"));
        return None;
    };
    let value = step.with_text("status-dir").unwrap_or_default();
    let Some(dir) = dir(&value) else {
        problems.push(format!(
            "{file}: {}: unexpected `status-dir: {value}`",
            step.place
        ));
        return None;
    };
    let check_id = step.id.clone().unwrap_or_default();
    let job = &workflow["jobs"][step.job.as_str()];
    let Some((at, upload)) = step_using(job, "actions/upload-pages-artifact") else {
        problems.push(format!(
            "{file}: job `{}` does not upload `{dir}` with actions/upload-pages-artifact",
            step.job
        ));
        return None;
    };
    let check_at = job["steps"]
        .as_sequence()
        .and_then(|s| {
            s.iter()
                .position(|s| s.get("id").and_then(Value::as_str) == Some(&check_id))
        })
        .unwrap_or(usize::MAX);
    if at <= check_at {
        problems.push(format!(
            "{file}: the upload comes before the check step `{check_id}`"
        ));
    }
    let path = upload["with"]["path"].as_str().unwrap_or("");
    if path.trim_end_matches('/') != dir.trim_end_matches('/') {
        problems.push(format!(
            "{file}: the upload's `path` is {path:?}, the status-dir is {dir:?}"
        ));
    }
    let cond = upload.get("if").and_then(Value::as_str).unwrap_or("");
    for part in ["!cancelled()", &format!("steps.{check_id}.outputs.status")] {
        if !cond.contains(part) {
            problems.push(format!(
                "{file}: the upload's `if: {cond}` lacks `{part}` (a URL that is down is \
                 published; a cancelled run or a check that never ran is not)"
            ));
        }
    }
    let perms = permissions(job);
    if perms.contains_key("pages") || perms.contains_key("id-token") {
        problems.push(format!(
            "{file}: job `{}` asks for {perms:?}; uploading needs no Pages permission",
            step.job
        ));
    }
    let id = upload.get("id").and_then(Value::as_str).map(str::to_string);
    if id.is_none() {
        problems.push(format!("{file}: the upload step has no `id`"));
    }
    id
}

/// A deploy job: exactly `pages: write` and `id-token: write`, the `github-pages` environment,
/// and actions/deploy-pages.
fn check_deploy_job(file: &str, name: &str, job: &Value, problems: &mut Vec<String>) {
    let perms = permissions(job);
    let wanted: BTreeMap<String, String> = [("pages", "write"), ("id-token", "write")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
    if perms != wanted {
        problems.push(format!(
            "{file}: job `{name}` has permissions {perms:?}; it needs exactly {wanted:?}"
        ));
    }
    let env = job
        .get("environment")
        .and_then(|e| e.get("name").or(Some(e)))
        .and_then(Value::as_str);
    if env != Some("github-pages") {
        problems.push(format!(
            "{file}: job `{name}` deploys outside the `github-pages` environment ({env:?})"
        ));
    }
    if step_using(job, "actions/deploy-pages").is_none() {
        problems.push(format!(
            "{file}: job `{name}` has no actions/deploy-pages step"
        ));
    }
}

#[test]
fn pages_example_builds_uploads_and_deploys_the_status_page() {
    let file = PAGES_EXAMPLE;
    let workflow = load(file);
    let mut problems = Vec::new();
    let on = triggers(&workflow);
    let cron = on
        .get("schedule")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
        .and_then(|e| e.get("cron"))
        .and_then(Value::as_str);
    if cron.is_none_or(|c| !c.starts_with("2-59/5 ")) {
        problems.push(format!(
            "{file}: should run every 5 minutes off the hour, not {cron:?}"
        ));
    }
    if !on.contains_key("workflow_dispatch") {
        problems.push(format!("{file}: no `workflow_dispatch`"));
    }
    // A literal directory, the one uploaded.
    let upload_id = check_upload(
        file,
        &workflow,
        |v| (!v.contains("${{") && !v.is_empty()).then(|| v.to_string()),
        &mut problems,
    );
    let check_job = action_steps(file, &workflow)
        .first()
        .map(|s| s.job.clone())
        .unwrap_or_default();
    let jobs = mapping(&workflow["jobs"], "jobs");
    let deploy: Vec<(String, &Value)> = entries(jobs, "jobs")
        .into_iter()
        .filter(|(_, j)| step_using(j, "actions/deploy-pages").is_some())
        .collect();
    match deploy.as_slice() {
        [(name, job)] => {
            check_deploy_job(file, name, job, &mut problems);
            let needs = text(&job["needs"]).unwrap_or_default();
            if needs != check_job {
                problems.push(format!(
                    "{file}: job `{name}` should need `{check_job}`, not {needs:?}"
                ));
            }
            // Deployed whenever the page was uploaded, also after a check that failed.
            let cond = job.get("if").and_then(Value::as_str).unwrap_or("");
            let output = workflow["jobs"][check_job.as_str()]["outputs"]
                .as_mapping()
                .and_then(|m| {
                    entries(m, "outputs").into_iter().find(|(_, v)| {
                        upload_id.as_ref().is_some_and(|id| {
                            text(v).unwrap_or_default() == format!("${{{{ steps.{id}.outcome }}}}")
                        })
                    })
                })
                .map(|(k, _)| k);
            match output {
                None => problems.push(format!(
                    "{file}: job `{check_job}` has no output with the upload step's outcome"
                )),
                Some(out) => {
                    let wanted = format!("needs.{check_job}.outputs.{out} == 'success'");
                    if !cond.contains("!cancelled()") || !cond.contains(&wanted) {
                        problems.push(format!(
                            "{file}: job `{name}` has `if: {cond}`; it should deploy unless \
                             cancelled whenever the page was uploaded (`{wanted}`)"
                        ));
                    }
                }
            }
        }
        other => problems.push(format!(
            "{file}: {} jobs deploy to Pages, expected one",
            other.len()
        )),
    }
    if !permissions(&workflow).is_empty() || workflow.get("permissions").is_none() {
        problems.push(format!(
            "{file}: the workflow should grant nothing (`permissions: {{}}`), each job its own"
        ));
    }
    report("the Pages example", &problems);
}

#[test]
fn publish_pages_is_off_by_default_and_uploads_the_status_dir() {
    let call = workflow_call();
    let input = &call["inputs"]["publish-pages"];
    assert_eq!(
        input.get("type").and_then(Value::as_str),
        Some("boolean"),
        "{REUSABLE}: `publish-pages` should be a boolean input"
    );
    assert_eq!(
        input.get("default").and_then(Value::as_bool),
        Some(false),
        "{REUSABLE}: `publish-pages` should default to false"
    );
    let workflow = load(REUSABLE);
    let mut problems = Vec::new();
    // `${{ inputs.publish-pages && '<dir>' || '' }}`: no status page unless asked for.
    check_upload(
        REUSABLE,
        &workflow,
        |v| {
            let ops = operands(v)?;
            let [on, off] = ops.as_slice() else {
                return None;
            };
            let dir = literal(on.strip_prefix("inputs.publish-pages && ")?)?;
            (literal(off)?.is_empty() && !dir.is_empty()).then_some(dir)
        },
        &mut problems,
    );
    let step = reusable_action_step();
    let job = &workflow["jobs"][step.job.as_str()];
    if let Some((_, upload)) = step_using(job, "actions/upload-pages-artifact") {
        let cond = upload.get("if").and_then(Value::as_str).unwrap_or("");
        if !cond.contains("inputs.publish-pages") {
            problems.push(format!(
                "{REUSABLE}: the upload's `if: {cond}` does not depend on `publish-pages`"
            ));
        }
    }
    // Callers that leave it off are asked for nothing new: GitHub checks a called workflow's
    // job permissions before any `if:`, so no job here may need Pages permissions.
    for (name, job) in entries(mapping(&workflow["jobs"], "jobs"), "jobs") {
        let perms = permissions(job);
        if perms.keys().any(|k| k != "contents") {
            problems.push(format!(
                "{REUSABLE}: job `{name}` asks for {perms:?}; callers would all have to grant it"
            ));
        }
    }
    report("the reusable workflow's publish-pages", &problems);
}

#[test]
fn deploy_pages_workflow_deploys_with_only_the_pages_permissions() {
    let workflow = load(DEPLOY_PAGES);
    let on = triggers(&workflow);
    let events: Vec<&str> = on.keys().filter_map(Value::as_str).collect();
    assert_eq!(events, ["workflow_call"], "{DEPLOY_PAGES}: callable only");
    let mut problems = Vec::new();
    if workflow.get("permissions").is_none() || !permissions(&workflow).is_empty() {
        problems.push(format!(
            "{DEPLOY_PAGES}: the workflow should grant nothing (`permissions: {{}}`)"
        ));
    }
    let jobs = entries(mapping(&workflow["jobs"], "jobs"), "jobs");
    match jobs.as_slice() {
        [(name, job)] => check_deploy_job(DEPLOY_PAGES, name, job, &mut problems),
        _ => problems.push(format!("{DEPLOY_PAGES}: expected exactly one job")),
    }
    // The README's call of it passes the permissions it needs.
    let readme = std::fs::read_to_string(crate_root().join("README.md")).expect("README");
    let call = readme
        .find("/.github/workflows/deploy-pages.yml@")
        .map(|at| &readme[readme[..at].rfind("```yaml").unwrap_or(0)..at]);
    match call {
        None => problems.push("README.md: no example calls deploy-pages.yml".to_string()),
        Some(block) => {
            for part in ["pages: write", "id-token: write", "publish-pages: true"] {
                if !block.contains(part) {
                    problems.push(format!(
                        "README.md: the call of deploy-pages.yml lacks `{part}`"
                    ));
                }
            }
        }
    }
    report("the Pages deployment workflow", &problems);
}

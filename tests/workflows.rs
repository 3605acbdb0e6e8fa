//! The workflows that call the action cannot drift from `action.yml`: the examples in
//! `examples/` and the workflows in `.github/workflows/` pass only inputs that `action.yml`
//! declares; the reusable workflow forwards each of its inputs and secrets to the action input of
//! the same name, with the same default, and exposes the action's outputs; a manual run's
//! `notify` is a choice of exactly the contract's policies; scheduled runs, where `inputs` is
//! empty, fall back to something else; and every literal value reaches upcheck as a valid input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_yaml_ng::{Mapping, Value};
use upcheck::config::{Config, RawInputs};

/// The reusable workflow, callable as `set-owner.invalid/upcheck/.github/workflows/healthcheck.yml@v0`.
const REUSABLE: &str = ".github/workflows/healthcheck.yml";
/// Outputs the reusable workflow must expose to its caller.
const REUSABLE_OUTPUTS: [&str; 3] = ["healthy", "status", "results"];
/// The contract's notification policies, in its order.
const NOTIFY_POLICIES: [&str; 5] = ["always", "failure", "success", "change", "never"];
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
        "the examples should use the action (`uses: set-owner.invalid/upcheck@v0`) at least twice"
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
            let reads_outputs = step
                .id
                .as_ref()
                .is_some_and(|id| source.contains(&format!("steps.{id}.outputs.")));
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
        "{REUSABLE}: {}: `uses: {}` must name the published action (`set-owner.invalid/upcheck@v0`): a \
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
        let mut wanted: Vec<String> = NOTIFY_POLICIES.iter().map(|s| s.to_string()).collect();
        wanted.sort();
        if sorted != wanted {
            problems.push(format!(
                "{file}: workflow_dispatch input `notify` offers {options:?}; the policies are \
                 {NOTIFY_POLICIES:?}"
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
    for step in all_action_steps() {
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

//! The README cannot drift from the code: its inputs and outputs tables are exactly the rows
//! generated from `action.yml` (same names, order, defaults and descriptions), its exit-code
//! table lists the codes the binary uses, and it names the two set-up commands.

use std::path::PathBuf;

use serde_yaml_ng::{Mapping, Value};

const INPUTS_HEADER: &str = "| Input | Default | Description |";
const OUTPUTS_HEADER: &str = "| Output | Description |";
const EXIT_HEADER: &str = "| Code | Meaning |";

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> String {
    let path = crate_root().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn readme() -> String {
    read("README.md")
}

/// A top-level section of `action.yml` (`inputs` or `outputs`), in file order.
fn action_section(section: &str) -> Vec<(String, Mapping)> {
    let action: Value = serde_yaml_ng::from_str(&read("action.yml"))
        .unwrap_or_else(|e| panic!("action.yml is not valid YAML: {e}"));
    let entries = action
        .get(section)
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("action.yml has no `{section}` mapping"));
    entries
        .iter()
        .map(|(name, body)| {
            let name = name
                .as_str()
                .unwrap_or_else(|| panic!("a name under `{section}` is not text: {name:?}"))
                .to_string();
            let body = body
                .as_mapping()
                .unwrap_or_else(|| panic!("`{section}.{name}` is not a mapping"))
                .clone();
            (name, body)
        })
        .collect()
}

/// A scalar as the runner hands it over: text, numbers and booleans as they are written.
fn scalar(body: &Mapping, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Text for a Markdown table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn description(section: &str, name: &str, body: &Mapping) -> String {
    let text = scalar(body, "description")
        .unwrap_or_else(|| panic!("`{section}.{name}` in action.yml has no text description"));
    assert!(
        !text.trim().is_empty(),
        "`{section}.{name}` in action.yml has an empty description"
    );
    cell(&text)
}

/// `| \`name\` | \`default\` | description |`, the default cell empty for an empty default.
fn expected_input_rows() -> Vec<String> {
    action_section("inputs")
        .iter()
        .map(|(name, body)| {
            let default = scalar(body, "default").unwrap_or_else(|| {
                panic!("input `{name}` in action.yml has no `default` key with a text value")
            });
            assert!(
                !default.contains('`') && !default.contains('\n'),
                "the default of input `{name}` cannot be shown in a code span: {default:?}"
            );
            let default = if default.is_empty() {
                String::new()
            } else {
                format!("`{}`", default.replace('|', "\\|"))
            };
            format!(
                "| `{name}` | {default} | {} |",
                description("inputs", name, body)
            )
        })
        .collect()
}

/// `| \`name\` | description |`.
fn expected_output_rows() -> Vec<String> {
    action_section("outputs")
        .iter()
        .map(|(name, body)| format!("| `{name}` | {} |", description("outputs", name, body)))
        .collect()
}

/// The rows of the one table in the README whose header line is `header`.
fn readme_table(readme: &str, header: &str) -> Vec<String> {
    let lines: Vec<&str> = readme.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "README.md must have exactly one table with the header line `{header}`; found {}",
        starts.len()
    );
    let separator = lines.get(starts[0] + 1).copied().unwrap_or_default();
    assert!(
        separator.starts_with('|')
            && separator
                .chars()
                .all(|c| matches!(c, '|' | '-' | ':' | ' ')),
        "the table `{header}` in README.md needs a separator line under its header, found {separator:?}"
    );
    lines[starts[0] + 2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// Every difference between the generated rows and the README's, with the whole expected table
/// to paste when they differ.
fn compare_tables(what: &str, header: &str, expected: &[String], found: &[String]) {
    let mut problems = Vec::new();
    for (i, want) in expected.iter().enumerate() {
        match found.get(i) {
            Some(got) if got == want => {}
            Some(got) => problems.push(format!(
                "row {}:\n  expected: {want}\n  found:    {got}",
                i + 1
            )),
            None => problems.push(format!("row {}: missing\n  expected: {want}", i + 1)),
        }
    }
    for (i, extra) in found.iter().enumerate().skip(expected.len()) {
        problems.push(format!(
            "row {}: not in action.yml\n  found:    {extra}",
            i + 1
        ));
    }
    assert!(
        problems.is_empty(),
        "README.md's {what} table differs from action.yml:\n\n{}\n\nThe whole table, as action.yml gives it:\n\n{header}\n{}\n{}\n",
        problems.join("\n"),
        separator_for(header),
        expected.join("\n")
    );
}

fn separator_for(header: &str) -> String {
    let columns = header.matches('|').count() - 1;
    format!("|{}", "---|".repeat(columns))
}

#[test]
fn every_input_has_a_description_and_a_default() {
    let inputs = action_section("inputs");
    assert!(!inputs.is_empty(), "action.yml declares no inputs");
    for (name, body) in &inputs {
        description("inputs", name, body);
        assert!(
            body.contains_key("default"),
            "input `{name}` in action.yml has no `default` key (write `default: ''` for none)"
        );
        assert!(
            scalar(body, "default").is_some(),
            "the default of input `{name}` in action.yml is not a text value"
        );
    }
}

#[test]
fn every_output_has_a_description() {
    let outputs = action_section("outputs");
    assert!(!outputs.is_empty(), "action.yml declares no outputs");
    for (name, body) in &outputs {
        description("outputs", name, body);
    }
}

#[test]
fn readme_inputs_table_is_action_yml() {
    let expected = expected_input_rows();
    let found = readme_table(&readme(), INPUTS_HEADER);
    compare_tables("inputs", INPUTS_HEADER, &expected, &found);
}

#[test]
fn readme_outputs_table_is_action_yml() {
    let expected = expected_output_rows();
    let found = readme_table(&readme(), OUTPUTS_HEADER);
    compare_tables("outputs", OUTPUTS_HEADER, &expected, &found);
}

#[test]
fn readme_exit_codes_are_the_binarys() {
    use upcheck::app::Exit;
    let codes: Vec<String> = [Exit::Healthy, Exit::Down, Exit::BadInput, Exit::ToolFailed]
        .into_iter()
        .map(|e| (e as u8).to_string())
        .collect();
    let found: Vec<String> = readme_table(&readme(), EXIT_HEADER)
        .iter()
        .map(|row| {
            row.trim_matches('|')
                .split('|')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        found, codes,
        "README.md's exit-code table must list exactly the codes of upcheck::app::Exit, in order"
    );
}

#[test]
fn readme_names_the_two_set_up_commands() {
    let readme = readme();
    let lines: Vec<&str> = readme.lines().map(str::trim).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("cargo run --release -- ")),
        "README.md must show how to check a URL locally, on a line starting `cargo run --release -- `"
    );
    assert!(
        lines.contains(&"bash .ci/run"),
        "README.md must show the test command `bash .ci/run` on a line of its own"
    );
    assert!(
        crate_root().join(".ci/run").is_file(),
        "README.md names `bash .ci/run`, but .ci/run does not exist"
    );
}

/// `action.yml` is composite: its `check` step runs the image pinned to this crate's version,
/// forwards every input under its own name, and every output comes from that step.
#[test]
fn composite_action_forwards_every_input_and_output() {
    let action: Value = serde_yaml_ng::from_str(&read("action.yml")).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().expect("runs.steps");
    let check = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("check"))
        .expect("a step with id check");
    let uses = check["uses"]
        .as_str()
        .expect("the check step uses an image");
    // The release commit pins the digest too: `…:<version>@sha256:<64 hex>`.
    let tagged = match uses.split_once("@sha256:") {
        Some((tagged, digest)) => {
            assert!(
                digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()),
                "a bad digest in {uses}"
            );
            tagged
        }
        None => uses,
    };
    let expected_suffix = format!(":{}", env!("CARGO_PKG_VERSION"));
    assert!(
        tagged.starts_with("docker://") && tagged.ends_with(&expected_suffix),
        "the check step must run the image of version {}: {uses}",
        env!("CARGO_PKG_VERSION")
    );
    let with = check["with"]
        .as_mapping()
        .expect("the check step has with:");
    let inputs = action_section("inputs");
    let forwarded: Vec<(String, String)> = with
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                v.as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // `state-file` is the path the `state` step chose (the input, or a file under the
    // runner's temp directory named by the monitor), the one the cache steps restore and
    // save; `state-scope` only goes into that step's monitor hash.
    let expected: Vec<(String, String)> = inputs
        .iter()
        .filter(|(name, _)| name != "state-scope")
        .map(|(name, _)| {
            let value = if name == "state-file" {
                "${{ steps.state.outputs.file }}".to_string()
            } else {
                format!("${{{{ inputs.{name} }}}}")
            };
            (name.clone(), value)
        })
        .collect();
    assert_eq!(forwarded, expected);
    for (name, body) in action_section("outputs") {
        let value = body.get("value").and_then(Value::as_str).unwrap_or("");
        assert_eq!(
            value,
            format!("${{{{ steps.check.outputs.{name} }}}}"),
            "output {name}"
        );
    }
}

/// The README's section under this `## ` heading, without the heading.
fn readme_section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    let rest = &readme[start + heading.len() + 5..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn readme_quick_start_serializes_runs_of_a_monitor() {
    let quick = readme_section(&readme(), "Quick start");
    assert!(
        quick.contains("concurrency:") && quick.contains("cancel-in-progress: false"),
        "the quick start's workflow should have a `concurrency:` group with \
         `cancel-in-progress: false`, so two runs never both alert or both save the state"
    );
}

#[test]
fn readme_says_what_github_does_with_pending_runs() {
    let caveats = readme_section(&readme(), "Schedule caveats");
    let overlaps = caveats
        .split("\n- ")
        .find(|item| item.starts_with("**Overlaps.**"))
        .expect("Schedule caveats has an **Overlaps.** item");
    let flat = overlaps.split_whitespace().collect::<Vec<_>>().join(" ");
    for wanted in [
        "at most one running and one pending",
        "a newer pending run replaces an older pending one",
    ] {
        assert!(
            flat.contains(wanted),
            "the Overlaps caveat should say {wanted:?} (GitHub does not queue every run): {flat}"
        );
    }
    assert!(
        !flat.contains("queues the later one"),
        "the Overlaps caveat still says runs queue: {flat}"
    );
}

#[test]
fn readme_documents_releases_and_the_input_size_limit() {
    let readme = readme();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("make the GHCR package public"),
        "README should say to make the GHCR package public after the first release"
    );
    assert!(
        flat.contains("scripts/set-owner"),
        "README should say how the real owner gets into every reference"
    );
    let limit = flat
        .find("128 KiB")
        .expect("README should name the 128 KiB limit on one input");
    let around = &flat[limit.saturating_sub(600)..(limit + 900).min(flat.len())];
    assert!(
        around.contains("`ca-cert`") && around.contains("path"),
        "the 128 KiB limit should be documented next to `ca-cert`, with its file-path form"
    );
}

//! The crate's top-level modules import each other without a cycle: every `crate::X` path in a
//! module's source (its unit tests left out) is an edge, and the graph must sort topologically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `module -> modules it names`, from `src/`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rs") || name == "tests.rs" || name == "main.rs" || name == "lib.rs"
            {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let deps = edges.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let dep: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !dep.is_empty() && dep != top {
                    deps.insert(dep);
                }
            }
        }
    }
    edges
}

#[test]
fn no_two_modules_import_each_other() {
    let mut left = graph();
    assert!(left.len() > 5, "the modules were found: {left:?}");
    // Kahn's algorithm: take away modules that depend on nothing left, until none remain.
    while !left.is_empty() {
        let free: Vec<String> = left
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| !left.contains_key(d)))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(
            !free.is_empty(),
            "an import cycle among these modules: {left:#?}"
        );
        for m in free {
            left.remove(&m);
        }
    }
}

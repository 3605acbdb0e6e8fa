//! The state file, every format this version reads (1 to 3, and 0 before it was numbered): the bytes
//! of a file through `state::file::load`. A state it loads saves and loads back equal; a file it
//! cannot use is a fresh start whose reason is one line; a newer format is named as such.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use upcheck::state::file::{load, save, LoadProblem, State, VERSION};
use upcheck_fuzz::assert_one_line;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("upcheck-fuzz-state-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("a scratch directory");
        d
    })
}

/// The file's `version`, when it is a JSON object with one (and only one): read as any JSON
/// reader that wants one member reads it, skipping the others unread. A member that could not
/// become a value (invalid UTF-8 or a lone surrogate in a string, a number past a float's range,
/// nesting deeper than serde_json builds a tree) does not hide the version.
fn version_of(data: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Version {
        version: Option<u64>,
    }
    // Only an object: read as a struct, serde would also take an array of fields in order.
    if data.iter().find(|b| !b" \t\n\r".contains(b)) != Some(&b'{') {
        return None;
    }
    serde_json::from_slice::<Version>(data).ok()?.version
}

fuzz_target!(|data: &[u8]| {
    let path = dir().join("state.json");
    std::fs::write(&path, data).expect("the file is written");
    let (state, problem) = load(&path);
    let version = version_of(data);
    match problem {
        None => {
            assert!(state.version <= VERSION, "format {} loaded", state.version);
            let copy = dir().join("copy.json");
            save(&copy, &state).expect("a loaded state saves");
            let (again, problem) = load(&copy);
            assert!(
                problem.is_none(),
                "a saved state does not load: {problem:?}"
            );
            assert_eq!(again, state, "a state changed through a save");
        }
        // A damaged history costs only the history: the rest is kept, and saves and loads back.
        Some(problem @ LoadProblem::History { .. }) => {
            assert!(state.history.is_empty(), "a damaged history is dropped");
            assert_one_line("a state file warning", &problem.to_string());
            let copy = dir().join("copy.json");
            save(&copy, &state).expect("a loaded state saves");
            let (again, problem) = load(&copy);
            assert!(
                problem.is_none(),
                "a saved state does not load: {problem:?}"
            );
            assert_eq!(again, state, "a state changed through a save");
        }
        Some(problem) => {
            assert_eq!(state, State::default(), "an unusable file is a fresh start");
            assert_one_line("a state file warning", &problem.to_string());
            match (&problem, version) {
                (LoadProblem::Newer { found, .. }, Some(v)) => {
                    assert!(v > u64::from(VERSION));
                    assert_eq!(u64::from(*found), v.min(u64::from(u32::MAX)));
                }
                (LoadProblem::Newer { .. }, None) => panic!("newer without a version"),
                (_, Some(v)) => assert!(v <= u64::from(VERSION), "{problem}"),
                _ => {}
            }
        }
    }
});

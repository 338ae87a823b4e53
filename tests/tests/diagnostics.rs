//! The diagnostics corpus: every bad spec under `tests/bad-specs/` must fail with exactly the
//! diagnostics in the `.snap` file next to it.
//!
//! A fixture is either one file (`unknown-type-reference.json`, snapshot
//! `unknown-type-reference.snap`) or a folder of spec files read together
//! (`two-api-sections/`, snapshot `two-api-sections.snap`). Each is small and complete, with
//! one deliberate mistake (the `several-mistakes*` ones have more), and its `doc` says what it is.
//!
//! Review changed snapshots by reading them: every line must name the file, line and column
//! of the offending token and say what to do. Accept with
//! `INSTA_UPDATE=always cargo test -p tests --test diagnostics`.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use codegen::{Error, SpecSource};

/// The fixture folder, absolute.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs")
}

/// One fixture: its name (file stem or folder name) and where it is.
struct Fixture {
    name: String,
    path: PathBuf,
}

/// Every fixture, sorted by name.
fn fixtures() -> Vec<Fixture> {
    let mut found: Vec<Fixture> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad-specs exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter_map(|path| {
            let name = if path.is_dir() {
                path.file_name()?.to_str()?.to_owned()
            } else if path.extension().is_some_and(|e| e == "json") {
                path.file_stem()?.to_str()?.to_owned()
            } else {
                return None;
            };
            Some(Fixture { name, path })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The spec sources of a fixture, with the workspace-relative paths diagnostics show.
fn sources(fixture: &Fixture) -> Vec<SpecSource> {
    let files: Vec<PathBuf> = if fixture.path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&fixture.path)
            .expect("readable fixture folder")
            .map(|entry| entry.expect("readable directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    } else {
        vec![fixture.path.clone()]
    };
    files
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .expect("fixture under the package")
                .to_str()
                .expect("UTF-8 path")
                .replace('\\', "/");
            SpecSource {
                path: format!("tests/{relative}"),
                text: std::fs::read_to_string(&file).expect("readable fixture"),
            }
        })
        .collect()
}

/// Runs the generator on a fixture: `Ok(diagnostics text)`, or `Err(why the fixture is wrong)`.
fn diagnose(fixture: &Fixture) -> Result<String, String> {
    let sources = sources(fixture);
    let result =
        panic::catch_unwind(AssertUnwindSafe(|| codegen::generate(&sources))).map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            format!("codegen panicked: {message}")
        })?;
    match result {
        Err(error @ Error::Spec(_)) => Ok(error.to_string()),
        Err(error @ Error::Emit { .. }) => Err(format!("expected spec diagnostics, got {error}")),
        Ok(_) => Err("the spec was accepted: a bad-spec fixture must fail".to_owned()),
    }
}

/// The diagnostics of the named fixture, which must fail.
fn diagnostics_of(name: &str) -> String {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    diagnose(&fixture).unwrap_or_else(|why| panic!("{name}: {why}"))
}

/// The `error: FILE:LINE:COL: message` lines, without the final count line.
fn error_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    let count = lines.pop().unwrap_or_default();
    assert!(
        count.starts_with("error: the spec has "),
        "the last line is the count: {count}"
    );
    lines
}

/// `N` from the final `error: the spec has N errors; nothing was generated` line.
fn reported_count(text: &str) -> usize {
    let last = text.lines().last().unwrap_or_default();
    last.strip_prefix("error: the spec has ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count line in:\n{text}"))
}

/// `(file, line, column)` of one diagnostic line.
fn location(line: &str) -> (&str, u32, u32) {
    let rest = line.strip_prefix("error: ").expect("starts with `error: `");
    let mut parts = rest.splitn(4, ':');
    let file = parts.next().unwrap_or_default();
    let line_no = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let column = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (file, line_no, column)
}

#[test]
fn every_bad_spec_fails_with_the_diagnostics_in_its_snapshot() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 26,
        "the corpus has {} fixtures",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let text = match diagnose(fixture) {
            Ok(text) => text,
            Err(why) => {
                failures.push(format!("{}: {why}", fixture.name));
                continue;
            }
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(corpus_dir());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&fixture.path);
        settings.set_omit_expression(true);
        let name = fixture.name.clone();
        // Compare every fixture before failing, so one run lists (and writes) every change.
        let compared = panic::catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name, text));
        }));
        if compared.is_err() {
            failures.push(format!(
                "{}: diagnostics differ from {}.snap",
                fixture.name, fixture.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "bad-spec fixtures failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn no_bad_spec_makes_the_generator_panic() {
    let panicked: Vec<String> = fixtures()
        .iter()
        .filter_map(|fixture| match diagnose(fixture) {
            Err(why) if why.starts_with("codegen panicked") => {
                Some(format!("{}: {why}", fixture.name))
            }
            _ => None,
        })
        .collect();
    assert!(panicked.is_empty(), "{}", panicked.join("\n"));
}

#[test]
fn the_count_line_matches_the_errors_listed() {
    for fixture in fixtures() {
        let Ok(text) = diagnose(&fixture) else {
            continue;
        };
        assert_eq!(
            reported_count(&text),
            error_lines(&text).len(),
            "{}:\n{text}",
            fixture.name
        );
    }
}

#[test]
fn every_error_is_reported_in_one_run() {
    // Mistakes in the api section, a field's keys, a field's type, a resource path, an
    // operation's status and another operation's scopes: decoding and validation both go on.
    let text = diagnostics_of("several-mistakes");
    assert_eq!(reported_count(&text), 6, "{text}");
    let lines: Vec<u32> = error_lines(&text).iter().map(|l| location(l).1).collect();
    assert_eq!(lines, [7, 17, 23, 30, 41, 53], "{text}");
}

#[test]
fn every_mistake_in_one_operation_is_reported() {
    let text = diagnostics_of("several-mistakes-in-one-operation");
    assert_eq!(reported_count(&text), 7, "{text}");
}

#[test]
fn diagnostics_are_sorted_by_file_line_and_column() {
    for fixture in fixtures() {
        let Ok(text) = diagnose(&fixture) else {
            continue;
        };
        let found: Vec<(&str, u32, u32)> = error_lines(&text).into_iter().map(location).collect();
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted, "{}:\n{text}", fixture.name);
    }
}

#[test]
fn near_misses_get_a_did_you_mean() {
    for (fixture, suggestion) in [
        ("unknown-type-reference", "(did you mean \"Principal\"?)"),
        ("unknown-key", "(did you mean \"response\"?)"),
        ("misspelled-required-key", "(did you mean \"status\"?)"),
        ("unknown-http-method", "(did you mean \"DELETE\"?)"),
        ("unknown-odata-option", "(did you mean \"top\"?)"),
        ("unknown-location", "(did you mean \"user\"?)"),
        (
            "group-mounted-at-unknown-resource",
            "(did you mean \"Notebook\"?)",
        ),
    ] {
        let text = diagnostics_of(fixture);
        assert!(
            text.contains(suggestion),
            "{fixture} should suggest {suggestion}:\n{text}"
        );
    }
}

#[test]
fn a_spec_without_the_mistakes_generates() {
    // The api section every fixture starts from is valid on its own, so each fixture fails
    // because of its mistake and nothing else. (A whole spec also needs the operation-status
    // types the runtime polls into; that is checked only once nothing else is wrong, so the
    // fixtures can leave them out.)
    let text = r#"{
  "doc": "A minimal valid spec.",
  "api": {
    "doc": "A test service.",
    "baseUrl": "https://example.com/api",
    "versions": { "v1.0": { "doc": "Stable." } },
    "defaultVersion": "v1.0",
    "notesRoot": "notes",
    "locations": {
      "me": { "doc": "The signed-in user.", "path": "me" },
      "user": {
        "doc": "Another user.",
        "path": "users/{userId}",
        "params": { "userId": { "doc": "The user id.", "type": "string" } }
      }
    }
  },
  "types": {
    "OperationModel": {
      "doc": "An asynchronous operation.",
      "fields": {
        "id": { "doc": "Its id.", "type": "string" },
        "status": { "doc": "Its status.", "type": "OperationStatus" },
        "percentComplete": { "doc": "How far it is.", "type": "string" },
        "error": { "doc": "Why it failed.", "type": "json" },
        "@api.diagnostics": { "doc": "Diagnostics.", "type": "json" }
      }
    },
    "OperationStatus": {
      "doc": "Where it stands.",
      "values": [
        { "value": "completed", "doc": "Done." },
        { "value": "failed", "doc": "Failed." }
      ]
    }
  },
  "operations": {
    "getNotebook": {
      "call": "get_notebook",
      "doc": "Gets a notebook.",
      "method": "GET",
      "path": "notebooks/{notebookId}",
      "params": { "notebookId": { "doc": "The notebook id.", "type": "string" } },
      "status": 200,
      "response": "json",
      "scopes": ["Notes.Read"]
    }
  }
}"#;
    let sources = [SpecSource {
        path: "tests/bad-specs/valid.json".to_owned(),
        text: text.to_owned(),
    }];
    if let Err(error) = codegen::generate(&sources) {
        panic!("the valid base spec failed:\n{error}");
    }
}

#[test]
fn every_diagnostic_points_into_its_fixture() {
    for fixture in fixtures() {
        let Ok(text) = diagnose(&fixture) else {
            continue;
        };
        for line in error_lines(&text) {
            let (file, line_no, column) = location(line);
            assert!(
                file.starts_with(&format!("tests/bad-specs/{}", fixture.name)),
                "{}: {line}",
                fixture.name
            );
            assert!(line_no >= 1 && column >= 1, "{}: {line}", fixture.name);
        }
    }
}

#[test]
fn a_single_mistake_is_reported_once() {
    for fixture in fixtures() {
        if fixture.name.starts_with("several-mistakes")
            || fixture.name == "bad-call-name-and-other-mistakes-in-one-operation"
        {
            continue;
        }
        let Ok(text) = diagnose(&fixture) else {
            continue;
        };
        assert_eq!(reported_count(&text), 1, "{}:\n{text}", fixture.name);
    }
}

#[test]
fn a_bad_call_name_does_not_hide_other_mistakes() {
    let text = diagnostics_of("bad-call-name-and-other-mistakes-in-one-operation");
    assert_eq!(reported_count(&text), 3, "{text}");
}

#[test]
fn a_duplicate_key_is_reported_where_it_repeats() {
    let text = diagnostics_of("duplicate-json-key");
    let lines = error_lines(&text);
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(location(lines[0]).1, 22, "{text}");
}

//! The fuzz targets' seed corpus, replayed on stable: every file in `fuzz/corpus/<target>/`
//! goes through the same check the fuzzer runs (`tests::fuzz`), so CI needs no nightly and a
//! crash once found stays fixed. RELIABILITY.md has the fuzzing record and how to rerun.

use std::collections::BTreeSet;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use tests::fuzz::{TARGETS, model_decode};
use tests::spec_files::{read_spec, workspace};

/// The files of `fuzz/<folder>/<target>/`, sorted.
fn files(folder: &str, target: &str) -> Vec<PathBuf> {
    let dir = workspace().join("fuzz").join(folder).join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str) {
    let (_, check) = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no fuzz target {target}"));
    let corpus = files("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ has no seeds");
    let failed: Vec<String> = corpus
        .iter()
        .filter_map(|path| {
            let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(&data)));
            outcome.err().map(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                format!("{}: {message}", path.display())
            })
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn spec_bytes_corpus_passes() {
    replay("spec_bytes");
}

#[test]
fn spec_edits_corpus_passes() {
    replay("spec_edits");
}

#[test]
fn model_decode_corpus_passes() {
    replay("model_decode");
}

#[test]
fn error_body_corpus_passes() {
    replay("error_body");
}

#[test]
fn retry_after_corpus_passes() {
    replay("retry_after");
}

#[test]
fn path_encoding_corpus_passes() {
    replay("path_encoding");
}

#[test]
fn every_fuzz_target_has_a_check_a_binary_and_a_corpus() {
    let checks: BTreeSet<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    let binaries: BTreeSet<String> = files("fuzz_targets", "")
        .iter()
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    assert_eq!(
        binaries.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        checks,
        "fuzz/fuzz_targets/*.rs and tests::fuzz::TARGETS differ"
    );
    let manifest = fs::read_to_string(workspace().join("fuzz/Cargo.toml")).unwrap_or_default();
    for name in &checks {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
        assert!(
            !files("corpus", name).is_empty(),
            "fuzz/corpus/{name}/ is empty"
        );
    }
}

#[test]
fn model_decode_covers_every_type_of_the_spec() {
    let mut declared = BTreeSet::new();
    for source in read_spec("spec") {
        let file: serde_json::Value =
            serde_json::from_str(&source.text).unwrap_or_else(|e| panic!("{}: {e}", source.path));
        if let Some(types) = file.get("types").and_then(|t| t.as_object()) {
            declared.extend(types.keys().cloned());
        }
    }
    let decoded: BTreeSet<String> = model_decode::MODELS
        .iter()
        .map(|m| (*m).to_owned())
        .collect();
    assert_eq!(
        declared.difference(&decoded).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "spec types the model_decode fuzz target does not decode: add them to \
         tests/src/fuzz/model_decode.rs"
    );
}

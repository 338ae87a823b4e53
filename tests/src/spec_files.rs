//! Reads a spec folder the way `cargo xtask` does, for tests that run the generator.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::SpecSource;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every `*.json` file of `relative` (from the workspace root) but the schema, sorted by name,
/// with paths as diagnostics and headers show them (`spec/api.json`).
pub fn read_spec(relative: &str) -> Vec<SpecSource> {
    let dir = workspace().join(relative);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json") && name != "schema.json")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| SpecSource {
            path: format!("{relative}/{name}"),
            text: fs::read_to_string(dir.join(&name)).unwrap_or_default(),
        })
        .collect()
}

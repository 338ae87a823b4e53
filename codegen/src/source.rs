//! Reads a spec folder from disk: which files are spec files, in what order, under what name.
//!
//! The pipeline itself takes text and never touches the file system; this is the one place
//! the rule "every `*.json` but `schema.json`, sorted by name" lives, for xtask, the tests and
//! the benchmarks alike.

use std::fs;
use std::path::Path;

use crate::SpecSource;

/// Reads every spec file in `dir`, sorted by name. Each source is named `shown/<file>`, the
/// form diagnostics and generated headers print (e.g. `spec/api.json` for `shown` = `spec`).
pub fn read_spec_folder(dir: &Path, shown: &Path) -> Result<Vec<SpecSource>, String> {
    let entries = fs::read_dir(dir)
        .map_err(|e| format!("error: cannot read spec folder {}: {e}", shown.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("error: cannot list {}: {e}", shown.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_spec_file(&name) {
            names.push(name);
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = shown.join(&name);
            let text = fs::read_to_string(dir.join(&name))
                .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            Ok(SpecSource {
                path: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// True for the files of a spec folder that are spec files (the schema describes the format):
/// the rule for a folder read some other way too (xtask reads the spec at a git revision).
pub fn is_spec_file(name: &str) -> bool {
    name.ends_with(".json") && name != "schema.json"
}

//! Reads a spec folder the way `cargo xtask` does, for tests that run the generator.

use std::path::{Path, PathBuf};

use codegen::SpecSource;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The spec files of `relative` (from the workspace root), named as diagnostics and headers
/// show them (`spec/api.json`).
pub fn read_spec(relative: &str) -> Vec<SpecSource> {
    codegen::source::read_spec_folder(&workspace().join(relative), Path::new(relative))
        .unwrap_or_else(|e| panic!("{e}"))
}

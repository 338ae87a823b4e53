//! Reads the OneNote API spec, validates it and emits the Rust client code.
//!
//! The pipeline, one module per step: [`json`] (load, with positions) → [`decode`] (into the
//! [`spec`] types) → [`validate`] (into the resolved [`model`], whose [`model::Model::routes`]
//! every backend reads) → `emit` (token streams) → [`format`](mod@format) (prettyplease and the
//! header); [`routes`](mod@routes) and [`openapi`](mod@openapi) are the other backends. [`template`] owns path templates,
//! [`runtime`] the names the hand-written runtime reserves. The core is pure: spec text in, file
//! text out. [`source`] reads a spec folder for its callers, `xtask` writes the output, and tests
//! call the same [`generate`] entry point.

pub mod decode;
pub mod diagnostics;
mod emit;
pub mod format;
pub mod json;
#[cfg(test)]
mod layers;
pub mod model;
pub mod names;
pub mod openapi;
pub mod routes;
pub mod runtime;
pub mod source;
pub mod spec;
pub mod template;
pub mod validate;

use std::fmt;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::EmittedFile;
pub use spec::schema_json;

/// One spec file as read from disk.
#[derive(Clone, Debug)]
pub struct SpecSource {
    /// The path shown in diagnostics and headers (`spec/permissions.json`).
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output folder (`class_notebooks.rs`).
    pub path: String,
    /// The complete file text.
    pub contents: String,
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The spec has problems; each says where and what to do.
    Spec(Diagnostics),
    /// The generator produced code it could not format: a bug in codegen, not in the spec.
    Emit {
        /// The file being generated.
        file: String,
        /// What syn said.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => diagnostics.fmt(f),
            Error::Emit { file, message } => write!(
                f,
                "error: codegen produced invalid Rust for {file} ({message}); this is a generator bug, please report it"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Loads, decodes and validates spec files into the resolved model.
///
/// Files are processed in path order whatever order they are given in, so output never
/// depends on directory listing order.
pub fn load(sources: &[SpecSource]) -> Result<model::Model, Diagnostics> {
    let mut sources: Vec<&SpecSource> = sources.iter().collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    let total = sources.len();
    for source in sources {
        match json::parse(&source.text) {
            Ok(node) => {
                if let Some(spec) = decode::spec_file(&source.path, &node, &mut diagnostics) {
                    files.push((source.path.clone(), spec));
                }
            }
            Err(error) => diagnostics.push(
                &source.path,
                error.pos,
                format!("invalid JSON: {}", error.message),
            ),
        }
    }
    if files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            "spec",
            json::Pos { line: 1, column: 1 },
            "no spec files found: add at least one `*.json` file",
        );
    }
    let incomplete = files.len() < total;
    let model = validate::model(&files, incomplete, &mut diagnostics);
    match model {
        Some(model) if diagnostics.is_empty() => Ok(model),
        _ => Err(diagnostics),
    }
}

/// Generates every file of the client's generated module from the spec.
pub fn generate(sources: &[SpecSource]) -> Result<Vec<GeneratedFile>, Error> {
    let model = load(sources).map_err(Error::Spec)?;
    format_files(emit_files(&model))
}

/// The emit stage alone: the model's files as token streams, not yet formatted.
///
/// [`generate`] is [`load`], then this, then [`format_files`]; they are public separately so
/// benchmarks (`codegen/benches/codegen.rs`) can time each stage.
pub fn emit_files(model: &model::Model) -> Vec<EmittedFile> {
    emit::files(model)
}

/// The format stage alone: pretty-prints emitted files and puts the header on each.
pub fn format_files(files: Vec<EmittedFile>) -> Result<Vec<GeneratedFile>, Error> {
    files
        .into_iter()
        .map(|file| {
            let contents =
                format::file(&file.sources, file.tokens).map_err(|message| Error::Emit {
                    file: file.path.clone(),
                    message,
                })?;
            Ok(GeneratedFile {
                path: file.path,
                contents,
            })
        })
        .collect()
}

/// The route listing `cargo xtask routes` prints.
pub fn routes(sources: &[SpecSource]) -> Result<String, Diagnostics> {
    load(sources).map(|model| routes::list(&model))
}

/// The OpenAPI 3.0.3 document `cargo xtask openapi` writes: pretty JSON with a trailing newline.
pub fn openapi(sources: &[SpecSource]) -> Result<String, Diagnostics> {
    let model = load(sources)?;
    match serde_json::to_string_pretty(&openapi::document(&model)) {
        Ok(text) => Ok(text + "\n"),
        Err(error) => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(
                &model.api.source,
                json::Pos { line: 1, column: 1 },
                format!("cannot write the OpenAPI document ({error}); this is a generator bug, please report it"),
            );
            Err(diagnostics)
        }
    }
}

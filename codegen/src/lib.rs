//! Reads the OneNote API spec, validates it and emits the Rust client code.
//!
//! The pipeline, one module per step: [`json`] (load, with positions) → [`decode`] (into the
//! [`spec`] types) → [`validate`] (into the resolved [`model`], whose [`model::Model::routes`]
//! every backend reads) → `emit` (token streams, one piece of a file at a time; plain data as
//! text already laid out) → [`format`](mod@format) (prettyplease per piece on every core, doc
//! comments put back after layout, the header); [`routes`](mod@routes), [`openapi`](mod@openapi) and [`cli`](mod@cli)
//! (the `onenote` command's tree) are the other backends; [`impact`](mod@impact) compares two
//! models' public surfaces (what a spec edit does to users). [`template`] owns path templates, [`runtime`] the names the hand-written runtime
//! reserves. Imports run one way, down that order (`layers.rs` checks it). The core is pure: spec
//! text in, file text out. [`source`] reads a spec folder for its callers, `xtask` writes the
//! output, and tests call the same [`generate`] entry point.

pub mod cli;
pub mod decode;
pub mod diagnostics;
mod emit;
pub mod format;
pub mod impact;
pub mod json;
#[cfg(test)]
mod layers;
pub mod model;
pub mod names;
pub mod openapi;
mod parallel;
pub mod routes;
pub mod rules;
pub mod runtime;
pub mod source;
pub mod spec;
pub mod tables;
pub mod template;
pub mod validate;

use std::fmt;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::docs::DocMode;
pub use emit::{Code, Emitted, EmittedFile};
pub use impact::{Impact, impact};
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

impl From<format::Invalid> for Error {
    fn from(invalid: format::Invalid) -> Self {
        Error::Emit {
            file: invalid.file,
            message: invalid.message,
        }
    }
}

/// Loads, decodes and validates spec files into the resolved model.
///
/// Files are processed in path order whatever order they are given in, so output never
/// depends on directory listing order.
pub fn load(sources: &[SpecSource]) -> Result<model::Model, Diagnostics> {
    let mut sources: Vec<&SpecSource> = sources.iter().collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    // Files parse and decode independently, on every core when there is enough text to pay for
    // a thread; their problems are joined in file order, as one thread would have found them.
    let bytes: usize = sources.iter().map(|source| source.text.len()).sum();
    let spread = bytes >= SPREAD_LOAD_BYTES;
    let decoded = parallel::map_in_order(&sources, spread, |source| decode_file(source));
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    let total = sources.len();
    for (source, (spec, found)) in sources.iter().zip(decoded) {
        diagnostics.extend(found);
        if let Some(spec) = spec {
            files.push((source.path.clone(), spec));
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
    // The command line is generated in the same run: a spec it cannot express fails here, so
    // nothing is written for any backend.
    if let Some(model) = model.as_ref().filter(|_| diagnostics.is_empty()) {
        let texts: Vec<(&str, &str)> = sources
            .iter()
            .map(|source| (source.path.as_str(), source.text.as_str()))
            .collect();
        cli::check(model, &texts, &mut diagnostics);
    }
    match model {
        Some(model) if diagnostics.is_empty() => Ok(model),
        _ => Err(diagnostics),
    }
}

/// Spec text from which [`load`] parses files on every core: 256 KiB, a few milliseconds of
/// parsing and decoding (the real spec is 69 KB and takes under one). Below it a helper thread
/// saves too little: the spec fuzz targets, whose inputs are at most 60 KB, spent more waiting
/// for it to be scheduled on a busy machine than it saved.
const SPREAD_LOAD_BYTES: usize = 256 * 1024;

/// One spec file parsed and decoded, and the problems found on the way.
fn decode_file(source: &SpecSource) -> (Option<spec::SpecFile>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let spec = match json::parse(&source.text) {
        Ok(node) => decode::spec_file(&source.path, &node, &mut diagnostics),
        Err(error) => {
            diagnostics.push(
                &source.path,
                error.pos,
                format!("invalid JSON: {}", error.message),
            );
            None
        }
    };
    (spec, diagnostics)
}

/// Generates every file of the client's generated module from the spec.
pub fn generate(sources: &[SpecSource]) -> Result<Vec<GeneratedFile>, Error> {
    let model = load(sources).map_err(Error::Spec)?;
    render(&model)
}

/// Emits and formats every file of a loaded model: what [`generate`] does after [`load`].
///
/// Each file is made of pieces (a type, a resource, an operation…) that are emitted and laid
/// out on their own, spread over every core, with doc comments kept out of the layout and put
/// back after it ([`format`](mod@format)). The text is byte for byte what [`reference()`] makes.
pub fn render(model: &model::Model) -> Result<Vec<GeneratedFile>, Error> {
    let files = format::files(&emit::plan(model), |piece| {
        emit::piece(model, piece, DocMode::Deferred)
    })?;
    Ok(generated(files))
}

/// `format::files`' paths and texts as generated files.
fn generated(files: Vec<(String, String)>) -> Vec<GeneratedFile> {
    files
        .into_iter()
        .map(|(path, contents)| GeneratedFile { path, contents })
        .collect()
}

/// The reference output of a loaded model: every file emitted whole with its docs inline and
/// laid out by one `prettyplease::unparse` (pieces emitted as text stay as they are), on this
/// thread, as the generator always did.
/// [`render`] must give the same bytes; the tests and the fuzz targets check that it does.
pub fn reference(model: &model::Model) -> Result<Vec<GeneratedFile>, Error> {
    emit::files(model, DocMode::Inline)
        .into_iter()
        .map(|file| {
            let pieces = file.pieces.into_iter().map(|piece| piece.code).collect();
            let contents = format::file(&file.sources, pieces).map_err(|message| Error::Emit {
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

/// Emits every file of a loaded model and parses it as Rust, without laying it out: everything
/// [`render`] checks short of the layout, for the fuzz targets, which lay out only a sample.
pub fn check_emitted(model: &model::Model) -> Result<(), Error> {
    for file in emit::plan(model) {
        for piece in &file.pieces {
            let emitted = emit::piece(model, *piece, DocMode::Deferred);
            format::check(emitted).map_err(|message| Error::Emit {
                file: file.path.clone(),
                message,
            })?;
        }
    }
    Ok(())
}

/// The emit stage alone, on this thread: the model's files as token streams (docs deferred),
/// not yet formatted.
///
/// [`render`] emits and formats piece by piece on every core; this and [`format_files`] run
/// the two stages apart, one thread each, so benchmarks (`codegen/benches/codegen.rs`) can time
/// each stage.
pub fn emit_files(model: &model::Model) -> Vec<EmittedFile> {
    emit::files(model, DocMode::Deferred)
}

/// The format stage alone, on this thread: lays out emitted files and puts the header on each.
pub fn format_files(files: Vec<EmittedFile>) -> Result<Vec<GeneratedFile>, Error> {
    files
        .into_iter()
        .map(|file| {
            let path = file.path.clone();
            let contents = format::emitted_file(file).map_err(Error::from)?;
            Ok(GeneratedFile { path, contents })
        })
        .collect()
}

/// Every file of the `onenote` command's generated module (`onenote-cli/src/generated/`).
pub fn cli(sources: &[SpecSource]) -> Result<Vec<GeneratedFile>, Error> {
    cli_files(&load(sources).map_err(Error::Spec)?)
}

/// The `onenote` command's generated module of a loaded model, laid out piece by piece on every
/// core like [`render`]'s files.
pub fn cli_files(model: &model::Model) -> Result<Vec<GeneratedFile>, Error> {
    let cli = cli::Emitter::new(model);
    let files = format::files(&cli.plan(), |piece| cli.piece(piece))?;
    Ok(generated(files))
}

/// Everything one spec makes, from one load: what `cargo xtask codegen` writes for the
/// workspace's own spec.
#[derive(Clone, Debug)]
pub struct Outputs {
    /// The client's generated module ([`render`]).
    pub client: Vec<GeneratedFile>,
    /// The `onenote` command's generated module ([`cli_files`]).
    pub cli: Vec<GeneratedFile>,
    /// The OpenAPI document of onenote.com ([`openapi()`]).
    pub openapi: String,
    /// The OpenAPI document of Microsoft Graph, when the spec has a Graph section
    /// ([`graph_openapi()`]).
    pub graph_openapi: Option<String>,
}

/// Loads the spec once and runs every backend on it, the client's files on this thread (and
/// every core, piece by piece) while the command line and the OpenAPI documents are made on
/// threads of their own.
pub fn outputs(sources: &[SpecSource]) -> Result<Outputs, Error> {
    let model = load(sources).map_err(Error::Spec)?;
    std::thread::scope(|scope| {
        let cli = scope.spawn(|| cli_files(&model));
        let openapi = scope.spawn(|| -> Result<_, Diagnostics> {
            let graph = match model.graph_view() {
                Some(view) => Some(openapi_text(&view)?),
                None => None,
            };
            Ok((openapi_text(&model)?, graph))
        });
        let client = render(&model);
        let (openapi, graph_openapi) = joined(openapi.join()).map_err(Error::Spec)?;
        Ok(Outputs {
            client: client?,
            cli: joined(cli.join())?,
            openapi,
            graph_openapi,
        })
    })
}

/// A joined thread's result, its panic resumed on this thread.
fn joined<T>(result: std::thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The route listing `cargo xtask routes` prints.
pub fn routes(sources: &[SpecSource]) -> Result<String, Diagnostics> {
    load(sources).map(|model| routes::list(&model))
}

/// The OpenAPI 3.0.3 document `cargo xtask openapi` writes: pretty JSON with a trailing newline.
pub fn openapi(sources: &[SpecSource]) -> Result<String, Diagnostics> {
    openapi_text(&load(sources)?)
}

/// The OpenAPI document of Microsoft Graph's surface ([`model::Model::graph_view`]), or
/// `None` when the spec describes no Graph section.
pub fn graph_openapi(sources: &[SpecSource]) -> Result<Option<String>, Diagnostics> {
    match load(sources)?.graph_view() {
        Some(view) => openapi_text(&view).map(Some),
        None => Ok(None),
    }
}

/// The OpenAPI document of a loaded model, as [`openapi()`] writes it.
pub fn openapi_text(model: &model::Model) -> Result<String, Diagnostics> {
    match serde_json::to_string_pretty(&openapi::document(model)) {
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

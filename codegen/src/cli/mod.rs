//! The `onenote` command line from the model: the command tree (one command per operation and
//! mount, reached like the client's calls), each command's arguments, and the typed client call
//! it makes; plus the checks a spec must pass for the command line to express it. The third
//! backend beside `emit` (the client) and `openapi`.
//!
//! The command path reads like the URL and the Rust call: `client.me().class_notebook(id)
//! .students().add(body)` is `onenote class-notebook ID students add …`. A resource is a
//! subcommand that takes its path parameters; an operation is a leaf. Required inputs are
//! arguments, optional ones flags: path parameters, then the body's scalar fields (the whole
//! body also from `--body FILE`), query parameters and OData options. The generated file is
//! data (the tree, with each leaf's inputs) and one `run` function per command that calls the
//! typed client; `onenote-cli`'s hand-written runtime builds clap from the data and prints.
//!
//! The stages, one file each: [`tree`] (the command tree from the model) → `inputs` (each
//! command's arguments and flags) → `check` (names the command line cannot use) → [`emit`] (the
//! generated file).

use heck::ToKebabCase;

mod check;
pub mod emit;
mod inputs;
pub mod tree;

pub use check::check;
pub use emit::files;
pub use tree::{Command, CommandNode, NodeKind, commands, tree};

/// Where the generated file goes, relative to the workspace root.
pub const OUT_DIR: &str = "onenote-cli/src/generated";

/// Flags every command has, made by `onenote-cli`'s hand-written root command (besides one
/// flag per location, which come from the spec).
pub const RUNTIME_GLOBAL_FLAGS: &[&str] = &["output", "base-url", "help", "version"];

/// Flags the runtime adds to some commands: the body from a file, the asynchronous form, every
/// page, the binary parts of a multipart body.
pub const RUNTIME_COMMAND_FLAGS: &[&str] = &["body", "async", "all", "part"];

/// Commands `onenote-cli` writes by hand, as word paths; clap adds `help` at every level.
pub const RUNTIME_COMMANDS: &[&[&str]] = &[
    &["login"],
    &["logout"],
    &["roster"],
    &["fake"],
    &["completions"],
    &["operation", "wait"],
];

/// A subcommand or argument name from a Rust name: `class_notebook` → `class-notebook`,
/// `r#type` → `type`, `self_` → `self`.
fn word(rust: &str) -> String {
    rust.trim_start_matches("r#")
        .trim_end_matches('_')
        .to_kebab_case()
}

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
//! The stages, one file each, over [`words`] (spec names as command words; the names the
//! hand-written runtime keeps): [`tree`](mod@tree) (the command tree from the model) → `inputs` (each
//! command's arguments and flags) → `check` (names the command line cannot use) → [`emit`](mod@emit) (the
//! generated file).

mod check;
pub mod emit;
mod inputs;
pub mod tree;
pub mod words;

pub use check::check;
pub use emit::{Emitter, Piece};
pub use tree::{Command, CommandNode, NodeKind, commands, leaves, tree};
pub use words::{RUNTIME_COMMAND_FLAGS, RUNTIME_COMMANDS, RUNTIME_GLOBAL_FLAGS};

/// Where the generated file goes, relative to the workspace root.
pub const OUT_DIR: &str = "onenote-cli/src/generated";

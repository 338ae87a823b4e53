//! The command line's words: how a spec name becomes a command or flag word, and the names
//! `onenote-cli`'s hand-written runtime uses itself, which the spec may not take.

use heck::ToKebabCase;

/// Flags every command has, made by `onenote-cli`'s hand-written root command (besides one
/// flag per location, which come from the spec).
pub const RUNTIME_GLOBAL_FLAGS: &[&str] = &[
    "output",
    "base-url",
    "graph-base-url",
    "service",
    "help",
    "version",
];

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
pub fn word(rust: &str) -> String {
    rust.trim_start_matches("r#")
        .trim_end_matches('_')
        .to_kebab_case()
}

//! The `onenote` binary against the fake OneNote: every generated command, its output for
//! people and scripts, its exit codes, sign-in end to end and roster sync with a kill -9.
//! One test binary (each costs link time in a cold `cargo test --workspace`).

mod commands;
mod exit_codes;
mod graph;
mod harness;
mod offline;
mod output;
mod roster;
mod sign_in;

//! `onenote-fake`: runs the fake OneNote service until interrupted, for curl, Postman,
//! schemathesis or a client in any language. Its options are the library's [`ServeArgs`]
//! (parsed by clap), so a command that embeds the fake takes the same flags.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::ExitCode;

use clap::Parser;
use onenote_fake::ServeArgs;

/// Serves a fake OneNote class-notebook and permissions API on 127.0.0.1 until interrupted
/// (Ctrl-C). Its state lives in memory and is lost when it stops.
#[derive(Debug, Parser)]
#[command(name = "onenote-fake", version)]
struct Command {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    let command = Command::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("onenote-fake: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(command.serve.serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("onenote-fake: {error}");
            // A seed or fault file that does not read is a usage error, like a bad flag.
            match error {
                onenote_fake::Error::Config(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Command::command().debug_assert();
    }
}

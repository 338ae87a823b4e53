//! `onenote`: every call of the OneNote class-notebook and permissions API from the command
//! line (the command tree is generated from `spec/`), sign-in by device code, roster sync from a
//! School Data Sync export, and an offline fake to try it all without a tenant.

mod call;
mod failure;
mod fake;
#[rustfmt::skip]
mod generated;
mod output;
mod roster;
mod sign_in;
mod tree;
mod wait;

use std::io::Write;
use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

use crate::call::{Context, Inputs};
use crate::failure::{Exit, Failure};

const ABOUT: &str = "Every call of the OneNote class-notebook and permissions API";

const AFTER_HELP: &str = "\
Start offline: `onenote fake serve`, then the two export lines it prints, then
`onenote class-notebooks list`.

Output: a table on a terminal; JSON otherwise or with --output json (one object per line).
Exit codes: 0 success, 1 any other failure, 2 usage (a wrong command line or input file),
3 not found (HTTP 404), 4 throttled (HTTP 429 / code 20166) or over the pacing limit.
Token: ONENOTE_TOKEN if set, else the one `onenote login` stored.";

/// The whole command line: the generated commands, then the hand-written ones.
fn command() -> Command {
    let mut root = Command::new("onenote")
        .about(ABOUT)
        .version(env!("CARGO_PKG_VERSION"))
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(tree::global_args())
        .subcommands(tree::generated_commands())
        .subcommands(sign_in::commands())
        .subcommand(roster::command())
        .subcommand(fake::command())
        .subcommand(
            Command::new("completions")
                .about("Print the shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(Shell))
                        .help("bash, zsh, fish, powershell or elvish"),
                ),
        );
    let wait = Command::new("wait")
        .about("Wait for an asynchronous operation with a progress bar, then print it")
        .arg(
            Arg::new("location")
                .value_name("LOCATION")
                .required(true)
                .help("The operation's URL, as `--async` printed it"),
        );
    // `operation wait LOCATION` sits beside the generated `operation OPERATION_ID get`; the id
    // is then required by the call (`Inputs::required`), not by clap.
    if root.find_subcommand("operation").is_some() {
        root = root.mut_subcommand("operation", |operation| {
            operation.subcommand_negates_reqs(true).subcommand(wait)
        });
    } else {
        root = root.subcommand(
            Command::new("operation")
                .about("Asynchronous operations")
                .subcommand_required(true)
                .subcommand(wait),
        );
    }
    root
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage.into()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return Exit::Other.into();
        }
    };
    match runtime.block_on(run(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("error: {}", failure.message);
            }
            let _ = std::io::stderr().flush();
            failure.exit.into()
        }
    }
}

async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let cx = Context::new(matches);
    if let Some(found) = tree::find(matches)
        && let Some(leaf) = found.leaf
    {
        let inputs = Inputs::new(&cx, found, leaf);
        return (leaf.run)(&cx, &inputs).await;
    }
    match matches.subcommand() {
        Some(("login", sub)) => sign_in::login(sub).await,
        Some(("logout", _)) => sign_in::logout(),
        Some(("roster", sub)) => roster::run(&cx, sub).await,
        Some(("fake", sub)) => fake::serve(sub).await,
        Some(("completions", sub)) => {
            let shell = sub
                .get_one::<Shell>("shell")
                .copied()
                .ok_or_else(|| Failure::usage("completions needs a shell"))?;
            clap_complete::generate(shell, &mut command(), "onenote", &mut std::io::stdout());
            Ok(())
        }
        Some(("operation", sub)) => match sub.subcommand() {
            Some(("wait", wait)) => operation_wait(&cx, wait).await,
            _ => Err(Failure::usage("operation needs wait or an OPERATION_ID")),
        },
        _ => Err(Failure::usage("no such command: see onenote --help")),
    }
}

/// `onenote operation wait LOCATION`: resumes an operation `--async` started.
async fn operation_wait(cx: &Context, matches: &ArgMatches) -> Result<(), Failure> {
    let location = matches
        .get_one::<String>("location")
        .cloned()
        .unwrap_or_default();
    let client = cx.client()?;
    let handle = onenote_api::OperationHandle::from_location(&client, &location)?;
    let done = wait::wait(&handle).await?;
    let value = serde_json::to_value(&done)
        .map_err(|e| Failure::other(format!("cannot print the answer: {e}")))?;
    let mut out = std::io::stdout().lock();
    match cx.format() {
        output::Format::Json => output::json_lines(&mut out, &[value]),
        output::Format::Table => output::record(&mut out, &value, wait::COLUMNS),
    }
    .map_err(|e| Failure::other(format!("cannot write the answer: {e}")))
}

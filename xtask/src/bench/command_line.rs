//! The `onenote` command's benchmark: `onenote class-notebooks list --output json` against the
//! fake, process start to exit, beside `curl` of the same request in the same run (wall clock
//! interleaved, and instructions counted by callgrind), and what the command costs to build.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use super::{
    Callgrind, Summary, TempDir, callgrind_totals, cargo, duration, info, run_quiet, run_timed,
};

/// The user the requests are made as.
const TOKEN: &str = "fake:teacher1@contoso.com";

/// Runs of each side (interleaved), full and `--quick`.
const RUNS: (usize, usize) = (40, 10);

pub(super) fn run(
    root: &Path,
    quick: bool,
    callgrind: Option<&Callgrind>,
    summary: &mut Summary,
) -> Result<(), String> {
    let mut build = cargo(root);
    build.args(["build", "--release", "-p", "onenote-cli"]);
    run_quiet(build)?;
    let onenote = root.join("target/release/onenote");
    let fake = Fake::start(&onenote)?;
    let url = format!("{}/v1.0/me/notes/classNotebooks", fake.base_url);
    for name in ["Math 101", "Biology 10", "Chemistry 11"] {
        let mut create = fake.onenote(&onenote);
        create.args(["class-notebooks", "create", name]);
        run_quiet(create)?;
    }
    let cli = |fake: &Fake| {
        let mut command = fake.onenote(&onenote);
        command.args(["class-notebooks", "list", "--output", "json"]);
        command
    };
    let curl = || {
        let mut command = Command::new("curl");
        command.args([
            "--silent",
            "--fail",
            "--header",
            &format!("Authorization: Bearer {TOKEN}"),
            &url,
        ]);
        command
    };
    println!("$ onenote class-notebooks list --output json   and   curl {url}, interleaved");
    let runs = if quick { RUNS.1 } else { RUNS.0 };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(time(cli(&fake))?);
        theirs.push(time(curl())?);
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    let instructions = match callgrind {
        Some(callgrind) => {
            let ours = count(callgrind, cli(&fake))?;
            let theirs = count(callgrind, curl())?;
            info(format!(
                "{} vs {}: {:.2}× curl",
                super::count_text(ours as f64),
                super::count_text(theirs as f64),
                ours as f64 / theirs as f64
            ))
        }
        None => None,
    };
    summary.add(
        "onenote class-notebooks list --output json vs curl, fake, process start to exit (release)",
        info(format!(
            "{} vs {}: {:.2}× curl (median of {runs} each)",
            duration(ours),
            duration(theirs),
            ours / theirs
        )),
        instructions,
    );
    drop(fake);

    // What the command costs to build: alone with its dependencies built, and (full run) with
    // every dependency, in a target folder of its own.
    let alone = root.join("target/bench/onenote-cli-alone");
    let mut deps = cargo(root);
    deps.args(["build", "-p", "onenote-cli", "--target-dir"])
        .arg(&alone);
    println!("building onenote-cli's dependencies once (not timed)");
    run_quiet(deps)?;
    let mut clean = cargo(root);
    clean
        .args(["clean", "-p", "onenote-cli", "--target-dir"])
        .arg(&alone);
    run_quiet(clean)?;
    let mut build = cargo(root);
    build
        .args(["build", "-p", "onenote-cli", "--target-dir"])
        .arg(&alone);
    let seconds = run_timed(build)?;
    summary.add_without_instructions(
        "onenote-cli alone, clean debug build (deps built)",
        info(duration(seconds)),
        "not applicable",
    );
    if quick {
        summary.add_without_instructions(
            "onenote-cli with its dependencies, clean debug build",
            info("not run (--quick)"),
            "not applicable",
        );
        return Ok(());
    }
    let temp = TempDir::new("onenote-cli")?;
    let mut build = cargo(root);
    build
        .args(["build", "-p", "onenote-cli", "--target-dir"])
        .arg(temp.0.join("target"));
    let seconds = run_timed(build)?;
    summary.add_without_instructions(
        "onenote-cli with its dependencies, clean debug build",
        info(duration(seconds)),
        "not applicable",
    );
    Ok(())
}

/// `onenote fake serve` on a free port, stopped when dropped.
struct Fake {
    child: Child,
    base_url: String,
}

impl Fake {
    fn start(onenote: &Path) -> Result<Fake, String> {
        let mut child = Command::new(onenote)
            .args(["fake", "serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("error: cannot run {}: {e}", onenote.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or("error: the fake's output is not piped")?;
        let base_url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.trim()
                    .strip_prefix("export ONENOTE_BASE_URL=")
                    .map(str::to_owned)
            });
        match base_url {
            Some(base_url) => Ok(Fake { child, base_url }),
            None => {
                let _ = child.kill();
                Err("error: `onenote fake serve` printed no base URL".to_owned())
            }
        }
    }

    fn onenote(&self, onenote: &Path) -> Command {
        let mut command = Command::new(onenote);
        command
            .env("ONENOTE_BASE_URL", &self.base_url)
            .env("ONENOTE_TOKEN", TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        command
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One run's wall time, process start to exit.
fn time(mut command: Command) -> Result<f64, String> {
    let start = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("error: cannot run {:?}: {e}", command.get_program()))?;
    let seconds = start.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!(
            "error: {:?} failed ({status})",
            command.get_program()
        ));
    }
    Ok(seconds)
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The instructions of one whole run under callgrind.
fn count(callgrind: &Callgrind, command: Command) -> Result<u64, String> {
    let out: PathBuf = callgrind.dir.0.join("command.out");
    let mut valgrind = Command::new("valgrind");
    valgrind
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => valgrind.env(name, value),
            None => valgrind.env_remove(name),
        };
    }
    run_quiet(valgrind)?;
    let text = std::fs::read_to_string(&out)
        .map_err(|e| format!("error: cannot read {}: {e}", out.display()))?;
    callgrind_totals(&text).ok_or_else(|| format!("error: no totals in {}", out.display()))
}

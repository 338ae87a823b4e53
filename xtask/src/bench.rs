//! `cargo xtask bench [--quick]`: runs the codegen, client-overhead, pacing and compile-cost benchmarks
//! and prints one table of results against the project's targets (see BENCHMARKS.md).
//!
//! The timed work runs in child processes (`cargo bench`, `cargo build`); this module starts
//! them, echoes what they print, reads the numbers back and checks the targets. Every command
//! it runs is printed first (`$ cargo …`), so a result can be reproduced by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Spec sizes the codegen benchmark builds, as multiples of the real spec.
const FACTORS: [usize; 3] = [1, 10, 100];
/// Codegen stages, in pipeline order, as the benchmark names them.
const STAGES: [&str; 5] = ["load", "validate", "emit", "format", "total"];

/// Runs every benchmark and prints the summary.
pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let mut quick = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            other => {
                return Err(format!(
                    "unknown option `{other}` for `bench` (only --quick)"
                ));
            }
        }
    }
    let started = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut summary = Summary::default();

    section("1/3 codegen in process (divan)");
    codegen(root, quick, &mut summary)?;
    section("2/3 client overhead against hand-written reqwest + serde_json");
    client(root, quick, &mut summary)?;
    section("2b/3 pacing against a local throttling server (virtual time)");
    pacing(root, &mut summary)?;
    section("3/3 compile cost");
    compile(root, quick, &mut summary)?;

    section(&format!(
        "summary ({}; {cores} cores; {:.0} s)",
        if quick { "--quick" } else { "full run" },
        started.elapsed().as_secs_f64()
    ));
    print!("{}", summary.table());
    if quick {
        println!("\n(--quick: fewer samples and requests, no clean builds of the hello-worlds)");
    }
    Ok(())
}

fn section(title: &str) {
    println!("\n=== {title}\n");
}

// ---------------------------------------------------------------------------------------------
// The summary table.

#[derive(Default)]
struct Summary {
    rows: Vec<Row>,
}

struct Row {
    measure: String,
    result: String,
    target: String,
    /// `None` when the row has no target.
    met: Option<bool>,
}

impl Summary {
    fn info(&mut self, measure: impl Into<String>, result: impl Into<String>) {
        self.rows.push(Row {
            measure: measure.into(),
            result: result.into(),
            target: String::new(),
            met: None,
        });
    }

    fn check(
        &mut self,
        measure: impl Into<String>,
        result: impl Into<String>,
        target: impl Into<String>,
        met: bool,
    ) {
        self.rows.push(Row {
            measure: measure.into(),
            result: result.into(),
            target: target.into(),
            met: Some(met),
        });
    }

    /// A Markdown table, so it can go into BENCHMARKS.md as printed.
    fn table(&self) -> String {
        let verdict = |row: &Row| match row.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        let width = |f: &dyn Fn(&Row) -> usize, title: &str| {
            self.rows.iter().map(f).max().unwrap_or(0).max(title.len())
        };
        let (m, r, t) = (
            width(&|row| row.measure.chars().count(), "measure"),
            width(&|row| row.result.chars().count(), "result"),
            width(&|row| row.target.chars().count(), "target"),
        );
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {:m$} | {:r$} | {:t$} | {:6} |",
            "measure", "result", "target", ""
        );
        let _ = writeln!(
            out,
            "|{}|{}|{}|{}|",
            "-".repeat(m + 2),
            "-".repeat(r + 2),
            "-".repeat(t + 2),
            "-".repeat(8)
        );
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:6} |",
                pad(&row.measure, m),
                pad(&row.result, r),
                pad(&row.target, t),
                verdict(row)
            );
        }
        out
    }
}

/// Pads to `width` characters (not bytes: results contain `µ` and `×`).
fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

// ---------------------------------------------------------------------------------------------
// 1. Codegen.

fn codegen(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let mut command = cargo(root);
    command.args(["bench", "-p", "codegen", "--bench", "codegen", "--"]);
    if quick {
        // Command-line options take priority over the benchmarks' own `max_time`.
        command.args(["--sample-count", "10", "--max-time", "1"]);
    }
    let output = run_echoed(command)?;
    let sizes = spec_sizes(&output)?;
    let medians = divan_medians(&output);
    let median = |stage: &str, factor: usize| {
        medians
            .get(&(stage.to_owned(), factor))
            .copied()
            .ok_or_else(|| {
                format!("error: the codegen benchmark printed no median for {stage} at {factor}x")
            })
    };

    let (ops_1, types_1) = sizes
        .get(&1)
        .copied()
        .ok_or("error: no size for the 1x spec")?;
    let total_1 = median("total", 1)?;
    let mut stages = Vec::new();
    for stage in &STAGES[..4] {
        stages.push(format!("{stage} {}", duration(median(stage, 1)?)));
    }
    summary.info(
        format!("codegen stages, real spec ({ops_1} operations, {types_1} types)"),
        stages.join(", "),
    );
    summary.check(
        "codegen total, real spec (in process)",
        duration(total_1),
        "< 50 ms",
        total_1 < 0.050,
    );
    let per_op_1 = total_1 / ops_1 as f64;
    for factor in &FACTORS[1..] {
        let (ops, _) = sizes
            .get(factor)
            .copied()
            .ok_or_else(|| format!("error: no size for the {factor}x spec"))?;
        let total = median("total", *factor)?;
        let per_op = total / ops as f64;
        let growth = per_op / per_op_1;
        let mut per_stage = Vec::new();
        for stage in &STAGES[..4] {
            let ratio = (median(stage, *factor)? / ops as f64) / (median(stage, 1)? / ops_1 as f64);
            per_stage.push(format!("{stage} {ratio:.2}×"));
        }
        summary.info(
            format!("codegen per-operation growth by stage, {factor}x vs 1x"),
            per_stage.join(", "),
        );
        let result = format!(
            "{} total, {}/op ({growth:.2}× the 1x {}/op)",
            duration(total),
            duration(per_op),
            duration(per_op_1)
        );
        if *factor == 100 {
            summary.check(
                format!("codegen {factor}x ({ops} operations)"),
                result,
                "< 3 s, ≤ 2× per op",
                total < 3.0 && growth <= 2.0,
            );
        } else {
            summary.info(format!("codegen {factor}x ({ops} operations)"), result);
        }
    }
    Ok(())
}

/// `factor → (operations, types)` from the benchmark's `spec 10x: 220 operations, …` lines.
fn spec_sizes(output: &str) -> Result<BTreeMap<usize, (usize, usize)>, String> {
    let mut sizes = BTreeMap::new();
    for line in output.lines() {
        let Some(rest) = line.strip_prefix("spec ") else {
            continue;
        };
        let Some((factor, rest)) = rest.split_once("x: ") else {
            continue;
        };
        let numbers: Vec<usize> = rest
            .split(',')
            .filter_map(|part| part.split_whitespace().next()?.parse().ok())
            .collect();
        if let (Ok(factor), [operations, types, ..]) = (factor.parse(), numbers.as_slice()) {
            sizes.insert(factor, (*operations, *types));
        }
    }
    if sizes.len() != FACTORS.len() {
        return Err("error: the codegen benchmark did not print its spec sizes".to_owned());
    }
    Ok(sizes)
}

/// `(benchmark, argument) → median seconds` from divan's tree table:
///
/// ```text
/// ├─ emit                    │               │               │
/// │  ├─ 1      2.008 ms      │ 2.296 ms      │ 2.116 ms      │ …
/// ```
fn divan_medians(output: &str) -> BTreeMap<(String, usize), f64> {
    let mut medians = BTreeMap::new();
    let mut group = String::new();
    for line in output.lines() {
        let Some(at) = line.find("├─ ").or_else(|| line.find("╰─ ")) else {
            continue;
        };
        let depth = line[..at].chars().count();
        let mut columns = line[at + "├─ ".len()..].split('│');
        let mut first = columns.next().unwrap_or_default().split_whitespace();
        let Some(name) = first.next() else {
            continue;
        };
        if depth == 0 {
            group = name.to_owned();
            continue;
        }
        // Columns: fastest (after the name), slowest, median, mean, samples, iterations.
        let median = columns.nth(1).and_then(|text| parse_duration(text.trim()));
        if let (Ok(arg), Some(median)) = (name.parse::<usize>(), median) {
            medians.insert((group.clone(), arg), median);
        }
    }
    medians
}

/// `2.116 ms` → 0.002116.
fn parse_duration(text: &str) -> Option<f64> {
    let (number, unit) = text.split_once(' ')?;
    let scale = match unit {
        "ns" => 1e-9,
        "µs" | "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * scale)
}

/// Seconds as a short human figure (`9.89 ms`, `1.16 s`, `450 µs`).
fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.0} µs", seconds * 1e6)
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Client overhead.

fn client(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let mut command = cargo(root);
    command.args([
        "bench",
        "-p",
        "onenote-api",
        "--bench",
        "client_overhead",
        "--",
    ]);
    if quick {
        command.arg("--quick");
    }
    let output = run_echoed(command)?;
    let mut rows = 0;
    for line in output.lines() {
        if !(line.starts_with("GET ") || line.starts_with("POST ")) {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [label @ .., client, hand, ratio] = words.as_slice() else {
            continue;
        };
        let Ok(ratio_value) = ratio.parse::<f64>() else {
            continue;
        };
        rows += 1;
        summary.check(
            format!("client {}", label.join(" ")),
            format!("{client} vs {hand} req/s: {ratio}×"),
            "≥ 0.95× reqwest",
            ratio_value >= 0.95,
        );
    }
    if rows == 0 {
        return Err("error: the client-overhead benchmark printed no results".to_owned());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2b. Pacing.

fn pacing(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let mut command = cargo(root);
    command.args(["bench", "-p", "onenote-api", "--bench", "pacing"]);
    let output = run_echoed(command)?;
    let line = output
        .lines()
        .find(|line| line.starts_with("{\"bench\":\"pacing\""))
        .ok_or("error: the pacing benchmark printed no JSON line")?;
    let number = |run: &str, key: &str| {
        pacing_number(line, run, key)
            .ok_or_else(|| format!("error: no {run}.{key} in the pacing JSON line: {line}"))
    };
    let (ratio, throttled) = (
        number("known_limit", "ratio")?,
        number("known_limit", "throttled")?,
    );
    summary.check(
        "pacing, server enforcing the default limits (400/h)",
        format!("{ratio:.3} of the limit, {throttled} throttled"),
        "≥ 0.95, no 429",
        ratio >= 0.95 && throttled == 0.0,
    );
    let (ratio, throttled) = (
        number("unknown_limit", "ratio")?,
        number("unknown_limit", "throttled")?,
    );
    let failed = number("unknown_limit", "failed")?;
    summary.info(
        "pacing, server allowing half the limits (60/min)",
        format!("{ratio:.3} of the server's rate, {throttled} throttled, {failed} failed"),
    );
    Ok(())
}

/// `key` of run `run` in `{"bench":"pacing","known_limit":{…},"unknown_limit":{…}}` (flat
/// objects of numbers, as the benchmark prints them).
fn pacing_number(line: &str, run: &str, key: &str) -> Option<f64> {
    let (_, rest) = line.split_once(&format!("\"{run}\":{{"))?;
    let object = rest.split('}').next()?;
    object
        .split(',')
        .find_map(|pair| pair.strip_prefix(&format!("\"{key}\":")))?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------
// 3. Compile cost.

fn compile(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let generated = root.join("onenote-api/src/generated");
    let (files, lines) = line_count(&generated)?;
    summary.info(
        "generated code (onenote-api/src/generated)",
        format!("{lines} lines in {files} files"),
    );

    let tree = |extra: &[&str]| {
        let mut command = cargo(root);
        command.args([
            "tree",
            "-e",
            "normal",
            "-p",
            "onenote-api",
            "--prefix",
            "none",
        ]);
        command.args(extra);
        crate_count(command)
    };
    let with_default = tree(&[])?;
    let without_default = tree(&["--no-default-features"])?;
    summary.check(
        "normal dependency tree of onenote-api",
        format!("{with_default} crates ({without_default} without default features)"),
        "< 120 crates",
        with_default < 120,
    );

    // onenote-api alone: its dependencies built once in a target directory kept between runs.
    let target = root.join("target/bench/onenote-api-alone");
    let build = |command: &mut Command| {
        command
            .args(["build", "-p", "onenote-api", "--target-dir"])
            .arg(&target);
    };
    let mut deps = cargo(root);
    build(&mut deps);
    println!("building onenote-api's dependencies once (not timed)");
    run_quiet(deps)?;
    let mut times = Vec::new();
    for _ in 0..if quick { 1 } else { 3 } {
        let mut clean = cargo(root);
        clean
            .args(["clean", "-p", "onenote-api", "--target-dir"])
            .arg(&target);
        run_quiet(clean)?;
        let mut command = cargo(root);
        build(&mut command);
        times.push(run_timed(command)?);
    }
    let alone = median(&mut times);
    summary.check(
        "onenote-api alone, clean debug build (deps built)",
        format!("{alone:.1} s (median of {})", times.len()),
        "< 5 s",
        alone < 5.0,
    );

    if quick {
        return Ok(());
    }
    let temp = TempDir::new()?;
    let lock = root.join("Cargo.lock");

    let floor = hello(root, &temp.0, "hello-floor", &lock)?;
    let client = hello(root, &temp.0, "hello-client", &lock)?;
    summary.info(
        "hello-floor (reqwest + serde + tokio, rustls/ring), clean debug build",
        format!("{:.1} s, {} crates", floor.seconds, floor.crates),
    );
    summary.check(
        "hello-client (onenote-api), clean debug build",
        format!(
            "{:.1} s, {} crates ({:.2}× the floor)",
            client.seconds,
            client.crates,
            client.seconds / floor.seconds
        ),
        "≤ 1.2× the floor",
        client.seconds <= 1.2 * floor.seconds,
    );

    // What the default feature costs: onenote-api with its dependencies, from nothing.
    let mut fresh = Vec::new();
    for (name, extra) in [
        ("default features", &[][..]),
        ("--no-default-features", &["--no-default-features"][..]),
    ] {
        let dir = temp.0.join(format!("target-api-{}", fresh.len()));
        let mut command = cargo(root);
        command
            .args(["build", "-p", "onenote-api", "--target-dir"])
            .arg(&dir)
            .args(extra);
        let seconds = run_timed(command)?;
        remove_dir(&dir);
        fresh.push((name, seconds));
    }
    summary.info(
        "onenote-api with its dependencies, clean debug build",
        fresh
            .iter()
            .map(|(name, seconds)| format!("{seconds:.1} s with {name}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Ok(())
}

/// A hello-world crate's clean build.
struct Hello {
    seconds: f64,
    crates: usize,
}

/// Copies `bench/{name}` into `temp`, resolves its lockfile (seeded with the workspace's, so
/// the versions match), then times a clean debug build in a fresh target directory.
fn hello(root: &Path, temp: &Path, name: &str, lock: &Path) -> Result<Hello, String> {
    let source = root.join("bench").join(name);
    let copy = temp.join(name);
    copy_crate(&source, &copy)?;
    let manifest = copy.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("error: cannot read {}: {e}", manifest.display()))?;
    let api = root.join("onenote-api");
    let text = if text.contains("\"../../onenote-api\"") {
        text.replace(
            "\"../../onenote-api\"",
            &format!("{:?}", api.display().to_string()),
        )
    } else {
        text
    };
    fs::write(&manifest, text)
        .map_err(|e| format!("error: cannot write {}: {e}", manifest.display()))?;
    fs::copy(lock, copy.join("Cargo.lock"))
        .map_err(|e| format!("error: cannot copy {}: {e}", lock.display()))?;

    // Resolve and download first, so the timed build is compilation only.
    let mut fetch = cargo(&copy);
    fetch.arg("fetch");
    run_quiet(fetch)?;
    let mut tree = cargo(&copy);
    tree.args(["tree", "-e", "normal", "--prefix", "none"]);
    let crates = crate_count(tree)?;
    let mut build = cargo(&copy);
    build
        .args(["build", "--target-dir"])
        .arg(copy.join("target"));
    let seconds = run_timed(build)?;
    remove_dir(&copy.join("target"));
    Ok(Hello { seconds, crates })
}

/// Copies a crate's manifest and sources (not `target/` or a stray `Cargo.lock`).
fn copy_crate(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("error: cannot create {}: {e}", to.display()))?;
    let entries =
        fs::read_dir(from).map_err(|e| format!("error: cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("error: cannot list {}: {e}", from.display()))?;
        let name = entry.file_name();
        if name == "target" || name == "Cargo.lock" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if source.is_dir() {
            copy_crate(&source, &dest)?;
        } else {
            fs::copy(&source, &dest)
                .map_err(|e| format!("error: cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// `(files, lines)` of the `*.rs` files in `dir`.
fn line_count(dir: &Path) -> Result<(usize, usize), String> {
    let entries =
        fs::read_dir(dir).map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?;
    let (mut files, mut lines) = (0, 0);
    for entry in entries {
        let path = entry
            .map_err(|e| format!("error: cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            files += 1;
            lines += text.lines().count();
        }
    }
    Ok((files, lines))
}

/// Distinct packages `cargo tree --prefix none` lists, not counting the root.
fn crate_count(command: Command) -> Result<usize, String> {
    let output = run_quiet(command)?;
    let packages: BTreeSet<&str> = output
        .lines()
        .map(|line| line.trim().trim_end_matches(" (*)"))
        .filter(|line| !line.is_empty())
        .collect();
    Ok(packages.len().saturating_sub(1))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// A temporary folder for the clean builds, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("onenote-api-bench-{}", std::process::id()));
        remove_dir(&dir);
        fs::create_dir_all(&dir)
            .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        remove_dir(&self.0);
    }
}

/// Removes a folder if it exists; a failure only leaves disk space used, so it is reported
/// and ignored.
fn remove_dir(dir: &Path) {
    if dir.exists()
        && let Err(error) = fs::remove_dir_all(dir)
    {
        eprintln!("warning: cannot remove {}: {error}", dir.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes.

/// `cargo` (the one running us), started in `dir`.
fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    command
}

/// The command line as a user would type it (from the workspace or the crate's folder).
fn shown(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    if text.ends_with("/cargo") || text.ends_with("\\cargo") {
        text = "cargo".to_owned();
    }
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        text.push(' ');
        if arg.contains(' ') {
            text.push_str(&format!("{arg:?}"));
        } else {
            text.push_str(&arg);
        }
    }
    text
}

fn announce(command: &Command) {
    let dir = command
        .get_current_dir()
        .map(|d| format!(" (in {})", d.display()))
        .unwrap_or_default();
    println!("$ {}{dir}", shown(command));
}

/// Runs `command`, echoing its stdout line by line as it comes (stderr goes straight to the
/// terminal), and returns the stdout.
fn run_echoed(mut command: Command) -> Result<String, String> {
    announce(&command);
    let what = shown(&command);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("error: cannot run `{what}`: {e}"))?;
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line =
                line.map_err(|e| format!("error: cannot read the output of `{what}`: {e}"))?;
            println!("{line}");
            output.push_str(&line);
            output.push('\n');
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("error: `{what}` did not finish: {e}"))?;
    if !status.success() {
        return Err(format!("error: `{what}` failed ({status})"));
    }
    Ok(output)
}

/// Runs `command` without echoing; on failure its stderr is part of the error.
fn run_quiet(mut command: Command) -> Result<String, String> {
    announce(&command);
    let what = shown(&command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("error: cannot run `{what}`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "error: `{what}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `command` and returns its wall time in seconds.
fn run_timed(command: Command) -> Result<f64, String> {
    let start = Instant::now();
    run_quiet(command)?;
    let seconds = start.elapsed().as_secs_f64();
    println!("  {seconds:.1} s");
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_divan_medians() {
        let output = "\
codegen      fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ emit                    │               │               │               │         │
│  ├─ 1      2.008 ms      │ 2.296 ms      │ 2.116 ms      │ 2.12 ms       │ 100     │ 100
│  │         10.95 Kitem/s │ 9.578 Kitem/s │ 10.39 Kitem/s │ 10.37 Kitem/s │         │
│  ╰─ 100    196.2 ms      │ 252.7 ms      │ 206.2 ms      │ 206 ms        │ 21      │ 21
╰─ validate                │               │               │               │         │
   ├─ 1      242.7 µs      │ 431.6 µs      │ 264.3 µs      │ 268.9 µs      │ 100     │ 100
   ╰─ 100    1.153 s       │ 1.205 s       │ 1.156 s       │ 1.169 s       │ 9       │ 9
";
        let medians = divan_medians(output);
        let get = |name: &str, arg| medians[&(name.to_owned(), arg)];
        assert_eq!(medians.len(), 4);
        assert!((get("emit", 1) - 2.116e-3).abs() < 1e-12);
        assert!((get("emit", 100) - 0.2062).abs() < 1e-12);
        assert!((get("validate", 1) - 264.3e-6).abs() < 1e-12);
        assert!((get("validate", 100) - 1.156).abs() < 1e-12);
    }

    #[test]
    fn reads_spec_sizes() {
        let output = "spec 1x: 22 operations, 21 types, 6 files, 33539 bytes\n\
                      spec 10x: 220 operations, 210 types, 51 files, 334593 bytes\n\
                      spec 100x: 2200 operations, 2100 types, 501 files, 3355663 bytes\n";
        let sizes = spec_sizes(output).unwrap();
        assert_eq!(sizes[&1], (22, 21));
        assert_eq!(sizes[&100], (2200, 2100));
    }

    #[test]
    fn reads_the_pacing_json_line() {
        let line = r#"{"bench":"pacing","known_limit":{"requests":1200,"failed":0,"throttled":0,"waits":22,"ratio":1.0000,"virtual_s":7384.8,"wall_s":0.038},"unknown_limit":{"requests":360,"failed":0,"throttled":13,"waits":26,"ratio":0.9887,"virtual_s":363.8,"wall_s":0.012}}"#;
        assert_eq!(pacing_number(line, "known_limit", "ratio"), Some(1.0));
        assert_eq!(
            pacing_number(line, "unknown_limit", "throttled"),
            Some(13.0)
        );
        assert_eq!(pacing_number(line, "unknown_limit", "missing"), None);
        assert_eq!(pacing_number(line, "other", "ratio"), None);
    }
}

//! `cargo xtask bench [--quick] [--only SECTION] [--baseline COMMIT]`: runs the codegen,
//! client-overhead, pacing, roster-sync, command-line and compile-cost benchmarks and prints one
//! table of results against the project's targets (see BENCHMARKS.md).
//!
//! The timed work runs in child processes (`cargo bench`, `cargo build`, callgrind); this module
//! starts them, reads what they report in machine-readable form (the benchmarks' JSON lines,
//! callgrind's `totals:` line, cargo's JSON messages), and judges every target in [`TARGETS`]
//! by the measure that row names: instruction counts where there are any, since they do not
//! move with the machine's load. Every command it runs is printed first (`$ cargo …`), so a
//! result can be reproduced by hand.
//!
//! `--baseline COMMIT` also measures the generator of another commit (its tree extracted under
//! `target/bench/`, given this tree's spec) in the same run and prints its codegen rows and the
//! ratios beside this tree's: old and new side by side, on the same machine at the same time.
//! `--only SECTION` (codegen, client, pacing, roster, compile) runs one section.
//!
//! Adding a benchmark: a section function that runs it and records its rows, and a line in
//! [`TARGETS`] for each row with a target.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

/// The `onenote` command against the fake, beside curl (its own file, so this one stays the
/// other benchmarks').
mod command_line;

/// Spec sizes the codegen benchmark builds, as multiples of the real spec.
const FACTORS: [usize; 3] = [1, 10, 100];

/// Every target, in the order the summary shows them: the row it judges, the limit, and the
/// measure that decides.
const TARGETS: &[Target] = &[
    Target {
        row: "codegen total, real spec",
        limit: Limit::Below(0.020),
        shown: "< 20 ms",
        decided_by: Measure::Wall,
    },
    Target {
        row: "codegen total, 100x spec",
        limit: Limit::Below(1.5),
        shown: "< 1.5 s",
        decided_by: Measure::Wall,
    },
    Target {
        row: "codegen cost per operation, 100x vs 1x",
        limit: Limit::AtMost(1.1),
        shown: "≤ 1.1×",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "cargo xtask codegen --check, warm, end to end",
        limit: Limit::Below(0.3),
        shown: "< 0.3 s",
        decided_by: Measure::Wall,
    },
    Target {
        row: "client GET 50 notebooks, sequential",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95× hand-written",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "client GET 50 notebooks, 16 in flight",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95× hand-written",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "client POST create Math 101, sequential",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95× hand-written",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "client POST create Math 101, 16 in flight",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95× hand-written",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "client POST 16 in flight, through the pacer",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95× hand-written",
        decided_by: Measure::Instructions,
    },
    Target {
        row: "pacing, server enforcing the default limits (400/h): share of the limit",
        limit: Limit::AtLeast(0.95),
        shown: "≥ 0.95",
        decided_by: Measure::VirtualTime,
    },
    Target {
        row: "pacing, server enforcing the default limits (400/h): throttled (429)",
        limit: Limit::AtMost(0.0),
        shown: "none",
        decided_by: Measure::VirtualTime,
    },
    Target {
        row: "roster sync against the fake enforcing the default limits (400/h): share of the quota",
        limit: Limit::AtLeast(0.9),
        shown: "≥ 0.9",
        decided_by: Measure::VirtualTime,
    },
    Target {
        row: "roster sync against the fake enforcing the default limits (400/h): throttled (429)",
        limit: Limit::AtMost(0.0),
        shown: "none",
        decided_by: Measure::VirtualTime,
    },
    Target {
        row: "normal dependency tree of onenote-api",
        limit: Limit::Below(120.0),
        shown: "< 120 crates",
        decided_by: Measure::Count,
    },
    Target {
        row: "onenote-api alone, clean debug build (deps built)",
        limit: Limit::Below(5.0),
        shown: "< 5 s",
        decided_by: Measure::Wall,
    },
    Target {
        row: "hello-client (onenote-api) vs hello-floor, clean debug build",
        limit: Limit::AtMost(1.2),
        shown: "≤ 1.2× the floor",
        decided_by: Measure::Wall,
    },
];

/// One target of [`TARGETS`].
struct Target {
    row: &'static str,
    limit: Limit,
    /// The limit as the table shows it.
    shown: &'static str,
    decided_by: Measure,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Limit {
    Below(f64),
    AtMost(f64),
    AtLeast(f64),
}

impl Limit {
    fn met(self, value: f64) -> bool {
        match self {
            Limit::Below(limit) => value < limit,
            Limit::AtMost(limit) => value <= limit,
            Limit::AtLeast(limit) => value >= limit,
        }
    }
}

/// What a figure is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    /// Wall-clock time, or a ratio of wall-clock figures.
    Wall,
    /// Instructions counted by callgrind, or a ratio of them.
    Instructions,
    /// A count that does not depend on time (crates).
    Count,
    /// Requests over virtual time: the pacing bench runs client and server on a paused clock,
    /// so its figures are the same on any machine.
    VirtualTime,
}

/// Runs every benchmark and prints the summary.
pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let options = Options::parse(args)?;
    let quick = options.quick;
    let started = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let callgrind = Callgrind::find()?;
    let mut summary = Summary::default();
    println!("load average at the start: {}", load_average());

    if options.runs("codegen") {
        section("1/3 codegen in process");
        codegen(root, &options, callgrind.as_ref(), &mut summary)?;
    }
    if options.runs("client") {
        section("2/3 client overhead against hand-written reqwest + serde_json");
        client(root, quick, callgrind.as_ref(), &mut summary)?;
    }
    if options.runs("pacing") {
        section("2b/3 pacing against a local throttling server (virtual time)");
        pacing(root, &mut summary)?;
    }
    if options.runs("roster") {
        section("2c/3 roster sync against the fake enforcing OneNote's limits (virtual time)");
        roster_sync(root, &mut summary)?;
    }
    if options.runs("command-line") {
        section("2d/3 the onenote command against the fake, beside curl");
        command_line::run(root, quick, callgrind.as_ref(), &mut summary)?;
    }
    if options.runs("compile") {
        section("3/3 compile cost");
        compile(root, quick, &mut summary)?;
    }

    section(&format!(
        "summary ({}; {cores} cores; {:.0} s; load average at the end {})",
        if quick { "--quick" } else { "full run" },
        started.elapsed().as_secs_f64(),
        load_average()
    ));
    print!("{}", summary.table());
    if callgrind.is_none() {
        println!("\n(valgrind is not installed: targets decided by instructions are unmeasured)");
    }
    if quick {
        println!(
            "\n(--quick: fewer samples and requests, no 100x instruction count, no clean hello-world builds)"
        );
    }
    Ok(())
}

/// What `cargo xtask bench` was asked to run.
struct Options {
    quick: bool,
    /// Only this section (`codegen`, `client`, `pacing`, `roster`, `compile`).
    only: Option<String>,
    /// A commit whose generator is measured beside this tree's.
    baseline: Option<String>,
}

const SECTIONS: [&str; 6] = [
    "codegen",
    "client",
    "pacing",
    "roster",
    "command-line",
    "compile",
];

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            quick: false,
            only: None,
            baseline: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only" => {
                    let section = args.next().filter(|s| SECTIONS.contains(&s.as_str()));
                    let Some(section) = section else {
                        return Err(format!("`--only` takes one of: {}", SECTIONS.join(", ")));
                    };
                    options.only = Some(section.clone());
                }
                "--baseline" => match args.next() {
                    Some(commit) => options.baseline = Some(commit.clone()),
                    None => return Err("`--baseline` takes a commit (e.g. main)".to_owned()),
                },
                other => {
                    return Err(format!(
                        "unknown option `{other}` for `bench` (--quick, --only SECTION, --baseline COMMIT)"
                    ));
                }
            }
        }
        Ok(options)
    }

    fn runs(&self, section: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == section)
    }
}

fn section(title: &str) {
    println!("\n=== {title}\n");
}

/// The 1, 5 and 15 minute load averages (Linux), to read wall-clock figures by.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

// ---------------------------------------------------------------------------------------------
// The summary table.

/// A figure: its value (what a target compares) and how the table shows it.
#[derive(Clone, Debug)]
struct Figure {
    value: f64,
    text: String,
}

fn figure(value: f64, text: impl Into<String>) -> Option<Figure> {
    Some(Figure {
        value,
        text: text.into(),
    })
}

/// A figure no target compares: text only.
fn info(text: impl Into<String>) -> Option<Figure> {
    figure(f64::NAN, text)
}

#[derive(Default)]
struct Summary {
    rows: Vec<Row>,
}

/// One row: wall clock (or a count) beside instructions.
struct Row {
    name: String,
    result: Option<Figure>,
    instructions: Option<Figure>,
    /// Why the instruction column is empty, when it is.
    no_instructions: &'static str,
}

impl Summary {
    fn add(
        &mut self,
        name: impl Into<String>,
        result: Option<Figure>,
        instructions: Option<Figure>,
    ) {
        self.rows.push(Row {
            name: name.into(),
            result,
            instructions,
            no_instructions: "",
        });
    }

    /// A row whose instruction figure was not taken, and why.
    fn add_without_instructions(
        &mut self,
        name: impl Into<String>,
        result: Option<Figure>,
        why: &'static str,
    ) {
        self.rows.push(Row {
            name: name.into(),
            result,
            instructions: None,
            no_instructions: why,
        });
    }

    /// The verdict on `row`: `None` when no target names it.
    fn verdict(row: &Row) -> Option<(&'static Target, &'static str)> {
        let target = TARGETS.iter().find(|t| t.row == row.name)?;
        let figure = match target.decided_by {
            Measure::Wall | Measure::Count | Measure::VirtualTime => row.result.as_ref(),
            Measure::Instructions => row.instructions.as_ref(),
        };
        let verdict = match figure {
            Some(figure) if target.limit.met(figure.value) => "met",
            Some(_) => "MISSED",
            None => "unmeasured",
        };
        Some((target, verdict))
    }

    /// A Markdown table, so it can go into BENCHMARKS.md as printed.
    fn table(&self) -> String {
        let mut lines = vec![[
            "measure".to_owned(),
            "wall clock (or count)".to_owned(),
            "instructions (callgrind)".to_owned(),
            "target".to_owned(),
            "decided by".to_owned(),
            String::new(),
        ]];
        for row in &self.rows {
            let (target, decided_by, verdict) = match Self::verdict(row) {
                Some((target, verdict)) => (
                    target.shown,
                    match target.decided_by {
                        Measure::Wall => "wall clock",
                        Measure::Instructions => "instructions",
                        Measure::Count => "count",
                        Measure::VirtualTime => "virtual time",
                    },
                    verdict,
                ),
                None => ("", "", ""),
            };
            let text = |figure: &Option<Figure>| figure.as_ref().map(|f| f.text.clone());
            lines.push([
                row.name.clone(),
                text(&row.result).unwrap_or_default(),
                text(&row.instructions).unwrap_or_else(|| row.no_instructions.to_owned()),
                target.to_owned(),
                decided_by.to_owned(),
                verdict.to_owned(),
            ]);
        }
        for target in TARGETS {
            if !self.rows.iter().any(|row| row.name == target.row) {
                lines.push([
                    target.row.to_owned(),
                    "not run".to_owned(),
                    String::new(),
                    target.shown.to_owned(),
                    String::new(),
                    "unmeasured".to_owned(),
                ]);
            }
        }
        let widths: Vec<usize> = (0..6)
            .map(|column| {
                lines
                    .iter()
                    .map(|line| line[column].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (index, line) in lines.iter().enumerate() {
            out.push('|');
            for (cell, width) in line.iter().zip(&widths) {
                let _ = write!(out, " {} |", pad(cell, *width));
            }
            out.push('\n');
            if index == 0 {
                out.push('|');
                for width in &widths {
                    let _ = write!(out, "{}|", "-".repeat(width + 2));
                }
                out.push('\n');
            }
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
// Reading benchmark output.

/// The JSON lines a benchmark printed (`{"bench": …, "case": …, …}`), by case.
/// The one JSON line of a benchmark that prints a single `{"bench":"<bench>",…}` line.
fn bench_line(output: &str, bench: &str) -> Result<Value, String> {
    output
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|value| value["bench"] == bench)
        .ok_or_else(|| format!("error: the {bench} benchmark printed no JSON line"))
}

fn json_lines(output: &str) -> BTreeMap<String, Value> {
    output
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| Some((value.get("case")?.as_str()?.to_owned(), value)))
        .collect()
}

/// A number field of a benchmark's JSON line, or an error naming what is missing.
fn number(lines: &BTreeMap<String, Value>, case: &str, field: &str) -> Result<f64, String> {
    lines
        .get(case)
        .and_then(|line| line.get(field))
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("error: the benchmark printed no `{field}` for case {case}"))
}

// ---------------------------------------------------------------------------------------------
// Instruction counts.

/// valgrind's callgrind, when installed: counts the instructions a benchmark's `--repeat`
/// mode executes.
struct Callgrind {
    dir: TempDir,
}

impl Callgrind {
    fn find() -> Result<Option<Callgrind>, String> {
        let found = Command::new("valgrind")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !found {
            return Ok(None);
        }
        Ok(Some(Callgrind {
            dir: TempDir::new("callgrind")?,
        }))
    }

    /// Instructions per repetition of `args`: runs `executable args… 0` and
    /// `executable args… count` under callgrind and divides the difference by `count`, so
    /// start-up and setup are not counted.
    fn per_repetition(&self, executable: &Path, args: &[&str], count: u64) -> Result<f64, String> {
        let base = self.total(executable, args, 0)?;
        let with = self.total(executable, args, count)?;
        Ok(with.saturating_sub(base) as f64 / count as f64)
    }

    /// The instructions of one run, from callgrind's output file.
    fn total(&self, executable: &Path, args: &[&str], count: u64) -> Result<u64, String> {
        let out = self.dir.0.join("callgrind.out");
        let mut command = Command::new("valgrind");
        command
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(executable)
            .arg("--repeat")
            .args(args)
            .arg(count.to_string());
        run_quiet(command)?;
        let text = fs::read_to_string(&out)
            .map_err(|e| format!("error: cannot read {}: {e}", out.display()))?;
        callgrind_totals(&text).ok_or_else(|| format!("error: no totals in {}", out.display()))
    }
}

/// The `totals:` (or `summary:`) count of a callgrind output file: instructions, the only
/// event collected by default.
fn callgrind_totals(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// The path of a benchmark's executable, from cargo's JSON messages (building it if needed).
fn bench_executable(root: &Path, package: &str, bench: &str) -> Result<PathBuf, String> {
    let mut command = cargo(root);
    command.args([
        "bench",
        "-p",
        package,
        "--bench",
        bench,
        "--no-run",
        "--message-format=json",
    ]);
    let output = run_quiet(command)?;
    output
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["target"]["name"] == bench)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("error: cargo named no executable for bench {bench}"))
}

// ---------------------------------------------------------------------------------------------
// 1. Codegen.

fn codegen(
    root: &Path,
    options: &Options,
    callgrind: Option<&Callgrind>,
    summary: &mut Summary,
) -> Result<(), String> {
    let executable = bench_executable(root, "codegen", "codegen")?;
    let baseline = match &options.baseline {
        Some(commit) => Some((commit.as_str(), baseline_executable(root, commit)?)),
        None => None,
    };
    // The baseline first, then this tree, close together in time.
    let old = match &baseline {
        Some((commit, old)) => {
            println!("the generator of {commit}:");
            Some(measure_codegen(old, options.quick, callgrind)?)
        }
        None => None,
    };
    println!("this tree's generator:");
    let new = measure_codegen(&executable, options.quick, callgrind)?;
    codegen_rows(&new, "", summary)?;
    if let (Some((commit, _)), Some(old)) = (&baseline, &old) {
        let suffix = format!(", baseline {commit}");
        codegen_rows(old, &suffix, summary)?;
        codegen_comparison(&new, old, commit, summary)?;
    }
    codegen_check(root, summary)
}

/// One generator's figures: its benchmark's JSON lines (wall clock) and the instructions of one
/// `codegen::generate` at each factor it counted.
struct CodegenRun {
    lines: BTreeMap<String, Value>,
    instructions: BTreeMap<usize, f64>,
    quick: bool,
    counted: bool,
}

fn measure_codegen(
    executable: &Path,
    quick: bool,
    callgrind: Option<&Callgrind>,
) -> Result<CodegenRun, String> {
    let mut command = Command::new(executable);
    if quick {
        command.arg("--quick");
    }
    let lines = json_lines(&run_echoed(command)?);
    // Instructions of one `codegen::generate` at each size (100x: full runs only, it takes
    // minutes under callgrind).
    let mut instructions = BTreeMap::new();
    if let Some(callgrind) = callgrind {
        for (factor, count) in [(1, 5), (10, 1), (100, 1)] {
            if quick && factor == 100 {
                continue;
            }
            let case = format!("total/{factor}x");
            println!("counting instructions of {case}");
            instructions.insert(
                factor,
                callgrind.per_repetition(executable, &[&case], count)?,
            );
        }
    }
    Ok(CodegenRun {
        lines,
        instructions,
        quick,
        counted: callgrind.is_some(),
    })
}

impl CodegenRun {
    fn number(&self, case: &str, field: &str) -> Result<f64, String> {
        number(&self.lines, case, field)
    }

    fn operations(&self, factor: usize) -> Result<f64, String> {
        self.number(&format!("spec/{factor}x"), "operations")
    }

    fn wall(&self, stage: &str, factor: usize, field: &str) -> Result<f64, String> {
        self.number(&format!("{stage}/{factor}x"), field)
    }

    /// (median, fastest) of `codegen::generate` at `factor`.
    fn total(&self, factor: usize) -> Result<(f64, f64), String> {
        Ok((
            self.wall("total", factor, "median")?,
            self.wall("total", factor, "fastest")?,
        ))
    }

    /// Why a factor has no instruction count.
    fn no_count(&self) -> &'static str {
        if !self.counted {
            "valgrind not installed"
        } else if self.quick {
            "not counted (--quick)"
        } else {
            ""
        }
    }
}

/// The codegen rows of one generator; `suffix` names a baseline's rows (no target judges them).
fn codegen_rows(run: &CodegenRun, suffix: &str, summary: &mut Summary) -> Result<(), String> {
    let (ops_1, types_1) = (run.operations(1)?, run.number("spec/1x", "types")?);
    let stages = ["load", "emit", "format"]
        .iter()
        .map(|stage| {
            Ok(format!(
                "{stage} {}",
                duration(run.wall(stage, 1, "median")?)
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    summary.add_without_instructions(
        format!(
            "codegen stages (one thread each), real spec ({ops_1} operations, {types_1} types){suffix}"
        ),
        info(stages.join(", ")),
        "",
    );
    let total_1 = run.total(1)?;
    summary.add(
        format!("codegen total, real spec{suffix}"),
        figure(total_1.1, timed(total_1)),
        run.instructions
            .get(&1)
            .and_then(|&count| figure(count, count_text(count))),
    );
    let per_op_1 = total_1.0 / ops_1;
    for factor in &FACTORS[1..] {
        let ops = run.operations(*factor)?;
        let total = run.total(*factor)?;
        let growth = (total.0 / ops) / per_op_1;
        let counted = match (run.instructions.get(factor), run.instructions.get(&1)) {
            (Some(&count), Some(&count_1)) => Some((count, (count / ops) / (count_1 / ops_1))),
            _ => None,
        };
        let mut per_stage = Vec::new();
        for stage in ["load", "emit", "format"] {
            let ratio = (run.wall(stage, *factor, "median")? / ops)
                / (run.wall(stage, 1, "median")? / ops_1);
            per_stage.push(format!("{stage} {ratio:.2}×"));
        }
        summary.add_without_instructions(
            format!("codegen cost per operation by stage, {factor}x vs 1x{suffix}"),
            info(per_stage.join(", ")),
            "",
        );
        let total_row = format!("codegen total, {factor}x spec{suffix}");
        let total_wall = figure(total.1, format!("{} ({ops} operations)", timed(total)));
        let total_count = counted.and_then(|(count, _)| figure(count, count_text(count)));
        let growth_row = format!("codegen cost per operation, {factor}x vs 1x{suffix}");
        let growth_wall = figure(
            growth,
            format!(
                "{growth:.2}× ({}/op vs {}/op)",
                duration(total.0 / ops),
                duration(per_op_1)
            ),
        );
        let growth_count = counted.and_then(|(count, ratio)| {
            figure(
                ratio,
                format!(
                    "{ratio:.2}× ({}/op vs {}/op)",
                    count_text(count / ops),
                    count_text(run.instructions[&1] / ops_1)
                ),
            )
        });
        if counted.is_some() {
            summary.add(total_row, total_wall, total_count);
            summary.add(growth_row, growth_wall, growth_count);
        } else {
            summary.add_without_instructions(total_row, total_wall, run.no_count());
            summary.add_without_instructions(growth_row, growth_wall, run.no_count());
        }
    }
    Ok(())
}

/// This tree ÷ the baseline, for each spec size: the fastest wall time and the instructions.
fn codegen_comparison(
    new: &CodegenRun,
    old: &CodegenRun,
    commit: &str,
    summary: &mut Summary,
) -> Result<(), String> {
    for factor in FACTORS {
        let (new_wall, old_wall) = (new.total(factor)?.1, old.total(factor)?.1);
        let wall = new_wall / old_wall;
        let name = match factor {
            1 => format!("codegen total, real spec: this tree vs {commit}"),
            _ => format!("codegen total, {factor}x spec: this tree vs {commit}"),
        };
        let result = figure(
            wall,
            format!(
                "{wall:.2}× ({} vs {}, fastest)",
                duration(new_wall),
                duration(old_wall)
            ),
        );
        match (new.instructions.get(&factor), old.instructions.get(&factor)) {
            (Some(&new_count), Some(&old_count)) => {
                let ratio = new_count / old_count;
                let counted = figure(
                    ratio,
                    format!(
                        "{ratio:.2}× ({} vs {})",
                        count_text(new_count),
                        count_text(old_count)
                    ),
                );
                summary.add(name, result, counted);
            }
            _ => summary.add_without_instructions(name, result, new.no_count()),
        }
    }
    Ok(())
}

/// The codegen benchmark of `commit`: its files extracted into `target/bench/baseline-<commit>`
/// (kept between runs, with its own target folder), this tree's `spec/` copied over its own so
/// both generators read the same input, and built there.
fn baseline_executable(root: &Path, commit: &str) -> Result<PathBuf, String> {
    let mut rev = Command::new("git");
    rev.arg("-C")
        .arg(root)
        .args(["rev-parse", "--short", &format!("{commit}^{{commit}}")]);
    let short = run_quiet(rev)?.trim().to_owned();
    let tree = root.join("target/bench").join(format!("baseline-{short}"));
    if !tree.join("Cargo.toml").exists() {
        fs::create_dir_all(&tree)
            .map_err(|e| format!("error: cannot create {}: {e}", tree.display()))?;
        let archive = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["archive", &short])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("error: cannot run git archive: {e}"))?;
        let Some(stdout) = archive.stdout else {
            return Err("error: git archive gave no output".to_owned());
        };
        println!("$ git archive {short} | tar -x -C {}", tree.display());
        let status = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&tree)
            .stdin(stdout)
            .status()
            .map_err(|e| format!("error: cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!("error: extracting {short} failed ({status})"));
        }
    }
    let spec = tree.join("spec");
    remove_dir(&spec);
    copy_crate(&root.join("spec"), &spec)?;
    bench_executable(&tree, "codegen", "codegen")
}

/// `cargo xtask codegen --check` end to end, as a user runs it: once to build and warm up, then
/// five times; the fastest counts (load only adds time).
fn codegen_check(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let check = || {
        let mut command = cargo(root);
        command.args(["xtask", "codegen", "--check"]);
        command
    };
    run_quiet(check())?;
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        run_quiet(check())?;
        times.push(start.elapsed().as_secs_f64());
    }
    summary.add_without_instructions(
        "cargo xtask codegen --check, warm, end to end",
        fastest_of(times, duration),
        "not applicable",
    );
    Ok(())
}

/// The fastest of several timed runs (load only ever adds time), shown with every run.
fn fastest_of(mut times: Vec<f64>, each: impl Fn(f64) -> String) -> Option<Figure> {
    times.sort_by(f64::total_cmp);
    let fastest = times.first().copied().unwrap_or(0.0);
    let runs: Vec<String> = times.iter().map(|t| each(*t)).collect();
    figure(
        fastest,
        format!("{} (runs: {})", duration(fastest), runs.join(", ")),
    )
}

/// `8.91 ms (fastest 8.52 ms)` from (median, fastest).
fn timed((median, fastest): (f64, f64)) -> String {
    format!("{} (fastest {})", duration(median), duration(fastest))
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

/// An instruction count as a short figure (`89.9 M`, `1.86 M`, `9.93 G`, `127 k`).
fn count_text(count: f64) -> String {
    if count >= 1e9 {
        format!("{:.2} G", count / 1e9)
    } else if count >= 1e6 {
        format!("{:.2} M", count / 1e6)
    } else {
        format!("{:.0} k", count / 1e3)
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Client overhead.

/// The client benchmark's cases: its id, and how many requests callgrind counts (full, quick).
const CLIENT_CASES: [(&str, u64, u64); 5] = [
    ("get-sequential", 100, 20),
    ("get-16-in-flight", 100, 32),
    ("post-sequential", 400, 100),
    ("post-16-in-flight", 400, 100),
    ("post-16-in-flight-paced", 400, 100),
];

fn client(
    root: &Path,
    quick: bool,
    callgrind: Option<&Callgrind>,
    summary: &mut Summary,
) -> Result<(), String> {
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
    let lines = json_lines(&run_echoed(command)?);
    let executable = match callgrind {
        Some(_) => Some(bench_executable(root, "onenote-api", "client_overhead")?),
        None => None,
    };
    for (case, full, short) in CLIENT_CASES {
        let label = lines
            .get(case)
            .and_then(|line| line["label"].as_str())
            .ok_or_else(|| format!("error: the client benchmark printed no case {case}"))?;
        let (client, hand, ratio) = (
            number(&lines, case, "client")?,
            number(&lines, case, "hand")?,
            number(&lines, case, "ratio")?,
        );
        let wall = figure(
            ratio,
            format!("{client:.0} vs {hand:.0} req/s: {ratio:.3}×"),
        );
        let name = format!("client {label}");
        match (callgrind, &executable) {
            (Some(callgrind), Some(executable)) => {
                let count = if quick { short } else { full };
                println!("counting instructions of {case} ({count} requests per side)");
                let client = callgrind.per_repetition(executable, &[case, "client"], count)?;
                let hand = callgrind.per_repetition(executable, &[case, "hand"], count)?;
                // Requests per instruction, relative: the same sense as the req/s ratio.
                let ratio = hand / client;
                let counted = figure(
                    ratio,
                    format!(
                        "{} vs {} per request: {ratio:.3}×",
                        count_text(client),
                        count_text(hand)
                    ),
                );
                summary.add(name, wall, counted);
            }
            _ => summary.add_without_instructions(name, wall, "valgrind not installed"),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2b. Pacing.

fn pacing(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let mut command = cargo(root);
    command.args(["bench", "-p", "onenote-api", "--bench", "pacing"]);
    let line = bench_line(&run_echoed(command)?, "pacing")?;
    let number = |run: &str, key: &str| {
        line[run][key]
            .as_f64()
            .ok_or_else(|| format!("error: no {run}.{key} in the pacing JSON line: {line}"))
    };
    let not_counted = "not applicable (virtual time)";
    let ratio = number("known_limit", "ratio")?;
    summary.add_without_instructions(
        "pacing, server enforcing the default limits (400/h): share of the limit",
        figure(ratio, format!("{ratio:.3} of the limit")),
        not_counted,
    );
    let throttled = number("known_limit", "throttled")?;
    summary.add_without_instructions(
        "pacing, server enforcing the default limits (400/h): throttled (429)",
        figure(throttled, format!("{throttled} throttled")),
        not_counted,
    );
    let (ratio, throttled, failed) = (
        number("unknown_limit", "ratio")?,
        number("unknown_limit", "throttled")?,
        number("unknown_limit", "failed")?,
    );
    summary.add_without_instructions(
        "pacing, server allowing half the limits (60/min)",
        info(format!(
            "{ratio:.3} of the server's rate, {throttled} throttled, {failed} failed"
        )),
        not_counted,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2c. Roster sync.

fn roster_sync(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let mut command = cargo(root);
    command.args(["bench", "-p", "onenote-roster", "--bench", "sync"]);
    let line = bench_line(&run_echoed(command)?, "roster_sync")?;
    let number = |key: &str| {
        line[key]
            .as_f64()
            .ok_or_else(|| format!("error: no {key} in the roster sync JSON line: {line}"))
    };
    let not_counted = "not applicable (virtual time)";
    let (ratio, per_minute, quota) = (
        number("ratio")?,
        number("per_minute")?,
        number("quota_per_minute")?,
    );
    summary.add_without_instructions(
        "roster sync against the fake enforcing the default limits (400/h): share of the quota",
        figure(
            ratio,
            format!("{per_minute:.2} enrolments/min of {quota:.2}: {ratio:.3} of the quota"),
        ),
        not_counted,
    );
    let throttled = number("throttled")?;
    summary.add_without_instructions(
        "roster sync against the fake enforcing the default limits (400/h): throttled (429)",
        figure(throttled, format!("{throttled} throttled")),
        not_counted,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. Compile cost.

fn compile(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let generated = root.join("onenote-api/src/generated");
    let (files, lines) = line_count(&generated)?;
    let not_counted = "not applicable";
    summary.add_without_instructions(
        "generated code (onenote-api/src/generated)",
        info(format!("{lines} lines in {files} files")),
        not_counted,
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
    summary.add_without_instructions(
        "normal dependency tree of onenote-api",
        figure(
            with_default as f64,
            format!("{with_default} crates ({without_default} without default features)"),
        ),
        not_counted,
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
    summary.add_without_instructions(
        "onenote-api alone, clean debug build (deps built)",
        fastest_of(times, |t| format!("{t:.1} s")),
        not_counted,
    );

    if quick {
        return Ok(());
    }
    let temp = TempDir::new("builds")?;
    let lock = root.join("Cargo.lock");

    let floor = hello(root, &temp.0, "hello-floor", &lock)?;
    let client = hello(root, &temp.0, "hello-client", &lock)?;
    // The client a Rust user would otherwise pick for Graph's OneNote calls.
    let graph_rs = hello(root, &temp.0, "hello-graph-rs", &lock)?;
    summary.add_without_instructions(
        "hello-floor (reqwest + serde + tokio, rustls/ring), clean debug build",
        figure(
            floor.seconds,
            format!("{:.1} s, {} crates", floor.seconds, floor.crates),
        ),
        not_counted,
    );
    let ratio = client.seconds / floor.seconds;
    summary.add_without_instructions(
        "hello-client (onenote-api) vs hello-floor, clean debug build",
        figure(
            ratio,
            format!(
                "{:.1} s, {} crates: {ratio:.2}× the floor",
                client.seconds, client.crates
            ),
        ),
        not_counted,
    );

    let ratio = client.seconds / graph_rs.seconds;
    summary.add_without_instructions(
        "hello-client vs the same call with graph-rs-sdk 3 (rustls), clean debug build",
        figure(
            ratio,
            format!(
                "{:.1} s vs {:.1} s, {} crates: {ratio:.2}×",
                client.seconds, graph_rs.seconds, graph_rs.crates
            ),
        ),
        not_counted,
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
    summary.add_without_instructions(
        "onenote-api with its dependencies, clean debug build",
        figure(
            0.0,
            fresh
                .iter()
                .map(|(name, seconds)| format!("{seconds:.1} s with {name}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        not_counted,
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

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(purpose: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "onenote-api-bench-{purpose}-{}",
            std::process::id()
        ));
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

/// Runs `command`, echoing its stdout line by line as it comes (its JSON lines are read, not
/// shown; stderr goes straight to the terminal), and returns the stdout.
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
            if !line.starts_with('{') {
                println!("{line}");
            }
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
    fn reads_json_lines_by_case_and_skips_the_rest() {
        let output = "\
total/1x     median      8.910 ms   fastest      8.500 ms
{\"bench\":\"codegen\",\"case\":\"total/1x\",\"median\":0.00891,\"fastest\":0.0085}
{\"bench\":\"codegen\",\"case\":\"spec/1x\",\"operations\":22,\"types\":21}
{not json
";
        let lines = json_lines(output);
        assert_eq!(lines.len(), 2);
        assert_eq!(number(&lines, "total/1x", "fastest"), Ok(0.0085));
        assert_eq!(number(&lines, "spec/1x", "operations"), Ok(22.0));
        assert_eq!(
            number(&lines, "total/10x", "median"),
            Err("error: the benchmark printed no `median` for case total/10x".to_owned())
        );
    }

    #[test]
    fn finds_a_benchmarks_one_json_line_by_name() {
        let output = "\
roster sync: 40 classes
{\"bench\":\"pacing\",\"ratio\":0.98}
{\"bench\":\"roster_sync\",\"ratio\":0.99,\"throttled\":0}
";
        assert_eq!(bench_line(output, "roster_sync").unwrap()["ratio"], 0.99);
        assert_eq!(
            bench_line("{\"bench\":\"pacing\"}", "roster_sync"),
            Err("error: the roster_sync benchmark printed no JSON line".to_owned())
        );
    }

    #[test]
    fn options_choose_a_section_and_a_baseline() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let options = Options::parse(&args(&[
            "--quick",
            "--only",
            "codegen",
            "--baseline",
            "main",
        ]))
        .unwrap();
        assert!(options.quick && options.runs("codegen") && !options.runs("client"));
        assert_eq!(options.baseline.as_deref(), Some("main"));
        assert!(Options::parse(&args(&[])).unwrap().runs("compile"));
        assert_eq!(
            Options::parse(&args(&["--only", "everything"])).err(),
            Some(
                "`--only` takes one of: codegen, client, pacing, roster, command-line, compile"
                    .to_owned()
            )
        );
        assert!(Options::parse(&args(&["--baseline"])).is_err());
    }

    #[test]
    fn reads_callgrind_totals() {
        let text = "# callgrind format\nversion: 1\nevents: Ir\nsummary: 36430373\n\nfn=main\n1 5\ntotals: 36430373\n";
        assert_eq!(callgrind_totals(text), Some(36_430_373));
        assert_eq!(callgrind_totals("events: Ir\n"), None);
    }

    #[test]
    fn limits_compare_as_their_names_say() {
        assert!(Limit::Below(3.0).met(2.99) && !Limit::Below(3.0).met(3.0));
        assert!(Limit::AtMost(2.0).met(2.0) && !Limit::AtMost(2.0).met(2.01));
        assert!(Limit::AtLeast(0.95).met(0.95) && !Limit::AtLeast(0.95).met(0.949));
    }

    #[test]
    fn the_deciding_measure_gives_the_verdict() {
        let row = |wall: f64, instructions: Option<f64>| Row {
            name: "client POST create Math 101, 16 in flight".to_owned(),
            result: figure(wall, "wall"),
            instructions: instructions.and_then(|count| figure(count, "instructions")),
            no_instructions: "",
        };
        let verdict = |row: &Row| Summary::verdict(row).map(|(_, verdict)| verdict);
        // A slow wall-clock round does not miss a target that instructions decide.
        assert_eq!(verdict(&row(0.84, Some(0.97))), Some("met"));
        assert_eq!(verdict(&row(0.99, Some(0.93))), Some("MISSED"));
        assert_eq!(verdict(&row(0.99, None)), Some("unmeasured"));
    }
}

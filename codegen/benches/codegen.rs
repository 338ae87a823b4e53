//! Times the generator in process, stage by stage, on the real spec and on synthetic specs 10×
//! and 100× its size, and prints each result as a JSON line for `cargo xtask bench`.
//!
//! ```text
//! cargo bench -p codegen --bench codegen [-- --quick]      wall time of every case
//! <bench binary> --repeat total/100x 3                      run one case 3 times, print nothing
//! ```
//!
//! Cases are `<stage>/<factor>x`. Stages: `load` (`codegen::load`: JSON parse, decode and
//! validate into the model), `emit` (token streams), `format` (syn + prettyplease + header) and
//! `total` (`codegen::generate`, all of them). `--repeat` exists for instruction counts:
//! `cargo xtask bench` runs it under callgrind with 0 and with n repetitions and divides the
//! difference by n, so building the synthetic spec is not counted.
//!
//! A synthetic spec of factor N is the real one plus N−1 renamed copies of every file without
//! an `api` section: every type, resource, group and operation name gets a suffix (`…C2`),
//! references in `type`, `body`, `response` and `mountedAt` follow, top-level paths get a
//! prefix (`c2/…`) and version-root calls a suffix, so each copy validates like the original.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use codegen::SpecSource;
use serde_json::{Map, Value, json};

/// Spec sizes, as multiples of the real spec.
const FACTORS: [usize; 3] = [1, 10, 100];
/// Stages in pipeline order (`total` is all of them).
const STAGES: [&str; 4] = ["load", "emit", "format", "total"];

fn main() {
    // `cargo bench` passes `--bench`; it means nothing here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    match args.as_slice() {
        [flag, case, count] if flag == "--repeat" => {
            let count = count
                .parse()
                .unwrap_or_else(|e| panic!("--repeat {case} {count}: not a count: {e}"));
            repeat(case, count);
        }
        _ => wall(args.iter().any(|arg| arg == "--quick")),
    }
}

/// How long each case is sampled.
struct Plan {
    budget: Duration,
    min_samples: usize,
    max_samples: usize,
}

const FULL: Plan = Plan {
    budget: Duration::from_secs(3),
    min_samples: 5,
    max_samples: 100,
};

const QUICK: Plan = Plan {
    budget: Duration::from_millis(500),
    min_samples: 3,
    max_samples: 20,
};

/// Times every stage at every factor; one sample is one run of the stage.
fn wall(quick: bool) {
    let plan = if quick { &QUICK } else { &FULL };
    for factor in FACTORS {
        let spec = Spec::new(factor);
        println!(
            "{}",
            json!({
                "bench": "codegen", "case": format!("spec/{factor}x"),
                "operations": spec.operations, "types": spec.types,
                "files": spec.sources.len(),
                "bytes": spec.sources.iter().map(|s| s.text.len()).sum::<usize>(),
            })
        );
        let model = codegen::load(&spec.sources).unwrap_or_else(|d| panic!("{d}"));
        for stage in STAGES {
            let samples = sample(plan, || match stage {
                "load" => time(|| codegen::load(&spec.sources).map(drop)),
                "emit" => time(|| codegen::emit_files(&model)),
                "format" => {
                    let emitted = codegen::emit_files(&model);
                    time(|| codegen::format_files(emitted).unwrap_or_else(|e| panic!("{e}")))
                }
                _ => time(|| codegen::generate(&spec.sources).unwrap_or_else(|e| panic!("{e}"))),
            });
            report(&format!("{stage}/{factor}x"), &samples, spec.operations);
        }
    }
}

/// Runs one case `count` times after building its input, for instruction counts.
fn repeat(case: &str, count: usize) {
    let (stage, factor) = case
        .strip_suffix('x')
        .and_then(|case| case.split_once('/'))
        .and_then(|(stage, factor)| Some((stage, factor.parse::<usize>().ok()?)))
        .unwrap_or_else(|| panic!("case {case:?}: expected <stage>/<factor>x, e.g. total/100x"));
    let spec = Spec::new(factor);
    let model = codegen::load(&spec.sources).unwrap_or_else(|d| panic!("{d}"));
    for _ in 0..count {
        match stage {
            "load" => drop(black_box(codegen::load(&spec.sources))),
            "emit" => drop(black_box(codegen::emit_files(&model))),
            "total" => drop(black_box(codegen::generate(&spec.sources))),
            // Its input is consumed, so making it would be counted with it.
            _ => panic!("stage {stage:?} cannot be repeated: use load, emit or total"),
        }
    }
}

/// Samples `run` (which times one iteration itself) until the budget is spent.
fn sample(plan: &Plan, mut run: impl FnMut() -> Duration) -> Vec<Duration> {
    let started = Instant::now();
    let mut samples = Vec::new();
    // One untimed run first: caches, allocator, lazily built tables.
    run();
    while samples.len() < plan.min_samples
        || (samples.len() < plan.max_samples && started.elapsed() < plan.budget)
    {
        samples.push(run());
    }
    samples
}

fn time<T>(work: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    black_box(work());
    start.elapsed()
}

/// Prints one case: a line for people, then its JSON line.
fn report(case: &str, samples: &[Duration], operations: usize) {
    let mut sorted: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
    sorted.sort_by(f64::total_cmp);
    let median = match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    let fastest = sorted.first().copied().unwrap_or(0.0);
    println!(
        "{case:<12} median {:>10.3} ms   fastest {:>10.3} ms   {:>7.1} µs/op   ({} samples)",
        median * 1e3,
        fastest * 1e3,
        median * 1e6 / operations as f64,
        sorted.len()
    );
    println!(
        "{}",
        json!({
            "bench": "codegen", "case": case, "unit": "s",
            "median": median, "fastest": fastest, "samples": sorted.len(),
            "operations": operations,
        })
    );
}

// ---------------------------------------------------------------------------------------------
// The synthetic specs.

/// One spec to benchmark, with its size.
struct Spec {
    sources: Vec<SpecSource>,
    operations: usize,
    types: usize,
}

impl Spec {
    /// The spec of `factor`× the real one.
    fn new(factor: usize) -> Spec {
        let sources = scaled(&real_spec(), factor);
        if let Err(diagnostics) = codegen::load(&sources) {
            panic!("the {factor}x synthetic spec does not validate:\n{diagnostics}");
        }
        let (mut operations, mut types) = (0, 0);
        for source in &sources {
            let file: Value = serde_json::from_str(&source.text)
                .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", source.path));
            operations += keys(file.get("operations")).count();
            types += keys(file.get("types")).count();
            for group in file
                .get("groups")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                operations += keys(group.1.get("operations")).count();
            }
        }
        Spec {
            sources,
            operations,
            types,
        }
    }
}

/// The real spec, read as `cargo xtask codegen` reads it.
fn real_spec() -> Vec<SpecSource> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    codegen::source::read_spec_folder(&dir, Path::new("spec")).unwrap_or_else(|e| panic!("{e}"))
}

/// The real spec plus `factor - 1` renamed copies of its non-api files.
fn scaled(real: &[SpecSource], factor: usize) -> Vec<SpecSource> {
    let parsed: Vec<(&SpecSource, Value)> = real
        .iter()
        .map(|source| {
            let value = serde_json::from_str(&source.text)
                .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", source.path));
            (source, value)
        })
        .collect();
    // Every name a copy renames, from all files: references cross files (`mountedAt`).
    let mut names = Vec::new();
    for (_, file) in &parsed {
        collect_names(file, &mut names);
    }
    let mut sources = real.to_vec();
    for copy in 2..=factor {
        for (source, file) in &parsed {
            if file.get("api").is_some() {
                continue;
            }
            let renamer = Renamer {
                names: &names,
                suffix: format!("C{copy}"),
                prefix: format!("c{copy}/"),
            };
            let text = serde_json::to_string_pretty(&renamer.file(file))
                .unwrap_or_else(|e| panic!("cannot write a copy of {}: {e}", source.path));
            let stem = source.path.trim_end_matches(".json");
            sources.push(SpecSource {
                path: format!("{stem}-c{copy}.json"),
                text: text + "\n",
            });
        }
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

/// The keys of an object (none for anything else).
fn keys(value: Option<&Value>) -> impl Iterator<Item = String> + '_ {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|object| object.keys().cloned())
}

/// Declared type, resource, group and operation names of one file (groups included).
fn collect_names(file: &Value, names: &mut Vec<String>) {
    for section in ["types", "resources", "operations", "groups"] {
        names.extend(keys(file.get(section)));
    }
    if let Some(groups) = file.get("groups").and_then(Value::as_object) {
        for group in groups.values() {
            for section in ["resources", "operations"] {
                names.extend(keys(group.get(section)));
            }
        }
    }
}

/// Rewrites one file into a copy whose names and paths do not collide with the original.
struct Renamer<'a> {
    names: &'a [String],
    suffix: String,
    prefix: String,
}

impl Renamer<'_> {
    fn file(&self, file: &Value) -> Value {
        map_members(file, |key, value| match key {
            "types" => self.declarations(value, |ty| self.references(ty)),
            "resources" | "operations" => {
                self.declarations(value, |item| self.top_level_item(item))
            }
            "groups" => self.declarations(value, |group| {
                map_members(group, |key, value| match key {
                    "mountedAt" => self.references(value),
                    // Paths inside a group are relative to its mount points: kept.
                    "resources" | "operations" => {
                        self.declarations(value, |item| self.references(item))
                    }
                    _ => value.clone(),
                })
            }),
            _ => value.clone(),
        })
    }

    /// A resource or operation outside a group: its path moves under the copy's prefix, and a
    /// version-root call (a method on `Client`) gets the suffix.
    fn top_level_item(&self, item: &Value) -> Value {
        let on_client = item.get("root").and_then(Value::as_str) == Some("version");
        let renamed = self.references(item);
        map_members(&renamed, |key, value| match (value, key) {
            (Value::String(path), "path") => Value::String(format!("{}{path}", self.prefix)),
            (Value::String(call), "call") if on_client => {
                Value::String(format!("{call}_{}", self.suffix.to_lowercase()))
            }
            _ => value.clone(),
        })
    }

    /// An object of declarations: every key renamed, every value rewritten by `each`.
    fn declarations(&self, value: &Value, each: impl Fn(&Value) -> Value) -> Value {
        match value {
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, value)| (format!("{key}{}", self.suffix), each(value)))
                    .collect(),
            ),
            _ => value.clone(),
        }
    }

    /// Renames every reference anywhere below `value`: `type`, `body` and `response` strings
    /// and the entries of `mountedAt`. A list of `values` (an `$expand`'s field names, an
    /// enum's values) names no declaration, though `sections` is a field and a resource.
    fn references(&self, value: &Value) -> Value {
        match value {
            Value::Object(_) => map_members(value, |key, value| match (value, key) {
                (Value::String(text), "type" | "body" | "response") => {
                    Value::String(self.reference(text))
                }
                (_, "values") => value.clone(),
                _ => self.references(value),
            }),
            Value::Array(items) => Value::Array(items.iter().map(|i| self.references(i)).collect()),
            Value::String(text) if self.names.contains(text) => {
                Value::String(format!("{text}{}", self.suffix))
            }
            _ => value.clone(),
        }
    }

    /// `Name`, `Name[]`, `Name[][]` → the same with the suffix, if `Name` is renamed.
    fn reference(&self, text: &str) -> String {
        let base = text.trim_end_matches("[]");
        if self.names.iter().any(|n| n == base) {
            format!("{base}{}{}", self.suffix, &text[base.len()..])
        } else {
            text.to_owned()
        }
    }
}

/// An object with every member's value rewritten by `each(key, value)`; anything else as is.
fn map_members(value: &Value, each: impl Fn(&str, &Value) -> Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| (key.clone(), each(key, value)))
                .collect::<Map<String, Value>>(),
        ),
        _ => value.clone(),
    }
}

//! Times the generator in process, stage by stage, on the real spec and on synthetic specs 10×
//! and 100× its size (`cargo bench -p codegen --bench codegen`; `cargo xtask bench` runs it).
//!
//! Stages: `load` (JSON parse + decode of every file), `validate` (into the model), `emit`
//! (token streams), `format` (syn + prettyplease + header) and `total` (`codegen::generate`,
//! all of them). Each benchmark counts the spec's operations as its items, so divan's
//! throughput column is operations per second and linear growth shows as a flat column.
//!
//! A synthetic spec of factor N is the real one plus N−1 renamed copies of every file without
//! an `api` section: every type, resource, group and operation name gets a suffix (`…C2`),
//! references in `type`, `body`, `response` and `mountedAt` follow, top-level paths get a
//! prefix (`c2/…`) and version-root calls a suffix, so each copy validates like the original.

use std::path::Path;
use std::sync::OnceLock;

use codegen::json::{self, Member, Node, Value};
use codegen::{SpecSource, decode, validate};
use divan::Bencher;
use divan::counter::ItemsCount;

/// Spec sizes, as multiples of the real spec.
const FACTORS: [usize; 3] = [1, 10, 100];

fn main() {
    for factor in FACTORS {
        let spec = spec(factor);
        // `cargo xtask bench` reads these lines to report time per operation.
        println!(
            "spec {factor}x: {} operations, {} types, {} files, {} bytes",
            spec.operations,
            spec.types,
            spec.sources.len(),
            spec.sources.iter().map(|s| s.text.len()).sum::<usize>()
        );
    }
    divan::main();
}

/// One spec to benchmark, with its size.
struct Spec {
    sources: Vec<SpecSource>,
    operations: usize,
    types: usize,
}

/// The spec of `factor`× the real one, built once.
fn spec(factor: usize) -> &'static Spec {
    static SPECS: [OnceLock<Spec>; FACTORS.len()] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = FACTORS
        .iter()
        .position(|&f| f == factor)
        .unwrap_or_else(|| panic!("no spec of factor {factor}"));
    SPECS[index].get_or_init(|| {
        let sources = scaled(&real_spec(), factor);
        let model = codegen::load(&sources)
            .unwrap_or_else(|d| panic!("the {factor}x synthetic spec does not validate:\n{d}"));
        let operations = model.modules.iter().map(|m| m.operations.len()).sum();
        let types = model.modules.iter().map(|m| m.types.len()).sum();
        Spec {
            sources,
            operations,
            types,
        }
    })
}

/// The real spec, read as `cargo xtask codegen` reads it.
fn real_spec() -> Vec<SpecSource> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    codegen::source::read_spec_folder(&dir, Path::new("spec")).unwrap_or_else(|e| panic!("{e}"))
}

/// The real spec plus `factor - 1` renamed copies of its non-api files.
fn scaled(real: &[SpecSource], factor: usize) -> Vec<SpecSource> {
    let parsed: Vec<(&SpecSource, Node)> = real
        .iter()
        .map(|source| {
            let node = json::parse(&source.text)
                .unwrap_or_else(|e| panic!("{}: invalid JSON at {}", source.path, e.pos));
            (source, node)
        })
        .collect();
    // Every name a copy renames, from all files: references cross files (`mountedAt`).
    let mut names = Vec::new();
    for (_, node) in &parsed {
        collect_names(node, &mut names);
    }
    let mut sources = real.to_vec();
    for copy in 2..=factor {
        for (source, node) in &parsed {
            if member(node, "api").is_some() {
                continue;
            }
            let renamer = Renamer {
                names: &names,
                suffix: format!("C{copy}"),
                prefix: format!("c{copy}/"),
            };
            let mut text = String::new();
            write_json(&renamer.file(node), &mut text, 0);
            text.push('\n');
            let stem = source.path.trim_end_matches(".json");
            sources.push(SpecSource {
                path: format!("{stem}-c{copy}.json"),
                text,
            });
        }
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

/// The value of `key` in an object node.
fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

/// The keys of an object node (none for anything else).
fn keys(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.value) {
        Some(Value::Object(members)) => members.iter().map(|m| m.key.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Declared type, resource, group and operation names of one file (groups included).
fn collect_names(file: &Node, names: &mut Vec<String>) {
    for section in ["types", "resources", "operations"] {
        names.extend(keys(member(file, section)));
    }
    let groups = member(file, "groups");
    names.extend(keys(groups));
    if let Some(Value::Object(groups)) = groups.map(|g| &g.value) {
        for group in groups {
            for section in ["resources", "operations"] {
                names.extend(keys(member(&group.value, section)));
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
    fn file(&self, file: &Node) -> Node {
        self.object(file, |key, value| match key {
            "types" => self.declarations(value, |_, ty| self.references(ty)),
            "resources" | "operations" => {
                self.declarations(value, |_, item| self.top_level_item(item))
            }
            "groups" => self.declarations(value, |_, group| {
                self.object(group, |key, value| match key {
                    "mountedAt" => self.references(value),
                    // Paths inside a group are relative to its mount points: kept.
                    "resources" | "operations" => {
                        self.declarations(value, |_, item| self.references(item))
                    }
                    _ => value.clone(),
                })
            }),
            _ => value.clone(),
        })
    }

    /// A resource or operation outside a group: its path moves under the copy's prefix, and a
    /// version-root call (a method on `Client`) gets the suffix.
    fn top_level_item(&self, item: &Node) -> Node {
        let on_client = member(item, "root")
            .is_some_and(|root| matches!(&root.value, Value::String(s) if s == "version"));
        let renamed = self.references(item);
        self.object(&renamed, |key, value| match (&value.value, key) {
            (Value::String(path), "path") => string(value, format!("{}{path}", self.prefix)),
            (Value::String(call), "call") if on_client => {
                string(value, format!("{call}_{}", self.suffix.to_lowercase()))
            }
            _ => value.clone(),
        })
    }

    /// An object of declarations: every key renamed, every value rewritten by `each`.
    fn declarations(&self, node: &Node, each: impl Fn(&str, &Node) -> Node) -> Node {
        match &node.value {
            Value::Object(members) => Node {
                pos: node.pos,
                value: Value::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: format!("{}{}", m.key, self.suffix),
                            key_pos: m.key_pos,
                            value: each(&m.key, &m.value),
                        })
                        .collect(),
                ),
            },
            _ => node.clone(),
        }
    }

    /// Renames every reference anywhere below `node`: `type`, `body` and `response` strings
    /// and the entries of `mountedAt`.
    fn references(&self, node: &Node) -> Node {
        match &node.value {
            Value::Object(_) => self.object(node, |key, value| match (&value.value, key) {
                (Value::String(text), "type" | "body" | "response") => {
                    string(value, self.reference(text))
                }
                _ => self.references(value),
            }),
            Value::Array(items) => Node {
                pos: node.pos,
                value: Value::Array(items.iter().map(|item| self.references(item)).collect()),
            },
            Value::String(text) if self.names.contains(text) => {
                string(node, format!("{text}{}", self.suffix))
            }
            _ => node.clone(),
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

    /// An object with every member's value rewritten by `each(key, value)`.
    fn object(&self, node: &Node, each: impl Fn(&str, &Node) -> Node) -> Node {
        match &node.value {
            Value::Object(members) => Node {
                pos: node.pos,
                value: Value::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            key_pos: m.key_pos,
                            value: each(&m.key, &m.value),
                        })
                        .collect(),
                ),
            },
            _ => node.clone(),
        }
    }
}

fn string(at: &Node, text: String) -> Node {
    Node {
        pos: at.pos,
        value: Value::String(text),
    }
}

/// Writes a node as JSON indented by two spaces (as the real spec is), keys in their order.
fn write_json(node: &Node, out: &mut String, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => out.push_str(&quoted(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(item, out, depth + 1);
            }
            if !items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&quoted(&m.key));
                out.push_str(": ");
                write_json(&m.value, out, depth + 1);
            }
            if !members.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|e| panic!("cannot quote {text:?}: {e}"))
}

/// Parse and decode every file: the first half of `codegen::load`.
fn parse_and_decode(sources: &[SpecSource]) -> Vec<(String, codegen::spec::SpecFile)> {
    let mut diagnostics = codegen::Diagnostics::default();
    let files: Vec<_> = sources
        .iter()
        .filter_map(|source| {
            let node = json::parse(&source.text).ok()?;
            let spec = decode::spec_file(&source.path, &node, &mut diagnostics)?;
            Some((source.path.clone(), spec))
        })
        .collect();
    assert!(
        diagnostics.is_empty() && files.len() == sources.len(),
        "decode failed:\n{diagnostics}"
    );
    files
}

#[divan::bench(args = FACTORS, max_time = 6)]
fn load(bencher: Bencher, factor: usize) {
    let spec = spec(factor);
    bencher
        .counter(ItemsCount::new(spec.operations))
        .bench(|| parse_and_decode(&spec.sources));
}

#[divan::bench(args = FACTORS, max_time = 6)]
fn validate(bencher: Bencher, factor: usize) {
    let spec = spec(factor);
    let files = parse_and_decode(&spec.sources);
    bencher.counter(ItemsCount::new(spec.operations)).bench(|| {
        let mut diagnostics = codegen::Diagnostics::default();
        validate::model(&files, false, &mut diagnostics)
    });
}

#[divan::bench(args = FACTORS, max_time = 6)]
fn emit(bencher: Bencher, factor: usize) {
    let spec = spec(factor);
    let model = codegen::load(&spec.sources).unwrap_or_else(|d| panic!("{d}"));
    bencher
        .counter(ItemsCount::new(spec.operations))
        .bench(|| codegen::emit_files(&model));
}

#[divan::bench(args = FACTORS, max_time = 6)]
fn format(bencher: Bencher, factor: usize) {
    let spec = spec(factor);
    let model = codegen::load(&spec.sources).unwrap_or_else(|d| panic!("{d}"));
    bencher
        .counter(ItemsCount::new(spec.operations))
        .with_inputs(|| codegen::emit_files(&model))
        .bench_values(|files| codegen::format_files(files).unwrap_or_else(|e| panic!("{e}")));
}

#[divan::bench(args = FACTORS, max_time = 10)]
fn total(bencher: Bencher, factor: usize) {
    let spec = spec(factor);
    bencher
        .counter(ItemsCount::new(spec.operations))
        .bench(|| codegen::generate(&spec.sources).unwrap_or_else(|e| panic!("{e}")));
}

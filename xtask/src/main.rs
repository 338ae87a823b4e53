//! Maintainer tasks: `cargo xtask codegen [--check]`, `cargo xtask openapi [--check]`,
//! `cargo xtask routes`, `cargo xtask impact [--base REV]`, `cargo xtask semver [--base REV]`
//! and `cargo xtask bench [--quick] [--only SECTION] [--baseline COMMIT]`.
//!
//! All file I/O lives here; the generator itself (`codegen`) is pure.

mod bench;
mod impact;
mod semver;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--spec DIR] [--out DIR]
      regenerate the client from the spec (and spec/schema.json,
      openapi/onenote.openapi.json, the `onenote` command's tree in
      onenote-cli/src/generated and the every-construct fixture's client in
      tests/constructs-client); --check changes nothing and fails if the
      checked-in output is stale. After writing, it prints the API impact of
      the spec's edit since HEAD (below) when there is one
  cargo xtask openapi [--check] [--spec DIR] [--out DIR]
      write the OpenAPI 3.0.3 export of the spec to openapi/onenote.openapi.json
      (--out: another folder); --check changes nothing and fails if it is stale
  cargo xtask routes [--spec DIR]
      print one line per operation and mount: METHOD path-template operationId,
      then `async` (or `async-only`), `[locations]` when restricted, `(version root)`
  cargo xtask impact [--base REV] [--spec DIR]
      print what the spec's edit since REV (default HEAD) does to users of the
      client and of the `onenote` command: each public item added, removed or
      changed, classed breaking, behaviour, compatible or docs, with why
      (README: What a spec edit does to users)
  cargo xtask semver [--base REV]
      run cargo-semver-checks on onenote-api against REV (default HEAD): the
      cross-check of the impact report from the compiled crate's public API;
      install it once with `cargo install cargo-semver-checks --locked`
  cargo xtask bench [--quick] [--only SECTION] [--baseline COMMIT]
      benchmark codegen time, client overhead against hand-written reqwest and
      compile cost, and print a table against the targets (BENCHMARKS.md);
      --quick: 1–2 minutes once compiled, fewer samples, no clean hello-world builds;
      --only: one of codegen, client, pacing, roster, command-line, compile;
      --baseline: also measure the generator of COMMIT, beside this tree's";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_owned());
    };
    if command == "bench" {
        return bench::run(rest, &workspace_root()?);
    }
    let options = Options::parse(rest, workspace_root()?)?;
    if options.base.is_some() && !matches!(command.as_str(), "impact" | "semver") {
        return Err(format!("only `impact` and `semver` take --base\n{USAGE}"));
    }
    match command.as_str() {
        "codegen" => codegen(&options),
        "openapi" => openapi(&options),
        "impact" => {
            if options.check || options.out.is_some() {
                return Err(format!("`impact` takes only --base and --spec\n{USAGE}"));
            }
            let dir = options.spec_dir();
            let sources = options.read_spec(&dir)?;
            let base = options.base.as_deref().unwrap_or("HEAD");
            let impact = impact::against(&options.root, &dir, base, &sources)
                .map_err(|why| format!("error: no API impact: {why}"))?;
            print!("API impact of {} since {base}: {impact}", dir.display());
            Ok(())
        }
        "semver" => {
            if options.check || options.out.is_some() || options.spec.is_some() {
                return Err(format!("`semver` takes only --base\n{USAGE}"));
            }
            semver::run(&options.root, options.base.as_deref().unwrap_or("HEAD"))
        }
        "routes" => {
            if options.check || options.out.is_some() {
                return Err(format!("`routes` takes only --spec\n{USAGE}"));
            }
            let sources = options.read_spec(&options.spec_dir())?;
            let routes = codegen::routes(&sources).map_err(|d| d.to_string())?;
            print!("{routes}");
            Ok(())
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

struct Options {
    /// The checkout this run reads and writes (see [`workspace_root`]).
    root: PathBuf,
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    /// The git revision `impact` and `semver` compare with.
    base: Option<String>,
}

impl Options {
    fn parse(args: &[String], root: PathBuf) -> Result<Self, String> {
        let mut options = Options {
            root,
            check: false,
            spec: None,
            out: None,
            base: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => options.check = true,
                "--base" => {
                    let Some(value) = args.next() else {
                        return Err(format!("--base needs a git revision\n{USAGE}"));
                    };
                    options.base = Some(value.clone());
                }
                "--spec" | "--out" => {
                    let Some(value) = args.next() else {
                        return Err(format!("{arg} needs a directory\n{USAGE}"));
                    };
                    let value = Some(PathBuf::from(value));
                    if arg == "--spec" {
                        options.spec = value;
                    } else {
                        options.out = value;
                    }
                }
                other => return Err(format!("unknown option `{other}`\n{USAGE}")),
            }
        }
        Ok(options)
    }

    fn spec_dir(&self) -> PathBuf {
        self.spec.clone().unwrap_or_else(|| PathBuf::from("spec"))
    }

    fn out_dir(&self) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("onenote-api/src/generated"))
    }

    /// Resolves a path given on the command line against the workspace root, keeping the
    /// short form for messages.
    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }

    /// Reads the spec folder given on the command line (relative to the workspace root).
    fn read_spec(&self, dir: &Path) -> Result<Vec<codegen::SpecSource>, String> {
        codegen::source::read_spec_folder(&self.resolve(dir), dir)
    }
}

/// The checkout to work on, found when xtask runs (never baked in when it is compiled: two
/// checkouts sharing a `CARGO_TARGET_DIR` run one binary): the nearest workspace root above
/// the directory `cargo run` names in `CARGO_MANIFEST_DIR` (xtask's own, in the checkout
/// `cargo xtask` was run in), or above the current directory when the binary is run directly.
fn workspace_root() -> Result<PathBuf, String> {
    let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_dir()
            .map_err(|e| format!("error: cannot read the current directory: {e}"))?,
    };
    start
        .ancestors()
        .find(|dir| is_workspace_root(dir))
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "error: no workspace root (a Cargo.toml with a [workspace] table) at or above {}\n\
                 hint: run `cargo xtask` inside a checkout of the repository",
                start.display()
            )
        })
}

/// Whether `dir` holds a `Cargo.toml` with a `[workspace]` table.
fn is_workspace_root(dir: &Path) -> bool {
    fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
}

/// The every-construct fixture and the crate it is compiled in (`tests/constructs-client`).
const CONSTRUCTS_SPEC: &str = "tests/fixtures/constructs";
const CONSTRUCTS_OUT: &str = "tests/constructs-client/src/generated";

fn codegen(options: &Options) -> Result<(), String> {
    let spec_dir = options.spec_dir();
    let sources = options.read_spec(&spec_dir)?;
    let mut out_dirs = vec![options.out_dir()];
    // The defaults also own the schema, the OpenAPI exports, the command line and the
    // constructs client; one load of the spec makes them all.
    let wanted = if options.spec.is_none() && options.out.is_none() {
        let outputs = codegen::outputs(&sources).map_err(|e| e.to_string())?;
        let cli_dir = Path::new(codegen::cli::OUT_DIR);
        let mut wanted = in_dir(outputs.client, &options.out_dir());
        wanted.push((spec_dir.join("schema.json"), codegen::schema_json()));
        wanted.push((Path::new(OPENAPI_DIR).join(OPENAPI_FILE), outputs.openapi));
        if let Some(graph) = outputs.graph_openapi {
            wanted.push((Path::new(OPENAPI_DIR).join(GRAPH_OPENAPI_FILE), graph));
        }
        wanted.extend(in_dir(outputs.cli, cli_dir));
        out_dirs.push(cli_dir.to_path_buf());
        let constructs = options.read_spec(Path::new(CONSTRUCTS_SPEC))?;
        wanted.extend(generated_files(&constructs, Path::new(CONSTRUCTS_OUT))?);
        out_dirs.push(PathBuf::from(CONSTRUCTS_OUT));
        wanted
    } else {
        generated_files(&sources, &options.out_dir())?
    };
    let mut stale_extra = Vec::new();
    for out_dir in &out_dirs {
        stale_extra.extend(no_longer_generated(options, out_dir, &wanted));
    }
    stale_extra.sort();

    let mut changed = Vec::new();
    for (path, contents) in &wanted {
        let current = fs::read_to_string(options.resolve(path)).ok();
        if current.as_deref() != Some(contents.as_str()) {
            changed.push(path.clone());
        }
    }

    if options.check {
        if changed.is_empty() && stale_extra.is_empty() {
            println!("generated code is up to date ({} files)", wanted.len());
            return Ok(());
        }
        let mut message = String::new();
        for path in &changed {
            message.push_str(&format!(
                "error: {} is stale: run cargo xtask codegen\n",
                path.display()
            ));
        }
        for path in &stale_extra {
            message.push_str(&format!(
                "error: {} is not generated from the spec any more: run cargo xtask codegen (it removes it)\n",
                path.display()
            ));
        }
        return Err(message.trim_end().to_owned());
    }

    for path in &changed {
        let contents = wanted
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.as_str())
            .unwrap_or_default();
        if let Some(parent) = options.resolve(path).parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("error: cannot create {}: {e}", parent.display()))?;
        }
        fs::write(options.resolve(path), contents)
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
        println!("updated {}", path.display());
    }
    for path in &stale_extra {
        fs::remove_file(options.resolve(path))
            .map_err(|e| format!("error: cannot remove {}: {e}", path.display()))?;
        println!("removed {}", path.display());
    }
    if changed.is_empty() && stale_extra.is_empty() {
        println!("generated code is up to date ({} files)", wanted.len());
    }
    print_impact(options, &spec_dir, &sources);
    Ok(())
}

/// After writing: what the spec's edit since HEAD does to users, if it does anything (or, in
/// one line, why that is unknown).
fn print_impact(options: &Options, spec_dir: &Path, sources: &[codegen::SpecSource]) {
    match impact::against(&options.root, spec_dir, "HEAD", sources) {
        Ok(impact) if impact.is_empty() => {}
        Ok(impact) => print!("API impact of {} since HEAD: {impact}", spec_dir.display()),
        Err(why) => println!("API impact not computed: {why}"),
    }
}

/// The generated files of one spec, as `(path under out_dir, text)`.
fn generated_files(
    sources: &[codegen::SpecSource],
    out_dir: &Path,
) -> Result<Vec<(PathBuf, String)>, String> {
    let generated = codegen::generate(sources).map_err(|e| e.to_string())?;
    Ok(in_dir(generated, out_dir))
}

/// Generated files with their paths under `out_dir`.
fn in_dir(files: Vec<codegen::GeneratedFile>, out_dir: &Path) -> Vec<(PathBuf, String)> {
    files
        .into_iter()
        .map(|file| (out_dir.join(&file.path), file.contents))
        .collect()
}

/// Generated files in `out_dir` that no longer come from the spec. Only files that carry the
/// generated header count, so pointing --out at a folder of hand-written code never deletes
/// any of it.
fn no_longer_generated(
    options: &Options,
    out_dir: &Path,
    wanted: &[(PathBuf, String)],
) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    if let Ok(entries) = fs::read_dir(options.resolve(out_dir)) {
        for entry in entries.flatten() {
            let path = out_dir.join(entry.file_name());
            let generated = fs::read_to_string(entry.path())
                .is_ok_and(|text| text.starts_with("// Generated by cargo xtask codegen"));
            if path.extension().is_some_and(|e| e == "rs")
                && generated
                && !wanted.iter().any(|(p, _)| *p == path)
            {
                stale.push(path);
            }
        }
    }
    stale
}

/// Where `cargo xtask openapi` writes the OpenAPI export, unless `--out` says otherwise.
const OPENAPI_DIR: &str = "openapi";
const OPENAPI_FILE: &str = "onenote.openapi.json";
/// The export of Microsoft Graph's surface, beside it.
const GRAPH_OPENAPI_FILE: &str = "graph.openapi.json";

/// Writes (or with `--check`, checks) the OpenAPI exports of the spec: the main service's and,
/// when the spec has one, Microsoft Graph's.
fn openapi(options: &Options) -> Result<(), String> {
    let sources = options.read_spec(&options.spec_dir())?;
    let text = codegen::openapi(&sources).map_err(|d| d.to_string())?;
    write_export(options, OPENAPI_FILE, text)?;
    if let Some(graph) = codegen::graph_openapi(&sources).map_err(|d| d.to_string())? {
        write_export(options, GRAPH_OPENAPI_FILE, graph)?;
    }
    Ok(())
}

/// Writes (or checks) one export under the OpenAPI folder.
fn write_export(options: &Options, file: &str, text: String) -> Result<(), String> {
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(OPENAPI_DIR));
    let path = dir.join(file);
    if fs::read_to_string(options.resolve(&path)).ok().as_deref() == Some(text.as_str()) {
        println!("{} is up to date", path.display());
        return Ok(());
    }
    if options.check {
        return Err(format!(
            "error: {} is stale: run cargo xtask openapi",
            path.display()
        ));
    }
    fs::create_dir_all(options.resolve(&dir))
        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    fs::write(options.resolve(&path), text)
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    println!("updated {}", path.display());
    Ok(())
}

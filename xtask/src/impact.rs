//! The API impact of the spec as it is against the spec at a git revision: reads the spec at
//! the revision with git, loads both with `codegen::load` and compares the models with
//! `codegen::impact`. `cargo xtask impact [--base REV]` prints it; `cargo xtask codegen` prints
//! it after writing, when the spec's public API differs from HEAD's.

use std::path::{Component, Path};
use std::process::Command;

use codegen::{Impact, SpecSource};

/// The impact of going from the spec at `rev` to `sources` (the spec folder `dir`, relative to
/// the checkout `root` or absolute, read as `read_spec` names its files), or why there is none.
pub fn against(
    root: &Path,
    dir: &Path,
    rev: &str,
    sources: &[SpecSource],
) -> Result<Impact, String> {
    let base = spec_at(root, dir, rev)?;
    let before = codegen::load(&base).map_err(|diagnostics| {
        let problems = diagnostics.into_sorted();
        let first = problems.first().map(ToString::to_string).unwrap_or_default();
        format!(
            "the spec at {rev} does not load with this generator ({} problem(s); the first: {first})",
            problems.len()
        )
    })?;
    let after = codegen::load(sources).map_err(|d| d.to_string())?;
    Ok(codegen::impact(&before, &after))
}

/// The spec files of `dir` at `rev`, named as `codegen::source::read_spec_folder` names them.
fn spec_at(root: &Path, dir: &Path, rev: &str) -> Result<Vec<SpecSource>, String> {
    let relative = inside(root, dir)?;
    git(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )
    .map_err(|e| format!("no commit `{rev}` to compare with ({e})"))?;
    // Paths are relative to `root` (git runs there), whatever folder of the repository it is.
    let folder = format!("./{}/", relative.display());
    let listing = git(root, &["ls-tree", "-z", "--name-only", rev, "--", &folder])?;
    let mut entries: Vec<String> = listing
        .split(|byte| *byte == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| String::from_utf8_lossy(entry).into_owned())
        .filter(|entry| {
            Path::new(entry)
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(codegen::source::is_spec_file)
        })
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Err(format!("{rev} has no spec files in {}", dir.display()));
    }
    entries
        .iter()
        .map(|entry| {
            let name = Path::new(entry).file_name().unwrap_or_default();
            let bytes = git(root, &["show", &format!("{rev}:./{entry}")])?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{entry} at {rev} is not UTF-8 text"))?;
            Ok(SpecSource {
                path: dir.join(name).display().to_string(),
                text,
            })
        })
        .collect()
}

/// `dir` relative to `root`: the path git knows it by.
fn inside<'a>(root: &Path, dir: &'a Path) -> Result<&'a Path, String> {
    let relative = if dir.is_absolute() {
        dir.strip_prefix(root)
            .map_err(|_| format!("{} is outside the checkout", dir.display()))?
    } else {
        dir
    };
    if relative
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(format!("{} is outside the checkout", dir.display()));
    }
    Ok(relative)
}

/// Runs git in `root` and returns what it printed, or the first line of its complaint.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("git did not run: {e}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(stderr.lines().next().map_or_else(
        || format!("git {} failed", args.join(" ")),
        |line| line.trim_start_matches("fatal: ").to_owned(),
    ))
}

//! Two checkouts sharing one target directory run one xtask binary: each run reads and writes
//! the checkout it was started in, never the one the binary was built from.
//!
//! The checkouts are copies of what `cargo xtask codegen` reads and writes (the spec, the
//! constructs fixture, the generated code, the export), made under the target directory's
//! temp folder; the binary is the one cargo built for this test (`CARGO_BIN_EXE_xtask`), as
//! `cargo xtask` in either checkout would run it with a shared `CARGO_TARGET_DIR`.
//!
//! A copy made a git repository of its own shows `cargo xtask codegen` reporting the API impact
//! of the spec's edit since that repository's HEAD (the report itself is `codegen::impact`'s,
//! snapshot-tested in `tests/tests/impact/`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What xtask reads and writes, from the workspace root: copied into each checkout.
const XTASK_FILES: &[&str] = &[
    "Cargo.toml",
    "xtask/Cargo.toml",
    "spec",
    "tests/fixtures/constructs",
    "onenote-api/src/generated",
    "onenote-cli/src/generated",
    "tests/constructs-client/src/generated",
    "openapi",
];

/// The files `cargo xtask codegen` writes, by path from the checkout.
const GENERATED: &[&str] = &[
    "onenote-api/src/generated",
    "onenote-cli/src/generated",
    "tests/constructs-client/src/generated",
    "openapi",
    "spec/schema.json",
];

/// Two copies of the repository side by side; removed when dropped.
struct Checkouts {
    dir: PathBuf,
    original: PathBuf,
    copy: PathBuf,
}

impl Checkouts {
    fn new(test: &str) -> Self {
        // The repository this test runs in, as cargo tells the running test (not baked in).
        let repository = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap())
            .parent()
            .unwrap()
            .to_path_buf();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("workspace-copy-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let checkouts = Checkouts {
            original: dir.join("original"),
            copy: dir.join("copy"),
            dir,
        };
        for checkout in [&checkouts.original, &checkouts.copy] {
            for path in XTASK_FILES {
                copy_all(&repository.join(path), &checkout.join(path));
            }
        }
        checkouts
    }
}

impl Drop for Checkouts {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_all(from: &Path, to: &Path) {
    if from.is_dir() {
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_all(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
    }
}

/// Every generated file of `checkout`, by path.
fn generated(checkout: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, path: &Path, files: &mut BTreeMap<PathBuf, String>) {
        if path.is_dir() {
            for entry in fs::read_dir(path).unwrap() {
                walk(root, &entry.unwrap().path(), files);
            }
        } else {
            let text = fs::read_to_string(path).unwrap();
            files.insert(path.strip_prefix(root).unwrap().to_path_buf(), text);
        }
    }
    let mut files = BTreeMap::new();
    for path in GENERATED {
        walk(checkout, &checkout.join(path), &mut files);
    }
    files
}

/// Changes a doc text of the checkout's spec, which every generated client shows.
fn edit_spec(checkout: &Path) {
    let path = checkout.join("spec/notebooks.json");
    let text = fs::read_to_string(&path).unwrap();
    let marker = "\"doc\": \"";
    let at = text.find(marker).expect("spec/notebooks.json has a doc") + marker.len();
    let edited = format!("{}Edited in the copy. {}", &text[..at], &text[at..]);
    fs::write(&path, edited).unwrap();
}

/// Runs the shared binary as `cargo xtask` in `checkout` does: `cargo run` sets
/// `CARGO_MANIFEST_DIR` to xtask's folder there and leaves the current directory as it was.
fn cargo_xtask(checkout: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", checkout.join("xtask"))
        .current_dir(checkout.join("spec"))
        .output()
        .unwrap()
}

/// Runs the shared binary directly (no cargo, so no `CARGO_MANIFEST_DIR`) from `dir`.
fn xtask_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("CARGO_MANIFEST_DIR")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn each_checkout_checks_its_own_spec() {
    let checkouts = Checkouts::new("check");
    edit_spec(&checkouts.copy);

    let original = cargo_xtask(&checkouts.original, &["codegen", "--check"]);
    let copy = cargo_xtask(&checkouts.copy, &["codegen", "--check"]);

    assert!(original.status.success(), "{}", text(&original.stderr));
    assert!(
        text(&original.stdout).starts_with("generated code is up to date"),
        "{}",
        text(&original.stdout)
    );
    assert!(
        !copy.status.success(),
        "the edited copy was reported up to date"
    );
    assert!(
        text(&copy.stderr)
            .contains("onenote-api/src/generated/notebooks.rs is stale: run cargo xtask codegen"),
        "{}",
        text(&copy.stderr)
    );
}

#[test]
fn codegen_in_a_copy_writes_only_the_copy() {
    let checkouts = Checkouts::new("write");
    let before = generated(&checkouts.original);
    edit_spec(&checkouts.copy);

    let run = cargo_xtask(&checkouts.copy, &["codegen"]);

    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains("updated onenote-api/src/generated/notebooks.rs"),
        "{}",
        text(&run.stdout)
    );
    assert_eq!(
        generated(&checkouts.original),
        before,
        "the original was written"
    );
    let written = generated(&checkouts.copy);
    let notebooks = Path::new("onenote-api/src/generated/notebooks.rs");
    assert!(written[notebooks].contains("Edited in the copy."));
    assert!(!before[notebooks].contains("Edited in the copy."));
    let check = cargo_xtask(&checkouts.copy, &["codegen", "--check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn run_directly_it_works_on_the_checkout_above_the_current_directory() {
    let checkouts = Checkouts::new("direct");
    edit_spec(&checkouts.copy);

    let original = xtask_in(
        &checkouts.original.join("onenote-api"),
        &["codegen", "--check"],
    );
    let copy = xtask_in(&checkouts.copy.join("spec"), &["codegen", "--check"]);

    assert!(original.status.success(), "{}", text(&original.stderr));
    assert!(
        !copy.status.success(),
        "the edited copy was reported up to date"
    );
    assert!(
        text(&copy.stderr).contains("notebooks.rs is stale"),
        "{}",
        text(&copy.stderr)
    );
}

/// Runs git in `checkout`, as someone who commits there.
fn git(checkout: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@example.invalid",
        ])
        .args(args)
        .current_dir(checkout)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        text(&output.stderr)
    );
}

#[test]
fn codegen_reports_the_api_impact_of_the_spec_edit_since_head() {
    let checkouts = Checkouts::new("impact");
    git(&checkouts.copy, &["init", "--quiet"]);
    git(&checkouts.copy, &["add", "--all"]);
    git(
        &checkouts.copy,
        &["commit", "--quiet", "--message", "the spec as committed"],
    );
    edit_spec(&checkouts.copy);

    let run = cargo_xtask(&checkouts.copy, &["codegen"]);

    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    let report = stdout
        .split_once("API impact of spec since HEAD: ")
        .map(|(_, report)| report)
        .unwrap_or_else(|| panic!("no report after the updates:\n{stdout}"));
    assert_eq!(
        report,
        "1 change: 1 docs\ndocs\n  onenote_api::notebooks (module, spec/notebooks.json)\n      docs changed\n"
    );
    let again = cargo_xtask(&checkouts.copy, &["impact", "--base", "HEAD"]);
    assert_eq!(
        text(&again.stdout),
        format!("API impact of spec since HEAD: {report}")
    );
}

#[test]
fn codegen_says_in_one_line_when_there_is_no_commit_to_compare_with() {
    let checkouts = Checkouts::new("no-commit");
    git(&checkouts.copy, &["init", "--quiet"]);

    let run = cargo_xtask(&checkouts.copy, &["codegen"]);

    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("generated code is up to date") && lines.len() == 2,
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("API impact not computed: no commit `HEAD` to compare with ("),
        "{stdout}"
    );
}

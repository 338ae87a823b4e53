//! `cargo xtask semver [--base REV]`: cargo-semver-checks on onenote-api against a git
//! revision. It reads the compiled crate's public API (rustdoc JSON of both versions), so it
//! cross-checks the report `cargo xtask impact` computes from the spec's model.

use std::path::Path;
use std::process::Command;

/// The crate whose public API the spec makes.
const CLIENT: &str = "onenote-api";

/// Runs `cargo semver-checks` on the client against `base`; fails when it finds a breaking
/// change (its report says which) or is not installed (the message says how to install it).
pub fn run(root: &Path, base: &str) -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        return Err("error: cargo-semver-checks is not installed\n\
             hint: install it once with `cargo install cargo-semver-checks --locked` \
             (a few minutes of building; it then runs on the stable toolchain)"
            .to_owned());
    }
    // The default features only: the published API's default, and no azure_core to build.
    let status = Command::new("cargo")
        .current_dir(root)
        .args([
            "semver-checks",
            "--package",
            CLIENT,
            "--baseline-rev",
            base,
            "--default-features",
        ])
        .status()
        .map_err(|e| format!("error: cargo semver-checks did not run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "error: cargo semver-checks failed for {CLIENT} against {base} (its report is above)"
        ))
    }
}

//! Fuzz target `spec_bytes`: the whole spec pipeline on arbitrary bytes.
//!
//! The input is split at NUL bytes into spec files (NUL is invalid anywhere in JSON, so the
//! split loses nothing), named `spec/part0.json`, `spec/part1.json`, …; bytes that are not
//! UTF-8 are replaced, as a spec file is text. The real spec joined with NULs is a seed, so the
//! fuzzer starts from a spec that generates.

use codegen::SpecSource;

use super::pipeline;

/// Checks one input: see the module docs and [`pipeline::check_sources`].
pub fn check(data: &[u8]) {
    pipeline::check_sources(data, &sources(data));
}

/// The spec files an input stands for.
pub fn sources(data: &[u8]) -> Vec<SpecSource> {
    String::from_utf8_lossy(data)
        .split('\0')
        .enumerate()
        .map(|(index, text)| SpecSource {
            path: format!("spec/part{index}.json"),
            text: text.to_owned(),
        })
        .collect()
}

//! Test-only package: snapshot tests of the generator's output and diagnostics, and wire
//! tests of the client against local HTTP servers. The tests live in `tests/tests/`; this
//! library holds what they share, and the checks the fuzz targets in `fuzz/` run.

#[cfg(doctest)]
mod compile_fail;
pub mod fuzz;
pub mod spec_files;
pub mod wire;

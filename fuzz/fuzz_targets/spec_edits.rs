//! The whole spec pipeline on structure-aware edits of the real spec. The check is `tests::fuzz::spec_edits::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::spec_edits::check(data));

//! The whole spec pipeline on arbitrary bytes (files split at NUL). The check is `tests::fuzz::spec_bytes::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::spec_bytes::check(data));

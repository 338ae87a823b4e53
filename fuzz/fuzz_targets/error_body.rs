//! The error-body parser and the error built from a non-success response. The check is `tests::fuzz::error_body::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::error_body::check(data));

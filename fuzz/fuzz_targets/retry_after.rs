//! `Retry-After` and HTTP-date parsing, directly and through response headers. The check is `tests::fuzz::retry_after::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::retry_after::check(data));

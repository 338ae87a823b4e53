//! Ids in paths and OData literals: one segment that decodes to the id. The check is `tests::fuzz::path_encoding::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::path_encoding::check(data));

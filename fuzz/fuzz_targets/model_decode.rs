//! Every generated model and `Page<_>` of each, decoding a response body. The check is `tests::fuzz::model_decode::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::model_decode::check(data));

//! See `pipec_tests::properties::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pipec_tests::properties::check(data));

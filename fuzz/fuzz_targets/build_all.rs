//! See `pipec_tests::properties::build_all`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pipec_tests::properties::build_all(data));

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| task_profiles_fuzz::targets::add_records(data));

//! .xlsx bytes (or an entry list packed into a ZIP) → read → parse.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tongbao_fuzz::read_and_parse(&tongbao_fuzz::zip_input(data));
});

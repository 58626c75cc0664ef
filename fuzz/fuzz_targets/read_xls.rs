//! .xls bytes (or a bare BIFF `Workbook` stream wrapped in a compound file) → read → parse.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tongbao_fuzz::read_and_parse(&tongbao_fuzz::ole_input(data));
});

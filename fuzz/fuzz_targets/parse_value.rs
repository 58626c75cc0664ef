//! The cell-value parsers (amounts, counts, dates, periods) on arbitrary text and numbers.
#![no_main]
use tongbao::parse::value::{
    parse_amount, parse_count, parse_date, parse_period, period_from_text, Currency, MoneyUnit,
};
use tongbao::read::CellValue;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut values = vec![CellValue::Text(String::from_utf8_lossy(data).into())];
    if data.len() >= 8 {
        let f = f64::from_le_bytes(data[..8].try_into().unwrap_or_default());
        values.push(CellValue::Number(f));
    }
    for v in &values {
        for unit in [MoneyUnit::One, MoneyUnit::Wan, MoneyUnit::Yi] {
            let _ = parse_amount(v, unit, Currency::Rmb);
        }
        let _ = parse_count(v);
        let _ = parse_date(v);
        let _ = parse_period(v);
    }
    let _ = period_from_text(&String::from_utf8_lossy(data));
});

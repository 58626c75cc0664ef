//! calamine's cell values to ours.
//!
//! The parser sees one small value type whatever the container; this is the one place
//! that knows calamine's variants (integers, ISO date strings from .ods, Excel serial
//! dates with their 1900/1904 epochs, error codes).

use calamine::{Data, DataRef, ExcelDateTime, ExcelDateTimeType};
use chrono::{NaiveDate, NaiveDateTime};

use super::CellValue;

/// A calamine value as ours; `None` for an empty cell (or an empty string, which is what
/// an emptied cell often leaves behind in .ods and inline-string .xlsx).
pub(crate) fn from_data(d: &Data) -> Option<CellValue> {
    Some(match d {
        Data::Empty => return None,
        Data::String(s) if s.is_empty() => return None,
        Data::String(s) => CellValue::Text(s.as_str().into()),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => excel_datetime(dt),
        Data::DateTimeIso(s) => {
            iso_datetime(s).map_or_else(|| CellValue::Text(s.as_str().into()), CellValue::DateTime)
        }
        Data::DurationIso(s) => {
            iso_duration(s).map_or_else(|| CellValue::Text(s.as_str().into()), CellValue::DateTime)
        }
        Data::Error(e) => CellValue::Error(e.to_string().into()),
    })
}

/// The same for the borrowed values of calamine's streaming .xlsx reader.
pub(crate) fn from_data_ref(d: &DataRef<'_>) -> Option<CellValue> {
    Some(match d {
        DataRef::Empty => return None,
        DataRef::String(s) if s.is_empty() => return None,
        DataRef::SharedString("") => return None,
        DataRef::String(s) => CellValue::Text(s.as_str().into()),
        DataRef::SharedString(s) => CellValue::Text((*s).into()),
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => excel_datetime(dt),
        DataRef::DateTimeIso(s) => {
            iso_datetime(s).map_or_else(|| CellValue::Text(s.as_str().into()), CellValue::DateTime)
        }
        DataRef::DurationIso(s) => {
            iso_duration(s).map_or_else(|| CellValue::Text(s.as_str().into()), CellValue::DateTime)
        }
        DataRef::Error(e) => CellValue::Error(e.to_string().into()),
    })
}

/// A date-formatted serial number; one too far out for a calendar date stays a number.
fn excel_datetime(dt: &ExcelDateTime) -> CellValue {
    serial_datetime(dt).map_or(CellValue::Number(dt.as_f64()), CellValue::DateTime)
}

/// Serial days (from 1899-12-30) of the years 1 to 9999, a little widened: calamine's
/// `as_datetime` panics inside chrono for a serial past ±2.5 × 10^11 days instead of
/// returning `None` (a read_xls fuzz finding), so nothing outside this range reaches it.
const SERIAL_DAYS: std::ops::RangeInclusive<f64> = -700_000.0..=3_000_000.0;

/// [`ExcelDateTime::as_datetime`] for serials in [`SERIAL_DAYS`]; `None` otherwise.
fn serial_datetime(dt: &ExcelDateTime) -> Option<NaiveDateTime> {
    SERIAL_DAYS
        .contains(&dt.as_f64())
        .then(|| dt.as_datetime())
        .flatten()
}

/// `2024-03-15`, `2024-03-15T10:30:00`, with optional fractions of a second (.ods
/// `office:date-value`, .xlsx `t="d"`).
fn iso_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().trim_end_matches('Z');
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// An ISO 8601 duration (`PT10H30M00S`, `P1DT2H`, as .ods writes time cells) read the way
/// Excel reads a time: days after its epoch, so that a time of day from .ods lands on the
/// same date-time as the same cell from .xlsx.
fn iso_duration(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let rest = s.strip_prefix('P')?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut seconds = 0.0f64;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                number.push(if c == ',' { '.' } else { c });
            } else {
                let scale = units.iter().find(|(u, _)| *u == c)?.1;
                seconds += number.parse::<f64>().ok()? * scale;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    take(date_part, &[('D', 86_400.0), ('W', 7.0 * 86_400.0)])?;
    take(time_part, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    let days = if negative { -seconds } else { seconds } / 86_400.0;
    serial_datetime(&ExcelDateTime::new(
        days,
        ExcelDateTimeType::TimeDelta,
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::CellErrorType;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid test date")
    }

    #[test]
    fn serials_past_any_calendar_stay_numbers() {
        for v in [1e15, -1e15, 9.2e15, f64::MAX, f64::NAN, f64::INFINITY] {
            let dt = ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false);
            let got = from_data(&Data::DateTime(dt));
            assert!(
                matches!(got, Some(CellValue::Number(n)) if n.to_bits() == v.to_bits()),
                "{v}: {got:?}"
            );
        }
        assert_eq!(
            from_data(&Data::DurationIso("PT99999999999999999H".into())),
            Some(CellValue::Text("PT99999999999999999H".into()))
        );
    }

    #[test]
    fn values() {
        assert_eq!(from_data(&Data::Empty), None);
        assert_eq!(from_data(&Data::String(String::new())), None);
        assert_eq!(from_data(&Data::Int(3)), Some(CellValue::Number(3.0)));
        assert_eq!(
            from_data(&Data::Error(CellErrorType::Div0)),
            Some(CellValue::Error("#DIV/0!".into()))
        );
        let serial = ExcelDateTime::new(45366.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            from_data(&Data::DateTime(serial)),
            Some(CellValue::DateTime(at(2024, 3, 15, 0, 0)))
        );
        let serial_1904 = ExcelDateTime::new(43904.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            from_data(&Data::DateTime(serial_1904)),
            Some(CellValue::DateTime(at(2024, 3, 15, 0, 0)))
        );
    }

    #[test]
    fn iso_forms() {
        assert_eq!(iso_datetime("2024-03-15"), Some(at(2024, 3, 15, 0, 0)));
        assert_eq!(
            iso_datetime("2024-03-15T10:30:00"),
            Some(at(2024, 3, 15, 10, 30))
        );
        assert_eq!(
            iso_datetime("2024-03-15T10:30:00.250"),
            at(2024, 3, 15, 10, 30).checked_add_signed(chrono::Duration::milliseconds(250))
        );
        assert_eq!(iso_datetime("next week"), None);
        assert_eq!(
            from_data(&Data::DateTimeIso("soon".into())),
            Some(CellValue::Text("soon".into()))
        );
        // A time of day lands where calamine puts the same .xlsx cell: 1899-12-31.
        assert_eq!(iso_duration("PT10H30M00S"), Some(at(1899, 12, 31, 10, 30)));
        assert_eq!(iso_duration("P1DT12H"), Some(at(1900, 1, 1, 12, 0)));
        assert_eq!(iso_duration("PT1X"), None);
    }
}

//! Typing single cells: amounts, counts, dates, periods and choices as counties really
//! write them (numbers as text, full-width digits, thousands separators, trailing units,
//! dates as text or Excel serials), and nothing looser: text that is not clearly one of
//! these is reported, never guessed.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::Period;
use crate::read::CellValue;
use crate::text::{to_half_width, trim};

/// A money unit a header or a cell may name, as a power of ten relative to the column's
/// base unit (万元 or 万美元).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 元 / 美元
    One,
    /// 千元 / 千美元
    Thousand,
    /// 万元 / 万美元 (the base)
    Wan,
    /// 百万元 / 百万美元
    Million,
    /// 亿元 / 亿美元
    Yi,
}

impl MoneyUnit {
    /// Multiplier from this unit to 万.
    fn to_wan(self) -> Decimal {
        match self {
            MoneyUnit::One => Decimal::new(1, 4),
            MoneyUnit::Thousand => Decimal::new(1, 1),
            MoneyUnit::Wan => Decimal::ONE,
            MoneyUnit::Million => Decimal::from(100),
            MoneyUnit::Yi => Decimal::from(10_000),
        }
    }
}

/// The currency a unit word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Rmb,
    Usd,
}

/// A unit word's currency (none for counting words like 个) and magnitude.
pub type UnitWord = (Option<Currency>, MoneyUnit);

/// Recognises a unit word: `万元`, `亿元`, `元`, `万美元`, `美元`… Counting words (个, 次,
/// 项) are recognised as `None` currency so they can be stripped from counts.
pub fn unit_word(s: &str) -> Option<UnitWord> {
    let s = s.trim();
    let (cur, prefix) = if let Some(p) = s.strip_suffix("美元") {
        (Some(Currency::Usd), p)
    } else if let Some(p) = s.strip_suffix("人民币") {
        (Some(Currency::Rmb), p.trim_end_matches('元'))
    } else if let Some(p) = s.strip_suffix('元') {
        (Some(Currency::Rmb), p)
    } else if matches!(s, "个" | "次" | "项" | "批" | "批次" | "家" | "户") {
        return Some((None, MoneyUnit::One));
    } else {
        return None;
    };
    let unit = match prefix {
        "" => MoneyUnit::One,
        "千" => MoneyUnit::Thousand,
        "万" => MoneyUnit::Wan,
        "百万" => MoneyUnit::Million,
        "亿" => MoneyUnit::Yi,
        _ => return None,
    };
    Some((cur, unit))
}

/// Words that mean "nothing here" in a numeric cell.
pub fn is_blank_marker(s: &str) -> bool {
    let t = trim(s);
    t.is_empty()
        || matches!(
            t,
            "-" | "--" | "—" | "——" | "–" | "－" | "/" | "／" | "无" | "\\" | "—-"
        )
}

/// Why a cell could not be read as the number its column wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberProblem {
    /// Not a number at all (`约5000`, `待定`).
    NotANumber,
    /// A count with a fractional part.
    NotWhole,
    /// A unit of the wrong currency (美元 in a 万元 column).
    WrongCurrency,
    /// A number, but too large to be an amount or a count (`1e20`, 30 digits): a typing
    /// error, said as such rather than as "not a number".
    OutOfRange,
}

/// Reads an amount in hundredths of the column's base unit (万元 or 万美元).
///
/// `column_unit` is the unit the header declares (万 when it declares none); a unit
/// written in the cell itself (`5000万元`, `0.5亿元`) takes precedence. Returns
/// `Ok(None)` for blank cells and blank markers.
pub fn parse_amount(
    v: &CellValue,
    column_unit: MoneyUnit,
    currency: Currency,
) -> Result<Option<i64>, NumberProblem> {
    let (value, unit) = match v {
        CellValue::Number(f) => (number_cell(*f)?, column_unit),
        CellValue::Text(s) => {
            if is_blank_marker(s) {
                return Ok(None);
            }
            let (d, written) = decimal_from_text(s)?;
            let unit = match written {
                Some((Some(c), u)) if c == currency => u,
                Some((Some(_), _)) => return Err(NumberProblem::WrongCurrency),
                Some((None, _)) => return Err(NumberProblem::NotANumber),
                None => column_unit,
            };
            (d, unit)
        }
        // A formula without its result is no figure; the ledger and 主要指标 say so
        // before asking for one (`E-FORMULA-NO-VALUE`).
        CellValue::Bool(_)
        | CellValue::DateTime(_)
        | CellValue::Error(_)
        | CellValue::Uncalculated(_) => return Err(NumberProblem::NotANumber),
    };
    // Checked: a written number near Decimal's limit times 10000 (亿元) would overflow, and
    // rust_decimal panics on that (found by the parse_value fuzz target).
    value
        .checked_mul(unit.to_wan())
        .and_then(to_cents)
        .map(Some)
        .ok_or(NumberProblem::OutOfRange)
}

/// The decimal of a number cell; a finite number beyond the decimal type is out of range.
fn number_cell(f: f64) -> Result<Decimal, NumberProblem> {
    match decimal_from_f64(f) {
        Some(d) => Ok(d),
        None if f.is_finite() => Err(NumberProblem::OutOfRange),
        None => Err(NumberProblem::NotANumber),
    }
}

/// Reads a whole count (`3`, `３`, `3个`). Returns `Ok(None)` for blanks.
pub fn parse_count(v: &CellValue) -> Result<Option<i64>, NumberProblem> {
    let d = match v {
        CellValue::Number(f) => number_cell(*f)?,
        CellValue::Text(s) => {
            if is_blank_marker(s) {
                return Ok(None);
            }
            match decimal_from_text(s)? {
                (d, None | Some((None, _))) => d,
                (_, Some((Some(_), _))) => return Err(NumberProblem::NotANumber),
            }
        }
        _ => return Err(NumberProblem::NotANumber),
    };
    if !d.fract().is_zero() {
        return Err(NumberProblem::NotWhole);
    }
    d.to_i64().map(Some).ok_or(NumberProblem::OutOfRange)
}

/// Rounds to hundredths, half away from zero, as an integer.
fn to_cents(d: Decimal) -> Option<i64> {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .checked_mul(Decimal::from(100))?
        .to_i64()
}

/// The decimal a float cell shows: the shortest text that round-trips, so 0.145 stays
/// 0.145 rather than becoming 0.14499999….
pub fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if let Some(d) = decimal_of_cents(f) {
        return Some(d);
    }
    // Most amounts' shortest digits fit a small buffer: read them from there rather
    // than from a new string each (a return has thousands of numbers).
    let mut buf = [0u8; 48];
    let mut at = std::io::Cursor::new(&mut buf[..]);
    if std::io::Write::write_fmt(&mut at, format_args!("{f}")).is_ok() {
        let len = usize::try_from(at.position()).unwrap_or(0);
        if let Ok(s) = std::str::from_utf8(&buf[..len]) {
            if let Ok(d) = Decimal::from_str(s) {
                return Some(d);
            }
        }
    }
    let s = format!("{f}");
    Decimal::from_str(&s)
        .ok()
        .or_else(|| Decimal::from_scientific(&format!("{f:e}")).ok())
}

/// A float that is a whole number of hundredths, below 10^12 (as most amounts are: 万元
/// to two decimals), as that decimal without formatting it. There its shortest digits are
/// those hundredths: a float that small is within 0.0002 of its neighbours, so no other
/// decimal of two places or fewer reads back as it. Negative zero is left to the text.
fn decimal_of_cents(f: f64) -> Option<Decimal> {
    const BELOW: f64 = 1e12;
    // (A NaN passes here and fails the comparison below.)
    if f.abs() >= BELOW || (f == 0.0 && f.is_sign_negative()) {
        return None;
    }
    let cents = (f * 100.0).round();
    // Exact: |cents| < 10^14 < 2^53.
    (cents / 100.0 == f).then(|| Decimal::new(cents as i64, 2).normalize())
}

/// Parses number text: optional sign, digits with optional thousands separators in
/// groups of three, optional decimals, optional trailing unit word.
fn decimal_from_text(s: &str) -> Result<(Decimal, Option<UnitWord>), NumberProblem> {
    let half = to_half_width(s);
    let t = trim(&half);
    // Split off a trailing unit word.
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '+' | '-' | ' ')))
        .unwrap_or(t.len());
    let (num, unit_text) = t.split_at(split);
    let unit = if unit_text.is_empty() {
        None
    } else {
        Some(unit_word(unit_text).ok_or(NumberProblem::NotANumber)?)
    };
    let num: String = num.chars().filter(|c| *c != ' ').collect();
    let (sign, digits) = match num.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", num.strip_prefix('+').unwrap_or(&num)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(NumberProblem::NotANumber);
        }
    }
    let int_digits: String = int_part.chars().filter(|c| *c != ',').collect();
    let frac_ok = frac_part.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    if int_digits.is_empty() && frac_part.is_none_or(str::is_empty)
        || !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_ok
    {
        return Err(NumberProblem::NotANumber);
    }
    let text = match frac_part {
        Some(f) => format!(
            "{sign}{}.{f}",
            if int_digits.is_empty() {
                "0"
            } else {
                &int_digits
            }
        ),
        None => format!("{sign}{int_digits}"),
    };
    // The text is well-formed digits here: what the decimal type refuses is too long.
    Decimal::from_str(&text)
        .map(|d| (d, unit))
        .map_err(|_| NumberProblem::OutOfRange)
}

/// Reads a date cell: a date-formatted cell, an Excel serial number, `20250615`, or text
/// such as `2025-06-15`, `2025/6/15`, `2025.6.15`, `2025年6月15日`. Returns `Ok(None)` for
/// blanks and `Err(())` for anything else.
#[allow(clippy::result_unit_err)]
pub fn parse_date(v: &CellValue) -> Result<Option<NaiveDate>, ()> {
    match v {
        // A date-formatted cell is held to the same years as a typed one: serial 0 shows
        // as 1900-01-00 and a negative one as no date at all in Excel, and a project dated
        // so would silently fall out of every span.
        CellValue::DateTime(dt) => plausible(dt.date()).map(Some).ok_or(()),
        CellValue::Number(f) => date_from_number(*f).map(Some).ok_or(()),
        CellValue::Text(s) => {
            if is_blank_marker(s) {
                return Ok(None);
            }
            date_from_text(s).map(Some).ok_or(())
        }
        CellValue::Bool(_) | CellValue::Error(_) | CellValue::Uncalculated(_) => Err(()),
    }
}

/// An Excel serial (days since 1899-12-30 in the 1900 system, which is right for every
/// date after February 1900) or an eight-digit yyyymmdd number.
fn date_from_number(f: f64) -> Option<NaiveDate> {
    if !f.is_finite() || f < 1.0 {
        return None;
    }
    if (19_000_101.0..=21_001_231.0).contains(&f) && f.fract() == 0.0 {
        return ymd_digits(&format!("{f}"));
    }
    if f >= 2_958_466.0 {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let d = base.checked_add_days(chrono::Days::new(f.floor() as u64))?;
    plausible(d)
}

fn ymd_digits(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..].parse().ok()?,
    )
    .and_then(plausible)
}

/// Dates before 1990 or after 2100 in a return are typing errors, not history.
fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    (1990..=2100).contains(&d.year()).then_some(d)
}

/// Splits text into digit groups separated by date punctuation. Any other character
/// makes the text not a date.
fn digit_groups(s: &str, seps: &[char]) -> Option<Vec<String>> {
    let mut groups = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if seps.contains(&c) {
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
        } else {
            return None;
        }
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    Some(groups)
}

fn date_from_text(s: &str) -> Option<NaiveDate> {
    let half = to_half_width(s);
    let mut t = trim(&half).to_string();
    // An ISO date-time or a date followed by 00:00:00: keep the date part.
    if let Some(pos) = t.find(['T', ' ']) {
        let time = trim(&t[pos + 1..]);
        if time
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
            && time.contains(':')
        {
            t.truncate(pos);
        }
    }
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return ymd_digits(&t);
    }
    let g = digit_groups(&t, &['-', '/', '.', '年', '月', '日', '号'])?;
    if g.len() != 3 || g[0].len() != 4 || g[1].len() > 2 || g[2].len() > 2 {
        return None;
    }
    // 年/月 must be in order if used at all.
    if t.contains('年') && !(t.contains('月') && t.find('年') < t.find('月')) {
        return None;
    }
    NaiveDate::from_ymd_opt(g[0].parse().ok()?, g[1].parse().ok()?, g[2].parse().ok()?)
        .and_then(plausible)
}

/// Why a period could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodProblem {
    /// Not a period at all.
    Unreadable,
    /// A number like 2024.1 that may be January or October.
    Ambiguous,
}

/// Reads a report period: `2024年3月`, `2024-03`, `2024.3`, `2024/03`, `202403`,
/// `2024年1-3月` (the last month), or a date cell in that month.
pub fn parse_period(v: &CellValue) -> Result<Option<Period>, PeriodProblem> {
    match v {
        CellValue::DateTime(dt) => Ok(Period::new(dt.year(), dt.month())),
        CellValue::Number(f) => {
            let s = format!("{f}");
            if let Some((y, m)) = s.split_once('.') {
                if m == "1" {
                    return Err(PeriodProblem::Ambiguous);
                }
                let p = Period::new(
                    y.parse().map_err(|_| PeriodProblem::Unreadable)?,
                    m.parse().map_err(|_| PeriodProblem::Unreadable)?,
                );
                return p.map(Some).ok_or(PeriodProblem::Unreadable);
            }
            period_from_text(&s)
                .map(Some)
                .ok_or(PeriodProblem::Unreadable)
        }
        CellValue::Text(s) if trim(s).is_empty() => Ok(None),
        CellValue::Text(s) => period_from_text(s)
            .map(Some)
            .ok_or(PeriodProblem::Unreadable),
        _ => Err(PeriodProblem::Unreadable),
    }
}

/// Period text; see [`parse_period`].
pub fn period_from_text(s: &str) -> Option<Period> {
    let half = to_half_width(s);
    let t = trim(&half);
    if t.len() == 6 && t.chars().all(|c| c.is_ascii_digit()) {
        return Period::new(t[..4].parse().ok()?, t[4..].parse().ok()?);
    }
    // 2024年1-3月, 2024年1—3月: the span ends in the report month.
    let t = match (t.find('年'), t.rfind(['-', '—', '–', '~', '至'])) {
        (Some(y), Some(dash)) if dash > y => format!(
            "{}年{}",
            &t[..y],
            &t[dash + t[dash..].chars().next()?.len_utf8()..]
        ),
        _ => t.to_string(),
    };
    let t = t.trim_end_matches(['份']);
    let g = digit_groups(t, &['-', '/', '.', '年', '月'])?;
    if g.len() != 2 || g[0].len() != 4 || g[1].is_empty() || g[1].len() > 2 {
        // A full date also names its month.
        return date_from_text(t).and_then(|d| Period::new(d.year(), d.month()));
    }
    Period::new(g[0].parse().ok()?, g[1].parse().ok()?)
}

/// The text of a cell as the county sees it, for messages.
pub fn display(v: &CellValue) -> String {
    match v {
        CellValue::Text(s) => s.to_string(),
        // A number beyond the decimal type is shown as Excel shows it (1E+308), not as its
        // 309 digits.
        CellValue::Number(f) => decimal_from_f64(*f)
            .map(|d| d.normalize().to_string())
            .unwrap_or_else(|| format!("{f:E}").replace("E", "E+").replace("E+-", "E-")),
        CellValue::DateTime(dt) => {
            if dt.time() == chrono::NaiveTime::MIN {
                dt.date().format("%Y-%m-%d").to_string()
            } else {
                dt.format("%Y-%m-%d %H:%M:%S").to_string()
            }
        }
        CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        CellValue::Error(e) => e.to_string(),
        // The formula as written: what the county sees in the formula bar.
        CellValue::Uncalculated(f) => f.to_string(),
    }
}

/// The text of a cell for matching words (choices, names): numbers as shown.
pub fn as_text(v: &CellValue) -> String {
    text_of(v).into_owned()
}

/// [`as_text`] without a copy of a text cell: the choice columns of every ledger row are
/// only matched against their words.
pub fn text_of(v: &CellValue) -> std::borrow::Cow<'_, str> {
    match v {
        // Text is trimmed straight from the cell, not from a copy of it.
        CellValue::Text(s) | CellValue::Error(s) | CellValue::Uncalculated(s) => {
            std::borrow::Cow::Borrowed(trim(s))
        }
        _ => {
            let shown = display(v);
            let trimmed = trim(&shown);
            std::borrow::Cow::Owned(if trimmed.len() == shown.len() {
                shown
            } else {
                trimmed.to_string()
            })
        }
    }
}

/// Whether [`as_text`] of the cell is empty (white space only), without making the text:
/// called for every cell of a ledger, where making it (a number's shortest decimal
/// included) cost more than the rest of the test.
pub fn is_blank(v: &CellValue) -> bool {
    match v {
        CellValue::Text(s) | CellValue::Error(s) => trim(s).is_empty(),
        // Never blank, whatever it would compute: its result is unknown.
        CellValue::Number(_)
        | CellValue::DateTime(_)
        | CellValue::Bool(_)
        | CellValue::Uncalculated(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_from_floats_read_their_shortest_digits() {
        let old = |f: f64| {
            Decimal::from_str(&format!("{f}"))
                .ok()
                .or_else(|| Decimal::from_scientific(&format!("{f:e}")).ok())
        };
        for f in [
            0.0,
            -0.0,
            1.0,
            0.145,
            0.1 + 0.2,
            12_345.678,
            -9_876.54,
            1e15,
            1e20,
            7.9e28,
            1e29,
            1e300,
            1e-5,
            1e-20,
            1e-300,
            123_456_789.123_456_78,
            f64::MIN_POSITIVE,
            f64::MAX,
        ] {
            let got = decimal_from_f64(f);
            assert_eq!(got, old(f), "{f}");
            assert_eq!(
                got.map(|d| d.to_string()),
                old(f).map(|d| d.to_string()),
                "{f}"
            );
        }
        assert_eq!(decimal_from_f64(f64::NAN), None);
    }

    #[test]
    fn whole_hundredths_read_as_their_shortest_digits() {
        let old = |f: f64| Decimal::from_str(&format!("{f}")).ok();
        let same = |f: f64| {
            let (got, want) = (decimal_from_f64(f), old(f));
            assert_eq!(got, want, "{f}");
            assert_eq!(got.map(|d| d.scale()), want.map(|d| d.scale()), "{f}");
            assert_eq!(
                got.map(|d| d.to_string()),
                want.map(|d| d.to_string()),
                "{f}"
            );
        };
        // Amounts as counties type them, and the fractions that are not hundredths.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let cents = (seed >> 20) as i64 % 2_000_000_000_000_000 - 1_000_000_000_000_000;
            let scale = (seed >> 8) % 6;
            let f = cents as f64 / 10f64.powi(scale as i32);
            same(f);
            same(f / 7.0);
        }
        for f in [
            999_999_999_999.99,
            1e12 - 0.01,
            1e12,
            1e12 + 0.01,
            0.005,
            0.015,
            1.005,
            -0.01,
            -0.0,
            f64::MIN_POSITIVE,
            2156.43,
            348.6,
        ] {
            same(f);
        }
    }

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }
    fn wan(v: &CellValue) -> Result<Option<i64>, NumberProblem> {
        parse_amount(v, MoneyUnit::Wan, Currency::Rmb)
    }

    /// The parse_value fuzz target's finding: an amount near Decimal's limit, converted
    /// from 亿元 or to cents, overflowed inside rust_decimal (a panic).
    #[test]
    fn is_blank_agrees_with_as_text() {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(CellValue::DateTime);
        let cells = [
            text(""),
            text(" \u{3000}\u{a0}\t"),
            text(" x "),
            CellValue::Number(0.0),
            CellValue::Number(-1.5e300),
            CellValue::Number(f64::NAN),
            CellValue::Bool(false),
            CellValue::Error(" ".into()),
            CellValue::Error("#N/A".into()),
        ];
        for v in cells.iter().chain(date.as_ref()) {
            assert_eq!(is_blank(v), as_text(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn an_amount_too_large_to_convert_is_out_of_range() {
        let found = text(&String::from_utf8_lossy(&[
            48, 46, 49, 255, 44, 48, 46, 69, 49, 52, 48, 52, 48, 48,
        ]));
        for unit in [MoneyUnit::One, MoneyUnit::Wan, MoneyUnit::Yi] {
            assert!(parse_amount(&found, unit, Currency::Rmb).is_err());
        }
        let huge = text("79228162514264337593543950335");
        assert_eq!(
            parse_amount(&huge, MoneyUnit::Yi, Currency::Rmb),
            Err(NumberProblem::OutOfRange)
        );
        let out_of_range = Err(NumberProblem::OutOfRange);
        for v in [
            CellValue::Number(1e20),
            CellValue::Number(1e308),
            text("100000000000000000000"),
            text("1234567890123456789012345678901234"),
        ] {
            assert_eq!(
                parse_amount(&v, MoneyUnit::Wan, Currency::Rmb),
                out_of_range,
                "{v:?}"
            );
        }
        assert_eq!(parse_count(&CellValue::Number(1e19)), out_of_range);
        assert_eq!(
            parse_amount(&CellValue::Number(f64::NAN), MoneyUnit::Wan, Currency::Rmb),
            Err(NumberProblem::NotANumber)
        );
        assert_eq!(display(&CellValue::Number(1e308)), "1E+308");
        assert_eq!(display(&CellValue::Number(1e20)), "100000000000000000000");
    }

    #[test]
    fn numbers_as_text_in_every_tolerated_form() {
        assert_eq!(wan(&text("5,000")), Ok(Some(500_000)));
        assert_eq!(wan(&text("５０００")), Ok(Some(500_000)));
        assert_eq!(wan(&text(" 5000 ")), Ok(Some(500_000)));
        assert_eq!(wan(&text("5000万元")), Ok(Some(500_000)));
        assert_eq!(wan(&text("0.5亿元")), Ok(Some(500_000)));
        assert_eq!(wan(&text("1,234.56")), Ok(Some(123_456)));
        assert_eq!(wan(&text("５，０００．５")), Ok(Some(500_050)));
        assert_eq!(wan(&CellValue::Number(31250.5)), Ok(Some(3_125_050)));
    }

    #[test]
    fn blank_markers_are_blank() {
        for s in ["", "-", "—", "/", "无", "  "] {
            assert_eq!(wan(&text(s)), Ok(None), "{s:?}");
        }
    }

    #[test]
    fn words_are_not_numbers() {
        for s in [
            "约5000",
            "待定",
            "5000左右",
            "5,00",
            "1.2.3",
            "五千",
            "5000美元",
        ] {
            assert!(wan(&text(s)).is_err(), "{s:?}");
        }
        assert_eq!(wan(&text("5000美元")), Err(NumberProblem::WrongCurrency));
    }

    #[test]
    fn header_units_convert_to_wan() {
        assert_eq!(
            parse_amount(&CellValue::Number(2.5), MoneyUnit::Yi, Currency::Rmb),
            Ok(Some(2_500_000))
        );
        assert_eq!(
            parse_amount(
                &CellValue::Number(1_234_567.0),
                MoneyUnit::One,
                Currency::Rmb
            ),
            Ok(Some(12_346))
        );
    }

    #[test]
    fn float_cells_keep_the_decimal_they_show() {
        assert_eq!(wan(&CellValue::Number(0.145)), Ok(Some(15)));
        assert_eq!(wan(&CellValue::Number(1.005)), Ok(Some(101)));
    }

    #[test]
    fn counts_are_whole() {
        assert_eq!(parse_count(&text("3个")), Ok(Some(3)));
        assert_eq!(parse_count(&CellValue::Number(3.0)), Ok(Some(3)));
        assert_eq!(
            parse_count(&CellValue::Number(3.5)),
            Err(NumberProblem::NotWhole)
        );
    }

    #[test]
    fn dates_in_every_tolerated_form() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 15);
        for s in [
            "2024-03-15",
            "2024.3.15",
            "2024年3月15日",
            "2024/3/15",
            "20240315",
            "2024-03-15 00:00:00",
            "２０２４－０３－１５",
        ] {
            assert_eq!(parse_date(&text(s)), Ok(d), "{s:?}");
        }
        assert_eq!(parse_date(&CellValue::Number(45366.0)), Ok(d));
        assert_eq!(parse_date(&text("2024-02-30")), Err(()));
        assert_eq!(parse_date(&text("三月中旬")), Err(()));
        assert_eq!(parse_date(&text("-")), Ok(None));
    }

    #[test]
    fn date_cells_outside_the_plausible_years_are_not_dates() {
        let cell = |y, m, d| {
            CellValue::DateTime(
                NaiveDate::from_ymd_opt(y, m, d)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .expect("a date"),
            )
        };
        // What a date-formatted serial 0, -1 or 60 and a year-0 `t="d"` cell read as.
        for (y, m, d) in [
            (1899, 12, 30),
            (1899, 12, 29),
            (1900, 2, 28),
            (0, 1, 5),
            (-2025, 1, 5),
        ] {
            assert_eq!(parse_date(&cell(y, m, d)), Err(()), "{y}-{m}-{d}");
        }
        assert_eq!(
            parse_date(&cell(2025, 6, 15)),
            Ok(NaiveDate::from_ymd_opt(2025, 6, 15))
        );
    }

    #[test]
    fn periods_in_every_tolerated_form() {
        let p = Period::new(2024, 3);
        for s in [
            "2024年3月",
            "2024-03",
            "2024.3",
            "2024/03",
            "2024年03月",
            "202403",
            "2024年1-3月",
            "2024年1—3月",
        ] {
            assert_eq!(parse_period(&text(s)), Ok(p), "{s:?}");
        }
        assert_eq!(parse_period(&CellValue::Number(2024.03)), Ok(p));
        assert_eq!(
            parse_period(&CellValue::Number(2024.1)),
            Err(PeriodProblem::Ambiguous)
        );
        assert_eq!(
            parse_period(&CellValue::Number(2024.11)),
            Ok(Period::new(2024, 11))
        );
        assert_eq!(
            parse_period(&text("2024年13月")),
            Err(PeriodProblem::Unreadable)
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Writes a cent amount the ways counties type it.
    fn typed_forms(cents: i64) -> Vec<String> {
        let units = cents / 100;
        let frac = cents % 100;
        let plain = format!("{units}.{frac:02}");
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let full_width: String = plain
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                '.' => '．',
                _ => c,
            })
            .collect();
        vec![
            plain.clone(),
            format!("{grouped}.{frac:02}"),
            full_width,
            format!(" {plain}万元 "),
            format!("{plain}\u{3000}"),
        ]
    }

    proptest! {
        #[test]
        fn every_typed_form_of_an_amount_reads_back_exactly(cents in 0i64..1_000_000_000_000) {
            for form in typed_forms(cents) {
                prop_assert_eq!(parse_amount(&CellValue::Text(form.as_str().into()), MoneyUnit::Wan, Currency::Rmb), Ok(Some(cents)), "{}", form);
            }
        }

        #[test]
        fn a_number_cell_reads_as_the_decimal_it_shows(cents in -1_000_000_000_000i64..1_000_000_000_000) {
            let f: f64 = format!("{}.{:02}", cents / 100, (cents % 100).abs()).parse().unwrap_or(0.0);
            let f = if cents < 0 && cents > -100 { -f.abs() } else { f };
            prop_assert_eq!(parse_amount(&CellValue::Number(f), MoneyUnit::Wan, Currency::Rmb), Ok(Some(cents)));
        }

        #[test]
        fn amount_parsing_never_panics_and_never_guesses_words(s in "\\PC{0,20}") {
            let r = parse_amount(&CellValue::Text(s.as_str().into()), MoneyUnit::Wan, Currency::Rmb);
            if s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !s.contains('元') && !s.contains('无') {
                prop_assert!(r.is_err(), "{:?} → {:?}", s, r);
            }
        }

        #[test]
        fn every_typed_form_of_a_date_reads_back(y in 1990i32..2100, m in 1u32..=12, d in 1u32..=28) {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            for form in [
                format!("{y}-{m:02}-{d:02}"),
                format!("{y}.{m}.{d}"),
                format!("{y}/{m}/{d}"),
                format!("{y}年{m}月{d}日"),
                format!("{y}{m:02}{d:02}"),
                format!("{y}-{m:02}-{d:02} 00:00:00"),
            ] {
                prop_assert_eq!(parse_date(&CellValue::Text(form.as_str().into())), Ok(Some(date)), "{}", form);
            }
            let serial = (date - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()).num_days() as f64;
            prop_assert_eq!(parse_date(&CellValue::Number(serial)), Ok(Some(date)));
        }

        #[test]
        fn date_and_period_parsing_never_panic(s in "\\PC{0,24}", f in proptest::num::f64::ANY) {
            let _ = parse_date(&CellValue::Text(s.as_str().into()));
            let _ = parse_period(&CellValue::Text(s.into()));
            let _ = parse_date(&CellValue::Number(f));
            let _ = parse_period(&CellValue::Number(f));
        }

        #[test]
        fn every_typed_form_of_a_period_reads_back(y in 1990i32..2100, m in 1u32..=12) {
            for form in [format!("{y}年{m}月"), format!("{y}-{m:02}"), format!("{y}/{m:02}"), format!("{y}.{m}"), format!("{y}{m:02}"), format!("{y}年1-{m}月")] {
                prop_assert_eq!(parse_period(&CellValue::Text(form.as_str().into())), Ok(Period::new(y, m)), "{}", form);
            }
        }
    }
}

//! The one clock of the program: what "now" is, and in which time zone a person is shown
//! it. `SOURCE_DATE_EPOCH` (seconds since 1970, UTC), when set, stands for now everywhere,
//! so that a run can be repeated byte for byte (tests, demo, reproducible bulletins).
//!
//! Instants are stored and written for programs in UTC (RFC 3339, `…Z`); every time shown
//! to a person — `status`, receipts, `watch`'s lines, the date of issue of bulletins and
//! briefings — is in the bureau's time zone, `[bulletin] time_zone` in `tongbao.toml`
//! (default `Asia/Shanghai`). A zone is a fixed offset: the named zones accepted are ones
//! without daylight saving time (China has kept none since 1991), so no time-zone database
//! is needed.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

use crate::lang::Lang;

/// Now, or `SOURCE_DATE_EPOCH` when it is set to a valid number of seconds.
pub(crate) fn now_utc() -> DateTime<Utc> {
    source_date_epoch().unwrap_or_else(Utc::now)
}

/// `SOURCE_DATE_EPOCH` as a time, when set and valid.
fn source_date_epoch() -> Option<DateTime<Utc>> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// The time of receipt of a file arriving now, RFC 3339 in UTC to the second (as stored
/// in the archive and written in JSON).
pub(crate) fn received_now() -> String {
    now_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The date of issue when none is given: today in the bureau's time zone `zone`, or the
/// day of `SOURCE_DATE_EPOCH` there when set.
pub(crate) fn issue_date_today(zone: FixedOffset) -> NaiveDate {
    now_utc().with_timezone(&zone).date_naive()
}

/// Now in the bureau's time zone, `HH:MM:SS` (the time at the start of a `watch` line).
pub(crate) fn time_of_day_now(zone: FixedOffset) -> String {
    now_utc()
        .with_timezone(&zone)
        .format("%H:%M:%S")
        .to_string()
}

/// The default of `[bulletin] time_zone`.
pub(crate) const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// China Standard Time, UTC+8.
const CHINA: i32 = 8 * 3600;

/// The offset of a time zone as `tongbao.toml` may name it, or `None` when it is not one
/// tongbao knows:
///
/// - `Asia/Shanghai` (and its tz-database aliases `Asia/Chongqing`, `Asia/Harbin`, `PRC`):
///   UTC+8, Beijing time;
/// - `UTC` (`Etc/UTC`, `Z`): UTC;
/// - a fixed offset `+08:00`, `-05:30`, `+0800`, optionally after `UTC` (`UTC+08:00`),
///   within ±18 hours.
pub(crate) fn parse_time_zone(name: &str) -> Option<FixedOffset> {
    let name = name.trim();
    match name {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC" => {
            return FixedOffset::east_opt(CHINA);
        }
        "UTC" | "Etc/UTC" | "Z" => return FixedOffset::east_opt(0),
        _ => {}
    }
    let offset = name.strip_prefix("UTC").unwrap_or(name);
    let (sign, rest) = match offset.as_bytes().first() {
        Some(b'+') => (1, &offset[1..]),
        Some(b'-') => (-1, &offset[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 && rest.is_char_boundary(2) => rest.split_at(2),
        None => return None,
    };
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let (h, m): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    if h > 18 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// How a person is told which zone a time is in: 北京时间 (Beijing time, UTC+8) for UTC+8,
/// `UTC`, or the offset (`UTC+07:00`).
pub(crate) fn time_zone_name(zone: FixedOffset, lang: Lang) -> Cow<'static, str> {
    match (zone.local_minus_utc(), lang) {
        (CHINA, Lang::Zh) => Cow::Borrowed("北京时间"),
        (CHINA, Lang::En) => Cow::Borrowed("Beijing time, UTC+8"),
        (0, _) => Cow::Borrowed("UTC"),
        _ => Cow::Owned(format!("UTC{zone}")),
    }
}

/// An instant stored as RFC 3339 (the archive's `received_at`), as a person reads it in
/// `zone`: `2025-07-03 09:30:00`. `None` when the text is not RFC 3339.
pub(crate) fn local_time(rfc3339: &str, zone: FixedOffset) -> Option<String> {
    DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| {
        t.with_timezone(&zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

/// The calendar day of an instant stored as RFC 3339 in `zone` (for deadlines, which are
/// days of the bureau's calendar).
pub(crate) fn local_date(rfc3339: &str, zone: FixedOffset) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&zone).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset(name: &str) -> Option<i32> {
        parse_time_zone(name).map(|z| z.local_minus_utc())
    }

    #[test]
    fn named_zones_and_fixed_offsets_are_read() {
        assert_eq!(offset("Asia/Shanghai"), Some(8 * 3600));
        assert_eq!(offset("Asia/Chongqing"), Some(8 * 3600));
        assert_eq!(offset("UTC"), Some(0));
        assert_eq!(offset("+08:00"), Some(8 * 3600));
        assert_eq!(offset("UTC+07:00"), Some(7 * 3600));
        assert_eq!(offset("-05:30"), Some(-(5 * 3600 + 30 * 60)));
        assert_eq!(offset("+0800"), Some(8 * 3600));
    }

    #[test]
    fn unknown_zones_are_refused() {
        for name in [
            "",
            "Beijing",
            "Europe/Paris",
            "America/New_York",
            "+8",
            "+08",
            "+19:00",
            "+08:60",
            "08:00",
            "+０８:00",
            "+1é1",
        ] {
            assert_eq!(offset(name), None, "{name:?}");
        }
    }

    #[test]
    fn a_stored_instant_is_shown_in_the_zone() {
        let utc = "2025-07-02T23:46:40Z";
        let china = parse_time_zone("Asia/Shanghai").expect("zone");
        assert_eq!(
            local_time(utc, china).as_deref(),
            Some("2025-07-03 07:46:40")
        );
        assert_eq!(local_date(utc, china), NaiveDate::from_ymd_opt(2025, 7, 3));
        let utc_zone = parse_time_zone("UTC").expect("zone");
        assert_eq!(
            local_time(utc, utc_zone).as_deref(),
            Some("2025-07-02 23:46:40")
        );
        assert_eq!(time_zone_name(china, Lang::Zh), "北京时间");
        assert_eq!(
            time_zone_name(parse_time_zone("+07:00").expect("zone"), Lang::En),
            "UTC+07:00"
        );
    }
}

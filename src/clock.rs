//! The one clock of the program: what "now" is, and in which time zone a person is shown
//! it. `SOURCE_DATE_EPOCH` (seconds since 1970, UTC), when set, stands for now everywhere,
//! so that a run can be repeated byte for byte (tests, demo, reproducible bulletins).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, SecondsFormat, Utc};

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
/// in the archive and stated on receipts).
pub(crate) fn received_now() -> String {
    now_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The date of issue when none is given: today on this machine's calendar, or the day of
/// `SOURCE_DATE_EPOCH` when set.
pub(crate) fn issue_date_today() -> NaiveDate {
    source_date_epoch().map_or_else(|| chrono::Local::now().date_naive(), |t| t.date_naive())
}

/// China Standard Time (UTC+8), in which receipts state the time of receipt.
pub(crate) fn beijing() -> FixedOffset {
    // 8 hours is always a valid offset; the fallback only satisfies the type.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

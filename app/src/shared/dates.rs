//! Post dates as the browser gets and shows them, without chrono's parser or `strftime`.
//!
//! Dates travel as microseconds since the epoch (`#[serde(with = "chrono::serde::ts_microseconds")]`
//! on the shared types) and are shown as a day built from its numbers, so the browser bundle
//! carries neither chrono's RFC 3339/2822 parsers nor its format-string machinery.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// The day as readers see it, e.g. `2026-11-25` (UTC).
pub fn day(at: &DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02}", at.year(), at.month(), at.day())
}

/// The moment as a machine reads it (`<time datetime>`), to the second, e.g.
/// `2026-11-25T09:05:03Z`.
pub fn machine_time(at: &DateTime<Utc>) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day(at),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The moment as a `datetime-local` field in UTC holds it, e.g. `2026-11-25T09:05:03`.
pub fn local_field(at: &DateTime<Utc>) -> String {
    let mut time = machine_time(at);
    time.pop();
    time
}

/// The moment as readers see it, to the minute, e.g. `2026-11-25 09:05 UTC`.
pub fn minute(at: &DateTime<Utc>) -> String {
    format!("{} {:02}:{:02} UTC", day(at), at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_time_is_utc_to_the_second() {
        let at = DateTime::from_timestamp(1_767_312_000 + 9 * 3600 + 5 * 60 + 3, 7_000)
            .unwrap_or_default();
        assert_eq!(machine_time(&at), "2026-01-02T09:05:03Z");
    }

    #[test]
    fn a_local_field_is_the_machine_time_without_its_zone() {
        let at =
            DateTime::from_timestamp(1_767_312_000 + 9 * 3600 + 5 * 60 + 3, 0).unwrap_or_default();
        assert_eq!(local_field(&at), "2026-01-02T09:05:03");
    }

    #[test]
    fn a_minute_says_its_zone() {
        let at =
            DateTime::from_timestamp(1_767_312_000 + 9 * 3600 + 5 * 60 + 3, 0).unwrap_or_default();
        assert_eq!(minute(&at), "2026-01-02 09:05 UTC");
    }

    #[test]
    fn a_day_is_zero_padded() {
        let at = DateTime::from_timestamp(1_767_312_000, 0).unwrap_or_default();
        assert_eq!(day(&at), "2026-01-02");
    }
}

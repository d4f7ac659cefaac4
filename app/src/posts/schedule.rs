//! Scheduled posts: the "Publish at" field read, and the task every instance runs that publishes
//! posts whose time has come (server only).

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::{
    posts::repo::{any_due, publish_due},
    server_only::clock::now,
    server_only::db::{Db, DbError},
    shared::messages,
};

/// How often each instance looks for posts that fall due: a scheduled post is public within
/// this of its time, and every instance's page cache follows at its next request.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// Largest time-zone offset a browser reports, in minutes (UTC+14:00).
const MAX_OFFSET_MINUTES: i64 = 14 * 60;

/// The forms a "Publish at" value comes in: the browser's `datetime-local` (with or without
/// seconds), or typed by hand with a space.
const FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// The moment "Publish at" names: `value`, a local date and time, in a zone `offset_minutes`
/// east of UTC (0, UTC, without JavaScript). A blank field is no schedule; an unreadable value,
/// or a moment not after `now`, is the message to show under the field.
pub fn parse_publish_at(
    value: &str,
    offset_minutes: i64,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if offset_minutes.abs() > MAX_OFFSET_MINUTES {
        return Err(messages::PUBLISH_AT_INVALID);
    }
    let local = FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .ok_or(messages::PUBLISH_AT_INVALID)?;
    let at = local
        .checked_sub_signed(TimeDelta::minutes(offset_minutes))
        .ok_or(messages::PUBLISH_AT_INVALID)?
        .and_utc();
    if at <= now {
        return Err(messages::PUBLISH_AT_PAST);
    }
    Ok(Some(at))
}

/// Publishes every post that is due now; their ids.
pub async fn publish_due_posts(db: &Db) -> Result<Vec<i64>, DbError> {
    let at = now();
    if !any_due(db, at).await? {
        return Ok(Vec::new());
    }
    publish_due(db, at).await
}

/// Checks for due posts every [`CHECK_EVERY`], for as long as the server runs.
pub fn spawn_publisher(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CHECK_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match publish_due_posts(&db).await {
                Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "scheduled posts published"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "scheduled posts could not be published"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|moment| moment.to_utc())
            .unwrap_or_default()
    }

    const NOW: &str = "2026-12-05T10:00:00Z";

    #[test]
    fn a_blank_field_is_no_schedule() {
        assert_eq!(parse_publish_at(" ", 0, at(NOW)), Ok(None));
    }

    #[test]
    fn a_browser_value_is_read_in_utc_without_an_offset() {
        assert_eq!(
            parse_publish_at("2026-12-05T11:30", 0, at(NOW)),
            Ok(Some(at("2026-12-05T11:30:00Z")))
        );
    }

    #[test]
    fn a_local_time_east_of_utc_is_stored_earlier_in_utc() {
        assert_eq!(
            parse_publish_at("2026-12-05T12:30:15", 60, at(NOW)),
            Ok(Some(at("2026-12-05T11:30:15Z")))
        );
    }

    #[test]
    fn a_value_typed_with_a_space_is_read() {
        assert_eq!(
            parse_publish_at("2026-12-24 09:00", 0, at(NOW)),
            Ok(Some(at("2026-12-24T09:00:00Z")))
        );
    }

    #[test]
    fn a_time_in_the_past_is_refused() {
        assert_eq!(
            parse_publish_at("2026-12-05T09:59", 0, at(NOW)),
            Err(messages::PUBLISH_AT_PAST)
        );
    }

    #[test]
    fn now_itself_is_refused() {
        assert_eq!(
            parse_publish_at("2026-12-05T10:00", 0, at(NOW)),
            Err(messages::PUBLISH_AT_PAST)
        );
    }

    #[test]
    fn an_unreadable_value_is_refused() {
        assert_eq!(
            parse_publish_at("next tuesday", 0, at(NOW)),
            Err(messages::PUBLISH_AT_INVALID)
        );
    }

    #[test]
    fn an_impossible_offset_is_refused() {
        assert_eq!(
            parse_publish_at("2026-12-24T09:00", 15 * 60, at(NOW)),
            Err(messages::PUBLISH_AT_INVALID)
        );
    }
}

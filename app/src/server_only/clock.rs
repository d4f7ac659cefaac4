//! The current time, at the precision both databases store.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, truncated to microseconds (what both backends store), so values round-trip.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Now, in whole seconds since the Unix epoch (for counters and queues).
pub fn unix_now() -> i64 {
    Utc::now().timestamp()
}

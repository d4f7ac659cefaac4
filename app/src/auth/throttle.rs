//! Slows down password guessing: too many failed log-ins for one account or from one client
//! within a window lock that key out until the window ends.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per account within [`WINDOW`].
pub const ACCOUNT_LIMIT: u32 = 5;
/// Failures allowed per client address within [`WINDOW`].
pub const CLIENT_LIMIT: u32 = 20;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts of recent failures, per key, in this process.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// `Err(seconds)` to wait when any of `keys` (with its limit) is locked out.
    pub fn check(&self, keys: &[(&str, u32)]) -> Result<(), u64> {
        let now = Instant::now();
        let failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let wait = keys
            .iter()
            .filter_map(|(key, limit)| {
                let (count, since) = failures.get(*key)?;
                let ends = *since + WINDOW;
                (*count >= *limit && ends > now).then(|| ends.duration_since(now).as_secs().max(1))
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    /// Records one failure against each key.
    pub fn record_failure(&self, keys: &[&str]) {
        let now = Instant::now();
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.retain(|_, (_, since)| *since + WINDOW > now);
        for key in keys {
            let entry = failures.entry((*key).to_owned()).or_insert((0, now));
            entry.0 += 1;
        }
    }

    /// Forgets the failures of `key` (after a successful log-in).
    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_under_the_limit_are_allowed() {
        let throttle = Throttle::default();
        for _ in 0..ACCOUNT_LIMIT - 1 {
            throttle.record_failure(&["a"]);
        }
        assert_eq!(throttle.check(&[("a", ACCOUNT_LIMIT)]), Ok(()));
    }

    #[test]
    fn reaching_the_limit_locks_the_key_out_for_the_window() {
        let throttle = Throttle::default();
        for _ in 0..ACCOUNT_LIMIT {
            throttle.record_failure(&["a"]);
        }
        let wait = throttle.check(&[("a", ACCOUNT_LIMIT)]).expect_err("locked");
        assert!(wait > 0 && wait <= WINDOW.as_secs());
    }

    #[test]
    fn clearing_a_key_unlocks_it() {
        let throttle = Throttle::default();
        for _ in 0..ACCOUNT_LIMIT {
            throttle.record_failure(&["a"]);
        }
        throttle.clear("a");
        assert_eq!(throttle.check(&[("a", ACCOUNT_LIMIT)]), Ok(()));
    }
}

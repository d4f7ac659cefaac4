//! Whether federation is on, whether it may reach plain http and private addresses, and how its
//! deliveries are retried.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// How federation is set (`QUIRE_FEDERATION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FederationMode {
    /// On when the public URL is https (or insecure mode is set), off otherwise.
    #[default]
    Auto,
    /// Always on.
    On,
    /// Off: no WebFinger, actors, inboxes or deliveries.
    Off,
}

/// Federation as this server runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FederationSettings {
    /// Federation endpoints answer and posts are delivered.
    pub enabled: bool,
    /// Outgoing requests may use plain http and reach loopback and private addresses
    /// (`QUIRE_FEDERATION_INSECURE=1`, for tests on one machine).
    pub insecure: bool,
}

impl FederationSettings {
    /// The settings `mode` and `insecure` give for a site at `public_url`.
    pub fn resolve(mode: FederationMode, insecure: bool, public_url: &str) -> Self {
        let enabled = match mode {
            FederationMode::Off => false,
            FederationMode::On => true,
            FederationMode::Auto => public_url.starts_with("https://") || insecure,
        };
        Self { enabled, insecure }
    }
}

/// How deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Wait before the second attempt; doubles with each further attempt.
    pub first_delay_secs: i64,
    /// Longest wait between two attempts.
    pub max_delay_secs: i64,
    /// How long after it was queued a delivery is given up on.
    pub give_up_after_secs: i64,
    /// How long a claimed delivery is reserved for the instance sending it.
    pub lease_secs: i64,
    /// How often the queue is looked at when nothing wakes the task.
    pub poll: Duration,
    /// Deliveries sent at once by one instance.
    pub workers: usize,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            first_delay_secs: 60,
            max_delay_secs: 6 * 60 * 60,
            give_up_after_secs: 3 * 24 * 60 * 60,
            lease_secs: 120,
            poll: Duration::from_secs(2),
            workers: 4,
        }
    }
}

impl DeliveryPolicy {
    /// Seconds to wait after the `attempts`-th failed attempt, before jitter.
    pub fn delay_after(&self, attempts: i64) -> i64 {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_delay_secs
            .saturating_mul(1_i64 << doublings)
            .min(self.max_delay_secs)
    }

    /// [`Self::delay_after`], spread by up to a quarter either way so that deliveries that
    /// failed together are not all tried again at the same moment.
    pub fn jittered_delay_after(&self, attempts: i64) -> i64 {
        let delay = self.delay_after(attempts);
        let spread = delay / 4;
        if spread == 0 {
            return delay;
        }
        let offset = i64::from(OsRng.next_u32()) % (2 * spread + 1) - spread;
        (delay + offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_its_cap() {
        let policy = DeliveryPolicy::default();
        assert_eq!(policy.delay_after(1), 60);
        assert_eq!(policy.delay_after(2), 120);
        assert_eq!(policy.delay_after(40), 6 * 60 * 60);
    }

    #[test]
    fn jitter_stays_within_a_quarter_of_the_delay() {
        let policy = DeliveryPolicy::default();
        for _ in 0..100 {
            let delay = policy.jittered_delay_after(3);
            assert!((180..=300).contains(&delay), "{delay}");
        }
    }

    #[test]
    fn auto_is_on_for_an_https_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, false, "https://blog.example");
        assert!(settings.enabled);
    }

    #[test]
    fn auto_is_off_for_a_plain_http_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, false, "http://127.0.0.1:3000");
        assert!(!settings.enabled);
    }

    #[test]
    fn insecure_mode_turns_auto_on_for_a_plain_http_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, true, "http://127.0.0.1:3000");
        assert!(settings.enabled && settings.insecure);
    }

    #[test]
    fn off_wins_over_an_https_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Off, false, "https://blog.example");
        assert!(!settings.enabled);
    }
}

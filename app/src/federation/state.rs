//! What one instance holds for federation: its settings and addresses, the outgoing client,
//! the bounds that keep a flood of activities from blocking the site's own pages, and the
//! delivery policy.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use tokio::sync::{Notify, Semaphore, SemaphorePermit};

use crate::federation::{
    client::{Client, FetchError},
    config::{DeliveryPolicy, FederationSettings},
    urls::Urls,
};

/// Activities handled at once by one instance; more are answered 503 at once.
pub const INBOX_SLOTS: usize = 16;
/// Largest activity accepted.
pub const INBOX_BODY_LIMIT: usize = 256 * 1024;

/// How many activities one remote host may send in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostLimit {
    /// Activities per window.
    pub activities: u32,
    /// The window.
    pub window: Duration,
}

impl Default for HostLimit {
    fn default() -> Self {
        Self {
            activities: 300,
            window: Duration::from_secs(60),
        }
    }
}

/// Federation's part of the server state.
#[derive(Debug)]
pub struct Federation {
    /// Whether it is on, and insecure.
    pub settings: FederationSettings,
    /// The site's addresses.
    pub urls: Urls,
    /// Outgoing requests (none when the client could not be made: federation is then off).
    client: Option<Client>,
    /// How deliveries are retried.
    pub policy: DeliveryPolicy,
    /// Wakes this instance's delivery tasks when deliveries are queued.
    pub wakeup: Notify,
    inbox_slots: Semaphore,
    host_limit: HostLimit,
    hosts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Federation {
    /// Federation for the site at `site_url`.
    pub fn new(
        settings: FederationSettings,
        site_url: &str,
        policy: DeliveryPolicy,
        host_limit: HostLimit,
    ) -> Self {
        let urls = Urls::new(site_url);
        let agent = format!("Quire/{} (+{})", env!("CARGO_PKG_VERSION"), urls.site());
        let mut settings = settings;
        let client = match Client::new(settings.insecure, &agent) {
            Ok(client) => Some(client),
            Err(error) => {
                tracing::error!(%error, "the federation client could not be made: federation is off");
                settings.enabled = false;
                None
            }
        };
        Self {
            settings,
            client,
            urls,
            policy,
            wakeup: Notify::new(),
            inbox_slots: Semaphore::new(INBOX_SLOTS),
            host_limit,
            hosts: Mutex::default(),
        }
    }

    /// The outgoing client.
    pub fn client(&self) -> Result<&Client, FetchError> {
        self.client
            .as_ref()
            .ok_or_else(|| FetchError::Transport("no federation client".into()))
    }

    /// Whether federation is on.
    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    /// A slot to handle one activity in, or `None` when every slot is taken.
    pub fn inbox_slot(&self) -> Option<SemaphorePermit<'_>> {
        self.inbox_slots.try_acquire().ok()
    }

    /// Counts one activity from `sender` (a remote server, or a sending address); false when it
    /// has used up its window.
    pub fn admit(&self, sender: &str) -> bool {
        let now = Instant::now();
        let Ok(mut hosts) = self.hosts.lock() else {
            return true;
        };
        if hosts.len() > 10_000 {
            let window = self.host_limit.window;
            hosts.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = hosts.entry(sender.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.host_limit.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.host_limit.activities
    }
}

//! Server state shared by every request: Leptos options and the database, provided as context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;

use ipnet::IpNet;
use tokio::sync::Notify;

use crate::{
    federation::{
        config::DeliveryPolicy,
        config::FederationSettings,
        state::{Federation, HostLimit},
    },
    live::hub::{LiveBounds, LiveHub},
    mail::mailer::Mailer,
    server_only::{db::Db, slots::Workloads},
    shared::error::AppError,
};

/// Deployment settings the app needs at request time.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (serve over https only).
    pub secure_cookies: bool,
    /// The site's public address, for links in emails, feeds and sitemaps (e.g. `https://blog.example`).
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` is believed (empty: the peer is the client).
    pub trusted_proxies: Vec<IpNet>,
    /// Whether federation is on, and insecure.
    pub federation: FederationSettings,
}

impl Settings {
    /// The public address without a trailing slash, ready for a path to be appended.
    pub fn site_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// What every route and server function can reach on the server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where the site's assets live and how they are named.
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: Db,
    /// Deployment settings.
    pub settings: Settings,
    /// Sends email.
    pub mailer: Arc<Mailer>,
    /// The secret key that signs password-reset tokens.
    pub secret: Arc<[u8]>,
    /// Wakes this instance's mail task when a message is queued.
    pub mail_wakeup: Arc<Notify>,
    /// Every limit on work at once: searches, uploads, hashing, decoding.
    pub work: Arc<Workloads>,
    /// A real password hash to check unknown emails against, made on first use.
    pub dummy_hash: Arc<tokio::sync::OnceCell<String>>,
    /// The live events this instance passes on to open pages, and the bounds on their streams.
    pub live: Arc<LiveHub>,
    /// Federation: its settings, client, limits and delivery policy.
    pub federation: Arc<Federation>,
}

impl AppState {
    /// State for a server with these options, database, settings, mailer and secret key.
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        settings: Settings,
        mailer: Mailer,
        secret: Vec<u8>,
    ) -> Self {
        let federation = Federation::new(
            settings.federation,
            settings.site_url(),
            DeliveryPolicy::default(),
            HostLimit::default(),
        );
        Self {
            leptos_options,
            live: Arc::new(LiveHub::new(db.clone(), LiveBounds::default())),
            federation: Arc::new(federation),
            db,
            settings,
            mailer: Arc::new(mailer),
            secret: secret.into(),
            mail_wakeup: Arc::default(),
            work: Arc::default(),
            dummy_hash: Arc::default(),
        }
    }
}

impl AppState {
    /// The same state with these bounds on live streams.
    pub fn with_live_bounds(mut self, bounds: LiveBounds) -> Self {
        self.live = Arc::new(LiveHub::new(self.db.clone(), bounds));
        self
    }
}

impl AppState {
    /// The same state with this delivery policy and limit on activities per remote host.
    pub fn with_federation_limits(mut self, policy: DeliveryPolicy, host_limit: HostLimit) -> Self {
        self.federation = Arc::new(Federation::new(
            self.settings.federation,
            self.settings.site_url(),
            policy,
            host_limit,
        ));
        self
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state of the request being served.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the request context");
        AppError::Internal
    })
}

/// The database of the request being served; the error instead when this request already
/// found the database failing (see [`crate::server_only::totals::failed_read`]), so the page answers it at
/// once rather than waiting on the database a second time.
pub fn db() -> Result<Db, AppError> {
    if let Some(error) = crate::server_only::totals::failed_read() {
        return Err(error);
    }
    app_state().map(|state| state.db)
}

/// The limits on work at once of the server serving this request.
pub fn work() -> Result<Arc<Workloads>, AppError> {
    app_state().map(|state| state.work)
}

//! Quire's server: configuration, commands and the router, around the `app` crate.

// Release builds keep Leptos' full view types (debug builds erase them), and the type of the
// whole document shell is deeper than the default limit allows.
#![recursion_limit = "256"]

/// The access log and request ids.
pub mod access_log;
/// mimalloc's settings.
pub mod allocator;
/// HTTP statuses for server-function errors raised before the function runs.
pub mod api_status;
/// The `db` and `post` commands.
pub mod cli;
/// Command-line options and environment variables.
pub mod config;
/// The cross-site request check.
pub mod cross_site;
/// Why a command failed.
pub mod error;
/// Error pages for refused script-free form posts.
pub mod form_refusal;
/// Security and caching headers.
pub mod headers;
/// `/healthz` and `/readyz`.
pub mod health;
/// Response bodies that keep a value alive until they have been sent.
pub mod held_body;
/// The `import` command.
pub mod import;
/// Paths too long to name a file.
pub mod long_paths;
/// Pages kept for anonymous visitors until the next write.
pub mod page_cache;
/// The axum router.
pub mod router;
/// Turns to search, taken before a search is rendered, and the signal that its client has gone.
pub mod search_turns;

use app::{
    db::Db,
    mail_queue::RetryPolicy,
    maintenance::spawn_background,
    reset::mail::Mailer,
    secret::load_secret_key,
    state::{AppState, Settings},
};
use tokio::net::TcpListener;

use crate::{
    config::{Cli, Command},
    error::CliError,
};

/// Opens the database and runs the chosen command (serving by default).
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config;
    let db = Db::connect(&config.database_url).await?;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config, db.clone()).await,
        Command::Db { command } => cli::run_db(&db, &config.database_url, command).await,
        Command::Post { command } => cli::run_post(&db, command).await,
        Command::Mail { command } => cli::run_mail(&db, command).await,
        Command::Import { command } => import::run_import(&db, &config.database_url, command).await,
    };
    db.close().await;
    result
}

/// Migrates, then serves until SIGTERM or Ctrl-C, then closes the database.
async fn serve(config: &config::Config, db: Db) -> Result<(), CliError> {
    let applied = db.migrate().await?;
    tracing::info!(backend = db.backend(), applied, "database ready");
    let settings = Settings {
        secure_cookies: config.secure_cookies,
        public_url: config.public_url(),
        trusted_proxies: config.trusted_proxies.0.clone(),
    };
    let mailer = Mailer::new(&config.mail_config())?;
    let secret = load_secret_key(&db, config.secret_key.as_deref()).await?;
    let state = AppState::new(config.leptos_options(), db, settings, mailer, secret);
    spawn_background(&state, RetryPolicy::default());
    let addr = config.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| CliError::Serve { addr, source })?;
    tracing::info!("listening on http://{addr}");
    let served = router::serve(listener, state, config.limits(), router::shutdown_signal()).await;
    tracing::info!("stopped serving; closing the database");
    served.map_err(|source| CliError::Serve { addr, source })
}

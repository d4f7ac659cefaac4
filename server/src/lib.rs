//! Quire's server: configuration, commands and the router, around the `app` crate.

// Release builds keep Leptos' full view types (debug builds erase them), and the type of the
// whole document shell is deeper than the default limit allows.
#![recursion_limit = "256"]

/// mimalloc's settings.
pub mod allocator;
/// `quire export` and `quire import zip`.
pub mod archive;
/// The `db` and `post` commands.
pub mod cli;
/// Command-line options and environment variables.
pub mod config;
/// Why a command failed.
pub mod error;
/// `/healthz` and `/readyz`.
pub mod health;
/// The `import` command.
pub mod import;
/// The layers every request passes: request ids and the access log, headers, the cross-site
/// check, the page cache, search slots, refused-form pages.
pub mod middleware;
/// The axum router.
pub mod router;

use app::{
    background::spawn_background,
    federation::config::DeliveryPolicy,
    mail::mailer::Mailer,
    mail::queue::RetryPolicy,
    server_only::db::Db,
    server_only::secret::load_secret_key,
    server_only::state::{AppState, Settings},
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
        Command::Federation { command } => cli::run_federation(&db, command).await,
        Command::Import { command } => import::run_import(&db, &config.database_url, command).await,
        Command::Export { user, output } => {
            archive::run_export(&db, &config.public_url(), user, &output).await
        }
    };
    db.close().await;
    result
}

/// Migrates, then serves until SIGTERM or Ctrl-C, then closes the database.
async fn serve(config: &config::Config, db: Db) -> Result<(), CliError> {
    let applied = app::schema::migrate(&db).await?;
    tracing::info!(backend = db.backend(), applied, "database ready");
    let settings = Settings {
        secure_cookies: config.secure_cookies,
        public_url: config.public_url(),
        trusted_proxies: config.trusted_proxies.0.clone(),
        federation: config.federation_settings(),
    };
    announce_federation(&settings);
    let mailer = Mailer::new(&config.mail_config())?;
    let secret = load_secret_key(&db, config.secret_key.as_deref()).await?;
    let state = AppState::new(config.leptos_options(), db, settings, mailer, secret)
        .with_live_bounds(config.live_bounds())
        .with_federation_limits(DeliveryPolicy::default(), config.federation_host_limit());
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

/// Says at start whether federation is on, and loudly when it runs insecure.
fn announce_federation(settings: &Settings) {
    let federation = settings.federation;
    if federation.enabled && federation.insecure {
        tracing::warn!(
            "QUIRE_FEDERATION_INSECURE is set: federation uses plain http and reaches loopback and \
             private addresses. Only for tests on one machine; never on a public site."
        );
    }
    if federation.enabled {
        tracing::info!(public_url = %settings.public_url, "federation is on");
    } else {
        tracing::info!("federation is off");
    }
}

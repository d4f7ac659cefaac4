//! Command line and configuration: every option is also an environment variable.

use std::net::SocketAddr;

use app::{
    federation::{
        config::{FederationMode, FederationSettings},
        state::HostLimit,
    },
    mail::mailer::{MailConfig, SmtpTls},
};
use clap::{Args, Parser, Subcommand, builder::BoolishValueParser};
use leptos::prelude::LeptosOptions;

/// Quire: a multi-user blog.
#[derive(Debug, Parser)]
#[command(name = "quire", version, about, propagate_version = true)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub config: Config,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://site.db",
        global = true
    )]
    pub database_url: String,
    /// Address the web server listens on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: SocketAddr,
    /// Folder with the built site (CSS, WASM, public files), as cargo-leptos writes it.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
    /// Sub-folder of the site root holding the JS, WASM and CSS bundle.
    #[arg(
        long,
        env = "LEPTOS_SITE_PKG_DIR",
        default_value = "pkg",
        global = true
    )]
    pub site_pkg_dir: String,
    /// Base name of the bundle files.
    #[arg(
        long,
        env = "LEPTOS_OUTPUT_NAME",
        default_value = "quire",
        global = true
    )]
    pub output_name: String,
    /// Mark session and flash cookies `Secure`: set this when Quire is served over https.
    #[arg(long, env = "QUIRE_SECURE_COOKIES", global = true, value_parser = BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Key that signs password-reset links; when unset, one is generated once and kept in the database.
    #[arg(long, env = "QUIRE_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// The site's public address, used in emailed links [default: http://SITE_ADDR].
    #[arg(long, env = "QUIRE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// SMTP server for outgoing mail; when unset, mail is written to the outbox folder.
    #[arg(long, env = "QUIRE_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "QUIRE_SMTP_PORT", default_value_t = 587, global = true)]
    pub smtp_port: u16,
    /// SMTP security: starttls, tls or none.
    #[arg(long, env = "QUIRE_SMTP_TLS", value_enum, default_value_t = SmtpSecurity::Starttls, global = true)]
    pub smtp_tls: SmtpSecurity,
    /// SMTP user name.
    #[arg(long, env = "QUIRE_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,
    /// SMTP password.
    #[arg(
        long,
        env = "QUIRE_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
    /// The From address of Quire's email.
    #[arg(
        long,
        env = "QUIRE_MAIL_FROM",
        default_value = "Quire <noreply@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// Folder where email is written as .eml files when no SMTP server is set.
    #[arg(long, env = "QUIRE_OUTBOX", default_value = "outbox", global = true)]
    pub outbox: std::path::PathBuf,
    /// Reverse proxies whose X-Forwarded-For is believed: addresses or CIDR blocks, comma-separated.
    /// Empty (the default): the connection's own address is the client's.
    #[arg(
        long,
        env = "QUIRE_TRUSTED_PROXIES",
        default_value = "",
        value_parser = parse_proxies,
        global = true
    )]
    pub trusted_proxies: TrustedProxies,
    /// Whether the bundle's file names carry content hashes (cargo-leptos `hash-files`)
    /// [default: when a hash file lies next to the binary, as release builds leave it].
    #[arg(long, env = "LEPTOS_HASH_FILES", global = true)]
    pub hash_files: Option<bool>,
    /// Longest time a request may take before it is answered 503, in seconds.
    #[arg(
        long,
        env = "QUIRE_REQUEST_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout: u64,
    /// Longest time a profile-picture upload may take, in seconds.
    #[arg(
        long,
        env = "QUIRE_UPLOAD_TIMEOUT",
        default_value_t = 120,
        global = true
    )]
    pub upload_timeout: u64,
    /// Longest pause of a client while sending its request headers or body, in seconds.
    #[arg(
        long,
        env = "QUIRE_CLIENT_TIMEOUT",
        default_value_t = 10,
        global = true
    )]
    pub client_timeout: u64,
    /// How long requests in flight may still run after SIGTERM or Ctrl-C, in seconds.
    #[arg(
        long,
        env = "QUIRE_SHUTDOWN_GRACE",
        default_value_t = 20,
        global = true
    )]
    pub shutdown_grace: u64,
    /// Live pages' streams open at once on this instance (503 beyond).
    #[arg(
        long,
        env = "QUIRE_LIVE_STREAMS",
        default_value_t = 10_000,
        global = true
    )]
    pub live_streams: usize,
    /// Live pages' streams open at once from one client address (503 beyond).
    #[arg(
        long,
        env = "QUIRE_LIVE_STREAMS_PER_CLIENT",
        default_value_t = 16,
        global = true
    )]
    pub live_streams_per_client: usize,
    /// Federation over ActivityPub: `auto` (on when the public URL is https), `on` or `off`.
    #[arg(long, env = "QUIRE_FEDERATION", value_enum, default_value_t = Federation::Auto, global = true)]
    pub federation: Federation,
    /// Let federation use plain http and reach loopback and private addresses: only for tests
    /// on one machine, never on a public site.
    #[arg(long, env = "QUIRE_FEDERATION_INSECURE", global = true, value_parser = BoolishValueParser::new())]
    pub federation_insecure: bool,
    /// Activities one remote server may send per minute (429 beyond).
    #[arg(
        long,
        env = "QUIRE_FEDERATION_HOST_RATE",
        default_value_t = 300,
        global = true
    )]
    pub federation_host_rate: u32,
    /// Log format: `text` for people, `json` (one object per line) for log collectors.
    #[arg(long, env = "QUIRE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "RUST_LOG",
        default_value = "info,sqlx::postgres::notice=warn",
        global = true
    )]
    pub log: String,
}

/// The parsed `QUIRE_TRUSTED_PROXIES`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

fn parse_proxies(list: &str) -> Result<TrustedProxies, String> {
    app::server_only::client::parse_trusted_proxies(list).map(TrustedProxies)
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `QUIRE_FEDERATION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Federation {
    /// On when the public URL is https (or insecure mode is set).
    Auto,
    /// Always on.
    On,
    /// Off.
    Off,
}

/// The name of the hash file cargo-leptos writes next to the binary.
const HASH_FILE: &str = "hash.txt";

impl Config {
    /// Leptos' options for these settings.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.output_name.as_str())
            .site_root(self.site_root.as_str())
            .site_pkg_dir(self.site_pkg_dir.as_str())
            .site_addr(self.site_addr)
            .hash_files(self.hash_files())
            .hash_file(std::sync::Arc::from(HASH_FILE))
            .build()
    }

    /// Whether asset names are hashed: as configured, or when the hash file exists.
    pub fn hash_files(&self) -> bool {
        self.hash_files.unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)))
                .is_some_and(|file| file.is_file())
        })
    }

    /// The bounds on live pages' streams.
    pub fn live_bounds(&self) -> app::live::hub::LiveBounds {
        app::live::hub::LiveBounds {
            streams: self.live_streams,
            per_client: self.live_streams_per_client,
            ..app::live::hub::LiveBounds::default()
        }
    }

    /// The time limits the server enforces.
    pub fn limits(&self) -> crate::router::Limits {
        use std::time::Duration;
        crate::router::Limits {
            request: Duration::from_secs(self.request_timeout),
            upload: Duration::from_secs(self.upload_timeout),
            client_idle: Duration::from_secs(self.client_timeout),
            shutdown_grace: Duration::from_secs(self.shutdown_grace),
        }
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// STARTTLS on a plain connection (usually port 587).
    Starttls,
    /// TLS from the start (usually port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

impl Config {
    /// Where email goes.
    pub fn mail_config(&self) -> MailConfig {
        MailConfig {
            smtp_host: self.smtp_host.clone().filter(|host| !host.is_empty()),
            smtp_port: self.smtp_port,
            smtp_tls: match self.smtp_tls {
                SmtpSecurity::Starttls => SmtpTls::StartTls,
                SmtpSecurity::Tls => SmtpTls::Tls,
                SmtpSecurity::None => SmtpTls::None,
            },
            smtp_user: self.smtp_user.clone(),
            smtp_password: self.smtp_password.clone(),
            from: self.mail_from.clone(),
            outbox: self.outbox.clone(),
        }
    }

    /// The public address for links in email.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    /// Federation as these settings make it.
    pub fn federation_settings(&self) -> FederationSettings {
        let mode = match self.federation {
            Federation::Auto => FederationMode::Auto,
            Federation::On => FederationMode::On,
            Federation::Off => FederationMode::Off,
        };
        FederationSettings::resolve(mode, self.federation_insecure, &self.public_url())
    }

    /// The limit on activities from one remote server.
    pub fn federation_host_limit(&self) -> HostLimit {
        HostLimit {
            activities: self.federation_host_rate,
            ..HostLimit::default()
        }
    }
}

/// Quire's commands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve the blog (the default).
    Serve,
    /// Manage the database schema and data.
    Db {
        /// What to do to the database.
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Manage posts.
    Post {
        /// What to do to posts.
        #[command(subcommand)]
        command: PostCommand,
    },
    /// Move another blog's users and posts into Quire.
    Import {
        /// Where they come from.
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export one author's blog, or the whole site, as one ZIP (as "Export my blog" does).
    Export {
        /// The author whose blog to export (by username); every author when left out.
        #[arg(long)]
        user: Option<String>,
        /// Where to write the ZIP.
        #[arg(long, short)]
        output: std::path::PathBuf,
    },
    /// Inspect outgoing mail.
    Mail {
        /// What to show.
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Inspect federation's deliveries.
    Federation {
        /// What to show.
        #[command(subcommand)]
        command: FederationCommand,
    },
}

/// Federation commands.
#[derive(Debug, Clone, Subcommand)]
pub enum FederationCommand {
    /// Count the deliveries waiting and given up on, and list those given up on.
    Status,
}

/// Import commands.
#[derive(Debug, Clone, Subcommand)]
pub enum ImportCommand {
    /// Import a Flaskblog (the Flask + Flask-SQLAlchemy tutorial blog): users with their ids,
    /// passwords and pictures, and posts with their ids and dates, in one transaction.
    Flaskblog {
        /// The Flaskblog's database: `sqlite:///path/site.db` or `postgres://…`.
        #[arg(long)]
        from: String,
        /// The Flaskblog's `static/profile_pics` folder.
        #[arg(long)]
        pictures: Option<std::path::PathBuf>,
        /// Check every row and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Add to a database that has users already, skipping users and posts whose ids exist.
        #[arg(long)]
        merge: bool,
    },
    /// Import a Quire export (a ZIP from "Export my blog" or `quire export`): posts with their
    /// dates, statuses, tags and pictures, in one transaction. Authors are matched by username,
    /// or created (they set a password with "Forgot password").
    Zip {
        /// The ZIP file.
        file: std::path::PathBuf,
        /// Import a one-author export into this existing user instead.
        #[arg(long)]
        into: Option<String>,
        /// Check the archive and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Mail commands.
#[derive(Debug, Clone, Subcommand)]
pub enum MailCommand {
    /// Count queued, sent and failed messages, and list every message not delivered.
    Status,
}

/// Database commands.
#[derive(Debug, Clone, Subcommand)]
pub enum DbCommand {
    /// Create the schema (apply pending migrations).
    Migrate,
    /// Drop every table and recreate the schema. Deletes all data.
    Reset {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Fill an empty database: the two sample users and two posts, or generated demo data.
    Seed {
        /// Generate this many users (writer1, writer2, …; password "password") instead of the sample.
        #[arg(long)]
        users: Option<u64>,
        /// Generate this many posts, spread over the users.
        #[arg(long)]
        posts: Option<u64>,
    },
}

/// Post commands.
#[derive(Debug, Clone, Subcommand)]
pub enum PostCommand {
    /// Write a post as an existing user.
    New {
        /// Username of the author.
        #[arg(long)]
        author: String,
        /// Title (at most 100 characters).
        #[arg(long)]
        title: String,
        /// Content.
        #[arg(long)]
        content: String,
    },
    /// Render again, and store, every post stored by an older version of the Markdown renderer
    /// (a running server also does this once after it starts).
    Render,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn insecure_federation_is_switched_on_by_1_in_the_environment() {
        // No other test reads this variable, so setting it for the whole process is safe.
        unsafe { std::env::set_var("QUIRE_FEDERATION_INSECURE", "1") };
        let cli = Cli::try_parse_from(["quire"]).expect("parse");
        assert!(cli.config.federation_insecure);
    }

    #[test]
    fn no_command_means_serve_on_sqlite() {
        let cli = Cli::try_parse_from(["quire"]).expect("parse");
        assert!(cli.command.is_none());
        assert_eq!(cli.config.database_url, "sqlite://site.db");
    }

    #[test]
    fn trusted_proxies_parse_addresses_and_blocks() {
        let cli = Cli::try_parse_from(["quire", "--trusted-proxies", "10.0.0.0/8, 127.0.0.1"])
            .expect("parse");
        assert_eq!(cli.config.trusted_proxies.0.len(), 2);
    }

    #[test]
    fn a_malformed_trusted_proxy_is_refused() {
        assert!(Cli::try_parse_from(["quire", "--trusted-proxies", "10.0.0.0/99"]).is_err());
    }

    #[test]
    fn seed_takes_user_and_post_counts() {
        let cli =
            Cli::try_parse_from(["quire", "db", "seed", "--users", "100", "--posts", "10000"])
                .expect("parse");
        assert!(matches!(
            cli.command,
            Some(Command::Db {
                command: DbCommand::Seed {
                    users: Some(100),
                    posts: Some(10000)
                }
            })
        ));
    }
}

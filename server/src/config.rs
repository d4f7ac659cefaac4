//! Command line and configuration: every option is also an environment variable.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};
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
    #[arg(long, env = "QUIRE_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "RUST_LOG",
        default_value = "info,sqlx::postgres::notice=warn",
        global = true
    )]
    pub log: String,
}

impl Config {
    /// Leptos' options for these settings.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.output_name.as_str())
            .site_root(self.site_root.as_str())
            .site_pkg_dir(self.site_pkg_dir.as_str())
            .site_addr(self.site_addr)
            .build()
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
    fn no_command_means_serve_on_sqlite() {
        let cli = Cli::try_parse_from(["quire"]).expect("parse");
        assert!(cli.command.is_none());
        assert_eq!(cli.config.database_url, "sqlite://site.db");
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

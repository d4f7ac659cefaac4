//! `CliError`: why a command failed, printed as one line before a non-zero exit.

use app::{import::seed::SeedError, server_only::db::DbError, shared::error::AppError};

/// Everything that can stop a `quire` command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Opening, migrating or querying the database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Seeding refused or failed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The listening socket could not be opened or the server stopped.
    #[error("cannot serve on {addr}: {source}")]
    Serve {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    /// Mail settings are unusable.
    #[error("mail configuration: {0}")]
    Mail(#[from] app::mail::mailer::MailError),
    /// The user did not confirm a destructive command.
    #[error("{0}")]
    NotConfirmed(String),
    /// Input the user gave was not acceptable.
    #[error("{0}")]
    Invalid(String),
}

impl From<AppError> for CliError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(fields) => Self::Invalid(
                ["username", "email", "title", "content"]
                    .iter()
                    .filter_map(|field| fields.get(field).map(|m| format!("{field}: {m}")))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => Self::Invalid(other.to_string()),
        }
    }
}

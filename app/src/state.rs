//! Server state shared by every request: Leptos options and the database, provided as context.

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::{db::Db, error::AppError};

/// What every route and server function can reach on the server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where the site's assets live and how they are named.
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: Db,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The database of the request being served.
pub fn db() -> Result<Db, AppError> {
    use_context::<AppState>()
        .map(|state| state.db)
        .ok_or_else(|| {
            tracing::error!("AppState is missing from the request context");
            AppError::Internal
        })
}

/// Sets the HTTP status of the current response to match `result`'s error, if any.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status_code());
        }
    }
    result
}

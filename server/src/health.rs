//! Health checks for load balancers and orchestrators: `/healthz` answers while the process
//! runs; `/readyz` answers 200 only while the database does, within a second, else 503.

use std::time::Duration;

use app::server_only::state::AppState;
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// How long the readiness check waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET /healthz`: the process is up.
pub async fn healthz() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n").into_response()
}

/// `GET /readyz`: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let ready = tokio::time::timeout(READY_TIMEOUT, state.db.ping())
        .await
        .is_ok_and(|answered| answered.is_ok());
    let (status, body) = if ready {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    };
    (status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
}

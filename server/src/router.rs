//! The axum router: Leptos pages and server functions, profile pictures, the bundle, health
//! checks, and the layers every request passes (request id and access log, headers,
//! compression, cross-site check, the page cache for anonymous and logged-in visitors and the
//! public reads, server-function statuses, time limits, body limits, search slots); and the
//! server loop that cuts off slow clients and shuts down gracefully.

use std::{
    convert::Infallible,
    future::Future,
    sync::{Arc, OnceLock},
    time::Duration,
};

use app::{
    App,
    account::picture::{serve_avatar, upload_picture},
    export::{
        http::{export_blog, import_blog},
        limits::UPLOAD_BYTES,
    },
    federation::{
        discovery::{host_meta, nodeinfo, nodeinfo_links, webfinger},
        documents::{followers, following, instance_actor, negotiate, outbox, when_federating},
        inbox::{author_inbox, shared_inbox},
        state::INBOX_BODY_LIMIT,
    },
    feeds::atom::{author_feed, site_feed, tag_feed},
    feeds::discovery::{robots, sitemap, sitemap_part},
    live::stream::{LIVE_PATH, live_stream},
    pictures::{
        serve::{serve_picture, serve_small_picture},
        upload::upload_post_picture,
    },
    server_only::state::AppState,
    shell,
};
use axum::handler::Handler;
use axum::{
    Extension, Router,
    extract::{ConnectInfo, Request},
    http::StatusCode,
    middleware,
    response::IntoResponse,
    routing::{get, post},
};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use leptos::prelude::{AnyView, IntoAny, provide_context};
use leptos_axum::{AxumRouteListing, LeptosRoutes, file_and_error_handler, generate_route_list};
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    timeout::{RequestBodyTimeoutLayer, TimeoutLayer},
};

use crate::{
    health::{healthz, readyz},
    middleware::access_log::log_requests,
    middleware::cross_site::reject_cross_site,
    middleware::headers::{HeaderPolicy, add_headers},
    middleware::page_cache::{PageCache, serve_cached},
    middleware::path_length::can_name_a_file,
    middleware::picture_form::{FormLimits, read_picture_form},
    middleware::search_slots::take_search_slot,
    middleware::server_fn_errors::{answer_server_fn_error, keep_submitted_fields},
};

/// Largest request body for forms and server functions: room for a 100,000-character post
/// even when every character is multi-byte and percent-encoded.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Largest picture upload request: a 10 MB post picture (or a 5 MB profile picture) plus the
/// multipart envelope and a post's fields; anything between the picture's limit and this gets a
/// field error, anything larger a 413.
pub const UPLOAD_LIMIT: usize = 12 * 1024 * 1024;

/// Largest import request: an export of at most [`UPLOAD_BYTES`] plus the multipart envelope.
pub const IMPORT_LIMIT: usize = UPLOAD_BYTES + 64 * 1024;

/// The time limits the server enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest time to answer a request (503 beyond).
    pub request: Duration,
    /// Longest time for a picture upload, body included (503 beyond).
    pub upload: Duration,
    /// Longest pause of a client sending its request: headers (the connection is closed) or
    /// body (408).
    pub client_idle: Duration,
    /// How long requests in flight may run on after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request: Duration::from_secs(30),
            upload: Duration::from_secs(120),
            client_idle: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// The site's page routes, listed once per process: listing them flips a process-wide Leptos
/// flag (leptos-rs/leptos#4773) that would stall a page rendering at the same moment, as
/// happens when several servers start in one test process.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route of the site, with `state` provided to pages and server functions.
pub fn app(state: AppState, limits: Limits) -> Router {
    let routes = route_list();
    let options = &state.leptos_options;
    // Files of the site (the bundle, `public/`), served precompressed when `.br`/`.gz` files
    // lie beside them (release builds); anything else gets Leptos' 404 page.
    let not_found = file_and_error_handler::<AppState, _>(shell).with_state(state.clone());
    let files = ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found.clone());
    let files = tower::service_fn(move |request: Request| {
        let (files, not_found) = (files.clone(), not_found.clone());
        async move {
            if can_name_a_file(request.uri().path()) {
                files
                    .oneshot(request)
                    .await
                    .map(IntoResponse::into_response)
            } else {
                not_found
                    .oneshot(request)
                    .await
                    .map(IntoResponse::into_response)
            }
        }
    });
    let header_policy = HeaderPolicy {
        https: state.settings.secure_cookies,
        hashed_assets: options.hash_files,
        pkg_prefix: format!("/{}/", options.site_pkg_dir),
    };
    let pages = Router::new()
        .route("/avatars/{name}", get(serve_avatar))
        .route("/account/export", get(export_blog))
        .route("/pictures/{file}", get(serve_picture))
        .route("/pictures/small/{file}", get(serve_small_picture))
        .route("/feed.xml", get(site_feed))
        .route("/user/{name}/feed.xml", get(author_feed))
        .route("/tag/{name}/feed.xml", get(tag_feed))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .route("/sitemaps/{name}", get(sitemap_part))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(LIVE_PATH, get(live_stream))
        .leptos_routes_with_context(
            &state,
            routes.clone(),
            provide_state(&state),
            render_shell(&state),
        )
        .fallback_service(files)
        .layer(middleware::from_fn(keep_submitted_fields))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state.work),
            take_search_slot,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(limits.client_idle))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request,
        ));
    let uploads = Router::new()
        .route("/account/picture", post(upload_picture))
        .route("/pictures", post(upload_post_picture))
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(limits.client_idle))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.upload,
        ));
    let imports = Router::new()
        .route("/account/import", post(import_blog))
        .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT))
        .layer(RequestBodyLimitLayer::new(IMPORT_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(limits.client_idle))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.upload,
        ));
    // Federation: discovery, the JSON documents no page has, and the inboxes.
    let federation = Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/host-meta", get(host_meta))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/actor", get(instance_actor))
        .route("/user/{name}/outbox", get(outbox))
        .route("/user/{name}/followers", get(followers))
        .route("/user/{name}/following", get(following))
        .route("/inbox", post(shared_inbox))
        .route("/user/{name}/inbox", post(author_inbox))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            when_federating,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(INBOX_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(INBOX_BODY_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(limits.client_idle))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request,
        ));
    // The same pages, without the layers, for rendering the page of a refused form post.
    let error_pages = Router::new()
        .leptos_routes_with_context(&state, routes, provide_state(&state), render_shell(&state))
        .with_state(state.clone());
    pages
        .merge(uploads)
        .merge(imports)
        .merge(federation)
        .layer(middleware::from_fn_with_state(
            (
                state.clone(),
                FormLimits {
                    bytes: UPLOAD_LIMIT,
                    time: limits.upload,
                },
            ),
            read_picture_form,
        ))
        .layer(middleware::from_fn_with_state(
            error_pages,
            answer_server_fn_error,
        ))
        .layer(middleware::from_fn_with_state(
            PageCache::new(
                state.db.clone(),
                limits.client_idle,
                state.settings.secure_cookies,
            ),
            serve_cached,
        ))
        // Before the page cache: an actor or an article never meets a kept page.
        .layer(middleware::from_fn_with_state(state.clone(), negotiate))
        .layer(middleware::from_fn(reject_cross_site))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(header_policy, add_headers))
        .layer(middleware::from_fn(log_requests))
        .with_state(state)
}

fn provide_state(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let state = state.clone();
    move || provide_context(state.clone())
}

fn render_shell(state: &AppState) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    let options = state.leptos_options.clone();
    move || shell(options.clone()).into_any()
}

/// Serves the site on `listener` until `shutdown` completes, then lets requests in flight
/// finish for up to `limits.shutdown_grace`. Clients that pause longer than
/// `limits.client_idle` while sending their request headers are disconnected; handlers can see
/// the client address.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let live = Arc::clone(&state.live);
    let router = app(state, limits);
    // HTTP/1 only: a reverse proxy speaks it to Quire, and an idle HTTP/2 connection would
    // escape the header-read timeout that cuts off silent clients.
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.client_idle);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The client address goes around the router as a service: `Router::layer` would wrap
        // every route again for each connection, about 240 KB per open connection.
        let service = tower::Layer::layer(&Extension(ConnectInfo(peer)), router.clone())
            .map_request(|request: Request<hyper::body::Incoming>| {
                request.map(axum::body::Body::new)
            })
            .map_err(|never: Infallible| match never {});
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = watched.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    // Live streams never finish by themselves: they end now, and their pages reconnect to
    // another instance, or to this one once it is back.
    live.close();
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the grace period were cut off");
    }
    Ok(())
}

/// Completes on SIGTERM (what systemd, Docker and Kubernetes send) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

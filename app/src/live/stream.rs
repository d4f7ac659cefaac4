//! `GET /live`: one tab's stream of changes, as server-sent events. A new stream starts from
//! now; one that reconnects (`Last-Event-ID`, or `?after=` when the page opens it again itself)
//! first gets what it missed from the backlog, or `missed` when the backlog no longer reaches
//! back that far.

use std::{collections::VecDeque, convert::Infallible, net::SocketAddr, sync::Arc};

use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use crate::{
    live::{
        hub::{Admission, BACKLOG, Refused},
        model::Change,
        repo::{self, StoredChange},
    },
    server_only::{client::client_addr, db::DbError, state::AppState},
    shared::error::UNAVAILABLE_RETRY_AFTER_SECS,
};

/// The path of the stream.
pub const LIVE_PATH: &str = "/live";
/// How long a browser waits before reconnecting a stream that ended.
const RECONNECT_AFTER: std::time::Duration = std::time::Duration::from_secs(2);
/// What a refused stream is told to wait before trying again.
const REFUSED_RETRY_AFTER_SECS: u32 = 30;

/// Where a reconnecting page left off, when it reopens the stream itself.
#[derive(Debug, serde::Deserialize)]
pub struct After {
    after: Option<String>,
}

/// Opens a stream of changes for this client, within the bounds.
pub async fn live_stream(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<After>,
    headers: HeaderMap,
) -> Response {
    let client = client_addr(peer.ip(), &headers, &state.settings.trusted_proxies);
    let admission = match state.live.admit(client) {
        Ok(admission) => admission,
        Err(refused) => return refuse(refused),
    };
    let receiver = match state.live.subscribe().await {
        Ok(receiver) => receiver,
        Err(error) => return unavailable(&error),
    };
    let resumed = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or(query.after)
        .and_then(|id| id.trim().parse::<i64>().ok());
    let (first, last) = match catch_up(state.live.db(), resumed).await {
        Ok(start) => start,
        Err(error) => return unavailable(&error),
    };
    let bounds = state.live.bounds();
    let reading = Reading {
        pending: first,
        receiver,
        last,
        closing: state.live.closing(),
        ends: tokio::time::Instant::now() + bounds.lifetime,
        _admission: admission,
    };
    let mut response = Sse::new(changes(reading))
        .keep_alive(KeepAlive::new().interval(bounds.heartbeat))
        .into_response();
    // Proxies that buffer responses (nginx) would hold events back.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The database could not be read: 503, and when to try again.
fn unavailable(error: &DbError) -> Response {
    tracing::warn!(%error, "live stream: the events could not be read");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            header::RETRY_AFTER,
            HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS),
        )],
    )
        .into_response()
}

/// A refused stream: 503, and when to try again.
fn refuse(refused: Refused) -> Response {
    let reason = match refused {
        Refused::Full => "This server has as many live pages open as it can hold.",
        Refused::ClientFull => "You have as many live pages open as one visitor may.",
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            header::RETRY_AFTER,
            HeaderValue::from(REFUSED_RETRY_AFTER_SECS),
        )],
        reason,
    )
        .into_response()
}

/// What a stream sends first, and the id it has reached: a greeting carrying the newest id for
/// a new stream; for one resuming after `resumed`, the events since, or `missed` when the
/// backlog has lost some of them.
async fn catch_up(
    db: &crate::server_only::db::Db,
    resumed: Option<i64>,
) -> Result<(VecDeque<Event>, i64), DbError> {
    let bounds = repo::backlog_bounds(db).await?;
    let latest = bounds.map_or(0, |(_, last)| last);
    let greeting = |id: i64| {
        Event::default()
            .id(id.to_string())
            .retry(RECONNECT_AFTER)
            .data("hello")
    };
    let Some(after) = resumed else {
        return Ok((VecDeque::from([greeting(latest)]), latest));
    };
    let first_kept = bounds.map_or(latest + 1, |(first, _)| first);
    // Ids ahead of the newest belong to another database (one reset since): nothing can be
    // replayed. Ids before the backlog's start lost events to its trimming.
    if after > latest || after < first_kept - 1 {
        let missed = Event::default()
            .id(latest.to_string())
            .retry(RECONNECT_AFTER)
            .data(Change::Missed.to_wire());
        return Ok((VecDeque::from([missed]), latest));
    }
    let events = repo::events_after(db, after, BACKLOG).await?;
    let last = events.last().map_or(after, |event| event.id);
    let mut first: VecDeque<Event> = VecDeque::from([greeting(after)]);
    first.extend(events.iter().map(event_of));
    Ok((first, last))
}

/// A stored change as an event: its id and its wire text.
fn event_of(stored: &StoredChange) -> Event {
    Event::default()
        .id(stored.id.to_string())
        .data(stored.change.to_wire())
}

/// One stream's state: what is still to send first, the broadcast, the last id sent, and
/// its end.
struct Reading {
    pending: VecDeque<Event>,
    receiver: broadcast::Receiver<Arc<StoredChange>>,
    last: i64,
    closing: watch::Receiver<bool>,
    ends: tokio::time::Instant,
    _admission: Admission,
}

/// What a stream waited for.
enum Next {
    Change(Arc<StoredChange>),
    Lagged,
    End,
}

/// The events of one stream, until its lifetime ends, the server shuts down, or the client
/// goes (the stream is then dropped, and its place freed).
fn changes(reading: Reading) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    stream::unfold(reading, |mut reading| async move {
        if let Some(event) = reading.pending.pop_front() {
            return Some((Ok(event), reading));
        }
        loop {
            let next = tokio::select! {
                _ = reading.closing.wait_for(|closed| *closed) => Next::End,
                () = tokio::time::sleep_until(reading.ends) => Next::End,
                received = reading.receiver.recv() => match received {
                    Ok(stored) => Next::Change(stored),
                    Err(broadcast::error::RecvError::Lagged(_)) => Next::Lagged,
                    Err(broadcast::error::RecvError::Closed) => Next::End,
                },
            };
            match next {
                // Already sent, from the backlog.
                Next::Change(stored) if stored.id <= reading.last => {}
                Next::Change(stored) => {
                    reading.last = stored.id;
                    return Some((Ok(event_of(&stored)), reading));
                }
                Next::Lagged => {
                    let missed = Event::default().data(Change::Missed.to_wire());
                    return Some((Ok(missed), reading));
                }
                Next::End => return None,
            }
        }
    })
}

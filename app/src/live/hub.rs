//! This instance's end of the live events: one task reads new events from the database, woken
//! by Postgres' `NOTIFY` or by SQLite's change stamp moving, and broadcasts them to the open
//! streams; the bounds on streams, per instance and per client; the end of every stream at
//! shutdown.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use tokio::sync::{Notify, OnceCell, broadcast, watch};

use crate::{
    live::repo::{self, StoredChange},
    server_only::{
        db::{Db, DbError},
        totals::read_totals,
    },
};

/// How many events the database keeps for pages that reconnect; a page away for longer
/// refetches what it shows.
pub const BACKLOG: i64 = 1_000;
/// Events read from the database at once.
const READ_BATCH: i64 = 500;
/// Events a stream may fall behind before it is told it missed some.
const CHANNEL_CAPACITY: usize = 512;
/// How often SQLite's change stamp is read for new events.
const SQLITE_POLL: Duration = Duration::from_millis(200);
/// How often Postgres is read even without a notification (one lost while reconnecting).
const POSTGRES_FALLBACK_POLL: Duration = Duration::from_secs(2);
/// The pause before reading again after the database failed.
const RETRY_PAUSE: Duration = Duration::from_secs(1);
/// The Postgres channel the triggers notify.
const CHANNEL: &str = "quire_live";

/// The limits on open streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveBounds {
    /// Streams open at once on this instance (503 beyond).
    pub streams: usize,
    /// Streams open at once from one client address (503 beyond).
    pub per_client: usize,
    /// How long one stream lasts; the browser then reconnects where it left off.
    pub lifetime: Duration,
    /// How often a quiet stream gets a heartbeat, which also finds clients that have gone.
    pub heartbeat: Duration,
}

impl Default for LiveBounds {
    fn default() -> Self {
        Self {
            streams: 10_000,
            per_client: 16,
            lifetime: Duration::from_secs(30 * 60),
            heartbeat: Duration::from_secs(15),
        }
    }
}

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This instance has as many streams open as it allows.
    Full,
    /// This client has as many streams open as one client may.
    ClientFull,
}

/// The live events of one instance: the broadcast every stream reads, who holds streams, and
/// the signal that ends them.
#[derive(Debug)]
pub struct LiveHub {
    db: Db,
    bounds: LiveBounds,
    sender: broadcast::Sender<Arc<StoredChange>>,
    reader: OnceCell<()>,
    /// The newest event the reading task has passed on; [`NOT_READING`] until it starts.
    passed_on: AtomicI64,
    open: Mutex<Open>,
    closing: watch::Sender<bool>,
}

/// What [`LiveHub::passed_on`] holds before the reading task has started.
const NOT_READING: i64 = -1;

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// One open stream's place among the bounds, given back when the stream ends.
#[derive(Debug)]
pub struct Admission {
    hub: Arc<LiveHub>,
    client: IpAddr,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut open = self.hub.lock_open();
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.by_client.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_client.remove(&self.client);
            }
        }
    }
}

impl LiveHub {
    /// A hub for the database `db`, with `bounds`. Its reading task starts with the first
    /// stream.
    pub fn new(db: Db, bounds: LiveBounds) -> Self {
        Self {
            db,
            bounds,
            sender: broadcast::channel(CHANNEL_CAPACITY).0,
            reader: OnceCell::new(),
            passed_on: AtomicI64::new(NOT_READING),
            open: Mutex::default(),
            closing: watch::channel(false).0,
        }
    }

    /// The limits on streams.
    pub fn bounds(&self) -> LiveBounds {
        self.bounds
    }

    /// The database events are read from.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Takes a place for one more stream from `client`, or says which bound refuses it.
    pub fn admit(self: &Arc<Self>, client: IpAddr) -> Result<Admission, Refused> {
        let mut open = self.lock_open();
        if open.total >= self.bounds.streams {
            return Err(Refused::Full);
        }
        let held = open.by_client.get(&client).copied().unwrap_or(0);
        if held >= self.bounds.per_client {
            return Err(Refused::ClientFull);
        }
        open.total += 1;
        open.by_client.insert(client, held + 1);
        Ok(Admission {
            hub: Arc::clone(self),
            client,
        })
    }

    /// The newest event passed on to the streams, once the reading task runs. It trails the
    /// database, never leads it: a page whose data is read after this sees every change up to
    /// it, so its first stream resumes from here and misses none made while it loads.
    pub fn passed_on(&self) -> Option<i64> {
        Some(self.passed_on.load(Ordering::Acquire)).filter(|id| *id != NOT_READING)
    }

    /// Streams open now.
    pub fn open_streams(&self) -> usize {
        self.lock_open().total
    }

    /// The events from now on. The first call starts the reading task from the newest event,
    /// read before the caller reads where its stream starts, so nothing after that is missed.
    pub async fn subscribe(
        self: &Arc<Self>,
    ) -> Result<broadcast::Receiver<Arc<StoredChange>>, DbError> {
        let receiver = self.sender.subscribe();
        self.reader
            .get_or_try_init(|| async {
                let latest = repo::latest_event_id(&self.db).await?;
                self.passed_on.store(latest, Ordering::Release);
                tokio::spawn(read_events(Arc::downgrade(self), latest));
                Ok::<(), DbError>(())
            })
            .await?;
        Ok(receiver)
    }

    /// Completes, and keeps completing, once the server is shutting down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every stream and the reading task: the server is shutting down, and open streams
    /// would otherwise hold its graceful shutdown for the whole grace period.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn lock_open(&self) -> std::sync::MutexGuard<'_, Open> {
        // The counts stay consistent even if a holder panicked: each change is one statement.
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The reading task: every event after `from`, in order, to the broadcast, until the hub is
/// closed or dropped.
async fn read_events(hub: Weak<LiveHub>, from: i64) {
    let Some((db, mut closing)) = hub.upgrade().map(|hub| (hub.db.clone(), hub.closing())) else {
        return;
    };
    let wakeup = match &db {
        Db::Postgres(pool) => Some(listen(pool.clone(), hub.clone())),
        Db::Sqlite(_) => None,
    };
    let mut cursor = from;
    let mut stamp = None;
    let mut outage = Outage::default();
    let pause = if wakeup.is_some() {
        POSTGRES_FALLBACK_POLL
    } else {
        SQLITE_POLL
    };
    loop {
        let woken = async {
            match &wakeup {
                Some(notify) => notify.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = closing.wait_for(|closed| *closed) => return,
            () = tokio::time::sleep(pause) => {},
            () = woken => {},
        }
        let Some(hub) = hub.upgrade() else {
            return;
        };
        if wakeup.is_none() {
            match read_totals(&db).await {
                Ok(totals) if stamp == Some(totals.stamp) => continue,
                Ok(totals) => stamp = Some(totals.stamp),
                Err(error) => {
                    outage.failed(&error);
                    tokio::time::sleep(RETRY_PAUSE).await;
                    continue;
                }
            }
        }
        match pass_on(&hub, cursor).await {
            Ok(last) => {
                outage.over();
                cursor = last;
            }
            Err(error) => {
                outage.failed(&error);
                stamp = None;
                tokio::time::sleep(RETRY_PAUSE).await;
            }
        }
    }
}

/// Whether the reading task finds the database failing: said once when it starts failing and
/// once when it works again, not at every retry.
#[derive(Default)]
struct Outage {
    failing: bool,
}

impl Outage {
    fn failed(&mut self, error: &DbError) {
        if !self.failing {
            tracing::warn!(%error, "live events: the database cannot be read; retrying every second");
            self.failing = true;
        }
    }

    fn over(&mut self) {
        if self.failing {
            tracing::info!("live events: the database can be read again");
            self.failing = false;
        }
    }
}

/// Broadcasts every event after `after`; returns the id of the last one.
async fn pass_on(hub: &LiveHub, mut after: i64) -> Result<i64, DbError> {
    loop {
        let events = repo::events_after(&hub.db, after, READ_BATCH).await?;
        let full = events.len() as i64 == READ_BATCH;
        for event in events {
            after = event.id;
            // Before any stream has it: a page rendered once a stream heard it resumes after it.
            hub.passed_on.store(after, Ordering::Release);
            // No stream open is no error: nobody is waiting.
            let _ = hub.sender.send(Arc::new(event));
        }
        if !full {
            return Ok(after);
        }
    }
}

/// Listens for the triggers' notifications on a connection of its own, reconnecting as
/// needed; each wakes the reading task.
fn listen(pool: sqlx::PgPool, hub: Weak<LiveHub>) -> Arc<Notify> {
    let notify = Arc::new(Notify::new());
    let wake = Arc::clone(&notify);
    tokio::spawn(async move {
        loop {
            let Some(mut closing) = hub.upgrade().map(|hub| hub.closing()) else {
                return;
            };
            tokio::select! {
                _ = closing.wait_for(|closed| *closed) => return,
                error = listen_until_error(&pool, &wake) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(%error, "live events: listening to Postgres failed; retrying");
                }
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    });
    notify
}

/// Listens on one connection, waking the reading task at each notification, until the
/// connection fails.
async fn listen_until_error(pool: &sqlx::PgPool, wake: &Notify) -> sqlx::Error {
    let mut listener = match sqlx::postgres::PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    if let Err(error) = listener.listen(CHANNEL).await {
        return error;
    }
    // Anything written while not listening is read now.
    wake.notify_one();
    loop {
        if let Err(error) = listener.recv().await {
            return error;
        }
        wake.notify_one();
    }
}

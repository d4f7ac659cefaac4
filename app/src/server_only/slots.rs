//! Bounded work at once: every limit on concurrent work (searches ranking, pictures uploading,
//! password hashes, picture decodes) is a [`Slots`], kept in [`Workloads`] inside `AppState`, so
//! each server, and each test's server, has its own.
//!
//! A caller takes a [`Slot`] and holds it while it works; the slot is free again when dropped.
//! Beyond the limit a caller waits up to the limit's wait (none, by default) and is then told
//! [`SlotError::Busy`]. Heavy jobs run on a limit's own worker threads ([`Slots::run`]): a few
//! dedicated threads, rather than Tokio's blocking pool (which grows new threads), so a flood
//! costs neither unbounded threads nor an allocator arena per short-lived thread holding freed
//! 19 MiB hashing buffers.

use std::{
    collections::HashSet,
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{Arc, Mutex, PoisonError, mpsc},
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::shared::error::AppError;

/// Why no slot was had, or its job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum SlotError {
    /// Every slot is taken (or the caller holds one already); try again shortly.
    #[error("no {0} slot is free")]
    Busy(&'static str),
    /// The job panicked or the limit's workers are gone.
    #[error("a {0} job failed")]
    Lost(&'static str),
}

type Job = Box<dyn FnOnce() + Send>;

/// A limit of slots for one kind of work.
#[derive(Debug)]
pub struct Slots {
    name: &'static str,
    permits: Arc<Semaphore>,
    wait: Option<Duration>,
    holders: Arc<Mutex<HashSet<i64>>>,
    workers: Option<Mutex<mpsc::Sender<Job>>>,
}

/// A taken slot, free again when dropped.
#[derive(Debug)]
pub struct Slot {
    _permit: OwnedSemaphorePermit,
    holder: Option<(Arc<Mutex<HashSet<i64>>>, i64)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some((holders, holder)) = &self.holder {
            holders
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(holder);
        }
    }
}

/// The number of cores, at least one.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

impl Slots {
    /// `at_once` slots (at least one) for work called `name`; a caller beyond them is turned away
    /// at once.
    pub fn new(name: &'static str, at_once: usize) -> Self {
        Self {
            name,
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            wait: Some(Duration::ZERO),
            holders: Arc::default(),
            workers: None,
        }
    }

    /// These slots, where a caller beyond them waits up to `wait` for one.
    pub fn waiting_up_to(mut self, wait: Duration) -> Self {
        self.wait = Some(wait);
        self
    }

    /// These slots, where a caller beyond them waits as long as it takes.
    pub fn waiting_for_ever(mut self) -> Self {
        self.wait = None;
        self
    }

    /// `running` jobs at once (at least one) on as many dedicated threads, with up to `waiting`
    /// more in line; a job beyond the line is turned away at once.
    pub fn with_workers(name: &'static str, running: usize, waiting: usize) -> Self {
        let running = running.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..running {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("{name} {index}"))
                .spawn(move || {
                    loop {
                        let next = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match next {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, work = name, "could not start a worker thread");
            }
        }
        Self {
            workers: Some(Mutex::new(sender)),
            ..Self::new(name, running + waiting)
        }
    }

    /// [`Slots::with_workers`] with one job per core and `waiting_per_core` waiting per core.
    pub fn with_workers_per_core(name: &'static str, waiting_per_core: usize) -> Self {
        Self::with_workers(name, cores(), cores() * waiting_per_core)
    }

    /// One slot per core.
    pub fn per_core(name: &'static str) -> Self {
        Self::new(name, cores())
    }

    /// A slot, once one is free within this limit's wait.
    pub async fn take(&self) -> Result<Slot, SlotError> {
        let permits = Arc::clone(&self.permits);
        let permit = match self.wait {
            Some(wait) if wait.is_zero() => permits.try_acquire_owned().ok(),
            Some(wait) => tokio::time::timeout(wait, permits.acquire_owned())
                .await
                .ok()
                .and_then(Result::ok),
            None => permits.acquire_owned().await.ok(),
        };
        permit
            .map(|permit| Slot {
                _permit: permit,
                holder: None,
            })
            .ok_or(SlotError::Busy(self.name))
    }

    /// A slot for `holder`, who may hold one at a time, without waiting.
    pub fn take_for(&self, holder: i64) -> Result<Slot, SlotError> {
        let mut holders = self.holders.lock().unwrap_or_else(PoisonError::into_inner);
        if holders.contains(&holder) {
            return Err(SlotError::Busy(self.name));
        }
        let permit = Arc::clone(&self.permits)
            .try_acquire_owned()
            .map_err(|_| SlotError::Busy(self.name))?;
        holders.insert(holder);
        Ok(Slot {
            _permit: permit,
            holder: Some((Arc::clone(&self.holders), holder)),
        })
    }

    /// Runs `job` on one of this limit's worker threads (see [`Slots::with_workers`]) when a slot
    /// is free, holding the slot until the job is over (even when its caller has gone). A limit
    /// made without workers has no thread to run it on: the job is lost.
    pub async fn run<T, F>(&self, job: F) -> Result<T, SlotError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let slot = self.take().await?;
        let (done, result) = tokio::sync::oneshot::channel();
        let wrapped: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job));
            // The slot is free before the caller hears back, so it can ask again at once.
            drop(slot);
            // A panicking job drops `done`, which the caller sees as a lost job.
            if let Ok(output) = outcome {
                let _ = done.send(output);
            }
        });
        self.workers
            .as_ref()
            .ok_or(SlotError::Lost(self.name))?
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(wrapped)
            .map_err(|_| SlotError::Lost(self.name))?;
        result.await.map_err(|_| SlotError::Lost(self.name))
    }

    /// What a caller that got no slot is told: busy, and to come back after this limit's wait
    /// (at least a second).
    pub fn busy(&self) -> AppError {
        AppError::Busy {
            retry_after_secs: self.wait.unwrap_or_default().as_secs().max(1),
        }
    }
}

/// Every limit on work at once, for one server.
#[derive(Debug)]
pub struct Workloads {
    /// Searches ranking posts: one per core; a search waits up to [`SEARCH_WAIT`] for its slot.
    pub searches: Slots,
    /// Picture uploads in flight: [`UPLOADS_AT_ONCE`], one per user.
    pub uploads: Slots,
    /// Refused uploads being read to their end (so the browser hears the answer): a few at once.
    pub refused_uploads: Slots,
    /// Password hashes and checks: one per core on dedicated threads, with
    /// [`HASHES_WAITING_PER_CORE`] per core waiting.
    pub hashing: Slots,
    /// Picture decodes: one at a time on a dedicated thread, with the other admitted upload
    /// waiting; bounded by memory more than by cores (a 4096×4096 picture takes 64 MiB while it
    /// is decoded).
    pub decoding: Slots,
    /// Exports and imports of blogs: [`ARCHIVES_AT_ONCE`], one per user. An export streams in
    /// bounded memory; an import holds its archive while it is checked.
    pub archives: Slots,
}

/// Longest a search waits for its slot before the visitor is asked to try again.
pub const SEARCH_WAIT: Duration = Duration::from_secs(5);
/// Picture uploads in flight at once on one instance, across all users. Each holds its picture
/// (at most 5 MB) in memory until it is stored, so this and the decoding slots bound what uploads
/// can take.
pub const UPLOADS_AT_ONCE: usize = 2;
/// Exports and imports running at once on one instance.
pub const ARCHIVES_AT_ONCE: usize = 2;
/// Hashing jobs waiting per core before new ones are turned away. At about a second per hash,
/// the last one in line waits about this many seconds.
pub const HASHES_WAITING_PER_CORE: usize = 8;

impl Default for Workloads {
    fn default() -> Self {
        Self {
            searches: Slots::per_core("search").waiting_up_to(SEARCH_WAIT),
            uploads: Slots::new("upload", UPLOADS_AT_ONCE),
            refused_uploads: Slots::new("refused upload", UPLOADS_AT_ONCE).waiting_for_ever(),
            hashing: Slots::with_workers_per_core("password hashing", HASHES_WAITING_PER_CORE),
            decoding: Slots::with_workers("picture decoding", 1, UPLOADS_AT_ONCE - 1),
            archives: Slots::new("export or import", ARCHIVES_AT_ONCE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_caller_beyond_the_slots_is_turned_away() {
        let slots = Slots::new("test", 1);
        let _held = slots.take().await.expect("a slot");
        assert!(matches!(slots.take().await, Err(SlotError::Busy("test"))));
    }

    #[tokio::test]
    async fn a_waiting_caller_gets_the_slot_freed_meanwhile() {
        let slots = Slots::new("test", 1).waiting_up_to(Duration::from_secs(5));
        let held = slots.take().await;
        let release = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(held);
        };
        let (_, next) = tokio::join!(release, slots.take());
        assert!(next.is_ok());
    }

    #[tokio::test]
    async fn a_waiting_caller_is_told_to_come_back_after_the_wait() {
        let slots = Slots::new("test", 1).waiting_up_to(Duration::from_millis(20));
        let _held = slots.take().await;
        assert!(slots.take().await.is_err());
        assert!(matches!(
            slots.busy(),
            AppError::Busy {
                retry_after_secs: 1
            }
        ));
    }

    #[test]
    fn a_holder_gets_one_slot_at_a_time() {
        let slots = Slots::new("test", 4);
        let first = slots.take_for(7).expect("a slot");
        assert!(slots.take_for(7).is_err());
        assert!(slots.take_for(8).is_ok());
        drop(first);
        assert!(slots.take_for(7).is_ok());
    }

    #[tokio::test]
    async fn jobs_beyond_the_line_are_turned_away() {
        let slots = Arc::new(Slots::with_workers("test", 1, 1));
        let slow = |slots: Arc<Slots>| async move {
            slots
                .run(|| std::thread::sleep(Duration::from_millis(300)))
                .await
        };
        let first = tokio::spawn(slow(Arc::clone(&slots)));
        let second = tokio::spawn(slow(Arc::clone(&slots)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(matches!(
            slots.run(|| ()).await,
            Err(SlotError::Busy("test"))
        ));
        assert!(first.await.expect("join").is_ok());
        assert!(second.await.expect("join").is_ok());
    }

    #[tokio::test]
    async fn a_panicking_job_is_lost_and_the_worker_lives_on() {
        let slots = Slots::with_workers("test", 1, 0);
        assert!(matches!(
            slots.run(|| panic!("boom")).await,
            Err(SlotError::Lost("test"))
        ));
        assert_eq!(slots.run(|| 3).await.expect("runs"), 3);
    }

    #[tokio::test]
    async fn a_slot_is_free_again_after_a_job() {
        let slots = Slots::with_workers("test", 1, 0);
        assert_eq!(slots.run(|| 1).await.expect("runs"), 1);
        assert_eq!(slots.run(|| 2).await.expect("runs"), 2);
    }
}

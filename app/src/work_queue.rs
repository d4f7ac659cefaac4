//! Bounded off-thread work: heavy jobs (password hashing, picture decoding) run on the blocking
//! pool at most a few at a time, behind a short queue; callers beyond the queue are turned
//! away at once, so a flood costs neither unbounded memory nor unbounded threads.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use tokio::sync::Semaphore;

/// Why a job did not run to completion.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The queue is full; try again shortly.
    #[error("the {0} queue is full")]
    Busy(&'static str),
    /// The job panicked or the runtime is shutting down.
    #[error("a {name} job failed: {detail}")]
    Lost {
        /// The queue's name.
        name: &'static str,
        /// What went wrong.
        detail: String,
    },
}

/// A limit of `running` jobs at once and `waiting` more in line.
#[derive(Debug)]
pub struct WorkQueue {
    name: &'static str,
    permits: Arc<Semaphore>,
    capacity: usize,
    admitted: Arc<AtomicUsize>,
}

/// Counts a job as admitted until dropped (inside the job, so an abandoned caller still counts
/// until the work it started is over).
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl WorkQueue {
    /// A queue called `name` running `running` jobs at once with up to `waiting` in line.
    pub fn new(name: &'static str, running: usize, waiting: usize) -> Self {
        let running = running.max(1);
        Self {
            name,
            permits: Arc::new(Semaphore::new(running)),
            capacity: running + waiting,
            admitted: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// One job per core, and `waiting_per_core` waiting per core.
    pub fn per_core(name: &'static str, waiting_per_core: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(name, cores, cores * waiting_per_core)
    }

    /// Runs `job` on the blocking pool when a slot is free, or answers [`WorkError::Busy`] at
    /// once when the queue is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, WorkError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admission = Admission(Arc::clone(&self.admitted));
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            return Err(WorkError::Busy(self.name));
        }
        let lost = |detail: String| WorkError::Lost {
            name: self.name,
            detail,
        };
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| lost(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _slot = (permit, admission);
            job()
        })
        .await
        .map_err(|e| lost(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn jobs_beyond_the_queue_are_turned_away() {
        let queue = Arc::new(WorkQueue::new("test", 1, 1));
        let slow = |queue: Arc<WorkQueue>| async move {
            queue
                .run(|| std::thread::sleep(Duration::from_millis(300)))
                .await
        };
        let first = tokio::spawn(slow(Arc::clone(&queue)));
        let second = tokio::spawn(slow(Arc::clone(&queue)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(matches!(
            queue.run(|| ()).await,
            Err(WorkError::Busy("test"))
        ));
        assert!(first.await.expect("join").is_ok());
        assert!(second.await.expect("join").is_ok());
    }

    #[tokio::test]
    async fn a_slot_is_free_again_after_a_job() {
        let queue = WorkQueue::new("test", 1, 0);
        assert_eq!(queue.run(|| 1).await.expect("runs"), 1);
        assert_eq!(queue.run(|| 2).await.expect("runs"), 2);
    }
}

//! Bounded off-thread work: heavy jobs (password hashing, picture decoding) run on a few
//! dedicated threads, behind a short queue; callers beyond the queue are turned away at once,
//! so a flood costs neither unbounded memory nor unbounded threads. Dedicated threads (rather
//! than Tokio's blocking pool, which grows new threads) also keep the allocator from holding
//! freed 19 MiB hashing buffers in one arena per short-lived thread.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
};

/// Why a job did not run to completion.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The queue is full; try again shortly.
    #[error("the {0} queue is full")]
    Busy(&'static str),
    /// The job panicked or its workers are gone.
    #[error("a {0} job failed")]
    Lost(&'static str),
}

type Job = Box<dyn FnOnce() + Send>;

/// A limit of `running` jobs at once, on as many threads, and `waiting` more in line.
#[derive(Debug)]
pub struct WorkQueue {
    name: &'static str,
    jobs: Mutex<mpsc::Sender<Job>>,
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
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..running {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("{name} {index}"))
                .spawn(move || {
                    loop {
                        let next = match receiver.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match next {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, queue = name, "could not start a worker thread");
            }
        }
        Self {
            name,
            jobs: Mutex::new(sender),
            capacity: running + waiting,
            admitted: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// One job per core, and `waiting_per_core` waiting per core.
    pub fn per_core(name: &'static str, waiting_per_core: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(name, cores, cores * waiting_per_core)
    }

    /// Runs `job` on a worker thread when one is free, or answers [`WorkError::Busy`] at once
    /// when the queue is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, WorkError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admission = Admission(Arc::clone(&self.admitted));
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            return Err(WorkError::Busy(self.name));
        }
        let (done, result) = tokio::sync::oneshot::channel();
        let wrapped: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job));
            // The slot is free before the caller hears back, so it can queue again at once.
            drop(admission);
            // A panicking job drops `done`, which the caller sees as a lost job.
            if let Ok(output) = outcome {
                let _ = done.send(output);
            }
        });
        let sent = match self.jobs.lock() {
            Ok(jobs) => jobs.send(wrapped),
            Err(poisoned) => poisoned.into_inner().send(wrapped),
        };
        sent.map_err(|_| WorkError::Lost(self.name))?;
        result.await.map_err(|_| WorkError::Lost(self.name))
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
    async fn a_panicking_job_is_lost_and_the_worker_lives_on() {
        let queue = WorkQueue::new("test", 1, 0);
        assert!(matches!(
            queue.run(|| panic!("boom")).await,
            Err(WorkError::Lost("test"))
        ));
        assert_eq!(queue.run(|| 3).await.expect("runs"), 3);
    }

    #[tokio::test]
    async fn a_slot_is_free_again_after_a_job() {
        let queue = WorkQueue::new("test", 1, 0);
        assert_eq!(queue.run(|| 1).await.expect("runs"), 1);
        assert_eq!(queue.run(|| 2).await.expect("runs"), 2);
    }
}

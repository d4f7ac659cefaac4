//! Turns to search: at most one search per core runs at a time, the rest wait a little.
//!
//! Ranking is CPU work inside SQLite, so more searches at once than cores finish no sooner; each
//! one also holds a pool connection and the posting lists it reads in memory. Capping them keeps
//! memory flat under a burst of searches and leaves connections free for every other page.

use std::{sync::LazyLock, time::Duration};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::AppError;

/// Longest a search waits for its turn before the visitor is asked to try again.
pub const WAIT_MAX: Duration = Duration::from_secs(5);

/// A number of turns, and how long a caller waits for one.
#[derive(Debug)]
pub struct Gate {
    turns: Semaphore,
    wait_max: Duration,
}

impl Gate {
    /// `turns` at once (at least one); callers wait up to `wait_max` for theirs.
    pub fn new(turns: usize, wait_max: Duration) -> Self {
        Self {
            turns: Semaphore::new(turns.max(1)),
            wait_max,
        }
    }

    /// A turn, held until the returned permit is dropped; [`AppError::Busy`] when none frees up
    /// in time.
    pub async fn turn(&self) -> Result<SemaphorePermit<'_>, AppError> {
        match tokio::time::timeout(self.wait_max, self.turns.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Busy {
                retry_after_secs: self.wait_max.as_secs().max(1),
            }),
        }
    }
}

/// The process's search gate: one turn per core.
pub static SEARCHES: LazyLock<Gate> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Gate::new(cores, WAIT_MAX)
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_search_beyond_the_turns_is_told_to_come_back() {
        let gate = Gate::new(1, Duration::from_millis(20));
        let _held = gate.turn().await;
        assert!(matches!(
            gate.turn().await,
            Err(AppError::Busy {
                retry_after_secs: 1
            })
        ));
    }

    #[tokio::test]
    async fn a_waiting_search_runs_when_a_turn_frees_up() {
        let gate = Gate::new(1, Duration::from_secs(5));
        let held = gate.turn().await;
        let release = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(held);
        };
        let (_, next) = tokio::join!(release, gate.turn());
        assert!(next.is_ok());
    }
}

//! Turns to search: at most one search per core runs at a time, the rest wait a little.
//!
//! Ranking is CPU work inside SQLite, so more searches at once than cores finish no sooner; each
//! one also holds a pool connection and the posting lists it reads in memory. Capping them keeps
//! memory flat under a burst of searches and leaves connections free for every other page.
//!
//! The server hands out turns before a search request is rendered at all (a request waiting for
//! its turn then holds no page render) and says so in the request's [`SearchTurn`]; the search
//! takes a turn of its own only when it runs outside such a request.

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// Longest a search waits for its turn before the visitor is asked to try again.
pub const WAIT_MAX: Duration = Duration::from_secs(5);

/// A number of turns, and how long a caller waits for one.
#[derive(Debug)]
pub struct Gate {
    turns: Arc<Semaphore>,
    wait_max: Duration,
}

impl Gate {
    /// `turns` at once (at least one); callers wait up to `wait_max` for theirs.
    pub fn new(turns: usize, wait_max: Duration) -> Self {
        Self {
            turns: Arc::new(Semaphore::new(turns.max(1))),
            wait_max,
        }
    }

    /// A turn, held until the returned permit is dropped; [`AppError::Busy`] when none frees up
    /// in time.
    pub async fn turn(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(self.wait_max, Arc::clone(&self.turns).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(self.busy()),
        }
    }

    /// What a search that got no turn answers.
    pub fn busy(&self) -> AppError {
        AppError::Busy {
            retry_after_secs: self.wait_max.as_secs().max(1),
        }
    }
}

/// Whether the server gave the request being served its turn before rendering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTurn {
    /// The request holds a turn until its response has been sent.
    Granted,
    /// No turn freed up in time: the search answers [`AppError::Busy`] at once.
    Refused,
}

impl SearchTurn {
    /// The one in the current request's extensions, if the server put one there.
    pub fn current() -> Option<Self> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Self>().copied())
    }
}

/// The turn of the request in context when this is called: already held when the server granted
/// one (nothing more to hold), [`AppError::Busy`] when it refused one, and otherwise a turn of
/// `gate` taken now, held until the returned permit is dropped.
pub fn request_turn(
    gate: &Gate,
) -> impl Future<Output = Result<Option<OwnedSemaphorePermit>, AppError>> + '_ {
    let given = SearchTurn::current();
    async move {
        match given {
            Some(SearchTurn::Granted) => Ok(None),
            Some(SearchTurn::Refused) => Err(gate.busy()),
            None => gate.turn().await.map(Some),
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
    use crate::test_request::owner_with;

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

    #[tokio::test]
    async fn a_request_granted_its_turn_runs_without_taking_another() {
        let gate = Gate::new(1, Duration::from_millis(20));
        let _held = gate.turn().await;
        let owner = owner_with(SearchTurn::Granted);
        let turn = owner.with(|| request_turn(&gate)).await;
        assert!(matches!(turn, Ok(None)));
    }

    #[tokio::test]
    async fn a_request_refused_its_turn_is_told_to_come_back_at_once() {
        let gate = Gate::new(1, Duration::from_secs(5));
        let owner = owner_with(SearchTurn::Refused);
        let turn = owner.with(|| request_turn(&gate)).await;
        assert!(matches!(turn, Err(AppError::Busy { .. })));
    }

    #[tokio::test]
    async fn a_search_outside_a_request_takes_a_turn_of_its_own() {
        let gate = Gate::new(1, Duration::from_millis(20));
        let turn = request_turn(&gate).await;
        assert!(matches!(turn, Ok(Some(_))));
        assert!(gate.turn().await.is_err());
    }
}

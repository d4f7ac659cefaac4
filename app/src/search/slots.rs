//! Slots to search: at most one search per core runs at a time, the rest wait a little.
//!
//! Ranking is CPU work inside SQLite, so more searches at once than cores finish no sooner; each
//! one also holds a pool connection and the posting lists it reads in memory. Capping them keeps
//! memory flat under a burst of searches and leaves connections free for every other page.
//!
//! The server hands out slots before a search request is rendered at all (a request waiting for
//! its slot then holds no page render) and says so in the request's [`SearchSlot`]; the search
//! takes a slot of its own only when it runs outside such a request.

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::shared::error::AppError;

/// Longest a search waits for its slot before the visitor is asked to try again.
pub const WAIT_MAX: Duration = Duration::from_secs(5);

/// A number of slots, and how long a caller waits for one.
#[derive(Debug)]
pub struct SearchSlots {
    permits: Arc<Semaphore>,
    wait_max: Duration,
}

impl SearchSlots {
    /// `slots` at once (at least one); callers wait up to `wait_max` for theirs.
    pub fn new(slots: usize, wait_max: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(slots.max(1))),
            wait_max,
        }
    }

    /// A slot, held until the returned permit is dropped; [`AppError::Busy`] when none frees up
    /// in time.
    pub async fn acquire(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(self.wait_max, Arc::clone(&self.permits).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(self.busy()),
        }
    }

    /// What a search that got no slot answers.
    pub fn busy(&self) -> AppError {
        AppError::Busy {
            retry_after_secs: self.wait_max.as_secs().max(1),
        }
    }
}

/// Whether the server gave the request being served its slot before rendering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSlot {
    /// The request holds a slot until its response has been sent.
    Granted,
    /// No slot freed up in time: the search answers [`AppError::Busy`] at once.
    Refused,
}

impl SearchSlot {
    /// The one in the current request's extensions, if the server put one there.
    pub fn current() -> Option<Self> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Self>().copied())
    }
}

/// The slot of the request in context when this is called: already held when the server granted
/// one (nothing more to hold), [`AppError::Busy`] when it refused one, and otherwise a slot of
/// `slots` taken now, held until the returned permit is dropped.
pub fn request_slot(
    slots: &SearchSlots,
) -> impl Future<Output = Result<Option<OwnedSemaphorePermit>, AppError>> + '_ {
    let given = SearchSlot::current();
    async move {
        match given {
            Some(SearchSlot::Granted) => Ok(None),
            Some(SearchSlot::Refused) => Err(slots.busy()),
            None => slots.acquire().await.map(Some),
        }
    }
}

/// The process's search slots: one per core.
pub static SEARCHES: LazyLock<SearchSlots> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    SearchSlots::new(cores, WAIT_MAX)
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server_only::test_request::owner_with;

    #[tokio::test]
    async fn a_search_beyond_the_turns_is_told_to_come_back() {
        let slots = SearchSlots::new(1, Duration::from_millis(20));
        let _held = slots.acquire().await;
        assert!(matches!(
            slots.acquire().await,
            Err(AppError::Busy {
                retry_after_secs: 1
            })
        ));
    }

    #[tokio::test]
    async fn a_waiting_search_runs_when_a_turn_frees_up() {
        let slots = SearchSlots::new(1, Duration::from_secs(5));
        let held = slots.acquire().await;
        let release = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(held);
        };
        let (_, next) = tokio::join!(release, slots.acquire());
        assert!(next.is_ok());
    }

    #[tokio::test]
    async fn a_request_granted_its_turn_runs_without_taking_another() {
        let slots = SearchSlots::new(1, Duration::from_millis(20));
        let _held = slots.acquire().await;
        let owner = owner_with(SearchSlot::Granted);
        let slot = owner.with(|| request_slot(&slots)).await;
        assert!(matches!(slot, Ok(None)));
    }

    #[tokio::test]
    async fn a_request_refused_its_turn_is_told_to_come_back_at_once() {
        let slots = SearchSlots::new(1, Duration::from_secs(5));
        let owner = owner_with(SearchSlot::Refused);
        let slot = owner.with(|| request_slot(&slots)).await;
        assert!(matches!(slot, Err(AppError::Busy { .. })));
    }

    #[tokio::test]
    async fn a_search_outside_a_request_takes_a_turn_of_its_own() {
        let slots = SearchSlots::new(1, Duration::from_millis(20));
        let slot = request_slot(&slots).await;
        assert!(matches!(slot, Ok(Some(_))));
        assert!(slots.acquire().await.is_err());
    }
}

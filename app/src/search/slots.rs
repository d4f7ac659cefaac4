//! Slots to search: at most one search per core ranks at a time, the rest wait a little
//! (`Workloads::searches`, the one place the limit is set).
//!
//! Ranking is CPU work inside SQLite, so more searches at once than cores finish no sooner; each
//! one also holds a pool connection and the posting lists it reads in memory. Capping them keeps
//! memory flat under a burst of searches and leaves connections free for every other page.
//!
//! The server hands out slots before a search request is rendered at all (a request waiting for
//! its slot then holds no page render) and says so in the request's [`SearchSlot`]; the search
//! takes a slot of its own only when it runs outside such a request.

use crate::{
    server_only::slots::{Slot, Slots},
    shared::error::AppError,
};

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
/// `searches` taken now, held until the returned slot is dropped.
pub fn request_slot(searches: &Slots) -> impl Future<Output = Result<Option<Slot>, AppError>> + '_ {
    let given = SearchSlot::current();
    async move {
        match given {
            Some(SearchSlot::Granted) => Ok(None),
            Some(SearchSlot::Refused) => Err(searches.busy()),
            None => searches.take().await.map(Some).map_err(|_| searches.busy()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::server_only::test_request::owner_with;

    fn searches() -> Slots {
        Slots::new("search", 1).waiting_up_to(Duration::from_millis(20))
    }

    #[tokio::test]
    async fn a_request_granted_its_slot_runs_without_taking_another() {
        let slots = searches();
        let _held = slots.take().await;
        let owner = owner_with(SearchSlot::Granted);
        let slot = owner.with(|| request_slot(&slots)).await;
        assert!(matches!(slot, Ok(None)));
    }

    #[tokio::test]
    async fn a_request_refused_its_slot_is_told_to_come_back_at_once() {
        let slots = Slots::new("search", 1).waiting_up_to(Duration::from_secs(5));
        let owner = owner_with(SearchSlot::Refused);
        let slot = owner.with(|| request_slot(&slots)).await;
        assert!(matches!(slot, Err(AppError::Busy { .. })));
    }

    #[tokio::test]
    async fn a_search_outside_a_request_takes_a_slot_of_its_own() {
        let slots = searches();
        let slot = request_slot(&slots).await;
        assert!(matches!(slot, Ok(Some(_))));
        assert!(slots.take().await.is_err());
    }

    #[tokio::test]
    async fn a_search_beyond_the_slots_is_told_to_come_back() {
        let slots = searches();
        let _held = request_slot(&slots).await;
        assert!(matches!(
            request_slot(&slots).await,
            Err(AppError::Busy {
                retry_after_secs: 1
            })
        ));
    }
}

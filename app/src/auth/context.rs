//! Who is logged in, as every component sees it, and how forms tell it to look again.

use leptos::prelude::*;

use crate::{
    auth::api::get_current_user,
    shared::codec::{JsonResource, resource},
    shared::error::AppError,
    users::model::User,
};

/// The log-in state, provided as context inside the router.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Bumped whenever a form has succeeded: it may have logged someone in or out, or changed
    /// the account, so the user and the pages that show it are read again.
    pub changes: RwSignal<usize>,
    /// Bumped when a form that leads back to its own page has succeeded: no address changes
    /// then, so the flash message is looked up because of this instead.
    pub same_page_runs: RwSignal<usize>,
    /// The logged-in user; read again after every change.
    pub user: JsonResource<Result<Option<User>, AppError>>,
}

impl Auth {
    /// Creates the log-in state and provides it as context.
    pub fn provide() -> Self {
        let changes = RwSignal::new(0);
        let auth = Self {
            changes,
            same_page_runs: RwSignal::new(0),
            user: resource(move || changes.get(), |_| get_current_user()),
        };
        provide_context(auth);
        auth
    }

    /// The context provided inside the router.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Tells every reader that a form succeeded; `same_page` when it led back to the page it
    /// is on.
    pub fn changed(self, same_page: bool) {
        self.changes.update(|n| *n += 1);
        if same_page {
            self.same_page_runs.update(|n| *n += 1);
        }
    }
}

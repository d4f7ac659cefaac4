//! Who is logged in, as every component sees it, and how pages tell it to look again.

use leptos::prelude::*;

use crate::{
    auth::api::{Logout, get_current_user},
    codec::{JsonResource, resource},
    error::AppError,
    users::model::User,
};

/// The log-in state, provided as context inside the router.
///
/// Forms create their own actions inside their route (so a script-free post's error, which
/// comes back in the URL, reaches them) and report finished runs with [`Auth::track`].
#[derive(Clone, Copy)]
pub struct Auth {
    /// Log out (the nav's button).
    pub logout: ServerAction<Logout>,
    /// Bumped whenever a tracked action has finished a run.
    changes: RwSignal<usize>,
    /// Bumped when an action that redirects to its own page has finished: no URL changes then,
    /// so the flash messages are looked up because of this instead.
    pub same_page_runs: RwSignal<usize>,
    /// The logged-in user; reloaded after every change.
    pub user: JsonResource<Result<Option<User>, AppError>>,
}

impl Auth {
    /// Creates the log-in state and provides it as context.
    pub fn provide() -> Self {
        let logout = ServerAction::<Logout>::new();
        let changes = RwSignal::new(0);
        let same_page_runs = RwSignal::new(0);
        let user = resource(
            move || (changes.get(), logout.version().get()),
            |_| get_current_user(),
        );
        let auth = Self {
            logout,
            changes,
            same_page_runs,
            user,
        };
        provide_context(auth);
        auth
    }

    /// The context provided inside the router.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Reloads the logged-in user each time the action with this `version` finishes a run.
    pub fn track(self, version: RwSignal<usize>) {
        self.on_finish(version, false);
    }

    /// Like [`Auth::track`], for an action that redirects to the page it is on: its flash
    /// message is looked up once it has finished.
    pub fn track_same_page(self, version: RwSignal<usize>) {
        self.on_finish(version, true);
    }

    fn on_finish(self, version: RwSignal<usize>, same_page: bool) {
        Effect::watch(
            move || version.get(),
            move |_, _, _| {
                self.changes.update(|n| *n += 1);
                if same_page {
                    self.same_page_runs.update(|n| *n += 1);
                }
            },
            false,
        );
    }
}

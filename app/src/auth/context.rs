//! Who is logged in, as every server-rendered component sees it.

use leptos::prelude::*;

use crate::{
    auth::api::{Logout, get_current_user},
    codec::{JsonResource, resource},
    error::AppError,
    users::model::User,
};

/// The log-in state, provided as context inside the router. Pages are rendered on the server
/// and every form that changes it ends in a page load, so it is read once per page.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Log out (the nav's button).
    pub logout: ServerAction<Logout>,
    /// The logged-in user.
    pub user: JsonResource<Result<Option<User>, AppError>>,
}

impl Auth {
    /// Creates the log-in state and provides it as context.
    pub fn provide() -> Self {
        let auth = Self {
            logout: ServerAction::<Logout>::new(),
            user: resource(|| (), |_| get_current_user()),
        };
        provide_context(auth);
        auth
    }

    /// The context provided inside the router.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }
}

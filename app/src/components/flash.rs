//! The flash message of the page, looked up after every navigation and announced to screen readers.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    auth::context::Auth,
    flash::{FlashKind, take_flash},
    shared::codec::resource,
};

/// The flash message for this page, announced to screen readers.
#[component]
pub fn FlashMessages() -> impl IntoView {
    let location = use_location();
    // Also after a form that leads back to its own page: that changes no address.
    let submissions = Auth::expect().same_page_runs;
    let flash = resource(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                submissions.get(),
            )
        },
        |_| take_flash(),
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                flash.await.ok().flatten().map(|flash| {
                    let role = if flash.kind == FlashKind::Danger { "alert" } else { "status" };
                    view! { <div class=flash.kind.class() role=role>{flash.message}</div> }
                })
            })}
        </Transition>
    }
}

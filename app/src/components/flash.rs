//! The flash message of the page, taken while the page is rendered and announced to screen readers.

use leptos::prelude::*;

use crate::{
    codec::resource,
    flash::{FlashKind, take_flash},
};

/// The flash message for this page, announced to screen readers.
#[component]
pub fn FlashMessages() -> impl IntoView {
    let flash = resource(|| (), |_| take_flash());
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

//! The frame around every page: the loading bar, the nav bar and the main column.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::{
    auth::{api::Logout, context::Auth},
    components::{flash::FlashMessages, search_form::SearchForm, server_form::ServerForm},
};

/// Where the nav's Logout button posts.
const LOGOUT: &str = <Logout as leptos::server_fn::ServerFn>::PATH;

/// Whether the router is loading the next page; the layout shows a bar while it is.
#[derive(Clone, Copy)]
pub struct Routing(pub RwSignal<bool>);

/// The site's header and nav around the page's content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let routing = use_context::<Routing>().map(|r| r.0);
    let loading = move || routing.is_some_and(|r| r.get());
    let main = NodeRef::<leptos::html::Main>::new();
    follow_navigation(main);
    view! {
        <div class="loading-bar" class:active=loading role="progressbar" aria-hidden=move || (!loading()).to_string() aria-label="Loading"></div>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">"Quire"</A>
                <SearchForm class="nav-search">
                    <label for="nav-search-q" class="visually-hidden">"Search posts"</label>
                    <input id="nav-search-q" type="search" name="q" maxlength="200" placeholder="Search posts"/>
                    <button type="submit" class="link-button">"Search"</button>
                </SearchForm>
                <div class="nav-links">
                    <A href="/">"Home"</A>
                    <A href="/users">"Users"</A>
                    <A href="/tags">"Tags"</A>
                    <A href="/about">"About"</A>
                    <AccountLinks/>
                </div>
            </nav>
        </header>
        <main class="container" id="main" tabindex="-1" node_ref=main>
            <FlashMessages/>
            {children()}
        </main>
        <footer class="site-footer">"Quire — a small blog for many writers."</footer>
    }
}

/// After each navigation in the browser (not the first page), moves the focus to the new page's
/// main column, so a screen reader starts reading the new page there, as after a page load.
fn follow_navigation(main: NodeRef<leptos::html::Main>) {
    let location = use_location();
    Effect::watch(
        move || (location.pathname.get(), location.search.get()),
        move |_, _, _| {
            if let Some(main) = main.get_untracked() {
                let _ = main.focus();
            }
        },
        false,
    );
}

/// Login and Register for visitors; New Post, Account and Logout for a logged-in user.
#[component]
fn AccountLinks() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(_)) => view! {
                        <A href="/post/new">"New Post"</A>
                        <A href="/drafts">"Drafts"</A>
                        <A href="/account">"Account"</A>
                        <ServerForm action=LOGOUT class="inline-form">
                            <button type="submit" class="link-button">"Logout"</button>
                        </ServerForm>
                    }
                    .into_any(),
                    _ => view! {
                        <A href="/login">"Login"</A>
                        <A href="/register">"Register"</A>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

//! The frame around every page: the nav bar and the main column.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{auth::context::Auth, components::flash::FlashMessages};

/// The site's header and nav around the page's content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">"Quire"</A>
                <form class="nav-search" method="get" action="/search" role="search">
                    <label for="nav-search-q" class="visually-hidden">"Search posts"</label>
                    <input id="nav-search-q" type="search" name="q" maxlength="200" placeholder="Search posts"/>
                    <button type="submit" class="link-button">"Search"</button>
                </form>
                <div class="nav-links">
                    <A href="/">"Home"</A>
                    <A href="/users">"Users"</A>
                    <A href="/about">"About"</A>
                    <AccountLinks/>
                </div>
            </nav>
        </header>
        <main class="container">
            <FlashMessages/>
            {children()}
        </main>
        <footer class="site-footer">"Quire — a small blog for many writers."</footer>
    }
}

/// Login and Register for visitors; Account and Logout for a logged-in user.
#[component]
fn AccountLinks() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(_)) => view! {
                        <A href="/post/new">"New Post"</A>
                        <A href="/account">"Account"</A>
                        <ActionForm action=auth.logout attr:class="inline-form">
                            <button type="submit" class="link-button">"Logout"</button>
                        </ActionForm>
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

//! The document shell, the router with every route, and the layout around them.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::{
    about::AboutPage,
    account::pages::AccountPage,
    auth::{
        context::Auth,
        pages::{LoginPage, RegisterPage},
    },
    components::{
        error_page::{ErrorStatusPage, NotFound},
        hydration_mark::HydrationMark,
        layout::Layout,
    },
    posts::{
        edit::{DeletePostPage, NewPostPage, UpdatePostPage},
        pages::{HomePage, PostPage},
    },
    reset::pages::{RequestResetPage, ResetPasswordPage},
    search::pages::SearchPage,
    users::pages::{UserPostsPage, UsersPage},
};

/// The HTML document the server renders around the app, with its Content-Security-Policy.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::csp::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <HashedStylesheet options=options.clone()/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="alternate" type="application/atom+xml" title="Quire: newest posts" href="/feed.xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The whole app: every route inside the shared layout. Pages are rendered on the server only,
/// and wait for their data (`SsrMode::Async`), so the HTML is complete even without JavaScript;
/// the browser hydrates just the islands (`#[island]`: the forms and the delete dialog), and
/// links are ordinary page loads.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Quire"/>
        <Router>
            <Pages/>
        </Router>
        <HydrationMark/>
    }
}

/// Everything inside the router: the log-in state, the layout and the routes.
#[component]
fn Pages() -> impl IntoView {
    // Created inside the router, so the error of a script-free form post, which comes back
    // in the URL, reaches its action.
    Auth::provide();
    view! {
        <Layout>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/home") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/post/new") view=NewPostPage ssr=SsrMode::Async/>
                <Route path=path!("/post/:id") view=PostPage ssr=SsrMode::Async/>
                <Route path=path!("/post/:id/update") view=UpdatePostPage ssr=SsrMode::Async/>
                <Route path=path!("/post/:id/delete") view=DeletePostPage ssr=SsrMode::Async/>
                <Route path=path!("/user/:username") view=UserPostsPage ssr=SsrMode::Async/>
                <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/about") view=AboutPage ssr=SsrMode::Async/>
                <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/reset_password") view=RequestResetPage ssr=SsrMode::Async/>
                <Route path=path!("/reset_password/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/error/:status") view=ErrorStatusPage ssr=SsrMode::Async/>
            </Routes>
        </Layout>
    }
}

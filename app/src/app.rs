//! The document shell, the router with every route, and the layout around them.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{Route, Router, Routes},
    lazy_route, path,
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
        layout::{Layout, Routing},
    },
    live::resume::ResumePoint,
    posts::{
        drafts::DraftsPage,
        edit::{DeletePostPage, NewPostPage, UpdatePostPage},
        pages::{HomePage, PostPage},
    },
    reset::pages::{RequestResetPage, ResetPasswordPage},
    search::pages::SearchPage,
    tags::pages::{TagPage, TagsPage},
    users::pages::{UserPostsPage, UsersPage},
};

/// The HTML document the server renders around the app, with its Content-Security-Policy.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server_only::csp::set_page_policy();
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
                <HydrationScripts options/>
                <MetaTags/>
                <ResumePoint/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The whole app: every route inside the shared layout. Pages wait for their data on the
/// server (`SsrMode::Async`), so the first page is complete even without JavaScript; the browser
/// then hydrates it, and from there on the router navigates in the browser, each page loading
/// its data from its server functions and its code as a lazily loaded route.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let routing = RwSignal::new(false);
    provide_context(Routing(routing));
    view! {
        <Title text="Quire"/>
        <Router set_is_routing=routing>
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
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/home") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/post/new") view={Lazy::<NewPostRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/post/:id") view={Lazy::<PostRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/post/:id/update") view={Lazy::<UpdatePostRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/post/:id/delete") view={Lazy::<DeletePostRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/user/:username") view={Lazy::<UserPostsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/drafts") view={Lazy::<DraftsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tag/:name") view={Lazy::<TagRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tags") view={Lazy::<TagsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/about") view={Lazy::<AboutRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/search") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset_password") view={Lazy::<RequestResetRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset_password/:token") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/error/:status") view={Lazy::<ErrorStatusRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Layout>
    }
}

/// Declares a route whose view is loaded lazily: in a split build (`cargo leptos --split`, as every
/// build script runs it) each page's code is its own WASM part, fetched when the page is first
/// shown. The page fetches its own data, so a route has no separate data half.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {
        $(
            #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
            struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    view! { <$page/> }.into_any()
                }
            }
        )*
    };
}

lazy_page!(
    HomeRoute => HomePage,
    NewPostRoute => NewPostPage,
    PostRoute => PostPage,
    UpdatePostRoute => UpdatePostPage,
    DeletePostRoute => DeletePostPage,
    UserPostsRoute => UserPostsPage,
    UsersRoute => UsersPage,
    DraftsRoute => DraftsPage,
    TagRoute => TagPage,
    TagsRoute => TagsPage,
    AboutRoute => AboutPage,
    SearchRoute => SearchPage,
    RegisterRoute => RegisterPage,
    LoginRoute => LoginPage,
    AccountRoute => AccountPage,
    RequestResetRoute => RequestResetPage,
    ResetPasswordRoute => ResetPasswordPage,
    ErrorStatusRoute => ErrorStatusPage,
);

//! The sign-up and log-in pages.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use crate::{
    auth::api::{Login, Register, get_current_user},
    components::{
        form::{FormError, SubmitButton, TextField},
        page_title::PageTitle,
        server_form::{ServerForm, form_action},
    },
    shared::codec::resource,
    shared::submitted::submitted,
};

/// Sends a logged-in visitor home: the sign-up and log-in pages are for visitors only. Who is
/// logged in is read once, when the page opens: a log-in made on the page goes where its form
/// says, not home.
#[component]
pub fn RedirectIfLoggedIn() -> impl IntoView {
    let user = resource(|| (), |_| get_current_user());
    view! {
        <Transition>
            {move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            })}
        </Transition>
    }
}

/// `/register`: create an account.
#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PageTitle text="Register"/>
        <RedirectIfLoggedIn/>
        <section class="form-card">
            <h1>"Join Today"</h1>
            <RegisterForm
                username=submitted("username").unwrap_or_default()
                email=submitted("email").unwrap_or_default()
            />
            <p class="form-footer">"Already have an account? " <a href="/login">"Sign In"</a></p>
        </section>
    }
}

/// The sign-up form, with each field's error under it, starting with `username` and `email`.
#[component]
fn RegisterForm(username: String, email: String) -> impl IntoView {
    let action = form_action::<Register>();
    view! {
            <ServerForm action=action.url()>
                <FormError error=action.form_error()/>
                <TextField label="Username" name="username" autocomplete="username" value=username error=action.field_error("username")/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" value=email error=action.field_error("email")/>
                <TextField label="Password" name="password" kind="password" autocomplete="new-password" error=action.field_error("password")/>
                <TextField label="Confirm Password" name="confirm_password" kind="password" autocomplete="new-password" error=action.field_error("confirm_password")/>
                <SubmitButton label="Sign Up"/>
            </ServerForm>
    }
}

/// `/login`: log in, optionally for 30 days; `?next=/path` says where to go afterwards.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    view! {
        <PageTitle text="Login"/>
        <RedirectIfLoggedIn/>
        <section class="form-card">
            <h1>"Log In"</h1>
            <LoginForm next email=submitted("email").unwrap_or_default()/>
            <p class="form-footer"><a href="/reset_password">"Forgot Password?"</a></p>
            <p class="form-footer">"Need an account? " <a href="/register">"Sign Up Now"</a></p>
        </section>
    }
}

/// The log-in form, starting with `email`; `next` is where a successful log-in goes.
#[component]
fn LoginForm(next: String, email: String) -> impl IntoView {
    let action = form_action::<Login>();
    view! {
            <ServerForm action=action.url()>
                <FormError error=action.form_error()/>
                <input type="hidden" name="next" value=next/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" value=email error=action.field_error("email")/>
                <TextField label="Password" name="password" kind="password" autocomplete="current-password" error=action.field_error("password")/>
                <div class="field checkbox">
                    <input id="remember" type="checkbox" name="remember" value="true"/>
                    <label for="remember">"Remember Me"</label>
                </div>
                <SubmitButton label="Login"/>
            </ServerForm>
    }
}

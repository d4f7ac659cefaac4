//! The "forgot password" pages: ask for a link, then set a new password with it.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_params_map};

use crate::{
    auth::pages::RedirectIfLoggedIn,
    components::{
        error_page::ErrorPage,
        form::{FormError, SubmitButton, TextField},
        page_title::PageTitle,
        server_form::{ServerForm, form_action},
    },
    reset::api::{RequestPasswordReset, ResetPassword, check_reset_token},
    shared::codec::resource,
    shared::submitted::submitted,
};

/// `/reset_password`: ask for a reset link.
#[component]
pub fn RequestResetPage() -> impl IntoView {
    view! {
        <PageTitle text="Reset Password"/>
        <RedirectIfLoggedIn/>
        <section class="form-card">
            <h1>"Reset Password"</h1>
            <RequestResetForm email=submitted("email").unwrap_or_default()/>
        </section>
    }
}

/// The form that asks for a reset link, starting with `email`.
#[component]
fn RequestResetForm(email: String) -> impl IntoView {
    let action = form_action::<RequestPasswordReset>();
    view! {
        <ServerForm action=action.url()>
            <FormError error=action.form_error()/>
            <TextField label="Email" name="email" kind="email" autocomplete="email" value=email error=action.field_error("email")/>
            <SubmitButton label="Request Password Reset"/>
        </ServerForm>
    }
}

/// `/reset_password/:token`: choose a new password; a bad token goes back to the request form.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let valid = resource(token, check_reset_token);
    view! {
        <PageTitle text="Reset Password"/>
        <RedirectIfLoggedIn/>
        <Transition fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
            {move || Suspend::new(async move {
                match valid.await {
                    Ok(true) => view! {
                        <section class="form-card">
                            <h1>"Reset Password"</h1>
                            <ResetPasswordForm token=token()/>
                        </section>
                    }
                    .into_any(),
                    Ok(false) => view! { <Redirect path="/reset_password"/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The new-password form for the reset link's `token`.
#[component]
fn ResetPasswordForm(token: String) -> impl IntoView {
    let action = form_action::<ResetPassword>();
    view! {
        <ServerForm action=action.url()>
            <FormError error=action.form_error()/>
            <input type="hidden" name="token" value=token/>
            <TextField label="New Password" name="password" kind="password" autocomplete="new-password" error=action.field_error("password")/>
            <TextField label="Confirm Password" name="confirm_password" kind="password" autocomplete="new-password" error=action.field_error("confirm_password")/>
            <SubmitButton label="Reset Password"/>
        </ServerForm>
    }
}

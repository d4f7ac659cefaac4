//! `/account`: the logged-in user's profile, picture and password.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use crate::{
    account::{
        api::{ChangePassword, UpdateAccount, get_account},
        model::PictureError,
    },
    auth::context::Auth,
    components::{
        error_page::ErrorPage,
        form::{FieldError, FormError, SubmitButton, TextField},
        page_title::PageTitle,
        server_form::{ServerForm, form_action, mark_busy},
    },
    shared::codec::resource,
    shared::error::AppError,
    shared::submitted::submitted,
    users::model::{User, avatar_url},
};

/// The account page; visitors who are not logged in are sent to log in first.
#[component]
pub fn AccountPage() -> impl IntoView {
    // Read again after a form of this page succeeds: it leads back here, with no new address.
    let saved = Auth::expect().same_page_runs;
    let account = resource(move || saved.get(), |_| get_account());
    let picture_error = use_query_map().with_untracked(|q| {
        q.get_str("picture_error")
            .and_then(PictureError::from_code)
            .map(|e| e.message().to_owned())
    });
    view! {
        <PageTitle text="Account"/>
        <Transition fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
            {move || {
                let picture_error = picture_error.clone();
                Suspend::new(async move {
                    match account.await {
                        Ok(user) => {
                            let username = submitted("username").unwrap_or_else(|| user.username.clone());
                            let email = submitted("email").unwrap_or_else(|| user.email.clone());
                            view! { <AccountForms user username email picture_error/> }.into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The profile, picture and password forms; the profile form starts with `username` and
/// `email`; `picture_error` is why the last upload was refused.
#[component]
fn AccountForms(
    user: User,
    username: String,
    email: String,
    picture_error: Option<String>,
) -> impl IntoView {
    let update = form_action::<UpdateAccount>();
    let password = form_action::<ChangePassword>();
    view! {
        <section class="form-card">
            <header class="profile">
                <img class="avatar large" src=avatar_url(&user.image_file) alt="Your profile picture" width="125" height="125"/>
                <div>
                    <h1 class="account-name">{user.username.clone()}</h1>
                    <p class="account-email">{user.email.clone()}</p>
                </div>
            </header>

            <h2>"Account Info"</h2>
            <ServerForm action=update.url()>
                <FormError error=update.form_error()/>
                <TextField label="Username" name="username" autocomplete="username" value=username error=update.field_error("username")/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" value=email error=update.field_error("email")/>
                <TextField label="Current Password (to change your email)" name="current_password" id="account_current_password" kind="password" autocomplete="current-password" error=update.field_error("current_password")/>
                <SubmitButton label="Update"/>
            </ServerForm>

            <h2>"Profile Picture"</h2>
            <form method="post" action="/account/picture" enctype="multipart/form-data" on:submit=move |event| mark_busy(&event)>
                <div class="field">
                    <label for="picture">"Update Profile Picture (JPG or PNG, at most 5 MB)"</label>
                    <input id="picture" name="picture" type="file" accept="image/jpeg,image/png" aria-describedby="picture-error"/>
                    <FieldError id="picture-error" error=picture_error/>
                </div>
                <SubmitButton label="Upload"/>
            </form>

            <h2>"Your Blog"</h2>
            <p>
                <a href="/account/export" rel="external" download="">"Export my blog"</a>
                ": every post (drafts and scheduled posts too) as Markdown, with the pictures, in one ZIP."
            </p>
            <form method="post" action="/account/import" enctype="multipart/form-data" on:submit=move |event| mark_busy(&event)>
                <div class="field">
                    <label for="archive">"Import an export of your blog (a .zip of at most 100 MB)"</label>
                    <input id="archive" name="archive" type="file" accept=".zip,application/zip"/>
                </div>
                <SubmitButton label="Import"/>
            </form>

            <h2>"Change Password"</h2>
            <ServerForm action=password.url()>
                <FormError error=password.form_error()/>
                <TextField label="Current Password" name="current_password" kind="password" autocomplete="current-password" error=password.field_error("current_password")/>
                <TextField label="New Password" name="new_password" kind="password" autocomplete="new-password" error=password.field_error("new_password")/>
                <TextField label="Confirm New Password" name="confirm_password" kind="password" autocomplete="new-password" error=password.field_error("confirm_password")/>
                <SubmitButton label="Change Password"/>
            </ServerForm>
        </section>
    }
}

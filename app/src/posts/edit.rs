//! Writing: the new-post, update-post and delete-confirmation pages.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_params_map};

use crate::{
    account::api::get_account,
    auth::{context::Auth, pages::SubmitButton},
    codec::resource,
    components::{
        error_page::ErrorPage,
        form::{FormError, field_message, form_message},
        page_title::PageTitle,
    },
    error::AppError,
    posts::{
        api::{CreatePost, DeletePost, UpdatePost, get_editable_post},
        editor::PostFields,
        model::Post,
    },
};

/// The `:id` of the current route, if it is a number.
fn post_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get_str("id").and_then(|id| id.parse().ok()))
}

/// Where a visitor goes to log in before coming back to `path`.
fn login_redirect(path: String) -> impl IntoView {
    view! { <Redirect path=format!("/login?next={path}")/> }
}

/// `/post/new`: write a post (logged-in users only).
#[component]
pub fn NewPostPage() -> impl IntoView {
    let action = ServerAction::<CreatePost>::new();
    Auth::expect().track(action.version());
    let value = action.value();
    let user = resource(|| (), |_| get_account());
    view! {
        <PageTitle text="New Post"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(_) => view! {
                        <section class="form-card wide">
                            <h1>"New Post"</h1>
                            <ActionForm action=action>
                                <FormError error=form_message(value)/>
                                <PostFields title="" content="" title_error=field_message(value, "title") content_error=field_message(value, "content")/>
                                <SubmitButton label="Post" pending=action.pending()/>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::Unauthorized) => login_redirect("/post/new".into()).into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Loads the current route's post for its author, then shows `content`; everyone else gets
/// the log-in form, a 403 or a 404.
fn editable<V: IntoView + 'static>(
    after_login: &'static str,
    content: impl Fn(Post) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = post_id();
    let post = resource(id, |id| async move {
        match id {
            Some(id) => get_editable_post(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) => content(post).into_any(),
                    Err(AppError::Unauthorized) => {
                        let path = id().map(|id| format!("/post/{id}/{after_login}")).unwrap_or_default();
                        login_redirect(path).into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/post/:id/update`: the author edits a post.
#[component]
pub fn UpdatePostPage() -> impl IntoView {
    let action = ServerAction::<UpdatePost>::new();
    Auth::expect().track(action.version());
    let value = action.value();
    view! {
        <PageTitle text="Update Post"/>
        {editable("update", move |post: Post| view! {
            <section class="form-card wide">
                <h1>"Update Post"</h1>
                <ActionForm action=action>
                    <FormError error=form_message(value)/>
                    <input type="hidden" name="id" value=post.id/>
                    <PostFields title=post.title.clone() content=post.content.clone() title_error=field_message(value, "title") content_error=field_message(value, "content")/>
                    <SubmitButton label="Update" pending=action.pending()/>
                </ActionForm>
            </section>
        })}
    }
}

/// `/post/:id/delete`: asks the author to confirm (the page shown without JavaScript).
#[component]
pub fn DeletePostPage() -> impl IntoView {
    let action = ServerAction::<DeletePost>::new();
    Auth::expect().track(action.version());
    view! {
        <PageTitle text="Delete Post"/>
        {editable("delete", move |post: Post| view! {
            <section class="form-card">
                <h1>"Delete Post?"</h1>
                <DeleteConfirmation post=post.clone() action/>
                <p><a href=post.url()>"Cancel"</a></p>
            </section>
        })}
    }
}

/// The question and the two answers, on the confirmation page and in the dialog.
#[component]
pub fn DeleteConfirmation(post: Post, action: ServerAction<DeletePost>) -> impl IntoView {
    let value = action.value();
    view! {
        <p>"Delete \u{201c}" {post.title.clone()} "\u{201d}? This cannot be undone."</p>
        <ActionForm action=action>
            <FormError error=form_message(value)/>
            <input type="hidden" name="id" value=post.id/>
            <button type="submit" class="button danger" disabled=move || action.pending().get()>"Delete"</button>
        </ActionForm>
    }
}

/// Update and Delete, shown to the post's author only. With JavaScript, Delete asks in a
/// dialog; without it, the link leads to the confirmation page.
#[component]
pub fn AuthorControls(post: Post) -> impl IntoView {
    let auth = Auth::expect();
    let action = ServerAction::<DeletePost>::new();
    auth.track(action.version());
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let open_dialog = move |event: leptos::ev::MouseEvent| {
        if let Some(dialog) = dialog.get() {
            event.prevent_default();
            let _ = dialog.show_modal();
        }
    };
    let close_dialog = move |_| {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    view! {
        <Transition>
            {move || {
                let post = post.clone();
                Suspend::new(async move {
                    let is_author = matches!(auth.user.await, Ok(Some(user)) if user.id == post.author.id);
                    is_author.then(|| view! {
                        <div class="author-controls">
                            <a class="button secondary" href=format!("{}/update", post.url())>"Update"</a>
                            <a class="button danger" href=format!("{}/delete", post.url()) on:click=open_dialog>"Delete"</a>
                        </div>
                        <dialog node_ref=dialog class="confirm-dialog" aria-labelledby="delete-title">
                            <h2 id="delete-title">"Delete Post?"</h2>
                            <DeleteConfirmation post=post.clone() action/>
                            <button type="button" class="link-button" on:click=close_dialog>"Cancel"</button>
                        </dialog>
                    })
                })
            }}
        </Transition>
    }
}

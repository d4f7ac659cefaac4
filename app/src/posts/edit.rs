//! Writing: the new-post, update-post and delete-confirmation pages, and the Delete button
//! with its dialog.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_params_map};

use crate::{
    account::api::get_account,
    auth::context::Auth,
    components::{
        error_page::ErrorPage,
        form::{FormError, SubmitButton},
        page_title::PageTitle,
        server_form::{FormAction, ServerForm, form_action},
    },
    posts::{
        api::{CreatePost, DeletePost, UpdatePost, get_editable_post},
        editor::{Draft, FieldMessages, Fields, PostFields, draft_preview},
        model::{OwnPost, Post, PostStatus},
    },
    shared::codec::resource,
    shared::error::AppError,
};

/// How a post form is sent without JavaScript: with its "Picture" file.
const MULTIPART: &str = "multipart/form-data";

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
    let user = resource(|| (), |_| get_account());
    view! {
        <PageTitle text="New Post"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(_) => {
                        let draft = Draft::from_request(Fields::default());
                        view! {
                            <section class="form-card wide">
                                <h1>"New Post"</h1>
                                {draft_preview(&draft)}
                                <NewPostForm draft/>
                            </section>
                        }
                        .into_any()
                    }
                    Err(AppError::Unauthorized) => login_redirect("/post/new".into()).into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The new-post form, starting from `draft`: "Post" publishes (or schedules), "Save draft"
/// keeps it for later.
#[component]
fn NewPostForm(draft: Draft) -> impl IntoView {
    let action = form_action::<CreatePost>();
    view! {
        <ServerForm action=action.url() enctype=MULTIPART>
            <FormError error=action.form_error()/>
            <PostFields draft action_label="Post" errors=field_messages(&action) schedule=true/>
            <div class="form-actions">
                <SubmitButton label="Post"/>
                <SaveDraftButton/>
            </div>
        </ServerForm>
    }
}

/// The errors a refused post of a post form left, by field.
fn field_messages(action: &FormAction) -> FieldMessages {
    FieldMessages {
        title: action.field_error("title"),
        tags: action.field_error("tags"),
        publish_at: action.field_error("publish_at"),
        content: action.field_error("content"),
        picture: action.field_error("picture"),
    }
}

/// "Save draft": the form's fields, kept unpublished.
#[component]
fn SaveDraftButton() -> impl IntoView {
    view! {
        <button type="submit" class="button secondary" name="intent" value="draft">"Save draft"</button>
    }
}

/// Loads the current route's post for its author, then shows `content`; everyone else gets
/// the log-in form, a 403 or a 404.
fn editable<V: IntoView + 'static>(
    after_login: &'static str,
    content: impl Fn(OwnPost) -> V + Copy + Send + Sync + 'static,
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

/// `/post/:id/update`: the author edits a post, or a draft.
#[component]
pub fn UpdatePostPage() -> impl IntoView {
    view! {
        <PageTitle text="Update Post"/>
        {editable("update", move |own: OwnPost| {
            let draft = Draft::from_request(Fields::of(&own));
            let heading = match own.status {
                PostStatus::Published => "Update Post",
                PostStatus::Draft | PostStatus::Scheduled => "Edit Draft",
            };
            view! {
                <section class="form-card wide">
                    <h1>{heading}</h1>
                    {draft_preview(&draft)}
                    <UpdatePostForm id=own.post.id status=own.status draft/>
                </section>
            }
        })}
    }
}

/// The form that updates post `id`, starting from `draft`: "Update" for a published post;
/// "Publish" (or schedule) and "Save draft" for a draft or scheduled post.
#[component]
fn UpdatePostForm(id: i64, status: PostStatus, draft: Draft) -> impl IntoView {
    let action = form_action::<UpdatePost>();
    let published = status == PostStatus::Published;
    let main = if published { "Update" } else { "Publish" };
    view! {
        <ServerForm action=action.url() enctype=MULTIPART>
            <FormError error=action.form_error()/>
            <input type="hidden" name="id" value=id/>
            <PostFields draft action_label=main errors=field_messages(&action) schedule=!published/>
            <div class="form-actions">
                <SubmitButton label=main/>
                {(!published).then(|| view! { <SaveDraftButton/> })}
            </div>
        </ServerForm>
    }
}

/// `/post/:id/delete`: asks the author to confirm (the page shown without JavaScript).
#[component]
pub fn DeletePostPage() -> impl IntoView {
    view! {
        <PageTitle text="Delete Post"/>
        {editable("delete", move |OwnPost { post, .. }| view! {
            <section class="form-card">
                <h1>"Delete Post?"</h1>
                <DeleteForm id=post.id title=post.title.clone()/>
                <p><a href=post.url()>"Cancel"</a></p>
            </section>
        })}
    }
}

/// The confirmation page's question and answer.
#[component]
fn DeleteForm(id: i64, title: String) -> impl IntoView {
    view! { <DeleteConfirmation id title/> }
}

/// The question and the Delete answer, on the confirmation page and in the dialog.
#[component]
fn DeleteConfirmation(id: i64, title: String) -> impl IntoView {
    let action = form_action::<DeletePost>();
    view! {
        <p>"Delete \u{201c}" {title} "\u{201d}? This cannot be undone."</p>
        <ServerForm action=action.url()>
            <FormError error=action.form_error()/>
            <input type="hidden" name="id" value=id/>
            <SubmitButton label="Delete" class="button danger"/>
        </ServerForm>
    }
}

/// Update and Delete, shown to the post's author only.
#[component]
pub fn AuthorControls(post: Post) -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Transition>
            {move || {
                let post = post.clone();
                Suspend::new(async move {
                    let is_author = matches!(auth.user.await, Ok(Some(user)) if user.id == post.author.id);
                    is_author.then(|| view! { <AuthorButtons id=post.id title=post.title.clone()/> })
                })
            }}
        </Transition>
    }
}

/// The author's Update and Delete buttons for post `id`. With JavaScript, Delete asks in a
/// dialog; without it, the link leads to the confirmation page.
#[component]
fn AuthorButtons(id: i64, title: String) -> impl IntoView {
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
        <div class="author-controls">
            <a class="button secondary" href=format!("/post/{id}/update")>"Update"</a>
            <a class="button danger" href=format!("/post/{id}/delete") on:click=open_dialog>"Delete"</a>
        </div>
        <dialog node_ref=dialog class="confirm-dialog" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete Post?"</h2>
            <DeleteConfirmation id title/>
            <button type="button" class="link-button" on:click=close_dialog>"Cancel"</button>
        </dialog>
    }
}

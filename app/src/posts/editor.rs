//! The title and content fields of the post forms, with a Preview of the rendered Markdown:
//! with JavaScript a tab that asks the server to render the draft; without it a button that
//! reloads the page with the draft, rendered above the form.

use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    codec::resource,
    components::form::{TextAreaField, TextField},
    error::AppError,
    posts::api::{PreviewPost, preview_post},
    server_call::{self, Reply},
};

/// What the preview shows: nothing yet, the rendered draft, or why it could not be rendered.
type Preview = Option<Result<String, AppError>>;

/// What a post form starts with: the post's title and content, or the draft a script-free
/// Preview sent, and the page the form is on (where that Preview reloads).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// The title field's text.
    pub title: String,
    /// The content field's text.
    pub content: String,
    /// The path of the form's page.
    pub here: String,
    /// The draft came from a script-free Preview (so the page shows it rendered).
    pub previewed: bool,
}

impl Draft {
    /// The draft for the current page (server side): the one in the URL after a script-free
    /// Preview, otherwise `title` and `content`.
    pub fn from_request(title: String, content: String) -> Self {
        let here = use_location().pathname.get_untracked();
        use_query_map().with_untracked(|q| match q.get_str("preview") {
            Some(_) => Self {
                title: q.get("title").unwrap_or_default(),
                content: q.get("content").unwrap_or_default(),
                here,
                previewed: true,
            },
            None => Self {
                title,
                content,
                here,
                previewed: false,
            },
        })
    }
}

/// The draft a script-free Preview sent, rendered above its form; nothing for other drafts.
pub fn draft_preview(draft: &Draft) -> impl IntoView + use<> {
    let content = draft.previewed.then(|| draft.content.clone());
    content.map(|content| {
        let shown = resource(move || content.clone(), preview_post);
        view! {
            <Transition>
                {move || Suspend::new(async move {
                    view! { <PreviewPanel preview=Some(shown.await)/> }
                })}
            </Transition>
        }
    })
}

/// The title and content fields, prefilled from `draft`, and the Write/Preview switch.
#[component]
pub fn PostFields(
    draft: Draft,
    #[prop(into)] title_error: Signal<Option<String>>,
    #[prop(into)] content_error: Signal<Option<String>>,
) -> impl IntoView {
    let Draft {
        title,
        content,
        here,
        ..
    } = draft;
    let live: RwSignal<Preview> = RwSignal::new(None);
    let previewing = RwSignal::new(false);
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let textarea = NodeRef::<html::Textarea>::new();
    let show_preview = move |event: leptos::ev::MouseEvent| {
        let Some(area) = textarea.get() else {
            return;
        };
        event.prevent_default();
        let draft = area.value();
        previewing.set(true);
        live.set(None);
        leptos::task::spawn_local(async move {
            live.set(Some(render_in_browser(&draft).await));
        });
    };
    view! {
        <TextField label="Title" name="title" value=title error=title_error/>
        <div class="editor-tabs" role="group" aria-label="Write or preview">
            {move || scripted.get().then(|| view! {
                <button type="button" class="tab" aria-pressed=move || (!previewing.get()).to_string()
                    on:click=move |_| previewing.set(false)>"Write"</button>
            })}
            <button type="submit" class="tab" formmethod="get" formaction=here name="preview" value="1"
                aria-pressed=move || previewing.get().to_string() on:click=show_preview>"Preview"</button>
        </div>
        <div hidden=move || previewing.get()>
            <TextAreaField label="Content" name="content" value=content error=content_error node_ref=textarea/>
        </div>
        {move || previewing.get().then(|| view! { <PreviewPanel preview=live.get()/> })}
    }
}

/// Asks the server, from the browser, to render `content` as a post's Markdown.
async fn render_in_browser(content: &str) -> Result<String, AppError> {
    let fields = web_sys::UrlSearchParams::new().map_err(|_| AppError::Internal)?;
    fields.append("content", content);
    match server_call::post(PreviewPost::PATH, &fields).await? {
        Reply::Body(json) => serde_json::from_str(&json).map_err(|_| AppError::Internal),
        // Only a page that is being left is redirected; nothing is left to show.
        Reply::Redirected => Ok(String::new()),
    }
}

/// The rendered draft, a note while it is on its way, or the reason it could not be shown.
#[component]
fn PreviewPanel(preview: Preview) -> impl IntoView {
    let body = match preview {
        None => view! { <p class="loading">"Rendering preview…"</p> }.into_any(),
        Some(Ok(html)) => view! { <div class="post-content" inner_html=html></div> }.into_any(),
        Some(Err(AppError::Invalid(errors))) => {
            let message = errors.get("content").unwrap_or_default().to_owned();
            view! { <p class="field-error" role="alert">{message}</p> }.into_any()
        }
        Some(Err(error)) => {
            view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any()
        }
    };
    view! {
        <section class="preview" aria-label="Preview">
            <h2 class="preview-heading">"Preview"</h2>
            {body}
        </section>
    }
}

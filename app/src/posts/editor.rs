//! The fields of the post forms (title, tags, content, its pictures and, for what is not yet
//! published, "Publish at"), with a Preview of the rendered Markdown: with JavaScript a tab that asks the
//! server to render the draft; without it a button that reloads the page with the draft,
//! rendered above the form.

use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    components::{
        form::{TextAreaField, TextField},
        form_state::aria_flag,
    },
    pictures::adder::{Adder, PictureAdder},
    posts::api::{PreviewPost, preview_post},
    posts::local_time,
    shared::codec::{read_json, resource},
    shared::error::AppError,
    shared::server_call::{self, Reply},
    shared::submitted::submitted,
};

/// What the preview shows: nothing yet, the rendered draft, or why it could not be rendered.
type Preview = Option<Result<String, AppError>>;

/// What a post form starts with: the post's fields, or the draft a script-free Preview sent,
/// and the page the form is on (where that Preview reloads).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// The title field's text.
    pub title: String,
    /// The content field's text.
    pub content: String,
    /// The tags field's text.
    pub tags: String,
    /// The "Publish at" field's text: a date and time in UTC, as `datetime-local` writes it.
    pub publish_at: String,
    /// The path of the form's page.
    pub here: String,
    /// The draft came from a script-free Preview (so the page shows it rendered).
    pub previewed: bool,
}

impl Draft {
    /// The draft for the current page (server side): the one in the URL after a script-free
    /// Preview, the one a refused script-free post sent, otherwise `start`'s fields.
    pub fn from_request(start: Fields) -> Self {
        let here = use_location().pathname.get_untracked();
        if let (Some(title), Some(content)) = (submitted("title"), submitted("content")) {
            return Self {
                title,
                content,
                tags: submitted("tags").unwrap_or_default(),
                publish_at: submitted("publish_at").unwrap_or_default(),
                here,
                previewed: false,
            };
        }
        use_query_map().with_untracked(|q| match q.get_str("preview") {
            Some(_) => Self {
                title: q.get("title").unwrap_or_default(),
                content: q.get("content").unwrap_or_default(),
                tags: q.get("tags").unwrap_or_default(),
                publish_at: q.get("publish_at").unwrap_or_default(),
                here,
                previewed: true,
            },
            None => Self {
                title: start.title,
                content: start.content,
                tags: start.tags,
                publish_at: start.publish_at,
                here,
                previewed: false,
            },
        })
    }
}

/// A post form's fields as a post (or a blank form) fills them.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Tags, separated by commas.
    pub tags: String,
    /// "Publish at", in UTC, as `datetime-local` writes it; empty for none.
    pub publish_at: String,
}

impl Fields {
    /// The fields of the author's `own` post, to edit it.
    pub fn of(own: &crate::posts::model::OwnPost) -> Self {
        Self {
            title: own.post.title.clone(),
            content: own.post.content.clone(),
            tags: own.tags.clone(),
            publish_at: own
                .publish_at
                .map(|at| crate::shared::dates::local_field(&at))
                .unwrap_or_default(),
        }
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
///
/// Enter in the title, like any submission that names no button, uses the form's first submit
/// button; Preview comes before the form's own button, so a hidden copy of that button
/// (`action_label`) comes first, and the form's main action stays its default.
///
/// The switch changes the page through its elements directly instead of through reactive views:
/// the views it needed (a tab that appears, panes that swap, a panel with three states) made every
/// post form's bundle larger (see BENCHMARKS.md).
#[component]
pub fn PostFields(
    draft: Draft,
    action_label: &'static str,
    /// The form's errors, by field.
    errors: FieldMessages,
    /// Show "Publish at" (for what is not yet published).
    #[prop(optional)]
    schedule: bool,
) -> impl IntoView {
    let Draft {
        title,
        content,
        tags,
        publish_at,
        here,
        ..
    } = draft;
    let switch = PreviewSwitch::default();
    let textarea = NodeRef::<html::Textarea>::new();
    let adder = Adder::new(textarea);
    Effect::new(move |_| switch.reveal());
    let show_preview = move |event: leptos::ev::MouseEvent| {
        let Some(area) = textarea.get() else {
            return;
        };
        event.prevent_default();
        let draft = area.value();
        switch.show_preview(true);
        switch.fill(None);
        leptos::task::spawn_local(async move {
            switch.fill(Some(render_in_browser(&draft).await));
        });
    };
    view! {
        <button type="submit" class="default-action" tabindex="-1" aria-hidden="true">{action_label}</button>
        <TextField label="Title" name="title" value=title error=errors.title/>
        <TextField label="Tags" name="tags" value=tags error=errors.tags/>
        <p class="field-hint">"Up to 5, separated by commas."</p>
        {schedule.then(|| view! { <ScheduleField value=publish_at error=errors.publish_at/> })}
        <div class="editor-tabs" role="group" aria-label="Write or preview">
            <button type="button" class="tab" hidden aria-pressed="true" node_ref=switch.write_tab
                on:click=move |_| switch.show_preview(false)>"Write"</button>
            <button type="submit" class="tab" formmethod="get" formaction=here name="preview" value="1"
                aria-pressed="false" node_ref=switch.preview_tab on:click=show_preview>"Preview"</button>
        </div>
        <div node_ref=switch.write_pane>
            <TextAreaField label="Content" name="content" value=content error=errors.content node_ref=textarea/>
            <PictureAdder adder error=errors.picture/>
        </div>
        <section class="preview" aria-label="Preview" hidden node_ref=switch.preview_pane>
            <h2 class="preview-heading">"Preview"</h2>
            <div node_ref=switch.preview_body></div>
        </section>
    }
}

/// The error under each field of a post form, if any.
#[derive(Clone, Debug, Default)]
pub struct FieldMessages {
    /// Under the title.
    pub title: Option<String>,
    /// Under the tags.
    pub tags: Option<String>,
    /// Under "Publish at".
    pub publish_at: Option<String>,
    /// Under the content.
    pub content: Option<String>,
    /// Under the "Picture" field.
    pub picture: Option<String>,
}

/// "Publish at": a date and time, sent in UTC without JavaScript (the form says so); in the
/// browser shown and entered in the browser's own time zone, whose offset at that date goes with
/// it (`publish_offset`).
#[component]
fn ScheduleField(value: String, error: Option<String>) -> impl IntoView {
    let offset = NodeRef::<html::Input>::new();
    let zone = NodeRef::<html::P>::new();
    Effect::new(move |_| local_time::show_in_browser_zone(offset, zone));
    view! {
        <TextField label="Publish at" name="publish_at" kind="datetime-local" step="1" value error/>
        <input type="hidden" name="publish_offset" value="0" node_ref=offset/>
        <p class="field-hint" node_ref=zone>"Optional. Times are in UTC."</p>
    }
}

/// The elements the Write/Preview switch changes. Without JavaScript the Write tab stays hidden
/// and Preview reloads the page with the draft rendered above the form.
#[derive(Clone, Copy, Default)]
struct PreviewSwitch {
    write_tab: NodeRef<html::Button>,
    preview_tab: NodeRef<html::Button>,
    write_pane: NodeRef<html::Div>,
    preview_pane: NodeRef<html::Section>,
    preview_body: NodeRef<html::Div>,
}

impl PreviewSwitch {
    /// Shows the Write tab, which only a page with its script can use.
    fn reveal(self) {
        if let Some(tab) = self.write_tab.get() {
            tab.set_hidden(false);
        }
    }

    /// Shows the preview (`true`) or the draft, and marks the tab that is shown as pressed.
    fn show_preview(self, preview: bool) {
        let (Some(write_tab), Some(preview_tab), Some(write_pane), Some(preview_pane)) = (
            self.write_tab.get(),
            self.preview_tab.get(),
            self.write_pane.get(),
            self.preview_pane.get(),
        ) else {
            return;
        };
        let _ = write_tab.set_attribute("aria-pressed", aria_flag(!preview));
        let _ = preview_tab.set_attribute("aria-pressed", aria_flag(preview));
        write_pane.set_hidden(preview);
        preview_pane.set_hidden(!preview);
    }

    /// Puts the rendered draft in the preview, or why it could not be rendered, or (`None`) a
    /// note that it is on its way.
    fn fill(self, preview: Preview) {
        let (tag, class) = match &preview {
            Some(Ok(_)) => ("div", "post-content"),
            Some(Err(_)) => ("p", "field-error"),
            None => ("p", "loading"),
        };
        let (Some(body), Ok(element)) = (self.preview_body.get(), document().create_element(tag))
        else {
            return;
        };
        element.set_class_name(class);
        match preview {
            Some(Ok(html)) => element.set_inner_html(&html),
            Some(Err(error)) => {
                let _ = element.set_attribute("role", "alert");
                element.set_text_content(Some(&preview_error(error)));
            }
            None => element.set_text_content(Some(RENDERING)),
        }
        body.replace_children_with_node_1(&element);
    }
}

/// What the preview says while the draft is on its way.
const RENDERING: &str = "Rendering preview…";

/// Why a draft could not be rendered, as the preview says it.
fn preview_error(error: AppError) -> String {
    match error {
        AppError::Invalid(errors) => errors.get("content").unwrap_or_default().to_owned(),
        error => error.to_string(),
    }
}

/// Asks the server, from the browser, to render `content` as a post's Markdown.
async fn render_in_browser(content: &str) -> Result<String, AppError> {
    let fields = web_sys::UrlSearchParams::new().map_err(|_| AppError::Internal)?;
    fields.append("content", content);
    match server_call::post(PreviewPost::PATH, &fields).await? {
        Reply::Body(json) => read_json(&json).map_err(|_| AppError::Internal),
        // Only a visitor who is no longer logged in is sent elsewhere; nothing is left to show.
        Reply::Redirect(_) => Ok(String::new()),
    }
}

/// The rendered draft, a note while it is on its way, or the reason it could not be shown.
#[component]
fn PreviewPanel(preview: Preview) -> impl IntoView {
    let body = match preview {
        None => view! { <p class="loading">{RENDERING}</p> }.into_any(),
        Some(Ok(html)) => view! { <div class="post-content" inner_html=html></div> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="field-error" role="alert">{preview_error(error)}</p> }.into_any()
        }
    };
    view! {
        <section class="preview" aria-label="Preview">
            <h2 class="preview-heading">"Preview"</h2>
            {body}
        </section>
    }
}

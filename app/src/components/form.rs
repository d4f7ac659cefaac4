//! Form pieces shared by every form: labelled fields with their errors, and the form-level error.

use leptos::prelude::*;

/// A labelled input with its error message below it.
#[component]
pub fn TextField(
    /// Visible label.
    label: &'static str,
    /// Field name, also the input's id unless `id` is given.
    name: &'static str,
    /// The input's id, when two forms on one page share a field name.
    #[prop(optional)]
    id: Option<&'static str>,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Browser autofill hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Initial value.
    #[prop(optional, into)]
    value: String,
    /// The field's error, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    view! {
        <FieldFrame label id error>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id(id)
            />
        </FieldFrame>
    }
}

/// The id of a field's error message, which its control points to.
fn error_id(name: &str) -> String {
    format!("{name}-error")
}

/// A field's label above its control and its error message below.
#[component]
fn FieldFrame(
    label: &'static str,
    id: &'static str,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {children()}
            <FieldError id=error_id(id) error/>
        </div>
    }
}

/// The message under a field, when there is one.
#[component]
pub fn FieldError(
    #[prop(into)] id: String,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! { <p class="field-error" id=id>{move || error.get()}</p> }
}

/// An error about the whole form (for example a failed log-in), announced when it appears.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|message| view! { <div class="flash flash-danger" role="alert">{message}</div> })
    }
}

/// A labelled multi-line text box with its error message below it.
#[component]
pub fn TextAreaField(
    /// Visible label.
    label: &'static str,
    /// Field name, also the element's id.
    name: &'static str,
    /// Initial text.
    #[prop(optional, into)]
    value: String,
    /// Visible rows.
    #[prop(default = 10)]
    rows: u32,
    /// The field's error, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Lets the page read what was typed.
    #[prop(optional)]
    node_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let id = name;
    view! {
        <FieldFrame label id error>
            <textarea
                node_ref=node_ref
                id=name
                name=name
                rows=rows
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id(name)
            >
                {value}
            </textarea>
        </FieldFrame>
    }
}

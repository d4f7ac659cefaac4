//! Form pieces shared by every form: labelled fields with their errors, the form-level error and
//! the submit button. They render the state a form starts in (the error of a script-free post, if
//! any); in the browser, [`form_state`](super::form_state) changes it.

use leptos::prelude::*;

use super::form_state::aria_flag;

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
    /// The granularity of a date or number (`1`: to the second).
    #[prop(optional)]
    step: Option<&'static str>,
    /// The field's error, if any.
    error: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let invalid = error.is_some();
    view! {
        <FieldFrame label id error>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                step=step
                class=invalid.then_some("invalid")
                aria-invalid=aria_flag(invalid)
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
    error: Option<String>,
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
pub fn FieldError(#[prop(into)] id: String, error: Option<String>) -> impl IntoView {
    view! { <p class="field-error" id=id>{error}</p> }
}

/// An error about the whole form (for example a failed log-in), announced when it appears: the
/// alert is always there, empty (and not shown) until there is something to say.
#[component]
pub fn FormError(error: Option<String>) -> impl IntoView {
    view! { <div class="flash flash-danger form-error" role="alert">{error}</div> }
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
    error: Option<String>,
    /// Lets the page read what was typed.
    #[prop(optional)]
    node_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let id = name;
    let invalid = error.is_some();
    view! {
        <FieldFrame label id error>
            <textarea
                node_ref=node_ref
                id=name
                name=name
                rows=rows
                class=invalid.then_some("invalid")
                aria-invalid=aria_flag(invalid)
                aria-describedby=error_id(name)
            >
                {value}
            </textarea>
        </FieldFrame>
    }
}

/// A form's submit button, and the note beside it that says the form is on its way; in the
/// browser, the button is disabled meanwhile.
#[component]
pub fn SubmitButton(
    label: &'static str,
    /// The button's classes.
    #[prop(default = "button")]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class data-submit="" aria-busy="false">
            {label}
        </button>
        <span class="pending-note" aria-live="polite"></span>
    }
}

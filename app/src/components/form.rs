//! Form pieces shared by every form: labelled fields with their errors, and the form-level error.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::error::AppError;

/// The action behind a form for server function `S`, made inside the form's island. It starts
/// with the error of a script-free post of this form, as the server rendered it: on the server
/// the router provides that error; in the browser it comes from the page's URL, because an
/// island cannot see the router's context.
pub fn form_action<S>() -> ServerAction<S>
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    provide_url_form_error();
    ServerAction::new()
}

/// In the browser, provides the error of a script-free form post that came back in the page's
/// URL (`__err` and `__path`, as Leptos sends it), for the actions made after it.
fn provide_url_form_error() {
    #[cfg(feature = "hydrate")]
    if let Some((path, err)) = form_error_in(&window().location().search().unwrap_or_default()) {
        provide_context(leptos::server::ServerActionError::new(&path, &err));
    }
}

/// The server function path and encoded error (`__path`, `__err`) in a URL's query, decoded.
#[cfg(any(feature = "hydrate", test))]
fn form_error_in(search: &str) -> Option<(String, String)> {
    let (mut path, mut err) = (None, None);
    for (key, value) in form_urlencoded::parse(search.trim_start_matches('?').as_bytes()) {
        match key.as_ref() {
            "__path" => path = Some(value.into_owned()),
            "__err" => err = Some(value.into_owned()),
            _ => {}
        }
    }
    path.zip(err)
}

/// The error message for `field` from an action's latest failed run (`action.value()`).
pub fn field_message<T, S>(value: S, field: &'static str) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(AppError::Invalid(errors))) => errors.get(field).map(str::to_owned),
        _ => None,
    })
}

/// The message of an action's latest failure that belongs to no single field.
pub fn form_message<T, S>(value: S) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(AppError::Invalid(_))) | Some(Ok(_)) | None => None,
        Some(Err(error)) => Some(error.to_string()),
    })
}

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

#[cfg(test)]
mod tests {
    use super::form_error_in;

    #[test]
    fn the_error_of_a_script_free_post_is_read_from_the_query_decoded() {
        let found =
            form_error_in("?next=%2F&__path=%2Fapi%2Flogin&__err=Invalid%7B%22a%22%3A1%7D+x");
        assert_eq!(
            found,
            Some(("/api/login".to_owned(), "Invalid{\"a\":1} x".to_owned()))
        );
    }

    #[test]
    fn a_query_without_both_parts_holds_no_form_error() {
        assert_eq!(form_error_in("?__err=x"), None);
        assert_eq!(form_error_in(""), None);
    }
}

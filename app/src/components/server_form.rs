//! A form that posts to a server function: a plain `<form>` that works without JavaScript, and
//! that in the browser sends its fields with [`server_call::post`] and shows the answer in place.

use leptos::{ev::SubmitEvent, prelude::*, server_fn::ServerFn};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, UrlSearchParams};

use crate::{
    error::AppError,
    server_call::{self, Reply},
};

/// The state of one form: where it posts, whether it is on its way, and how its latest
/// submission ended. Every Quire form's server function answers `()` on success.
#[derive(Clone, Copy)]
pub struct FormAction {
    path: &'static str,
    value: RwSignal<Option<Result<(), AppError>>>,
    pending: RwSignal<bool>,
}

/// The action behind a form for server function `S`, made inside the form's island. It starts
/// with the error of a script-free post of this form, if the page shows one.
pub fn form_action<S: ServerFn>() -> FormAction {
    FormAction {
        path: S::PATH,
        value: RwSignal::new(script_free_error(S::PATH).map(Err)),
        pending: RwSignal::new(false),
    }
}

impl FormAction {
    /// True while a submission is on its way.
    pub fn pending(&self) -> ReadSignal<bool> {
        self.pending.read_only()
    }

    /// The message for `field` from the latest submission, if it was refused for that field.
    pub fn field_error(&self, field: &'static str) -> Signal<Option<String>> {
        let value = self.value;
        Signal::derive(move || match value.get() {
            Some(Err(AppError::Invalid(errors))) => errors.get(field).map(str::to_owned),
            _ => None,
        })
    }

    /// The message of the latest submission's failure that belongs to no single field.
    pub fn form_error(&self) -> Signal<Option<String>> {
        let value = self.value;
        Signal::derive(move || match value.get() {
            Some(Err(AppError::Invalid(_))) | Some(Ok(_)) | None => None,
            Some(Err(error)) => Some(error.to_string()),
        })
    }

    /// Sends the submitted form's fields instead of letting the browser post them. A form
    /// that cannot be read is left to the browser.
    fn submit(self, event: SubmitEvent) {
        if event.default_prevented() || self.pending.get_untracked() {
            event.prevent_default();
            return;
        }
        let Some(fields) = fields_of(&event) else {
            return;
        };
        event.prevent_default();
        self.pending.set(true);
        leptos::task::spawn_local(async move {
            match server_call::post(self.path, &fields).await {
                // The next page is loading: the form stays busy until it replaces this one.
                Ok(Reply::Redirected) => {}
                Ok(Reply::Body(_)) => self.finish(Ok(())),
                Err(error) => self.finish(Err(error)),
            }
        });
    }

    fn finish(self, outcome: Result<(), AppError>) {
        self.value.set(Some(outcome));
        self.pending.set(false);
    }
}

/// The fields of the form `event` submits, as the browser would send them.
fn fields_of(event: &SubmitEvent) -> Option<UrlSearchParams> {
    let form: HtmlFormElement = event.target()?.dyn_into().ok()?;
    let data = FormData::new_with_form(&form).ok()?;
    UrlSearchParams::new_with_str_sequence_sequence(&data).ok()
}

/// A form that posts to `action`'s server function.
#[component]
pub fn ServerForm(action: FormAction, children: Children) -> impl IntoView {
    view! {
        <form method="post" action=action.path on:submit=move |event| action.submit(event)>
            {children()}
        </form>
    }
}

/// The error a script-free post of the form for `path` came back with, if this page shows one.
/// On the server the router provides it; in the browser it is read from the page's URL
/// (`__path` and `__err`, as Leptos sends it), because an island cannot see the router's context.
fn script_free_error(path: &str) -> Option<AppError> {
    #[cfg(feature = "hydrate")]
    let found = form_error_in(&window().location().search().unwrap_or_default());
    #[cfg(not(feature = "hydrate"))]
    let found = use_context::<leptos::server::ServerActionError>()
        .map(|error| (error.path().to_owned(), error.err().to_owned()));
    let (error_path, encoded) = found?;
    (error_path == path)
        .then(|| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&encoded))
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

//! A form that posts to a server function: a plain `<form>` that works without JavaScript, and
//! that in the browser sends its fields with [`server_call::post`], shows a refusal in place
//! (through [`form_state`]) and follows a success to its next page inside the app.

use leptos::{ev::SubmitEvent, prelude::*, server_fn::ServerFn};
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate},
};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, UrlSearchParams};

use super::form_state;
use crate::{
    auth::context::Auth,
    shared::error::AppError,
    shared::server_call::{self, Reply},
};

/// Where a form posts, and the error its latest script-free post came back with, if the page
/// shows one. Every Quire form's server function answers `()` on success.
#[derive(Clone)]
pub struct FormAction {
    path: &'static str,
    error: Option<AppError>,
}

/// The action behind a form for server function `S`, made inside the form's page.
pub fn form_action<S: ServerFn>() -> FormAction {
    FormAction {
        path: S::PATH,
        error: script_free_error(S::PATH),
    }
}

impl FormAction {
    /// The server function's URL, where the form posts.
    pub fn url(&self) -> &'static str {
        self.path
    }

    /// The message the page starts with for `field`, if the post was refused for that field.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match &self.error {
            Some(AppError::Invalid(errors)) => errors.get(field).map(str::to_owned),
            _ => None,
        }
    }

    /// The message the page starts with that belongs to no single field.
    pub fn form_error(&self) -> Option<String> {
        match &self.error {
            Some(AppError::Invalid(_)) | None => None,
            Some(error) => Some(error.to_string()),
        }
    }
}

/// A form that posts to the server function at `action` (a [`FormAction::url`]). Once the
/// browser has hydrated it, it is marked `data-interactive="true"`: a page's content hydrates
/// after its data, a little later than the page around it, and a form used before that posts
/// the script-free way.
#[component]
pub fn ServerForm(
    action: &'static str,
    /// The form's classes.
    #[prop(optional)]
    class: Option<&'static str>,
    /// How a script-free post encodes the fields (`multipart/form-data` for a file).
    #[prop(optional)]
    enctype: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let next_page = NextPage::new();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(form) = form.get() {
            let _ = form.set_attribute("data-interactive", "true");
        }
    });
    view! {
        <form method="post" action=action class=class enctype=enctype data-server-form="" node_ref=form
            on:submit=move |event| submit(action, next_page.clone(), event)>
            {children()}
        </form>
    }
}

/// Where a form goes after it succeeded: the page its server function names, shown by the
/// router without a page load, with the log-in state and the flash looked up again.
#[derive(Clone)]
struct NextPage {
    auth: Option<Auth>,
    navigate: std::sync::Arc<dyn Fn(&str, NavigateOptions) + Send + Sync>,
    here: Memo<String>,
}

impl NextPage {
    fn new() -> Self {
        let location = use_location();
        let here = Memo::new(move |_| {
            let (path, search) = (location.pathname.get(), location.search.get());
            if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            }
        });
        Self {
            auth: use_context::<Auth>(),
            navigate: std::sync::Arc::new(use_navigate()),
            here,
        }
    }

    /// Shows `address` (absolute on this site, or a path) in place of the form's page.
    fn show(&self, address: &str) {
        let origin = window().location().origin().unwrap_or_default();
        let path = address.strip_prefix(origin.as_str()).unwrap_or(address);
        let same_page = path == self.here.get_untracked();
        if let Some(auth) = self.auth {
            auth.changed(same_page);
        }
        if !same_page {
            (self.navigate)(path, NavigateOptions::default());
        }
    }
}

/// Sends the submitted form's fields to `path` instead of letting the browser post them, and
/// shows the answer. A form that cannot be read is left to the browser.
fn submit(path: &'static str, next_page: NextPage, event: SubmitEvent) {
    let Some(form) = form_of(&event) else {
        return;
    };
    if event.default_prevented() || form_state::is_busy(&form) {
        event.prevent_default();
        return;
    }
    let Some(fields) = fields_of(&form) else {
        return;
    };
    // The button pressed is one of the fields, as when the browser posts the form itself.
    if let Some(button) = event.submitter()
        && let Some(name) = button.get_attribute("name").filter(|name| !name.is_empty())
    {
        fields.append(&name, &button.get_attribute("value").unwrap_or_default());
    }
    event.prevent_default();
    form_state::set_busy(&form, true);
    leptos::task::spawn_local(async move {
        match server_call::post(path, &fields).await {
            Ok(Reply::Redirect(address)) => {
                form_state::set_busy(&form, false);
                next_page.show(&address);
            }
            Ok(Reply::Body(_)) => {
                form_state::show_error(&form, None);
                form_state::set_busy(&form, false);
            }
            Err(error) => {
                form_state::show_error(&form, Some(&error));
                form_state::set_busy(&form, false);
            }
        }
    });
}

/// Marks the form `event` submits as on its way, for a form the browser posts itself (a file
/// upload).
pub fn mark_busy(event: &SubmitEvent) {
    if let Some(form) = form_of(event) {
        form_state::set_busy(&form, true);
    }
}

/// The form an event came from.
fn form_of(event: &SubmitEvent) -> Option<HtmlFormElement> {
    event.target()?.dyn_into().ok()
}

/// The fields of `form`, as the browser would send them.
fn fields_of(form: &HtmlFormElement) -> Option<UrlSearchParams> {
    let data = FormData::new_with_form(form).ok()?;
    UrlSearchParams::new_with_str_sequence_sequence(&data).ok()
}

/// The error a script-free post of the form for `path` came back with, if this page shows one.
/// On the server the router provides it; in the browser it is read from the page's URL
/// (`__path` and `__err`, as Leptos sends it), where the first page's script put it.
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
    use super::{AppError, FormAction, form_error_in};
    use crate::{shared::error::FieldErrors, shared::messages::TITLE_REQUIRED};

    fn refused(error: AppError) -> FormAction {
        FormAction {
            path: "/api/create_post",
            error: Some(error),
        }
    }

    #[test]
    fn a_field_refused_by_a_script_free_post_starts_with_its_message() {
        let action = refused(AppError::Invalid(FieldErrors::single(
            "title",
            TITLE_REQUIRED,
        )));
        assert_eq!(action.field_error("title").as_deref(), Some(TITLE_REQUIRED));
        assert_eq!(action.field_error("content"), None);
        assert_eq!(action.form_error(), None);
    }

    #[test]
    fn an_error_of_no_single_field_starts_above_the_fields() {
        let action = refused(AppError::LoginFailed);
        assert_eq!(action.form_error(), Some(AppError::LoginFailed.to_string()));
        assert_eq!(action.field_error("email"), None);
    }

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

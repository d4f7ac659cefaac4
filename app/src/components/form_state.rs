//! How a form shows, in the browser, that it is on its way and why it was refused: set on the
//! form's elements directly. The server renders the same elements in their first state (see
//! [`form`](super::form)); reactive views for these few changes made every form page's bundle
//! larger (see BENCHMARKS.md).

use std::cell::Cell;

use leptos::prelude::{document, window_event_listener};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement};

use crate::shared::error::AppError;

/// What the busy note under a submit button says.
const WORKING: &str = "Working…";

/// An ARIA state's value (`aria-invalid`, `aria-busy`, `aria-pressed`).
pub fn aria_flag(on: bool) -> &'static str {
    if on { "true" } else { "false" }
}

/// True while `form` is on its way.
pub fn is_busy(form: &HtmlFormElement) -> bool {
    form.get_attribute("aria-busy").as_deref() == Some("true")
}

/// Marks `form` as on its way (or back): its submit button (`data-submit`) disabled and the
/// note beside it. A form that led to another page stays busy until that page replaces this one.
pub fn set_busy(form: &HtmlFormElement, busy: bool) {
    if busy {
        free_busy_forms_on_return();
    }
    let flag = aria_flag(busy);
    let _ = form.set_attribute("aria-busy", flag);
    if let Ok(Some(button)) = form.query_selector("[data-submit]") {
        let _ = button.toggle_attribute_with_force("disabled", busy);
        let _ = button.set_attribute("aria-busy", flag);
    }
    if let Ok(Some(note)) = form.query_selector(".pending-note") {
        note.set_text_content(busy.then_some(WORKING));
    }
}

/// Once per page: when the visitor comes back to this page with Back and the browser restores it
/// as it was left (from its back-forward cache), the forms that led away are no longer busy.
fn free_busy_forms_on_return() {
    thread_local! {
        static WATCHING: Cell<bool> = const { Cell::new(false) };
    }
    if WATCHING.with(|watching| watching.replace(true)) {
        return;
    }
    // The listener lasts as long as the page, so its handle is never used to remove it.
    let _ = window_event_listener(leptos::ev::pageshow, |event| {
        if !event.persisted() {
            return;
        }
        let Ok(forms) = document().query_selector_all("form[aria-busy='true']") else {
            return;
        };
        for index in 0..forms.length() {
            if let Some(form) = forms.item(index).and_then(|node| node.dyn_into().ok()) {
                set_busy(&form, false);
            }
        }
    });
}

/// Shows why `form` was refused (or, with `None`, clears what an earlier refusal showed): each
/// field's message under it (the element its `aria-describedby` names), and any other error
/// above the fields (`.form-error`).
pub fn show_error(form: &HtmlFormElement, error: Option<&AppError>) {
    let fields = match error {
        Some(AppError::Invalid(fields)) => Some(fields),
        _ => None,
    };
    for control in described_controls(form) {
        let name = control.get_attribute("name").unwrap_or_default();
        let message = fields.and_then(|fields| fields.get(&name));
        let _ = control
            .class_list()
            .toggle_with_force("invalid", message.is_some());
        let _ = control.set_attribute("aria-invalid", aria_flag(message.is_some()));
        let describer = control
            .get_attribute("aria-describedby")
            .and_then(|id| document().get_element_by_id(&id));
        if let Some(describer) = describer {
            describer.set_text_content(message);
        }
    }
    if let Ok(Some(alert)) = form.query_selector(".form-error") {
        let message = error.filter(|error| !matches!(error, AppError::Invalid(_)));
        alert.set_text_content(message.map(ToString::to_string).as_deref());
    }
}

/// The form's fields that have an error message of their own.
fn described_controls(form: &HtmlFormElement) -> Vec<Element> {
    let Ok(list) = form.query_selector_all("[aria-describedby]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index)?.dyn_into::<Element>().ok())
        .collect()
}

//! "Publish at" in the browser's own time zone: the field, filled in UTC by the server, is shown
//! in local time, and each value typed sends the zone's offset at that date with it.

use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{HtmlInputElement, js_sys::Date};

/// The id of the "Publish at" input.
const FIELD: &str = "publish_at";

/// Turns the field's UTC value into local time, and keeps the hidden `offset` field and the
/// `zone` note in step with what is typed. Does nothing before the page is in a browser.
pub fn show_in_browser_zone(offset: NodeRef<html::Input>, zone: NodeRef<html::P>) {
    let (Some(offset), Some(zone)) = (offset.get(), zone.get()) else {
        return;
    };
    let Some(field) = document()
        .get_element_by_id(FIELD)
        .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let utc = field.value();
    if !utc.is_empty() {
        let moment = Date::new(&JsValue::from_str(&format!("{utc}Z")));
        if !moment.get_time().is_nan() {
            field.set_value(&local_value(&moment));
        }
    }
    let sync = {
        let field = field.clone();
        move || {
            let typed = field.value();
            let at = if typed.is_empty() {
                Date::new_0()
            } else {
                Date::new(&JsValue::from_str(&typed))
            };
            let minutes = -at.get_timezone_offset();
            if minutes.is_finite() {
                offset.set_value(&format!("{minutes}"));
                zone.set_text_content(Some(&format!(
                    "Optional. Times are in your time zone ({}).",
                    zone_name(minutes as i64)
                )));
            }
        }
    };
    sync();
    let on_input = Closure::<dyn Fn()>::new(sync);
    let _ = field.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
    // The listener lives as long as the field; the page drops both together.
    on_input.forget();
}

/// `moment` as a `datetime-local` value in the browser's zone, to the second.
fn local_value(moment: &Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        moment.get_full_year(),
        moment.get_month() + 1,
        moment.get_date(),
        moment.get_hours(),
        moment.get_minutes(),
        moment.get_seconds()
    )
}

/// An offset east of UTC in minutes, as `UTC+01:00`.
fn zone_name(minutes: i64) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.abs();
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_is_named_with_its_sign() {
        assert_eq!(zone_name(60), "UTC+01:00");
        assert_eq!(zone_name(-330), "UTC-05:30");
        assert_eq!(zone_name(0), "UTC+00:00");
    }
}

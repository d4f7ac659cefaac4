//! Calling a server function from the browser: its arguments go as form fields, the way a
//! script-free form sends them, through the browser's own `fetch`, and the answer comes back as
//! the function's JSON or as an [`AppError`]. Leptos' own client would compile a query-string
//! writer and a typed request for every server function into the bundle; this is one small
//! function for all of them.

use leptos::{prelude::window, server_fn::redirect::REDIRECT_HEADER};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response, UrlSearchParams};

use crate::shared::error::AppError;

/// The encoding of every server function that reads: arguments and answer as JSON in a `POST`,
/// which the browser reads with the JSON reader it has anyway; Leptos' default (form fields)
/// would compile a query-string writer into the bundle for the router's reads.
pub type JsonRead = leptos::server_fn::codec::Json;

/// What a server function answered when it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Its JSON-encoded result.
    Body(String),
    /// It sent the browser to this address (a path on this site), for the caller to show.
    Redirect(String),
}

/// Posts `fields` to the server function at `path`. Reports the redirect the function asks for
/// (a log-in that goes home, a post that was saved); a call that never reached the server is
/// [`AppError::Unreachable`].
pub async fn post(path: &str, fields: &UrlSearchParams) -> Result<Reply, AppError> {
    let response = send(path, fields)
        .await
        .map_err(|_| AppError::Unreachable)?;
    let status = response.status();
    let body = read_text(&response)
        .await
        .map_err(|_| AppError::Unreachable)?;
    if status >= 400 {
        return Err(error_from(status, &body));
    }
    let headers = response.headers();
    let location = headers.get("location").ok().flatten();
    match location {
        Some(location) if headers.has(REDIRECT_HEADER).unwrap_or(false) => {
            Ok(Reply::Redirect(location))
        }
        _ => Ok(Reply::Body(body)),
    }
}

/// Sends the request: form-encoded fields, asking for JSON (which tells the server that a
/// script, not a plain form, is waiting for the answer).
async fn send(path: &str, fields: &UrlSearchParams) -> Result<Response, JsValue> {
    let headers = Headers::new()?;
    headers.set("content-type", "application/x-www-form-urlencoded")?;
    headers.set("accept", "application/json")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&fields.to_string());
    let response = JsFuture::from(window().fetch_with_str_and_init(path, &init)).await?;
    response.dyn_into()
}

/// The whole body of `response` as text.
async fn read_text(response: &Response) -> Result<String, JsValue> {
    let text = JsFuture::from(response.text()?).await?;
    text.as_string().ok_or(JsValue::NULL)
}

/// The error a failed answer carries: the server function's own, or, for an answer that holds
/// none (a proxy's page, a refused cross-site request), the one its status stands for.
pub fn error_from(status: u16, body: &str) -> AppError {
    crate::shared::codec::read_json(body)
        .ok()
        .or_else(|| AppError::from_status(status))
        .unwrap_or(if status < 500 {
            AppError::BadRequest
        } else {
            AppError::Internal
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::error::FieldErrors;

    #[test]
    fn a_server_function_error_is_read_from_the_body() {
        let error = AppError::Invalid(FieldErrors::single(
            "title",
            crate::shared::messages::TITLE_REQUIRED,
        ));
        let body = serde_json::to_string(&error).unwrap_or_default();
        assert_eq!(error_from(422, &body), error);
    }

    #[test]
    fn a_body_without_an_error_gets_the_error_of_its_status() {
        assert_eq!(
            error_from(403, "Cross-site request refused"),
            AppError::Forbidden
        );
    }

    #[test]
    fn a_client_error_without_a_page_of_its_own_is_a_bad_request() {
        assert_eq!(
            error_from(413, "length limit exceeded"),
            AppError::BadRequest
        );
    }

    #[test]
    fn a_server_error_without_a_page_of_its_own_is_internal() {
        assert_eq!(
            error_from(502, "<html>Bad Gateway</html>"),
            AppError::Internal
        );
    }
}

//! The one place that decides what a server function's error answers over HTTP
//! ([`answer_server_fn_error`]); a function's body only returns its `AppError`.
//!
//! - A call from the app's own code (JSON) gets the error's real status and `Retry-After`: Leptos
//!   answers every error, raised in the body or before it (arguments that do not parse), with a 500
//!   whose body is the error.
//! - A refused script-free form post gets a page that says why, instead of Leptos' redirect: an
//!   error its form shows (a field error, a failed log-in) comes back as the form's page with the
//!   error and every non-secret field filled in as it was sent; any other error (403, 404, 401,
//!   400, 500) gets that error's page with its real status.

use app::{shared::error::AppError, shared::submitted::SubmittedFields};
use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE};
use tower::ServiceExt;

/// True for a form posted by a browser without scripts to a server function.
fn is_plain_form_post(request: &Request) -> bool {
    request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// Middleware inside the body's size and time limits: reads a plain form post's body (a form
/// body of a declared length, which those limits have already checked), and hands its
/// non-secret fields to [`refill_refused_form`] on the response.
pub async fn keep_submitted_fields(request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .is_some_and(|kind| kind.starts_with("application/x-www-form-urlencoded"));
    if !is_plain_form_post(&request)
        || !is_form
        || !request.headers().contains_key(header::CONTENT_LENGTH)
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return StatusCode::REQUEST_TIMEOUT.into_response();
    };
    let fields = SubmittedFields::from_form_body(&body);
    let mut response = next.run(Request::from_parts(parts, Body::from(body))).await;
    response.extensions_mut().insert(fields);
    response
}

/// Largest error body inspected; server-function errors are a few hundred bytes.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Middleware: the answer of a server function (`/api/…`) that failed, as described above; the
/// pages of refused forms are rendered by `pages`.
pub async fn answer_server_fn_error(
    State(pages): State<Router>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if !is_plain_form_post(&request) {
        return with_status_of_error(next.run(request).await).await;
    }
    let cookies = request.headers().get(header::COOKIE).cloned();
    let response = next.run(request).await;
    if !response.status().is_redirection() {
        return with_status_of_error(response).await;
    }
    refill_refused_form(pages, cookies, response).await
}

/// A failed call's answer with its error's status and `Retry-After`; any other answer as it is.
async fn with_status_of_error(response: Response) -> Response {
    if !response.status().is_client_error() && !response.status().is_server_error() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::from("Something went wrong (500)"));
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status_code();
        if let Some(seconds) = error.retry_after() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Replaces a refused script-free post's redirect with the page that shows its error, rendered
/// by `pages` for the visitor who sent `cookies`.
async fn refill_refused_form(
    pages: Router,
    cookies: Option<HeaderValue>,
    mut response: Response,
) -> Response {
    let Some((location, error)) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| Some((form_page_of(location)?, error_in_location(location)?)))
    else {
        return response;
    };
    let set_cookies: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    let refused = Refused {
        cookies,
        set_cookies,
        status: error.status_code(),
    };
    if error.is_shown_by_form() {
        let fields = response.extensions_mut().remove::<SubmittedFields>();
        let page = render(pages, &location, refused, fields).await;
        return with_address(page, &location).await;
    }
    render(
        pages,
        &format!("/error/{}", error.status_code().as_u16()),
        refused,
        None,
    )
    .await
}

/// The path and query of the page a redirect goes back to (Leptos sends the form's page as it
/// was, with the error added).
fn form_page_of(location: &str) -> Option<String> {
    let uri = location.parse::<axum::http::Uri>().ok()?;
    uri.path_and_query().map(|whole| whole.as_str().to_owned())
}

/// The error a server function put in a redirect's `__err` parameter.
fn error_in_location(location: &str) -> Option<AppError> {
    let (_, query) = location.split_once('?')?;
    let encoded = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("__err="))?;
    // The URL serializer may have escaped base64's `=` padding.
    let encoded = percent_encoding::percent_decode_str(encoded).collect::<Vec<u8>>();
    let bytes = URL_SAFE.decode(encoded).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The form's page with a first script that gives it the address the redirect would have: the
/// page then reads its error from the address as the browser's code expects, and reloading it
/// asks for the form again instead of posting it again.
async fn with_address(page: Response, address: &str) -> Response {
    let nonce = page
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|policy| policy.to_str().ok())
        .and_then(app::server_only::csp::nonce_of)
        .map(str::to_owned);
    let (Some(nonce), Ok(address)) = (nonce, serde_json::to_string(address)) else {
        return page;
    };
    let (mut parts, body) = page.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&body);
    // JSON leaves `<` as it is; escaped, no address can close the script early.
    let script = format!(
        "<script nonce=\"{nonce}\">history.replaceState(null,\"\",{})</script>",
        address.replace('<', "\\u003c")
    );
    let html = match html.find("<head>") {
        Some(at) => format!("{}{script}{}", &html[..at + 6], &html[at + 6..]),
        None => html.into_owned(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// Who a refused post came from and what its answer keeps.
struct Refused {
    /// The visitor's cookies, so the page is rendered for the same visitor.
    cookies: Option<HeaderValue>,
    /// The cookies the server function set (a flash, a rotated session).
    set_cookies: Vec<HeaderValue>,
    /// The error's status.
    status: StatusCode,
}

/// Renders the page at `path` for the visitor of `refused`, with the `fields` they sent.
async fn render(
    pages: Router,
    path: &str,
    refused: Refused,
    fields: Option<SubmittedFields>,
) -> Response {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::ACCEPT, "text/html");
    if let Some(cookies) = refused.cookies {
        request = request.header(header::COOKIE, cookies);
    }
    let Ok(mut request) = request.body(Body::empty()) else {
        return refused.status.into_response();
    };
    if let Some(fields) = fields {
        request.extensions_mut().insert(fields);
    }
    let mut page = match pages.oneshot(request).await {
        Ok(page) => page,
        Err(never) => match never {},
    };
    *page.status_mut() = refused.status;
    for cookie in refused.set_cookies {
        page.headers_mut().append(header::SET_COOKIE, cookie);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Leptos' answer to a server function that failed with `error`: a 500 carrying it.
    fn failed_with(error: &AppError) -> Response {
        let mut response = Response::new(Body::from(
            serde_json::to_vec(error).expect("an error serializes"),
        ));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response
    }

    #[tokio::test]
    async fn a_failed_call_gets_its_error_s_status() {
        let answer = with_status_of_error(failed_with(&AppError::NotFound)).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_busy_answer_says_when_to_come_back() {
        let busy = AppError::Busy {
            retry_after_secs: 5,
        };
        let answer = with_status_of_error(failed_with(&busy)).await;
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            answer
                .headers()
                .get(header::RETRY_AFTER)
                .map(HeaderValue::as_bytes),
            Some(&b"5"[..])
        );
    }

    #[tokio::test]
    async fn an_internal_error_stays_a_500() {
        let answer = with_status_of_error(failed_with(&AppError::Internal)).await;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[tokio::test]
    async fn a_success_is_left_alone() {
        let answer = with_status_of_error(Response::new(Body::from("{}"))).await;
        assert_eq!(answer.status(), StatusCode::OK);
    }

    #[test]
    fn the_error_is_read_from_the_redirect() {
        let encoded = URL_SAFE.encode(br#""Forbidden""#);
        let location = format!("http://x/post/1?__path=%2Fapi%2Fdelete_post&__err={encoded}");
        assert_eq!(error_in_location(&location), Some(AppError::Forbidden));
    }

    #[test]
    fn the_form_page_is_the_path_and_query_of_the_redirect() {
        assert_eq!(
            form_page_of("http://x/post/new?__err=abc").as_deref(),
            Some("/post/new?__err=abc")
        );
    }

    #[test]
    fn a_redirect_without_error_has_none() {
        assert_eq!(error_in_location("http://x/post/1?page=2"), None);
    }
}

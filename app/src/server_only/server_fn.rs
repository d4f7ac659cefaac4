//! How every `#[server]` function runs: [`run_server_fn`] wraps its body, holding the request's
//! reactive owners while it runs and setting the response's status from its error.
//!
//! Why the owners are held: Leptos runs a page's data loading as tasks of their own, which
//! outlive the request when its client goes. If the request's owners are then dropped while such
//! a task reads a context, `use_context` can end up holding the last reference to an ancestor
//! while it has the current owner locked, and the ancestor's clean-up waits for that lock
//! forever: the worker thread deadlocks (seen under load, a `get_post` stuck in
//! `RwLock::write_contended`). Holding every ancestor for as long as the work runs means none of
//! them can be freed mid-lookup.

use leptos::prelude::*;

use crate::shared::error::AppError;

/// Strong references to the current owner and every ancestor, released on drop, when no
/// context lookup is in progress.
#[derive(Debug)]
pub struct OwnerKeepAlive(Vec<Owner>);

impl OwnerKeepAlive {
    /// Holds the owner in scope now and its ancestors (none outside a reactive scope).
    pub fn current() -> Self {
        let mut owners = Vec::new();
        let mut next = Owner::current();
        while let Some(owner) = next {
            next = owner.parent();
            owners.push(owner);
        }
        Self(owners)
    }

    /// How many owners are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no owner is held (outside a reactive scope).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The body of every `#[server]` function: runs its `work`, then sets the HTTP status of the current response to match
/// its error, if any. The request's reactive owners are held until then ([`OwnerKeepAlive`]), so the
/// contexts `work` reads after its first `await` stay reachable even when the client has gone.
///
/// A plain HTML form post (no JavaScript) is left alone: Leptos answers it with a redirect back
/// to the form carrying the error, and that redirect must keep its 302.
pub async fn run_server_fn<T>(
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let _owners = OwnerKeepAlive::current();
    let result = work.await;
    let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>())
    else {
        return result;
    };
    if is_plain_form_post() {
        return result;
    }
    response.set_status(error.status_code());
    if let Some(seconds) = error.retry_after() {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    result
}

fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

#[cfg(test)]
mod tests {
    use leptos::{prelude::Owner, reactive::computed::ScopedFuture};
    use leptos_axum::ResponseOptions;
    use tokio::sync::oneshot;

    use super::*;

    #[test]
    fn the_owner_and_its_ancestors_are_held() {
        let root = Owner::new();
        let child = root.child();
        let hold = child.with(OwnerKeepAlive::current);
        assert_eq!(hold.len(), 2);
    }

    #[test]
    fn nothing_is_held_outside_a_reactive_scope() {
        assert!(OwnerKeepAlive::current().is_empty());
    }

    #[tokio::test]
    async fn the_status_is_set_even_when_the_request_dropped_its_owners_meanwhile() {
        let request = Owner::new();
        let response = ResponseOptions::default();
        request.with(|| provide_context(response.clone()));
        let page = request.child();
        let (finish, finished) = oneshot::channel::<()>();
        // As Leptos runs a page's data loading: the page's owner set on every poll.
        let work = page.with(|| {
            ScopedFuture::new_untracked(run_server_fn(async {
                let _ = finished.await;
                Err::<(), _>(AppError::NotFound)
            }))
        });
        let task = tokio::spawn(work);
        tokio::task::yield_now().await;
        drop(request);
        drop(page);
        let _ = finish.send(());
        let result = task.await.expect("the work ran");
        assert!(matches!(result, Err(AppError::NotFound)));
        assert_eq!(
            response.0.read().ok().and_then(|parts| parts.status),
            Some(http::StatusCode::NOT_FOUND)
        );
    }

    /// Every `#[server]` function in the app's sources, as (file, function name, body).
    fn server_fns() -> Vec<(String, String, String)> {
        let mut found = Vec::new();
        let mut folders = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("the app's sources are readable") {
                let path = entry.expect("a readable folder entry").path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("a readable source file");
                for (_, rest) in source
                    .match_indices("\n#[server(")
                    .map(|(at, _)| source.split_at(at + 1))
                {
                    let name_at = rest.find("pub async fn ").expect("a server function") + 13;
                    let name = rest[name_at..]
                        .split('(')
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let body_end = rest.find("\n}\n").expect("the function ends at column 0");
                    found.push((
                        path.display().to_string(),
                        name,
                        rest[..body_end].to_owned(),
                    ));
                }
            }
        }
        found
    }

    #[test]
    fn every_server_function_runs_inside_run_server_fn() {
        let functions = server_fns();
        assert!(
            functions.len() >= 20,
            "found only {} server functions",
            functions.len()
        );
        let bare: Vec<_> = functions
            .iter()
            .filter(|(_, _, body)| !body.contains("run_server_fn(async"))
            .map(|(file, name, _)| format!("{name} in {file}"))
            .collect();
        assert!(bare.is_empty(), "not wrapped in run_server_fn: {bare:?}");
    }
}

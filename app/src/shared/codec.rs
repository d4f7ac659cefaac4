//! How resource data travels from the server-rendered page to the browser.
//!
//! Leptos' default resource codec reads JSON from a `&str`, while server function responses are
//! read from bytes: two JSON readers, each compiled once per data type into the browser bundle.
//! [`Json`] reads resource data from bytes too, so the bundle holds one reader per type.
//!
//! Every page's data loads through [`resource`], which on the server holds the request's reactive
//! owners while it loads. Leptos runs a page's data loading as tasks of their own, which outlive
//! the request when its client goes. If the request's owners are then dropped while such a task
//! reads a context, `use_context` can end up holding the last reference to an ancestor while it
//! has the current owner locked, and the ancestor's clean-up waits for that lock forever: the
//! worker thread deadlocks (seen under load, a `get_post` stuck in `RwLock::write_contended`).
//! Holding every ancestor for as long as the loading runs means none of them can be freed
//! mid-lookup. Server functions called over HTTP run inside their handler and end with it.

use leptos::{
    prelude::Resource,
    server::codee::{Decoder, Encoder},
};
use serde::{Serialize, de::DeserializeOwned};

/// JSON, read the way server function responses are.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<T, serde_json::Error> {
        read_json(encoded)
    }
}

/// Reads JSON text from its bytes, as Leptos reads server function answers, so that every JSON
/// the browser reads shares one reader per type.
pub fn read_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_slice(text.as_bytes())
}

/// A resource whose data is carried as [`Json`].
pub type JsonResource<T> = Resource<T, Json>;

/// A (non-blocking) resource that loads with `fetcher` whenever `source` changes, carried as
/// [`Json`]; the counterpart of `Resource::new`.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> JsonResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    // On the server, the loading holds its request's owners (see the module's comment); the
    // browser's build loads as it is.
    #[cfg(feature = "ssr")]
    let fetcher = move |source| {
        let loading = fetcher(source);
        async move {
            let _owners = OwnerKeepAlive::current();
            loading.await
        }
    };
    Resource::new_with_options(source, fetcher, false)
}

/// Strong references to the current owner and every ancestor, released on drop, when no
/// context lookup is in progress.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct OwnerKeepAlive {
    _held: Vec<leptos::prelude::Owner>,
}

#[cfg(feature = "ssr")]
impl OwnerKeepAlive {
    /// Holds the owner in scope now and its ancestors (none outside a reactive scope).
    pub fn current() -> Self {
        let mut owners = Vec::new();
        let mut next = leptos::prelude::Owner::current();
        while let Some(owner) = next {
            next = owner.parent();
            owners.push(owner);
        }
        Self { _held: owners }
    }

    /// How many owners are held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self._held.len()
    }

    /// Whether no owner is held (outside a reactive scope).
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self._held.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_owner_and_its_ancestors_are_held() {
        let root = leptos::prelude::Owner::new();
        let child = root.child();
        let hold = child.with(OwnerKeepAlive::current);
        assert_eq!(hold.len(), 2);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn nothing_is_held_outside_a_reactive_scope() {
        assert!(OwnerKeepAlive::current().is_empty());
    }

    #[test]
    fn a_value_survives_the_round_trip() {
        let value = (7_i64, vec!["é".to_string(), "<b>".to_string()]);
        let encoded = <Json as Encoder<_>>::encode(&value).unwrap_or_default();
        let decoded: Result<(i64, Vec<String>), _> = <Json as Decoder<_>>::decode(&encoded);
        assert_eq!(decoded.ok(), Some(value));
    }
}

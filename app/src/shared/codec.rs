//! How resource data travels from the server-rendered page to the browser.
//!
//! Leptos' default resource codec reads JSON from a `&str`, while server function responses are
//! read from bytes: two JSON readers, each compiled once per data type into the browser bundle.
//! [`Json`] reads resource data from bytes too, so the bundle holds one reader per type.

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
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_survives_the_round_trip() {
        let value = (7_i64, vec!["é".to_string(), "<b>".to_string()]);
        let encoded = <Json as Encoder<_>>::encode(&value).unwrap_or_default();
        let decoded: Result<(i64, Vec<String>), _> = <Json as Decoder<_>>::decode(&encoded);
        assert_eq!(decoded.ok(), Some(value));
    }
}

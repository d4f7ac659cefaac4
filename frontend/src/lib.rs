//! The browser entry point: makes the server-rendered page's islands (its forms) interactive.

// The islands' hydration functions live in `app`; naming the crate links it into the bundle.
extern crate app as _;

/// Called by the generated JS loader once the WASM module is ready; the loader then hydrates
/// each `<leptos-island>` of the page with its function.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

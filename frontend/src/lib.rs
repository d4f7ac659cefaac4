//! The browser entry point: hydrates the server-rendered page with the app's components.

/// Called by the generated JS loader once the WASM module is ready.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages are lazily loaded routes, which only the asynchronous hydration can wait for.
    leptos::mount::hydrate_lazy(app::App);
}

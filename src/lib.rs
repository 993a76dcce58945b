//! task-profiles: the WebAssembly binding of [`task_profiles_core`].
//!
//! Everything the package decides lives in the core crate, which knows nothing of JavaScript;
//! this crate is what wasm-pack builds: the `#[wasm_bindgen]` classes and functions JavaScript
//! calls, nothing more.

#[cfg(target_arch = "wasm32")]
pub mod binding;

//! task-profiles: the WebAssembly binding of [`task_profiles_core`].
//!
//! Everything the package decides lives in the core crate, which knows nothing of JavaScript.
//! This crate is what `scripts/build.sh` builds (cargo and wasm-bindgen, as wasm-pack would): the classes and functions JavaScript calls, and the
//! export's driver, an async Rust loop over the runtime's `fetch`.
//!
//! - [`client`] and [`export`]: `TaskProfilesClient` and `Export`, the paginated export with
//!   retries, abort and one page of prefetch; [`transport`] sends one attempt (gloo-net builds
//!   the request and reads the response) and [`abort`] makes every wait abortable;
//! - [`analysis`]: `TaskStats`, `TaskTaxonomy`, `toList`, `toHierarchy`, `convertPage`,
//!   `formatPage`;
//! - [`interop`]: every conversion between JS values and the core's types, and the errors JS sees.
//!
//! Only wasm32 has a binding: natively, this crate is empty and the core is what is tested.

#[cfg(target_arch = "wasm32")]
mod abort;
#[cfg(target_arch = "wasm32")]
pub mod analysis;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod export;
#[cfg(target_arch = "wasm32")]
mod interop;
#[cfg(target_arch = "wasm32")]
mod transport;

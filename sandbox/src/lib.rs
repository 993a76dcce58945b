//! A local sandbox of TechWolf's *Export Employee Task Profiles* endpoint.
//!
//! Tests, demos and offline dashboard development run against it instead of the
//! vendor: it serves a deterministic synthetic tenant in both response shapes,
//! issues OAuth client-credentials tokens, and injects faults on demand.
//! The library exposes the generator and the router so that integration tests
//! can start a server in-process with [`server::spawn`].

#![warn(missing_docs)]

pub mod auth;
pub mod cli;
pub mod faults;
pub mod generator;
pub mod ids;
pub mod render;
pub mod request;
pub mod server;
pub mod taxonomy;

pub use server::{spawn, AppState, RunningSandbox, SandboxConfig};

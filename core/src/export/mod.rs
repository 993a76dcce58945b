//! The export: parameters, pagination and retries, decided here and performed by the binding.
//!
//! The core is sans-IO: it never sends a request. The binding's export driver asks
//! [`ExportPlan`] what to send, performs the request with the runtime's `fetch`, and reports
//! what came back; the plan answers with what to do next (accept the page, wait and retry,
//! refresh the token, or fail). That keeps every decision testable natively and leaves the
//! runtime's own HTTP stack, and `JSON.parse` for pages handed out as JS objects, doing the I/O.

pub(crate) mod client_config;
mod pagination;
mod params;
mod plan;
mod retry;

/// Re-exported from [`crate::page`], where the page contract lives.
pub use crate::page::{Field, PageEnvelope};
pub use client_config::ClientConfig;
pub use pagination::{PageInfo, Pagination};
pub use params::{ExportParams, Include, Vendor};
pub use plan::{ExportPlan, HttpRequest};
pub use retry::{system_time_from_ms, Attempt, Decision, RetryPolicy, TransportFailure};

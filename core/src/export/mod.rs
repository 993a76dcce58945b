//! The export: parameters, pagination and retries, decided here and performed by the JS glue.
//!
//! The core is sans-IO: it never sends a request. The glue asks [`ExportPlan`] what to send,
//! performs the request with the runtime's `fetch`, and reports what came back; the plan answers
//! with what to do next (accept the page, wait and retry, refresh the token, or fail). That keeps
//! every decision testable natively and leaves the runtime's own HTTP stack and `JSON.parse`,
//! the fastest way to make JS objects, doing the I/O.

pub(crate) mod client_config;
mod pagination;
mod params;
mod plan;
mod retry;

pub use client_config::ClientConfig;
pub use pagination::{Field, PageEnvelope, PageInfo, Pagination};
pub use params::{ExportParams, Include, ResponseFormat, Vendor};
pub use plan::{ExportPlan, HttpRequest};
pub use retry::{
    parse_retry_after, system_time_from_ms, Attempt, Decision, RetryPolicy, TransportFailure,
};

//! One export from the first request to the last page: the parameters, the pagination state and
//! the retry policy together, driven by the binding's export driver one attempt at a time.

use std::time::SystemTime;

use super::client_config::ClientConfig;
use super::pagination::{PageInfo, Pagination};
use super::params::ExportParams;
use super::retry::{Attempt, Decision, TransportFailure};
use crate::error::Result;
use crate::page::PageEnvelope;

/// The request to send for the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// The whole URL, query included.
    pub url: String,
    /// The JSON body.
    pub body: String,
}

/// An export in progress.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    config: ClientConfig,
    params: ExportParams,
    pagination: Pagination,
}

impl ExportPlan {
    /// Validates the params (nothing has been sent yet) and starts at `startingAfter`.
    pub fn new(config: ClientConfig, params_json: &str) -> Result<Self> {
        Ok(Self::with_params(
            config,
            ExportParams::from_json(params_json)?,
        ))
    }

    /// Starts an export with params already validated, at their `startingAfter`.
    pub fn with_params(config: ClientConfig, params: ExportParams) -> Self {
        let pagination = Pagination::new(params.starting_after.clone());
        ExportPlan {
            config,
            params,
            pagination,
        }
    }

    /// The request for the next page, or `None` when the export is complete.
    pub fn next_request(&self) -> Option<HttpRequest> {
        let cursor = self.pagination.next_request()?;
        Some(HttpRequest {
            url: format!("{}{}", self.config.base_url, self.params.path_and_query()),
            body: self.params.body(cursor),
        })
    }

    /// The per-request timeout.
    pub fn timeout_ms(&self) -> u64 {
        self.config.timeout_ms
    }

    /// What to do after an HTTP response.
    pub fn after_response(
        &self,
        attempt: Attempt,
        status: u16,
        retry_after: Option<&str>,
        body: Option<&str>,
        now: SystemTime,
    ) -> Decision {
        self.config
            .retry
            .after_response(attempt, status, retry_after, body, now)
    }

    /// What to do after a request that got no complete response.
    pub fn after_transport_failure(
        &self,
        attempt: Attempt,
        failure: TransportFailure,
        cause: &str,
    ) -> Decision {
        self.config
            .retry
            .after_transport_failure(attempt, failure, cause)
    }

    /// Checks a successful page's envelope and moves the cursor on.
    pub fn accept_page(&mut self, page: PageEnvelope) -> Result<PageInfo> {
        self.pagination.accept(page)
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u64 {
        self.pagination.pages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Field;
    use crate::ErrorKind;

    fn plan(params: &str) -> Result<ExportPlan> {
        let config = ClientConfig::from_json(r#"{"baseUrl":"http://127.0.0.1:9"}"#).unwrap();
        ExportPlan::new(config, params)
    }

    #[test]
    fn requests_follow_the_cursor() {
        let mut p = plan(r#"{"limit":2,"startingAfter":"e1"}"#).unwrap();
        let first = p.next_request().unwrap();
        assert_eq!(
            first.url,
            "http://127.0.0.1:9/export/employees/task_profiles?response_format=list"
        );
        assert_eq!(first.body, r#"{"limit":2,"starting_after":"e1"}"#);
        p.accept_page(PageEnvelope {
            has_next: Field::Value(true),
            next_starting_after: Field::Value("e3".into()),
            records: Field::Value(2),
        })
        .unwrap();
        assert_eq!(
            p.next_request().unwrap().body,
            r#"{"limit":2,"starting_after":"e3"}"#
        );
        p.accept_page(PageEnvelope {
            has_next: Field::Value(false),
            next_starting_after: Field::Missing,
            records: Field::Value(1),
        })
        .unwrap();
        assert_eq!(p.next_request(), None);
        assert_eq!(p.pages(), 2);
    }

    #[test]
    fn invalid_params_fail_before_any_request() {
        assert_eq!(
            plan(r#"{"limit":0}"#).unwrap_err().kind,
            ErrorKind::InvalidParams
        );
    }
}

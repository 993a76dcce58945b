//! The one error type of the library: a kind a program can branch on, and a message a person can act on.

use std::fmt;

/// What went wrong, in the categories a caller handles differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Export parameters or client options were invalid; nothing was sent.
    InvalidParams,
    /// The server refused the token (401/403), or the token function failed.
    Auth,
    /// 429 after the retries ran out, or a `Retry-After` longer than the caller will wait.
    RateLimited,
    /// Any other non-success HTTP status.
    Http,
    /// The request never got a complete response (connection refused, reset, body cut short).
    Network,
    /// A request took longer than the configured timeout.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The server answered with something the contract does not allow.
    Protocol,
    /// Records handed to a conversion or aggregation were malformed.
    InvalidInput,
}

impl ErrorKind {
    /// The string JS sees as `error.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidParams => "invalid_params",
            ErrorKind::Auth => "auth",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Protocol => "protocol",
            ErrorKind::InvalidInput => "invalid_input",
        }
    }
}

/// An error with its kind, the HTTP status where there is one, and the vendor's own words where it sent any.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong, for a program to branch on.
    pub kind: ErrorKind,
    /// What went wrong and where, for a person to act on.
    pub message: String,
    /// The HTTP status of the response, when there was one.
    pub status: Option<u16>,
    /// `title` of the vendor's error body (`[{"title", "description"}]`).
    pub title: Option<String>,
    /// `description` of the vendor's error body.
    pub description: Option<String>,
    /// How long the server asked us to wait, when that was longer than the caller allows.
    pub retry_after_ms: Option<u64>,
}

impl Error {
    /// An error of `kind` with a message and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            status: None,
            title: None,
            description: None,
            retry_after_ms: None,
        }
    }

    /// Invalid export parameters: `field` names the parameter as the caller spelled it.
    pub fn invalid_params(field: &str, problem: impl fmt::Display) -> Self {
        Error::new(ErrorKind::InvalidParams, format!("{field}: {problem}"))
    }

    /// Malformed records: `path` says where (`records[3].hierarchy[0].children[2]`).
    pub fn invalid_input(path: &str, problem: impl fmt::Display) -> Self {
        Error::new(ErrorKind::InvalidInput, format!("{path}: {problem}"))
    }

    /// A reply that breaks the endpoint's contract.
    pub fn protocol(problem: impl Into<String>) -> Self {
        Error::new(ErrorKind::Protocol, problem)
    }

    /// Attaches an HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Results of this library.
pub type Result<T> = std::result::Result<T, Error>;

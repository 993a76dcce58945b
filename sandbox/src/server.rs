//! The HTTP side: routes, error bodies, CORS, and helpers to run the server.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::auth::{AuthError, OAuthConfig, TokenStore};
use crate::faults::{Fault, FaultConfig, FaultCounts};
use crate::generator::{Employee, Tenant};
use crate::render::{write_page, RenderOptions};
use crate::request::{parse_body, parse_query};
use crate::taxonomy::Vendor;

/// Everything the server needs to know, independent of how it was configured.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Number of synthetic employees.
    pub employees: usize,
    /// Seed of the synthetic tenant.
    pub seed: u64,
    /// The fixed bearer token that is always accepted.
    pub token: String,
    /// Vendors activated on the tenant.
    pub vendors: Vec<Vendor>,
    /// Share of inactive employees.
    pub inactive_share: f64,
    /// Injected faults.
    pub faults: FaultConfig,
    /// Client-credentials settings.
    pub oauth: OAuthConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            employees: 2000,
            seed: 42,
            token: "sandbox-token".into(),
            vendors: vec![Vendor::Techwolf, Vendor::Workday],
            inactive_share: 0.1,
            faults: FaultConfig {
                retry_after_secs: 1,
                fault_seed: 7,
                latency_spike: Duration::from_secs(1),
                ..FaultConfig::default()
            },
            oauth: OAuthConfig {
                client_id: "sandbox-client".into(),
                client_secret: "sandbox-secret".into(),
                audience: "sandbox.techwolf.ai".into(),
                token_ttl: Duration::from_secs(3600),
            },
        }
    }
}

/// Shared state of a running sandbox.
#[derive(Debug)]
pub struct AppState {
    config: SandboxConfig,
    tenant: Tenant,
    tokens: TokenStore,
    export_requests: AtomicU64,
    token_requests: AtomicU64,
    tokens_issued: AtomicU64,
    faults_injected: FaultCounts,
}

impl AppState {
    /// Builds the tenant index and token store.
    pub fn new(config: SandboxConfig) -> AppState {
        let tenant = Tenant::new(config.employees, config.seed, config.inactive_share);
        let tokens = TokenStore::new(config.token.clone(), config.oauth.clone());
        AppState {
            config,
            tenant,
            tokens,
            export_requests: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            faults_injected: FaultCounts::default(),
        }
    }

    /// The synthetic tenant.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }
}

/// A vendor-style error: `[{"title": "<code> <reason>", "description": ...}]`.
pub fn vendor_error(status: StatusCode, description: &str) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    // A struct, not `json!`, so that "title" comes first as in the vendor's body.
    #[derive(serde::Serialize)]
    struct Item<'a> {
        title: &'a str,
        description: &'a str,
    }
    let body = [Item {
        title: &title,
        description,
    }];
    json_response(status, serde_json::to_vec(&body).unwrap_or_default())
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

const DESCRIPTION: &str = "task-profiles sandbox: a local stand-in for TechWolf's Export Employee Task Profiles endpoint, serving a deterministic synthetic tenant.

Endpoints:
  POST /export/employees/task_profiles?response_format=list|hierarchy&external_vendor=techwolf|workday|sap_attribute_library
       Authorization: Bearer <token>; JSON body {\"limit\": 1..100, \"starting_after\"?, \"include\"?, \"filters\"?}
  POST /oauth/token   OAuth 2.0 client credentials (JSON body)
  GET  /stats         request counters and injected faults by kind, as JSON
  GET  /healthz       liveness
";

async fn root() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        DESCRIPTION,
    )
        .into_response()
}

async fn healthz() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    #[derive(serde::Serialize)]
    struct Stats {
        export_requests: u64,
        token_requests: u64,
        tokens_issued: u64,
        faults: serde_json::Value,
    }
    let body = Stats {
        export_requests: state.export_requests.load(Ordering::Relaxed),
        token_requests: state.token_requests.load(Ordering::Relaxed),
        tokens_issued: state.tokens_issued.load(Ordering::Relaxed),
        faults: state.faults_injected.to_json(),
    };
    json_response(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

async fn token(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    state.token_requests.fetch_add(1, Ordering::Relaxed);
    let body = body.unwrap_or_default();
    let reply = state.tokens.token_request(&body);
    if reply.status == 200 {
        state.tokens_issued.fetch_add(1, Ordering::Relaxed);
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = json_response(status, serde_json::to_vec(&reply.body).unwrap_or_default());
    // Tokens must not end up in shared caches.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A body that sends its first half, then fails, so that hyper aborts the
/// connection after having announced the full `Content-Length`.
fn cut_body_response(body: Vec<u8>) -> Response {
    let full_len = body.len();
    let half = Bytes::from(body).slice(..full_len / 2);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok::<Bytes, io::Error>(half), 1)),
                1 => {
                    // Give hyper time to flush headers and the first half, as a
                    // network would have delivered them before the cut.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(io::Error::other("sandbox: body cut short")), 2))
                }
                _ => None,
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full_len));
    response
}

async fn export(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let n = state.export_requests.fetch_add(1, Ordering::Relaxed);
    let faults = &state.config.faults;
    let counts = &state.faults_injected;
    let delay = faults.delay(n);
    if faults.spiked(n) {
        counts.record_spike();
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let fault = faults.decide(n);
    // Error statuses come before the token check, as a proxy or rate limiter in front would answer.
    let early = match fault {
        Fault::RateLimited => {
            let mut response = vendor_error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Rate limit exceeded; retry after {} seconds.",
                    faults.retry_after_secs
                ),
            );
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(faults.retry_after_secs),
            );
            Some(response)
        }
        Fault::RateLimitedNoRetryAfter => Some(vendor_error(
            StatusCode::TOO_MANY_REQUESTS,
            "Rate limit exceeded; slow down.",
        )),
        Fault::InternalError => Some(vendor_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "An unexpected error occurred; try again later.",
        )),
        Fault::BadGateway => Some(vendor_error(
            StatusCode::BAD_GATEWAY,
            "The upstream service sent an invalid response; try again later.",
        )),
        Fault::Unavailable => Some(vendor_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is temporarily unavailable; try again later.",
        )),
        Fault::CutBody | Fault::TruncatedBody | Fault::RevokeToken | Fault::None => None,
    };
    if let Some(response) = early {
        counts.record(fault);
        return response;
    }

    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Err(e) = state.tokens.check(auth) {
        return vendor_error(StatusCode::UNAUTHORIZED, e.description());
    }
    if fault == Fault::RevokeToken && state.tokens.revoke(auth) {
        counts.record(fault);
        return vendor_error(StatusCode::UNAUTHORIZED, AuthError::Revoked.description());
    }

    let query = match parse_query(uri.query()) {
        Ok(q) => q,
        Err(description) => return vendor_error(StatusCode::BAD_REQUEST, &description),
    };
    if !state.config.vendors.contains(&query.vendor) {
        return vendor_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "The external vendor '{}' is not activated on this tenant.",
                query.vendor.as_str()
            ),
        );
    }
    let body = match body {
        Ok(bytes) => bytes,
        Err(_) => {
            return vendor_error(
                StatusCode::BAD_REQUEST,
                "The request body could not be read (too large or interrupted).",
            )
        }
    };
    let request = match parse_body(&body) {
        Ok(b) => b,
        Err(description) => return vendor_error(StatusCode::BAD_REQUEST, &description),
    };

    let tenant = &state.tenant;
    let from = match &request.starting_after {
        None => 0,
        Some(id) => match tenant.position(id) {
            Some(p) => p + 1,
            None => {
                return vendor_error(
                    StatusCode::BAD_REQUEST,
                    &format!("The value of 'starting_after' ('{id}') does not match any employee."),
                )
            }
        },
    };
    let (indices, has_next) = tenant.select(from, request.limit, &request.active_filter);
    let employees: Vec<Employee> = indices.iter().map(|&i| tenant.employee(i)).collect();
    let options = RenderOptions {
        format: query.format,
        vendor: query.vendor,
        include: request.include,
    };
    let mut out = Vec::with_capacity(1024 + employees.len() * 4096);
    write_page(&mut out, tenant, &employees, has_next, &options);

    match fault {
        Fault::CutBody => {
            counts.record(fault);
            cut_body_response(out)
        }
        Fault::TruncatedBody => {
            counts.record(fault);
            out.truncate(faults.truncate_at(n, out.len()));
            json_response(StatusCode::OK, out)
        }
        _ => json_response(StatusCode::OK, out),
    }
}

async fn not_found(uri: Uri) -> Response {
    vendor_error(
        StatusCode::NOT_FOUND,
        &format!("No endpoint at '{}'.", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    vendor_error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("The method {method} is not allowed on '{}'.", uri.path()),
    )
}

/// Builds the router for a prepared state.
pub fn router(state: Arc<AppState>) -> Router {
    // Any origin, no credentials: dashboards on another local port send the
    // token in a header, never as a cookie.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/stats", get(stats))
        .route("/oauth/token", post(token))
        .route("/export/employees/task_profiles", post(export))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(cors)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A sandbox running on its own thread and runtime, for tests and embedding.
/// Dropping it asks the server to stop.
#[derive(Debug)]
pub struct RunningSandbox {
    /// The bound address.
    pub addr: SocketAddr,
    /// The shared state (counters, tenant).
    pub state: Arc<AppState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningSandbox {
    /// `http://ADDR`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a sandbox on 127.0.0.1 with a free port in a background thread.
pub fn spawn(config: SandboxConfig) -> io::Result<RunningSandbox> {
    let state = Arc::new(AppState::new(config));
    let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let thread_state = state.clone();
    std::thread::Builder::new()
        .name(format!("sandbox-{}", addr.port()))
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(std_listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("sandbox: cannot use listener: {e}");
                        return;
                    }
                };
                let shutdown = async {
                    let _ = rx.await;
                };
                if let Err(e) = serve(listener, thread_state, shutdown).await {
                    eprintln!("sandbox: server error: {e}");
                }
            });
        })?;
    Ok(RunningSandbox {
        addr,
        state,
        shutdown: Some(tx),
    })
}

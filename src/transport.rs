//! How a client reaches the endpoint: its options, its token, and one HTTP attempt (request built
//! and response read through gloo-net, sent with the caller's `fetch` or the global one).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, JsString, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

use task_profiles_core::export::{ClientConfig, HttpRequest};
use task_profiles_core::json::Value;
use task_profiles_core::{Error, ErrorKind};

use crate::abort::{abortable, Interrupted, OnAbort, Timer};
use crate::interop::{describe_js_error, js_type_name, options_map, Failure};

#[wasm_bindgen]
extern "C" {
    type TextDecoder;

    #[wasm_bindgen(constructor, catch)]
    fn new(label: &str, options: &JsValue) -> Result<TextDecoder, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &Uint8Array) -> Result<JsString, JsValue>;
}

thread_local! {
    /// `new TextDecoder("utf-8", { fatal: true })`, made once.
    static UTF8: Option<TextDecoder> = {
        let options = js_sys::Object::new();
        let _ = Reflect::set(&options, &"fatal".into(), &JsValue::TRUE);
        TextDecoder::new("utf-8", &options).ok()
    };
}

/// `text` (a server's error body, a fetch failure) with every occurrence of `token` replaced, so
/// that a server or a fetch that echoes the request cannot put the token into an error, a log or
/// a screen. (With JS's `replaceAll`: Rust's `str::replace` costs 1.5 KB of module.)
pub(crate) fn without_token(text: String, token: &str) -> String {
    String::from(JsString::from(text).replace_all(token, "[token]"))
}

/// `bytes` as a JS string, or `None` when they are not UTF-8. (A leading byte order mark is
/// dropped, as the core's reader skips it.)
fn decode_utf8(bytes: &Uint8Array) -> Option<JsString> {
    UTF8.with(|decoder| decoder.as_ref()?.decode(bytes).ok())
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, called with the `Request` gloo-net built. Bound here rather than
    /// through gloo-net's `send()`, whose error conversion panics on a rejection that is not an
    /// `Error` (a replaced global fetch may reject with anything), and a panic aborts the module.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;
}

/// Where the token comes from.
enum TokenSource {
    Value(String),
    /// Called before each request with `{ refresh }`.
    Function(Function),
}

/// A client's options: the endpoint, its patience, the token and the fetch to use.
pub(crate) struct Transport {
    pub config: ClientConfig,
    token: TokenSource,
    fetch: Option<Function>,
}

/// How to read a response body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyAs {
    /// As a JS string with the Fetch API's `text()`, for one `JSON.parse` (the text never enters
    /// wasm memory). `text()` makes U+FFFD of bytes that are not UTF-8: see [`Body::may_hide_bad_bytes`].
    Text,
    /// As a JS string decoded strictly: bytes that are not UTF-8 leave the body as bytes, for the
    /// core's reader to refuse.
    StrictText,
    /// As bytes in wasm memory, for the readers that work on bytes.
    Bytes,
}

/// A response body, read as asked.
pub(crate) enum Body {
    Text(JsString),
    Bytes(Vec<u8>),
}

impl Body {
    /// Whether a body read with `text()` holds U+FFFD, which is where bytes that are not UTF-8
    /// would show. Without one, the bytes were UTF-8 (the decoder puts one in place of every bad
    /// sequence); with one, only the bytes can tell, and the page is read again as
    /// [`BodyAs::StrictText`]. Pages with a real U+FFFD are rare, so strictness costs a search.
    pub(crate) fn may_hide_bad_bytes(&self) -> bool {
        match self {
            Body::Text(text) => text.includes("\u{FFFD}", 0),
            Body::Bytes(_) => false,
        }
    }

    /// The body as text (for an error response's vendor error).
    pub(crate) fn to_text(&self) -> String {
        match self {
            Body::Text(text) => String::from(text),
            Body::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

/// What one attempt came to.
pub(crate) enum Outcome {
    Response {
        status: u16,
        retry_after: Option<String>,
        body: Body,
    },
    /// No complete response: `timed_out`, or a network failure described by `cause`.
    Failed { timed_out: bool, cause: String },
    /// The export's signal aborted.
    Aborted,
}

impl Transport {
    /// Validates the client options: `token` and `fetch` as JS values, the rest in the core.
    pub(crate) fn new(options: &JsValue) -> Result<Transport, Error> {
        if options.is_undefined() {
            return Err(Error::invalid_params("options", "expected an object"));
        }
        let (rest, [token, fetch]) = options_map(options, "options", ["token", "fetch"])?;
        let token = if let Some(text) = token.as_string().filter(|t| !t.is_empty()) {
            TokenSource::Value(text)
        } else if let Some(f) = token.dyn_ref::<Function>() {
            TokenSource::Function(f.clone())
        } else {
            return Err(Error::invalid_params(
                "token",
                "expected an access token string or a function returning one",
            ));
        };
        let fetch = match fetch.dyn_ref::<Function>() {
            Some(f) => Some(f.clone()),
            None if fetch.is_undefined() => None,
            None => return Err(Error::invalid_params("fetch", "expected a fetch function")),
        };
        let config = ClientConfig::from_value(&Value::Object(rest))?;
        Ok(Transport {
            config,
            token,
            fetch,
        })
    }

    /// The token for the next request; `refresh` after a 401. Interrupted when `stop` aborts.
    pub(crate) async fn token(
        &self,
        refresh: bool,
        stop: &AbortSignal,
    ) -> Result<Option<String>, Failure> {
        let (value, from_function) = match &self.token {
            TokenSource::Value(token) => (JsValue::from_str(token), false),
            TokenSource::Function(f) => {
                let context = js_sys::Object::new();
                let _ = Reflect::set(&context, &"refresh".into(), &JsValue::from_bool(refresh));
                let returned = f
                    .call1(&JsValue::UNDEFINED, &context)
                    .map(|v| Promise::resolve(&v));
                let settled = match returned {
                    Ok(promise) => abortable(&promise, stop).await,
                    Err(thrown) => Err(Interrupted::Rejected(thrown)),
                };
                match settled {
                    Ok(value) => (value, true),
                    Err(Interrupted::Aborted) => return Ok(None),
                    Err(Interrupted::Rejected(cause)) => {
                        return Err(Failure::Error {
                            error: Error::new(
                                ErrorKind::Auth,
                                "the token function failed (see error.cause)",
                            ),
                            cause: Some(cause),
                        })
                    }
                }
            }
        };
        match value.as_string() {
            Some(token) if !token.is_empty() && !token.contains(char::is_whitespace) => {
                Ok(Some(token))
            }
            other => {
                let source = if from_function {
                    "function returned"
                } else {
                    "option is"
                };
                let what = match other {
                    Some(_) => "an empty or malformed string",
                    None => js_type_name(&value),
                };
                Err(Error::new(
                    ErrorKind::Auth,
                    format!("the token {source} {what}, not an access token"),
                )
                .into())
            }
        }
    }

    /// Sends `request` once with `token` and reads the response body as `read`, giving up after
    /// the configured timeout or as soon as `stop` aborts.
    pub(crate) async fn attempt(
        &self,
        request: &HttpRequest,
        token: &str,
        read: BodyAs,
        stop: &AbortSignal,
    ) -> Result<Outcome, Failure> {
        let controller = AbortController::new().map_err(|e| network_failure(&e))?;
        let signal = controller.signal();
        let timed_out = Rc::new(Cell::new(false));
        let _timer = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            Timer::new(self.config.timeout_ms as f64, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let _on_stop = {
            let controller = controller.clone();
            OnAbort::new(stop, move || controller.abort())
        };
        let failed = |interrupted: Interrupted| -> Outcome {
            if stop.aborted() {
                return Outcome::Aborted;
            }
            if timed_out.get() {
                return Outcome::Failed {
                    timed_out: true,
                    cause: format!("no complete response within {} ms", self.config.timeout_ms),
                };
            }
            let cause = match interrupted {
                Interrupted::Rejected(e) => without_token(describe_js_error(&e), token),
                Interrupted::Aborted => "the request was aborted".to_owned(),
            };
            Outcome::Failed {
                timed_out: false,
                cause,
            }
        };
        if stop.aborted() {
            return Ok(Outcome::Aborted);
        }

        let built = gloo_net::http::Request::post(&request.url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .abort_signal(Some(&signal))
            .body(request.body.as_str());
        let web_request: web_sys::Request = match built {
            Ok(r) => r.into(),
            Err(e) => {
                return Ok(Outcome::Failed {
                    timed_out: false,
                    cause: format!("the request could not be built: {e}"),
                })
            }
        };
        let sent = match &self.fetch {
            Some(fetch) => fetch
                .call1(&JsValue::UNDEFINED, &web_request)
                .map(|v| Promise::resolve(&v)),
            None => global_fetch(&web_request).map_err(|_| {
                JsValue::from_str("this runtime has no global fetch: pass options.fetch")
            }),
        };
        let response = match sent {
            Ok(promise) => abortable(&promise, &signal).await,
            Err(thrown) => Err(Interrupted::Rejected(thrown)),
        };
        let response = match response {
            Ok(r) => r,
            Err(interrupted) => return Ok(failed(interrupted)),
        };
        if !is_response(&response) {
            return Err(Error::invalid_params(
                "fetch",
                format!(
                    "the fetch function resolved to {}, not a Response",
                    js_type_name(&response)
                ),
            )
            .into());
        }
        let raw: web_sys::Response = response.unchecked_into();
        // `Clone::clone`: web_sys's inherent `clone()` is the Fetch API's, which copies the body.
        let response = gloo_net::http::Response::from(Clone::clone(&raw));
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        // The body is read through the JS `Response` rather than gloo-net's `binary()`/`text()`,
        // which copy it into wasm memory: the records path hands the JS string to `JSON.parse`
        // without that copy, and the read stays abortable even with a caller's fetch that ignores
        // the request's signal. `text()` is the fastest read there is: an `ArrayBuffer` and a
        // strict decode of every page were measurably slower over a whole export.
        if read == BodyAs::Text {
            let text = match raw.text() {
                Ok(promise) => abortable(&promise, &signal).await,
                Err(thrown) => Err(Interrupted::Rejected(thrown)),
            };
            return Ok(match text {
                Ok(text) => Outcome::Response {
                    status,
                    retry_after,
                    body: Body::Text(text.unchecked_into()),
                },
                Err(interrupted) => failed(interrupted),
            });
        }
        let body = match raw.array_buffer() {
            Ok(promise) => abortable(&promise, &signal).await,
            Err(thrown) => Err(Interrupted::Rejected(thrown)),
        };
        let body = match body {
            Ok(buffer) => Uint8Array::new(&buffer),
            Err(interrupted) => return Ok(failed(interrupted)),
        };
        let body = match read {
            // Decoded in JS, strictly: `text()` would turn bytes that are not UTF-8 into U+FFFD,
            // where every byte reader of the core refuses them.
            BodyAs::StrictText => match decode_utf8(&body) {
                Some(text) => Body::Text(text),
                None => Body::Bytes(body.to_vec()),
            },
            BodyAs::Text | BodyAs::Bytes => Body::Bytes(body.to_vec()),
        };
        Ok(Outcome::Response {
            status,
            retry_after,
            body,
        })
    }
}

/// Whether what a fetch resolved to can be read as a `Response` (a real one, or one from a fetch
/// polyfill with the same shape).
fn is_response(value: &JsValue) -> bool {
    if value.is_instance_of::<web_sys::Response>() {
        return true;
    }
    let has = |key: &str, check: fn(&JsValue) -> bool| {
        Reflect::get(value, &JsValue::from_str(key)).is_ok_and(|v| check(&v))
    };
    value.is_object()
        && has("status", |v| v.as_f64().is_some())
        && has("headers", JsValue::is_object)
        && has("text", JsValue::is_function)
}

fn network_failure(e: &JsValue) -> Failure {
    Error::new(ErrorKind::Network, describe_js_error(e)).into()
}

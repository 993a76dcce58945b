//! Every conversion between JS values and the core's types, in one place: options and params in
//! (walked into the core's JSON value by [`to_value`], so that the core names the field that is
//! wrong), page bodies and records in; errors, progress and page info out (serde-wasm-bindgen),
//! and summaries, trees and persisted forms out as the JSON text the core writes, through one
//! `JSON.parse`.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Function, JsString, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use task_profiles_core::export::{Field, PageEnvelope};
use task_profiles_core::json::{Map, Number, Value, MAX_DEPTH};
use task_profiles_core::{Error, ErrorKind};

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string. js_sys's binding takes `&str`, which would copy every page's
    /// text into wasm memory and back out; this one hands V8 the string it already holds.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// The JS `TaskProfilesError` class, registered by the package's JS before any call.
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the class every error thrown to JS is an instance of (`TaskProfilesError`).
#[wasm_bindgen(js_name = registerErrorClass)]
pub fn register_error_class(class: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// Why a call failed, on its way to JS.
pub(crate) enum Failure {
    /// One of ours, with the JS value that caused it, if any (`error.cause`).
    Error {
        error: Error,
        cause: Option<JsValue>,
    },
    /// A value a callback of the caller's threw (`onProgress`): rethrown as it is.
    Thrown(JsValue),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Error { error, cause: None }
    }
}

/// Where an export stood when it failed: set on the error as `cursor` and `records`.
pub(crate) struct ExportPosition<'a> {
    pub cursor: Option<&'a str>,
    pub records: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorInit<'a> {
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<u64>,
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on an object we just made cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The `TaskProfilesError` for a failure, with the export's position when it happened in one.
pub(crate) fn failure_to_js(failure: Failure, position: Option<ExportPosition>) -> JsValue {
    let (error, cause) = match failure {
        Failure::Thrown(value) => return value,
        Failure::Error { error, cause } => (error, cause),
    };
    let init = to_js(&ErrorInit {
        kind: error.kind.as_str(),
        message: &error.message,
        status: error.status,
        title: error.title.as_deref(),
        description: error.description.as_deref(),
        retry_after_ms: error.retry_after_ms,
    });
    if let Some(cause) = &cause {
        set(&init, "cause", cause);
    }
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    let made = class.and_then(|class| Reflect::construct(&class, &Array::of1(&init)).ok());
    // Without the class (the module used on its own, as in its wasm-bindgen tests): an `Error`
    // with the same fields.
    let out = made.unwrap_or_else(|| {
        let plain: JsValue = js_sys::Error::new(&error.message).into();
        let _ = Object::assign(
            plain.unchecked_ref::<Object>(),
            init.unchecked_ref::<Object>(),
        );
        plain
    });
    if let Some(position) = position {
        let cursor = position
            .cursor
            .map_or(JsValue::UNDEFINED, JsValue::from_str);
        set(&out, "cursor", &cursor);
        set(&out, "records", &JsValue::from_f64(position.records as f64));
    }
    out
}

// Helpers every entry point calls are kept out of line (`#[inline(never)]`): inlined into each
// wasm-bindgen shim they were copied a dozen times, 0.3 KB gzipped in all, on cold paths.

/// The `TaskProfilesError` for a core error.
#[inline(never)]
pub(crate) fn error_to_js(error: Error) -> JsValue {
    failure_to_js(error.into(), None)
}

/// A Rust value as a JS value: structs and maps as plain objects, `None` as `undefined`.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    // Our values are JSON data with integers below 2^53: serialising them cannot fail.
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

/// How a JS value's type reads in an error message (JSON types as the core names them).
pub(crate) fn js_type_name(value: &JsValue) -> &'static str {
    if value.is_null() {
        "null"
    } else if value.is_undefined() {
        "undefined"
    } else if Array::is_array(value) {
        "an array"
    } else if value.is_string() {
        "a string"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.is_function() {
        "a function"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_bigint() {
        "a BigInt"
    } else if value.is_instance_of::<Uint8Array>() || value.is_instance_of::<ArrayBuffer>() {
        "binary data"
    } else {
        "an object"
    }
}

/// Whether `value` is an object that is not an array (what an options object must be).
pub(crate) fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

/// A JS value (JSON data) as the core's JSON value; the error names where in it, starting at
/// `field` (`filters[0].is_active: a function is not JSON data`).
///
/// Written here rather than read with serde-wasm-bindgen's deserializer, which measured 13.5 KB
/// gzipped in the module (serde's float formatting for its error messages) to read a handful of
/// options; serde-wasm-bindgen carries every value out.
#[inline(never)]
pub(crate) fn to_value(field: &str, value: &JsValue, kind: ErrorKind) -> Result<Value, Error> {
    let mut path = field.to_owned();
    json_of(value, &mut path, 0).map_err(|problem| Error::new(kind, format!("{path}: {problem}")))
}

/// `value` as JSON data; on error `path` is where the problem is.
fn json_of(value: &JsValue, path: &mut String, depth: usize) -> Result<Value, String> {
    if let Some(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(x) = value.as_f64() {
        return Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| "NaN and the infinities are not JSON numbers".to_owned());
    }
    if let Some(text) = value.as_string() {
        return Ok(Value::String(text));
    }
    if value.is_null() {
        return Ok(Value::Null);
    }
    let array = Array::is_array(value);
    if !(array || is_plain_object(value)) || value.is_function() {
        return Err(format!("{} is not JSON data", js_type_name(value)));
    }
    if depth == MAX_DEPTH {
        return Err(format!(
            "nested deeper than {MAX_DEPTH} levels (or a value that contains itself)"
        ));
    }
    let at = path.len();
    if array {
        let items: &Array = value.unchecked_ref();
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            path.push_str(&format!("[{i}]"));
            out.push(json_of(&item, path, depth + 1)?);
            path.truncate(at);
        }
        return Ok(Value::Array(out));
    }
    let mut members = Vec::new();
    for entry in Object::entries(value.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let item = entry.get(1);
        // Left out, as JSON.stringify leaves it out.
        if item.is_undefined() {
            continue;
        }
        path.push('.');
        path.push_str(&key);
        members.push((key, json_of(&item, path, depth + 1)?));
        path.truncate(at);
    }
    Ok(Value::Object(members.into_iter().collect()))
}

/// The members of an options object, `what` naming it in errors (`options`, `params`):
/// each member as a core JSON value, but for those named in `keep` (functions, signals…),
/// which are returned as they are. Members that are `undefined` are left out, as
/// `JSON.stringify` leaves them out.
pub(crate) fn options_map<const N: usize>(
    options: &JsValue,
    what: &str,
    keep: [&str; N],
) -> Result<(Map, [JsValue; N]), Error> {
    let mut kept: [JsValue; N] = std::array::from_fn(|_| JsValue::UNDEFINED);
    let map = read_options(options, what, &keep, &mut kept)?;
    Ok((map, kept))
}

/// [`options_map`]'s body, compiled once rather than once per `N`.
fn read_options(
    options: &JsValue,
    what: &str,
    keep: &[&str],
    kept: &mut [JsValue],
) -> Result<Map, Error> {
    if options.is_undefined() {
        return Ok(Map::new());
    }
    if !is_plain_object(options) {
        return Err(Error::invalid_params(
            what,
            format!("expected an object, found {}", js_type_name(options)),
        ));
    }
    let mut members = Vec::new();
    for entry in Object::entries(options.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1);
        if let Some(i) = keep.iter().position(|k| *k == key) {
            kept[i] = value;
            continue;
        }
        if value.is_undefined() {
            continue;
        }
        let value = to_value(&key, &value, ErrorKind::InvalidParams)?;
        members.push((key, value));
    }
    Ok(members.into_iter().collect())
}

/// A page body given as bytes or text, as bytes (`field` names it in errors).
#[inline(never)]
pub(crate) fn body_bytes(field: &str, body: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = body.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if let Some(text) = body.as_string() {
        return Ok(text.into_bytes());
    }
    Err(Error::invalid_params(
        field,
        format!(
            "expected the page body as a Uint8Array, an ArrayBuffer or a string, found {}",
            js_type_name(body)
        ),
    ))
}

/// One record or an array of records (JS objects), as the JSON text the core reads.
#[inline(never)]
pub(crate) fn records_json(records: &JsValue) -> Result<String, Error> {
    if !records.is_object() {
        return Err(Error::invalid_input(
            "records",
            format!(
                "expected a record object or an array of records, found {}",
                js_type_name(records)
            ),
        ));
    }
    match js_sys::JSON::stringify(records) {
        Ok(text) => Ok(String::from(text)),
        Err(e) => Err(Error::invalid_input(
            "records",
            format!("cannot be serialised as JSON ({})", describe_js_error(&e)),
        )),
    }
}

/// What a `toJSON()` produced, given back as the object or as its JSON text, as JSON text.
#[inline(never)]
pub(crate) fn persisted_text(field: &str, json: &JsValue) -> Result<String, Error> {
    match json.as_string() {
        Some(text) => Ok(text),
        None => Ok(to_value(field, json, ErrorKind::InvalidInput)?.to_string()),
    }
}

/// JSON text the core wrote (a summary, a tree, a persisted form) as a JS value: one
/// `JSON.parse`, which builds JS objects faster than any walk from wasm could, and defines a key
/// such as `__proto__` as an own property rather than calling the setter.
#[inline(never)]
pub(crate) fn json_text_to_js(text: &str) -> JsValue {
    // The core writes valid JSON.
    json_parse(&JsString::from(text)).unwrap_or(JsValue::UNDEFINED)
}

/// Records the core converted (compact JSON bytes) as JS values: one `JSON.parse`, V8's fast
/// path to JS objects.
pub(crate) fn parse_json_bytes(bytes: &[u8]) -> Result<JsValue, Error> {
    // The core's output is its input's UTF-8 slices joined by ASCII punctuation.
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::invalid_input("records", "the conversion produced invalid UTF-8"))?;
    json_parse(&JsString::from(text))
        .map_err(|e| Error::invalid_input("records", describe_js_error(&e)))
}

/// The envelope of a page `JSON.parse` made, and its `records` array; `None` when the page is
/// not an object or a record is not an object (the core's page reader then says why).
pub(crate) fn envelope_of(page: &JsValue) -> Option<(PageEnvelope, Array)> {
    if !is_plain_object(page) {
        return None;
    }
    let get = |key: &str| Reflect::get(page, &JsValue::from_str(key)).unwrap_or_default();
    let has_next = match get("has_next") {
        v if v.is_undefined() => Field::Missing,
        v => v
            .as_bool()
            .map_or(Field::Wrong(js_type_name(&v)), Field::Value),
    };
    let next_starting_after = match get("next_starting_after") {
        v if v.is_undefined() || v.is_null() => Field::Missing,
        v => v
            .as_string()
            .map_or(Field::Wrong(js_type_name(&v)), Field::Value),
    };
    let (records, array) = match get("records") {
        v if v.is_undefined() => (Field::Missing, Array::new()),
        v if Array::is_array(&v) => {
            let array: Array = v.unchecked_into();
            if !array.iter().all(|record| is_plain_object(&record)) {
                return None;
            }
            (Field::Value(array.length() as usize), array)
        }
        v => (Field::Wrong(js_type_name(&v)), Array::new()),
    };
    let envelope = PageEnvelope {
        has_next,
        next_starting_after,
        records,
    };
    Some((envelope, array))
}

/// A thrown JS value as text for a message: `message (code)` of an `Error` and its cause.
pub(crate) fn describe_js_error(e: &JsValue) -> String {
    let get = |v: &JsValue, key: &str| Reflect::get(v, &JsValue::from_str(key)).ok();
    if !e.is_object() {
        return e.as_string().unwrap_or_else(|| js_type_name(e).to_owned());
    }
    let message = get(e, "message")
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    let cause = get(e, "cause").filter(|c| c.is_object());
    let inner = cause.and_then(|c| {
        get(&c, "code")
            .and_then(|v| v.as_string())
            .or_else(|| get(&c, "message").and_then(|v| v.as_string()))
    });
    match inner {
        Some(inner) => format!("{message} ({inner})"),
        None => message,
    }
}

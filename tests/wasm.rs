//! The binding, run as wasm in Node: JS values in, requests out through the caller's `fetch`,
//! pages and errors back as JS values.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use task_profiles::client::TaskProfilesClient;
use task_profiles::export::{export_begin, export_next_page, Export};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (key, value) in entries {
        Reflect::set(&out, &JsValue::from_str(key), value).unwrap();
    }
    out.into()
}

/// A fetch answering each call with the next of `bodies` (status 200), recording every
/// `Request` it is called with in `calls`.
fn fake_fetch(bodies: &[&str], calls: &Array) -> Function {
    let bodies: Array = bodies.iter().map(|b| JsValue::from_str(b)).collect();
    let make = Function::new_with_args(
        "bodies, calls",
        "return async (request) => { calls.push(request); \
         return new Response(bodies[Math.min(calls.length, bodies.length) - 1], { status: 200 }); };",
    );
    make.call2(&JsValue::UNDEFINED, &bodies, calls)
        .unwrap()
        .unchecked_into()
}

fn client(fetch: &Function) -> TaskProfilesClient {
    let options = object(&[
        ("baseUrl", "https://acme.eu.techwolf.ai/".into()),
        ("token", "secret-token".into()),
        ("fetch", fetch.into()),
    ]);
    TaskProfilesClient::new(options).unwrap()
}

async fn next_page(export: &Export) -> Result<JsValue, JsValue> {
    JsFuture::from(export_next_page(export)).await
}

#[wasm_bindgen_test]
fn invalid_options_are_errors_with_a_kind_naming_the_option() {
    let cases = [
        (
            object(&[("baseUrl", "ftp://x".into()), ("token", "t".into())]),
            "baseUrl:",
        ),
        (object(&[("baseUrl", "https://x".into())]), "token:"),
        (
            object(&[
                ("baseUrl", "https://x".into()),
                ("token", "t".into()),
                ("maxRetries", (-1).into()),
            ]),
            "maxRetries:",
        ),
        (JsValue::from_f64(5.0), "options:"),
    ];
    for (options, field) in cases {
        let Err(error) = TaskProfilesClient::new(options) else {
            panic!("{field} accepted")
        };
        assert_eq!(get(&error, "kind"), "invalid_params");
        let message = get(&error, "message").as_string().unwrap();
        assert!(message.starts_with(field), "{message}");
        assert!(get(&error, "status").is_undefined());
    }
    let calls = Array::new();
    let c = client(&fake_fetch(&[], &calls));
    let params = object(&[("limit", 0.into())]);
    let Err(error) = c.export_task_profiles(params) else {
        panic!("limit 0 accepted")
    };
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .starts_with("limit:"));
    assert_eq!(calls.length(), 0, "nothing is sent for invalid params");
}

#[wasm_bindgen_test]
async fn pages_are_requested_through_the_callers_fetch_with_a_request() {
    let calls = Array::new();
    let first = r#"{"has_next":true,"next_starting_after":"e2","records":[{"external_id":"e1","tasks":[]},{"external_id":"e2","tasks":[]}]}"#;
    let last = r#"{"has_next":false,"records":[{"external_id":"e3","tasks":[]}]}"#;
    let c = client(&fake_fetch(&[first, last], &calls));
    let params = object(&[("limit", 2.into()), ("responseFormat", "list".into())]);
    let export = c.export_task_profiles(params).unwrap();
    export_begin(&export, "pages").unwrap();

    let page = next_page(&export).await.unwrap();
    assert_eq!(get(&page, "hasNext"), JsValue::TRUE);
    assert_eq!(get(&page, "nextStartingAfter"), "e2");
    let records: Array = get(&page, "records").unchecked_into();
    assert_eq!(records.length(), 2);
    assert_eq!(get(&records.get(1), "external_id"), "e2");
    assert_eq!(export.cursor().as_deref(), Some("e2"));

    let page = next_page(&export).await.unwrap();
    assert_eq!(get(&page, "hasNext"), JsValue::FALSE);
    assert!(get(&page, "nextStartingAfter").is_undefined());
    assert!(next_page(&export).await.unwrap().is_undefined());
    assert!(export.done());
    assert_eq!(export.records_handed_out(), 3.0);

    assert_eq!(calls.length(), 2);
    let request: web_sys::Request = calls.get(1).unchecked_into();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.url(),
        "https://acme.eu.techwolf.ai/export/employees/task_profiles?response_format=list"
    );
    let headers = request.headers();
    assert_eq!(
        headers.get("authorization").unwrap().as_deref(),
        Some("Bearer secret-token")
    );
    assert_eq!(
        headers.get("content-type").unwrap().as_deref(),
        Some("application/json")
    );
    let body = JsFuture::from(request.text().unwrap()).await.unwrap();
    assert_eq!(body, r#"{"limit":2,"starting_after":"e2"}"#);
}

#[wasm_bindgen_test]
async fn a_page_that_breaks_the_contract_is_a_protocol_error_with_the_resume_point() {
    let calls = Array::new();
    let first = r#"{"has_next":true,"next_starting_after":"e1","records":[{"external_id":"e1","tasks":[]}]}"#;
    let broken = r#"{"has_next":"yes","records":[]}"#;
    let c = client(&fake_fetch(&[first, broken], &calls));
    let export = c.export_task_profiles(JsValue::UNDEFINED).unwrap();
    export_begin(&export, "pages").unwrap();
    next_page(&export).await.unwrap();
    let error = next_page(&export).await.unwrap_err();
    assert_eq!(get(&error, "kind"), "protocol");
    assert_eq!(get(&error, "status"), 200);
    let message = get(&error, "message").as_string().unwrap();
    assert_eq!(message, "has_next: expected a boolean, found a string");
    assert_eq!(get(&error, "cursor"), "e1");
    assert_eq!(get(&error, "records"), 1);
    // The error never carries the token.
    let json = js_sys::JSON::stringify(&error).unwrap();
    assert!(!String::from(json).contains("secret-token"));
}

#[wasm_bindgen_test]
async fn a_vendor_error_body_crosses_as_title_and_description() {
    let calls = Array::new();
    let fetch = Function::new_with_args(
        "calls",
        "return async (request) => { calls.push(request); return new Response(\
         '[{\"title\":\"400 Bad Request\",\"description\":\"unknown starting_after\"}]', { status: 400 }); };",
    )
    .call1(&JsValue::UNDEFINED, &calls)
    .unwrap()
    .unchecked_into::<Function>();
    let c = client(&fetch);
    let export = c.export_task_profiles(JsValue::UNDEFINED).unwrap();
    export_begin(&export, "pages").unwrap();
    let error = next_page(&export).await.unwrap_err();
    assert_eq!(get(&error, "kind"), "http");
    assert_eq!(get(&error, "status"), 400);
    assert_eq!(get(&error, "title"), "400 Bad Request");
    assert_eq!(get(&error, "description"), "unknown starting_after");
    assert_eq!(calls.length(), 1, "a 400 is not retried");
}

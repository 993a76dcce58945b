//! The binding layer, run as wasm in Node: JS values in, core decisions and error objects out.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use task_profiles::binding::{ClientConfig, ExportPlan};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn config() -> ClientConfig {
    ClientConfig::new(r#"{"baseUrl":"http://127.0.0.1:1/"}"#).unwrap()
}

#[wasm_bindgen_test]
fn invalid_options_become_error_objects_with_a_kind() {
    let Err(error) = ClientConfig::new(r#"{"baseUrl":"ftp://x"}"#) else {
        panic!("ftp base URL accepted")
    };
    assert_eq!(get(&error, "kind"), "invalid_params");
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .starts_with("baseUrl:"));
    assert!(get(&error, "status").is_undefined());
}

#[wasm_bindgen_test]
fn next_request_is_an_object_until_the_last_page() {
    let mut plan = ExportPlan::new(&config(), r#"{"limit":5}"#).unwrap();
    let request = plan.next_request();
    assert_eq!(
        get(&request, "url"),
        "http://127.0.0.1:1/export/employees/task_profiles?response_format=list"
    );
    assert_eq!(get(&request, "body"), r#"{"limit":5}"#);
    let records: JsValue = Array::of2(&JsValue::NULL, &JsValue::NULL).into();
    let info = plan
        .accept_page(JsValue::FALSE, JsValue::UNDEFINED, records)
        .unwrap();
    assert_eq!(get(&info, "hasNext"), JsValue::FALSE);
    assert!(get(&info, "nextStartingAfter").is_undefined());
    assert!(plan.next_request().is_undefined());
    assert_eq!(plan.pages(), 1.0);
}

#[wasm_bindgen_test]
fn envelope_fields_of_the_wrong_js_type_are_protocol_errors() {
    let mut plan = ExportPlan::new(&config(), "{}").unwrap();
    let cases: [(JsValue, JsValue, JsValue, &str); 3] = [
        (
            JsValue::from_str("yes"),
            JsValue::UNDEFINED,
            Array::new().into(),
            "\"has_next\" is a string",
        ),
        (
            JsValue::TRUE,
            JsValue::from_f64(4.0),
            Array::new().into(),
            "\"next_starting_after\" is a number",
        ),
        (
            JsValue::FALSE,
            JsValue::UNDEFINED,
            JsValue::NULL,
            "\"records\" is null",
        ),
    ];
    for (has_next, next, records, expected) in cases {
        let error = plan.accept_page(has_next, next, records).unwrap_err();
        assert_eq!(get(&error, "kind"), "protocol");
        let message = get(&error, "message").as_string().unwrap();
        assert!(message.contains(expected), "{message}");
    }
}

#[wasm_bindgen_test]
fn decisions_cross_as_plain_objects() {
    let plan = ExportPlan::new(&config(), "{}").unwrap();
    let retry = plan.after_response(0, false, 0.0, 503, Some("2".into()), None, 0.0);
    assert_eq!(get(&retry, "action"), "retry");
    assert_eq!(get(&retry, "delayMs"), 2000.0);
    let refresh = plan.after_response(0, false, 0.0, 401, None, None, 0.0);
    assert_eq!(get(&refresh, "action"), "refresh");
    let body = r#"[{"title":"400 Bad Request","description":"The request body was not structured correctly."}]"#;
    let fail = plan.after_response(0, false, 0.0, 400, None, Some(body.into()), 0.0);
    assert_eq!(get(&fail, "action"), "fail");
    let error = get(&fail, "error");
    assert_eq!(get(&error, "kind"), "http");
    assert_eq!(get(&error, "status"), 400);
    assert_eq!(get(&error, "title"), "400 Bad Request");
    // An HTTP-date Retry-After is resolved against the now the glue passes in (ms since the epoch).
    let later = plan.after_response(
        0,
        false,
        0.0,
        429,
        Some("Thu, 01 Jan 1970 00:01:40 GMT".into()),
        None,
        40_000.0,
    );
    assert_eq!(get(&later, "delayMs"), 60_000.0);
    let timeout = plan.after_transport_failure(4, 0.0, true, "no complete response");
    assert_eq!(get(&get(&timeout, "error"), "kind"), "timeout");
}

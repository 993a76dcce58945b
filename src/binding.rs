//! The wasm-bindgen layer: translates JS values to core types and core errors to JS, nothing more.
//!
//! Errors leave as plain objects `{ kind, message, status?, title?, description?, retryAfterMs? }`;
//! the JS glue turns them into `TaskProfilesError` instances (one class for every build target).

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use task_profiles_core::error::{Error, ErrorKind};
use task_profiles_core::export::{self, Attempt, Decision, Field, PageEnvelope, TransportFailure};
use task_profiles_core::format;
use task_profiles_core::page::{read_page, CountRecords};
use task_profiles_core::shape;
use task_profiles_core::stats;

fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn error_to_js(error: Error) -> JsValue {
    let out = Object::new();
    set(&out, "kind", error.kind.as_str());
    set(&out, "message", error.message);
    if let Some(status) = error.status {
        set(&out, "status", status);
    }
    if let Some(title) = error.title {
        set(&out, "title", title);
    }
    if let Some(description) = error.description {
        set(&out, "description", description);
    }
    if let Some(ms) = error.retry_after_ms {
        set(&out, "retryAfterMs", ms as f64);
    }
    out.into()
}

fn js_type_name(value: &JsValue) -> &'static str {
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
    } else {
        "an object"
    }
}

fn field<T>(value: &JsValue, read: impl FnOnce(&JsValue) -> Option<T>) -> Field<T> {
    if value.is_undefined() {
        return Field::Missing;
    }
    match read(value) {
        Some(v) => Field::Value(v),
        None => Field::Wrong(js_type_name(value)),
    }
}

/// Validated client options (`baseUrl` or `tenant` + `region`, retries, timeouts).
#[wasm_bindgen]
pub struct ClientConfig(export::ClientConfig);

#[wasm_bindgen]
impl ClientConfig {
    /// Validates the options object, given as JSON without `token` and `fetch`.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> Result<ClientConfig, JsValue> {
        export::ClientConfig::from_json(options_json)
            .map(ClientConfig)
            .map_err(error_to_js)
    }

    /// The resolved base URL.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base_url.clone()
    }
}

/// One export's state: what to request next and what to make of each answer.
#[wasm_bindgen]
pub struct ExportPlan(export::ExportPlan);

#[wasm_bindgen]
impl ExportPlan {
    /// Validates the export params, given as JSON without `signal` and `onProgress`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &ClientConfig, params_json: &str) -> Result<ExportPlan, JsValue> {
        export::ExportPlan::new(config.0.clone(), params_json)
            .map(ExportPlan)
            .map_err(error_to_js)
    }

    /// `{ url, body }` of the next page's request, or `undefined` when the export is complete.
    #[wasm_bindgen(js_name = nextRequest)]
    pub fn next_request(&self) -> JsValue {
        match self.0.next_request() {
            None => JsValue::UNDEFINED,
            Some(request) => {
                let out = Object::new();
                set(&out, "url", request.url);
                set(&out, "body", request.body);
                out.into()
            }
        }
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> f64 {
        self.0.pages() as f64
    }

    /// The per-request timeout in milliseconds.
    #[wasm_bindgen(getter, js_name = timeoutMs)]
    pub fn timeout_ms(&self) -> f64 {
        self.0.timeout_ms() as f64
    }

    /// The decision after an HTTP response: `{ action: "accept" | "retry" | "refresh" | "fail", delayMs?, error? }`.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = afterResponse)]
    pub fn after_response(
        &self,
        retries: u32,
        token_refreshed: bool,
        jitter: f64,
        status: u16,
        retry_after: Option<String>,
        body: Option<String>,
        now_ms: f64,
    ) -> JsValue {
        let attempt = Attempt {
            retries,
            token_refreshed,
            jitter,
        };
        decision_to_js(self.0.after_response(
            attempt,
            status,
            retry_after.as_deref(),
            body.as_deref(),
            export::system_time_from_ms(now_ms),
        ))
    }

    /// The decision after a request that got no complete response.
    #[wasm_bindgen(js_name = afterTransportFailure)]
    pub fn after_transport_failure(
        &self,
        retries: u32,
        jitter: f64,
        timed_out: bool,
        cause: &str,
    ) -> JsValue {
        let attempt = Attempt {
            retries,
            token_refreshed: false,
            jitter,
        };
        let failure = if timed_out {
            TransportFailure::Timeout
        } else {
            TransportFailure::Network
        };
        decision_to_js(self.0.after_transport_failure(attempt, failure, cause))
    }

    /// Reads a page from its bytes without making JS objects, checks it and advances:
    /// `{ hasNext, nextStartingAfter, records, bytes? }` where `bytes` is the page as `format`
    /// (`"csv"` rows or `"ndjson"` lines; absent for `"envelope"`, which only checks the page).
    #[wasm_bindgen(js_name = acceptRawPage)]
    pub fn accept_raw_page(&mut self, body: &[u8], format: &str) -> Result<JsValue, JsValue> {
        let (envelope, bytes) = match format {
            "csv" => format::page_to_csv(body).map(|(e, b)| (e, Some(b))),
            "ndjson" => format::page_to_ndjson(body).map(|(e, b)| (e, Some(b))),
            _ => read_page(body, &mut CountRecords, ErrorKind::Protocol).map(|e| (e, None)),
        }
        .map_err(error_to_js)?;
        let out = self.accept(envelope)?;
        if let Some(bytes) = bytes {
            set(&out, "bytes", Uint8Array::from(bytes.as_slice()));
        }
        Ok(out.into())
    }

    /// Reads a page's bytes into `stats` in one pass (all or nothing): the envelope is checked
    /// before anything is counted, so a page the export refuses is not counted.
    #[wasm_bindgen(js_name = acceptStatsPage)]
    pub fn accept_stats_page(
        &mut self,
        body: &[u8],
        stats: &mut StatsCore,
    ) -> Result<JsValue, JsValue> {
        let plan = &mut self.0;
        let info = stats
            .0
            .add_checked_page(body, |envelope| plan.accept_page(envelope))
            .map_err(|mut e| {
                // The body came from the server: a malformed one breaks the contract.
                if e.kind == ErrorKind::InvalidInput {
                    e.kind = ErrorKind::Protocol;
                }
                error_to_js(e)
            })?;
        Ok(page_info_to_js(info).into())
    }

    /// Checks a page's bytes, converts it to the shape `to`, and advances: `{ …, bytes }`.
    #[wasm_bindgen(js_name = acceptConvertedPage)]
    pub fn accept_converted_page(
        &mut self,
        body: &[u8],
        to: &str,
        keep_path: bool,
        group_by: Vec<String>,
        taxonomy: &TaxonomyCore,
    ) -> Result<JsValue, JsValue> {
        let options = convert_options(to, keep_path, &group_by, taxonomy)?;
        // One pass: the converter reads the envelope on the way.
        let (envelope, bytes) =
            shape::convert_page_with_envelope(body, &options).map_err(|mut e| {
                // The body came from the server: a malformed one breaks the contract.
                if e.kind == ErrorKind::InvalidInput {
                    e.kind = ErrorKind::Protocol;
                }
                error_to_js(e)
            })?;
        let out = self.accept(envelope)?;
        set(&out, "bytes", Uint8Array::from(bytes.as_slice()));
        Ok(out.into())
    }

    /// Checks a parsed page's envelope fields and advances: `{ hasNext, nextStartingAfter, records }`.
    #[wasm_bindgen(js_name = acceptPage)]
    pub fn accept_page(
        &mut self,
        has_next: JsValue,
        next_starting_after: JsValue,
        records: JsValue,
    ) -> Result<JsValue, JsValue> {
        let envelope = PageEnvelope {
            has_next: field(&has_next, JsValue::as_bool),
            next_starting_after: field(&next_starting_after, JsValue::as_string),
            records: field(&records, |v| {
                Array::is_array(v).then(|| v.unchecked_ref::<Array>().length() as usize)
            }),
        };
        self.accept(envelope).map(JsValue::from)
    }

    fn accept(&mut self, envelope: PageEnvelope) -> Result<Object, JsValue> {
        let info = self.0.accept_page(envelope).map_err(error_to_js)?;
        Ok(page_info_to_js(info))
    }
}

/// `{ hasNext, nextStartingAfter, records }` of an accepted page.
fn page_info_to_js(info: export::PageInfo) -> Object {
    {
        let out = Object::new();
        set(&out, "hasNext", info.has_next);
        set(
            &out,
            "nextStartingAfter",
            info.next_starting_after
                .map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(&out, "records", info.records as f64);
        out
    }
}

/// Streaming, mergeable aggregates over records (the JS `TaskStats` wraps it).
#[wasm_bindgen]
pub struct StatsCore(stats::TaskStats);

#[wasm_bindgen]
impl StatsCore {
    /// An empty aggregate listing at most `top_n` top tasks and skills.
    #[wasm_bindgen(constructor)]
    pub fn new(top_n: u32) -> StatsCore {
        StatsCore(stats::TaskStats::new(top_n as usize))
    }

    /// Adds a page's raw body.
    #[wasm_bindgen(js_name = addPage)]
    pub fn add_page(&mut self, body: &[u8]) -> Result<(), JsValue> {
        self.0.add_page(body).map_err(error_to_js)
    }

    /// Adds one record or an array of records, as JSON text.
    #[wasm_bindgen(js_name = addRecords)]
    pub fn add_records(&mut self, json: &str) -> Result<(), JsValue> {
        self.0.add_records(json.as_bytes()).map_err(error_to_js)
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &StatsCore) {
        self.0.merge(&other.0);
    }

    /// The lossless serialised form, as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// Reads what `toJson` wrote.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> Result<StatsCore, JsValue> {
        stats::TaskStats::from_json(json)
            .map(StatsCore)
            .map_err(error_to_js)
    }

    /// The summary, as JSON text (one `JSON.parse` makes the JS object).
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        self.0.summary().to_json()
    }

    /// The tree grouped by a taxonomy's groups, as JSON text.
    #[wasm_bindgen(js_name = treeByTaxonomyJson)]
    pub fn tree_by_taxonomy_json(&self, taxonomy: &TaxonomyCore) -> String {
        self.0.tree(stats::TreeBy::Taxonomy(&taxonomy.0)).to_json()
    }

    /// The tree grouped by dimensions (`["ai_impact_level", …]`), as JSON text.
    #[wasm_bindgen(js_name = treeByDimensionsJson)]
    pub fn tree_by_dimensions_json(&self, by: Vec<String>) -> Result<String, JsValue> {
        let dims = by
            .iter()
            .map(|d| stats::Dimension::parse(d))
            .collect::<task_profiles_core::Result<Vec<_>>>()
            .map_err(error_to_js)?;
        Ok(self.0.tree(stats::TreeBy::Dimensions(dims)).to_json())
    }
}

/// Where tasks sit, learned from hierarchy records (the JS `TaskTaxonomy` wraps it).
#[wasm_bindgen]
pub struct TaxonomyCore(shape::TaskTaxonomy);

#[wasm_bindgen]
impl TaxonomyCore {
    /// An empty taxonomy.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TaxonomyCore {
        TaxonomyCore(shape::TaskTaxonomy::new())
    }

    /// Learns from one record, an array of records or a page, as JSON text (all or nothing).
    pub fn learn(&mut self, json: &str) -> Result<(), JsValue> {
        self.0.learn_json(json.as_bytes()).map_err(error_to_js)
    }

    /// Known task ids.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.0.size() as u32
    }

    /// Task ids seen under a second, different path.
    #[wasm_bindgen(getter)]
    pub fn conflicts(&self) -> f64 {
        self.0.conflicts() as f64
    }

    /// The lossless serialised form, as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// Reads what `toJson` wrote.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> Result<TaxonomyCore, JsValue> {
        shape::TaskTaxonomy::from_json(json)
            .map(TaxonomyCore)
            .map_err(error_to_js)
    }
}

impl Default for TaxonomyCore {
    fn default() -> Self {
        Self::new()
    }
}

fn convert_options<'t>(
    to: &str,
    keep_path: bool,
    group_by: &[String],
    taxonomy: &'t TaxonomyCore,
) -> Result<shape::ConvertOptions<'t>, JsValue> {
    let to = shape::Shape::parse(to).map_err(error_to_js)?;
    let group_by = group_by
        .iter()
        .map(|d| shape::GroupDim::parse(d))
        .collect::<task_profiles_core::Result<Vec<_>>>()
        .map_err(error_to_js)?;
    Ok(shape::ConvertOptions {
        to,
        keep_path,
        // An empty taxonomy places nothing, exactly as none: JS passes one when the caller gave none.
        taxonomy: Some(&taxonomy.0),
        group_by,
    })
}

/// Converts one record or an array of records (JSON text) to the shape `to`; returns JSON text.
#[wasm_bindgen(js_name = convertRecords)]
pub fn convert_records(
    json: &str,
    to: &str,
    keep_path: bool,
    group_by: Vec<String>,
    taxonomy: &TaxonomyCore,
) -> Result<String, JsValue> {
    let options = convert_options(to, keep_path, &group_by, taxonomy)?;
    let out = shape::convert_records(json.as_bytes(), &options).map_err(error_to_js)?;
    // The output is the input's UTF-8 slices joined by ASCII punctuation.
    String::from_utf8(out).map_err(|_| {
        error_to_js(task_profiles_core::Error::invalid_input(
            "records",
            "the conversion produced invalid UTF-8",
        ))
    })
}

/// Converts a whole page body (bytes in, bytes out, no JS objects made).
#[wasm_bindgen(js_name = convertPage)]
pub fn convert_page(
    body: &[u8],
    to: &str,
    keep_path: bool,
    group_by: Vec<String>,
    taxonomy: &TaxonomyCore,
) -> Result<Vec<u8>, JsValue> {
    let options = convert_options(to, keep_path, &group_by, taxonomy)?;
    shape::convert_page(body, &options).map_err(error_to_js)
}

/// The CSV header row the CSV stream starts with.
#[wasm_bindgen(js_name = csvHeader)]
pub fn csv_header() -> String {
    format::CSV_HEADER.to_string()
}

fn decision_to_js(decision: Decision) -> JsValue {
    let out = Object::new();
    match decision {
        Decision::Accept => set(&out, "action", "accept"),
        Decision::Retry { delay_ms } => {
            set(&out, "action", "retry");
            set(&out, "delayMs", delay_ms as f64);
        }
        Decision::RefreshToken => set(&out, "action", "refresh"),
        Decision::Fail(error) => {
            set(&out, "action", "fail");
            set(&out, "error", error_to_js(error));
        }
    }
    out.into()
}

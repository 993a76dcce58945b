//! The export driver: one pass over the paginated export, as an async Rust loop awaiting fetch,
//! body reads, the token function and backoff timers, one page ahead of the consumer.
//!
//! Its state (the plan, the prefetched page, the cursor and the counters) lives here. No borrow
//! of it is held across an `await`, so that calls arriving while a request is in flight (a
//! `cursor` read, a second `next()`) are safe.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Math, Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

use task_profiles_core::export::{
    system_time_from_ms, Attempt, Decision, ExportParams, ExportPlan, PageInfo, TransportFailure,
};
use task_profiles_core::json::Value;
use task_profiles_core::page::read_page;
use task_profiles_core::{format, shape, stats, Error, ErrorKind};

use crate::abort::{sleep, OnAbort};
use crate::analysis::{Conversion, TaskTaxonomy};
use crate::interop::{
    envelope_of, failure_to_js, json_parse, json_text_to_js, options_map, to_js, ExportPosition,
    Failure,
};
use crate::transport::{without_token, Body, BodyAs, Outcome, Transport};

/// What a pass over the export hands out, and how pages are read for it.
enum Mode {
    /// Records one by one (`for await`): pages as JS objects, one `JSON.parse` each.
    Records,
    /// Pages as JS objects (`pages()`, `toArray()`).
    Pages,
    /// Page bytes checked (`"envelope"`) or written as CSV rows or NDJSON lines.
    Raw { format: RawFormat, prefetch: bool },
    /// Page bytes converted to a shape, with the taxonomy as it was when the pass began.
    Converted(Conversion, shape::TaskTaxonomy),
    /// Page bytes aggregated (`stats()`); nothing is handed out but counts.
    Stats(Box<RefCell<stats::TaskStats>>),
}

#[derive(Clone, Copy)]
enum RawFormat {
    Envelope,
    /// CSV; `escape_formulas` neutralises cells a spreadsheet would run.
    Csv {
        escape_formulas: bool,
    },
    Ndjson,
}

impl Mode {
    fn body_as(&self) -> BodyAs {
        match self {
            Mode::Records | Mode::Pages => BodyAs::Text,
            _ => BodyAs::Bytes,
        }
    }

    fn prefetch(&self) -> bool {
        !matches!(
            self,
            Mode::Raw {
                prefetch: false,
                ..
            }
        )
    }
}

/// A page accepted by the plan.
enum Page {
    /// Parsed by `JSON.parse`: its records.
    Objects { records: Array, info: PageInfo },
    /// Bytes to hand on (checked, converted, CSV or NDJSON).
    Bytes { bytes: Vec<u8>, info: PageInfo },
    /// Counted into the export's statistics.
    Counted { info: PageInfo },
}

impl Page {
    fn info(&self) -> &PageInfo {
        match self {
            Page::Objects { info, .. } | Page::Bytes { info, .. } | Page::Counted { info } => info,
        }
    }
}

/// The page whose records are being handed out one by one.
struct Current {
    records: Array,
    info: PageInfo,
    handed: u32,
}

/// What fetching a page came to: the page, `None` at the end, or why it failed.
type Fetched = Result<Option<Page>, Failure>;

/// A page being fetched ahead of the consumer.
struct Prefetch {
    result: Rc<RefCell<Option<Fetched>>>,
    settled: Promise,
}

struct State {
    plan: ExportPlan,
    /// `startingAfter` as given: where `toArray` rewinds to when it fails.
    start: Option<String>,
    mode: Option<Rc<Mode>>,
    prefetch: Option<Prefetch>,
    current: Option<Current>,
    /// The resume point after the pages handed out in full.
    cursor: Option<String>,
    records: u64,
    pages: u64,
    done: bool,
    /// Stopped, failed or finished: nothing more is fetched.
    closed: bool,
    /// Forwards the caller's abort to `stop` while the export runs.
    caller_abort: Option<OnAbort>,
}

struct Shared {
    transport: Rc<Transport>,
    signal: Option<AbortSignal>,
    /// Aborted when the caller's signal aborts or the consumer stops: every wait listens to it.
    stop: AbortController,
    on_progress: Option<Function>,
    state: RefCell<State>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Progress<'a> {
    pages: u64,
    records: u64,
    cursor: Option<&'a str>,
    has_next: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageObject<'a> {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    records: JsValue,
    has_next: bool,
    next_starting_after: Option<&'a str>,
}

/// One pass over the whole export: records, pages, bytes, statistics. Nothing is sent until it
/// is iterated. The JS side adds `[Symbol.asyncIterator]`, `pages()`, `rawPages()` and the
/// streams, over the `export*` functions below.
#[wasm_bindgen]
pub struct Export {
    shared: Rc<Shared>,
}

impl Export {
    /// Validates the params (`signal` and `onProgress` as JS values, the rest in the core);
    /// sends nothing.
    pub(crate) fn new(transport: Rc<Transport>, params: &JsValue) -> Result<Export, Error> {
        let (rest, [signal, on_progress]) =
            options_map(params, "params", ["signal", "onProgress"])?;
        let signal = match signal {
            s if s.is_undefined() => None,
            s if is_abort_signal(&s) => Some(s.unchecked_into::<AbortSignal>()),
            _ => return Err(Error::invalid_params("signal", "expected an AbortSignal")),
        };
        let on_progress = match on_progress.dyn_into::<Function>() {
            Ok(f) => Some(f),
            Err(v) if v.is_undefined() => None,
            Err(_) => return Err(Error::invalid_params("onProgress", "expected a function")),
        };
        let params = ExportParams::from_value(&Value::Object(rest))?;
        let start = params.starting_after.clone();
        let plan = ExportPlan::with_params(transport.config.clone(), params);
        let stop = AbortController::new().map_err(|_| {
            Error::new(
                ErrorKind::InvalidParams,
                "this runtime has no AbortController",
            )
        })?;
        Ok(Export {
            shared: Rc::new(Shared {
                transport,
                signal,
                stop,
                on_progress,
                state: RefCell::new(State {
                    plan,
                    cursor: start.clone(),
                    start,
                    mode: None,
                    prefetch: None,
                    current: None,
                    records: 0,
                    pages: 0,
                    done: false,
                    closed: false,
                    caller_abort: None,
                }),
            }),
        })
    }
}

/// An `AbortSignal`, or an object that behaves as one (a polyfill's).
fn is_abort_signal(value: &JsValue) -> bool {
    if value.is_instance_of::<AbortSignal>() {
        return true;
    }
    let get = |key: &str| Reflect::get(value, &JsValue::from_str(key)).unwrap_or_default();
    value.is_object() && get("aborted").as_bool().is_some() && get("addEventListener").is_function()
}

#[wasm_bindgen]
impl Export {
    /// Where to resume: the last handed-out record's `external_id` (or the cursor after the last
    /// page handed out in full).
    #[wasm_bindgen(getter)]
    pub fn cursor(&self) -> Option<String> {
        self.shared.cursor()
    }

    /// Whether every record has been handed out.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.shared.state.borrow().done
    }

    /// Records handed out so far.
    #[wasm_bindgen(getter, js_name = recordsHandedOut)]
    pub fn records_handed_out(&self) -> f64 {
        self.shared.state.borrow().records as f64
    }

    /// Every record in an array, refusing more than `max` (default 10000); when it fails,
    /// nothing was handed out.
    #[wasm_bindgen(js_name = toArray)]
    pub fn to_array(&self, options: JsValue) -> Promise {
        self.shared.promise(Call::ToArray(options))
    }

    /// Consumes the export, aggregating each page's bytes in wasm; resolves to the summary.
    pub fn stats(&self, options: JsValue) -> Promise {
        self.shared.promise(Call::Stats(options))
    }
}

// The steps the JS adapters (`[Symbol.asyncIterator]`, `pages()`, `rawPages()`, the streams)
// are made of. Functions rather than methods, so that `Export`'s prototype holds only its API.

/// Starts a pass handing out `"records"` (then `exportNextRecords`), `"pages"` (then
/// `exportNextPage`), or `"csv"` (`"csv-formulas"`: cells that look like formulas left as they
/// are) / `"ndjson"` bytes (then `exportNextBytes`, a page fetched only when asked).
#[wasm_bindgen(js_name = exportBegin)]
pub fn export_begin(export: &Export, what: &str) -> std::result::Result<(), JsValue> {
    let mode = match what {
        "records" => Mode::Records,
        "pages" => Mode::Pages,
        "csv" | "csv-formulas" => Mode::Raw {
            format: RawFormat::Csv {
                escape_formulas: what == "csv",
            },
            prefetch: false,
        },
        _ => Mode::Raw {
            format: RawFormat::Ndjson,
            prefetch: false,
        },
    };
    let shared = &export.shared;
    shared.begin(mode).map_err(|e| shared.fail(e))
}

/// Starts a pass handing out page bytes (then `exportNextBytes`): checked only, or converted as
/// `options` say (`convertTo`, `keepPath`, `groupBy`; `taxonomy` passed apart, or an empty one).
#[wasm_bindgen(js_name = exportBeginRawPages)]
pub fn export_begin_raw_pages(
    export: &Export,
    options: JsValue,
    taxonomy: &TaskTaxonomy,
) -> std::result::Result<(), JsValue> {
    let shared = &export.shared;
    let mode = (|| {
        let (options, [_taxonomy]) = options_map(&options, "options", ["taxonomy"])?;
        crate::analysis::refuse_unknown(
            &options,
            &["convertTo", "keepPath", "taxonomy", "groupBy"],
            "rawPages",
        )?;
        Ok(match options.get("convertTo") {
            None => Mode::Raw {
                format: RawFormat::Envelope,
                prefetch: true,
            },
            Some(to) => Mode::Converted(
                Conversion::read("convertTo", &options, Some(to))?,
                taxonomy.snapshot()?,
            ),
        })
    })();
    mode.and_then(|m| shared.begin(m))
        .map_err(|e| shared.fail(e))
}

/// The next page's records (an array), or `undefined` at the end; the page before counts as
/// handed out in full.
#[wasm_bindgen(js_name = exportNextRecords)]
pub fn export_next_records(export: &Export) -> Promise {
    export.shared.promise(Call::NextRecords)
}

/// Hands out the next record of the current page; refuses once the caller's signal aborted.
#[wasm_bindgen(js_name = exportHandOutRecord)]
pub fn export_hand_out_record(export: &Export) -> std::result::Result<(), JsValue> {
    let shared = &export.shared;
    if shared.caller_aborted() {
        return Err(shared.fail(shared.aborted()));
    }
    let mut state = shared.state.borrow_mut();
    state.records += 1;
    if let Some(current) = &mut state.current {
        current.handed += 1;
    }
    Ok(())
}

/// The next page `{ records, hasNext, nextStartingAfter }`, handed out as it is returned; or
/// `undefined` at the end.
#[wasm_bindgen(js_name = exportNextPage)]
pub fn export_next_page(export: &Export) -> Promise {
    export.shared.promise(Call::NextPage)
}

/// The next page's bytes (as `exportBegin` or `exportBeginRawPages` said), or `undefined` at the
/// end.
#[wasm_bindgen(js_name = exportNextBytes)]
pub fn export_next_bytes(export: &Export) -> Promise {
    export.shared.promise(Call::NextBytes)
}

/// Stops the pass (the consumer left early): cancels the request in flight; nothing more is
/// fetched.
#[wasm_bindgen(js_name = exportStop)]
pub fn export_stop(export: &Export) {
    export.shared.close();
}

/// What `stats()` counted, moved out into a new `TaskStats` (an empty one when this pass is not
/// `stats()`): every page handed out, so exactly the employees before `cursor`, also after a
/// failure. The JS `stats({ into })` merges it into the caller's aggregate.
#[wasm_bindgen(js_name = exportStatsCounted)]
pub fn export_stats_counted(export: &Export) -> crate::analysis::TaskStats {
    let mode = export.shared.state.borrow().mode.clone();
    let counted = match mode.as_deref() {
        Some(Mode::Stats(stats)) => {
            let top_n = stats.borrow().top_n();
            stats.replace(stats::TaskStats::new(top_n))
        }
        _ => stats::TaskStats::new(stats::DEFAULT_TOP_N),
    };
    crate::analysis::TaskStats::wrap(counted)
}

/// What a call answered with a promise asks of the export.
enum Call {
    NextRecords,
    NextPage,
    NextBytes,
    ToArray(JsValue),
    Stats(JsValue),
    /// Fetches the next page ahead of the consumer into the slot.
    Prefetch(Rc<RefCell<Option<Fetched>>>),
}

impl Shared {
    /// Runs `call`. Every promise an export hands out is this one future, so that the executor's
    /// glue and the page loop are compiled once, not once per method.
    fn promise(self: &Rc<Self>, call: Call) -> Promise {
        future_to_promise(self.clone().answer(call))
    }

    async fn answer(self: Rc<Self>, call: Call) -> Result<JsValue, JsValue> {
        let answered = match call {
            Call::Prefetch(slot) => {
                let fetched = self.clone().fetch_page().await;
                *slot.borrow_mut() = Some(fetched);
                return Ok(JsValue::UNDEFINED);
            }
            Call::NextRecords => self.next_records().await,
            Call::NextPage => self.next_page_object().await,
            Call::NextBytes => self.next_bytes().await,
            Call::Stats(options) => self.stats(&options).await,
            Call::ToArray(options) => {
                let collected = self.collect(&options).await;
                if collected.is_err() {
                    // Nothing reached the caller: the resume point is where toArray started.
                    let mut state = self.state.borrow_mut();
                    state.cursor = state.start.clone();
                    state.current = None;
                    state.records = 0;
                }
                collected
            }
        };
        answered.map_err(|f| self.fail(f))
    }

    async fn next_records(self: &Rc<Self>) -> Result<JsValue, Failure> {
        self.page_taken()?;
        match self.next_page().await? {
            Some(Page::Objects { records, info }) => {
                let out = records.clone();
                self.state.borrow_mut().current = Some(Current {
                    records,
                    info,
                    handed: 0,
                });
                Ok(out.into())
            }
            _ => Ok(JsValue::UNDEFINED),
        }
    }

    async fn next_page_object(self: &Rc<Self>) -> Result<JsValue, Failure> {
        match self.next_page().await? {
            Some(Page::Objects { records, info }) => {
                self.handed_out(&info, records.length() as u64)?;
                Ok(to_js(&PageObject {
                    records: records.into(),
                    has_next: info.has_next,
                    next_starting_after: info.next_starting_after.as_deref(),
                }))
            }
            _ => Ok(JsValue::UNDEFINED),
        }
    }

    async fn next_bytes(self: &Rc<Self>) -> Result<JsValue, Failure> {
        match self.next_page().await? {
            Some(Page::Bytes { bytes, info }) => {
                self.handed_out(&info, info.records as u64)?;
                Ok(Uint8Array::from(bytes.as_slice()).into())
            }
            _ => Ok(JsValue::UNDEFINED),
        }
    }

    async fn stats(self: &Rc<Self>, options: &JsValue) -> Result<JsValue, Failure> {
        let top_n = crate::analysis::top_n(options, "stats")?;
        let mode = Mode::Stats(Box::new(RefCell::new(stats::TaskStats::new(top_n))));
        self.begin(mode)?;
        while let Some(page) = self.next_page().await? {
            let info = page.info().clone();
            self.handed_out(&info, info.records as u64)?;
        }
        let mode = self.state.borrow().mode.clone();
        match mode.as_deref() {
            Some(Mode::Stats(stats)) => Ok(json_text_to_js(&stats.borrow().summary().to_json())),
            _ => Ok(JsValue::UNDEFINED),
        }
    }

    fn begin(&self, mode: Mode) -> Result<(), Failure> {
        let mut state = self.state.borrow_mut();
        if state.mode.is_some() {
            return Err(Error::invalid_params(
                "export",
                "this export was already iterated; start a new one with startingAfter: export.cursor to continue",
            )
            .into());
        }
        state.mode = Some(Rc::new(mode));
        if let Some(signal) = &self.signal {
            if signal.aborted() {
                self.stop.abort();
            } else {
                let stop = self.stop.clone();
                state.caller_abort = Some(OnAbort::new(signal, move || stop.abort()));
            }
        }
        Ok(())
    }

    fn close(&self) {
        let listener = {
            let mut state = self.state.borrow_mut();
            state.closed = true;
            state.prefetch = None;
            state.caller_abort.take()
        };
        drop(listener);
        self.stop.abort();
    }

    fn caller_aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    fn aborted(&self) -> Failure {
        Failure::Error {
            error: Error::new(
                ErrorKind::Aborted,
                "the export was aborted by its AbortSignal",
            ),
            cause: self.signal.as_ref().map(AbortSignal::reason),
        }
    }

    /// The error to throw: the export stops, and the error says where to resume.
    fn fail(&self, failure: Failure) -> JsValue {
        self.close();
        let cursor = self.cursor();
        let records = self.state.borrow().records;
        failure_to_js(
            failure,
            Some(ExportPosition {
                cursor: cursor.as_deref(),
                records,
            }),
        )
    }

    fn cursor(&self) -> Option<String> {
        let state = self.state.borrow();
        if let Some(current) = &state.current {
            // Mid-page: the last handed-out record that has an external_id.
            for i in (0..current.handed).rev() {
                let record = current.records.get(i);
                let id = Reflect::get(&record, &JsValue::from_str("external_id")).ok();
                if let Some(id) = id.and_then(|v| v.as_string()) {
                    return Some(id);
                }
            }
        }
        state.cursor.clone()
    }

    /// The records mode's page before this call was handed out in full.
    fn page_taken(&self) -> Result<(), Failure> {
        let current = self.state.borrow_mut().current.take();
        match current {
            Some(current) => self.handed_out(&current.info, 0),
            None => Ok(()),
        }
    }

    /// A page was handed out (with `records` more records counted): moves the cursor on and
    /// reports progress.
    fn handed_out(&self, info: &PageInfo, records: u64) -> Result<(), Failure> {
        let progress = {
            let mut state = self.state.borrow_mut();
            state.records += records;
            state.pages += 1;
            state.cursor = info.next_starting_after.clone();
            if !info.has_next {
                state.done = true;
            }
            self.on_progress.as_ref().map(|f| {
                let progress = to_js(&Progress {
                    pages: state.pages,
                    records: state.records,
                    cursor: state.cursor.as_deref(),
                    has_next: info.has_next,
                });
                (f.clone(), progress)
            })
        };
        if let Some((f, progress)) = progress {
            f.call1(&JsValue::UNDEFINED, &progress)
                .map_err(Failure::Thrown)?;
        }
        Ok(())
    }

    /// The next accepted page: the prefetched one, or fetched now; starts fetching the one after.
    async fn next_page(self: &Rc<Self>) -> Result<Option<Page>, Failure> {
        let prefetched = self.state.borrow_mut().prefetch.take();
        let page = match prefetched {
            Some(p) => {
                // The promise always resolves: the result is in the slot.
                let _ = JsFuture::from(p.settled).await;
                let result = p.result.borrow_mut().take();
                result.unwrap_or(Ok(None))
            }
            None => self.clone().fetch_page().await,
        }?;
        let prefetch = {
            let state = self.state.borrow();
            let more = page.as_ref().is_some_and(|p| p.info().has_next);
            more && !state.closed && state.mode.as_ref().is_some_and(|m| m.prefetch())
        };
        if prefetch {
            let result = Rc::new(RefCell::new(None));
            let settled = self.promise(Call::Prefetch(result.clone()));
            self.state.borrow_mut().prefetch = Some(Prefetch { result, settled });
        }
        if page.is_none() {
            self.close();
        }
        Ok(page)
    }

    /// Fetches and accepts the next page, retrying as the plan says; `None` at the end.
    async fn fetch_page(self: Rc<Self>) -> Result<Option<Page>, Failure> {
        let (request, mode) = {
            let state = self.state.borrow();
            let (Some(mode), false) = (state.mode.clone(), state.closed) else {
                return Ok(None);
            };
            match state.plan.next_request() {
                Some(request) => (request, mode),
                None => return Ok(None),
            }
        };
        let stop = self.stop.signal();
        let (mut retries, mut refreshed, mut refresh_now) = (0, false, false);
        let mut body_as = mode.body_as();
        loop {
            let Some(token) = self.transport.token(refresh_now, &stop).await? else {
                return Err(self.aborted());
            };
            refresh_now = false;
            let outcome = self
                .transport
                .attempt(&request, &token, body_as, &stop)
                .await?;
            let attempt = Attempt {
                retries,
                token_refreshed: refreshed,
                jitter: Math::random(),
            };
            let decision = match outcome {
                Outcome::Aborted => return Err(self.aborted()),
                Outcome::Failed { timed_out, cause } => {
                    let failure = if timed_out {
                        TransportFailure::Timeout
                    } else {
                        TransportFailure::Network
                    };
                    let state = self.state.borrow();
                    state.plan.after_transport_failure(attempt, failure, &cause)
                }
                Outcome::Response {
                    status,
                    retry_after,
                    body,
                } => {
                    let ok = (200..300).contains(&status);
                    if ok && body_as == BodyAs::Text && body.may_hide_bad_bytes() {
                        // Asked again, not retried: only the bytes tell a U+FFFD the server
                        // sent from bytes that are not UTF-8.
                        body_as = BodyAs::StrictText;
                        continue;
                    }
                    // A server that echoes the request (the Authorization header) in its
                    // error text must not put the token into an error, a log or a screen.
                    let error_text = (!ok).then(|| without_token(body.to_text(), &token));
                    let decision = self.state.borrow().plan.after_response(
                        attempt,
                        status,
                        retry_after.as_deref(),
                        error_text.as_deref(),
                        system_time_from_ms(js_sys::Date::now()),
                    );
                    if decision == Decision::Accept {
                        return self.accept(&mode, body, status).map(Some);
                    }
                    decision
                }
            };
            match decision {
                Decision::Retry { delay_ms } => {
                    if !sleep(delay_ms as f64, &stop).await {
                        return Err(self.aborted());
                    }
                    retries += 1;
                }
                Decision::RefreshToken => {
                    refreshed = true;
                    refresh_now = true;
                }
                Decision::Fail(error) => return Err(error.into()),
                Decision::Accept => unreachable_accept(),
            }
        }
    }

    /// Reads an accepted response's body as the mode says and advances the plan.
    fn accept(&self, mode: &Mode, body: Body, status: u16) -> Result<Page, Failure> {
        // The body came from the server: one that cannot be read breaks the contract.
        let refused = |mut e: Error| -> Failure {
            if e.kind == ErrorKind::InvalidInput {
                e.kind = ErrorKind::Protocol;
            }
            e.with_status(status).into()
        };
        let mut state = self.state.borrow_mut();
        // Only in the build of the recovery tests: a panic in the async loop, with the export's
        // state borrowed, as a real one would leave it.
        #[cfg(feature = "test-panic")]
        if match &body {
            Body::Text(text) => text == "panic for tests",
            Body::Bytes(bytes) => bytes == b"panic for tests",
        } {
            panic!("a panic the tests asked for");
        }
        let plan = &mut state.plan;
        let bytes = match (mode, body) {
            (Mode::Records | Mode::Pages, Body::Text(text)) => {
                let parsed = json_parse(&text).ok().and_then(|page| envelope_of(&page));
                let Some((envelope, records)) = parsed else {
                    // V8 refused the text, or it is not a page of records: the core's page
                    // reader, which every other path uses, gives the verdict in its words.
                    return Err(refused(rejected_page(String::from(&text).as_bytes())));
                };
                let info = plan.accept_page(envelope).map_err(refused)?;
                return Ok(Page::Objects { records, info });
            }
            // Not UTF-8, so never made a JS string.
            (Mode::Records | Mode::Pages, Body::Bytes(bytes)) => {
                return Err(refused(rejected_page(&bytes)))
            }
            (_, Body::Text(text)) => String::from(&text).into_bytes(),
            (_, Body::Bytes(bytes)) => bytes,
        };
        let page = match mode {
            Mode::Stats(stats) => {
                let info = stats
                    .borrow_mut()
                    .add_checked_page(&bytes, |envelope| plan.accept_page(envelope))
                    .map_err(refused)?;
                Page::Counted { info }
            }
            Mode::Converted(conversion, taxonomy) => {
                let (envelope, out) = conversion.convert_page(taxonomy, &bytes).map_err(refused)?;
                let info = plan.accept_page(envelope).map_err(refused)?;
                Page::Bytes { bytes: out, info }
            }
            Mode::Raw { format, .. } => {
                let (envelope, out) = match format {
                    RawFormat::Csv { escape_formulas } => {
                        format::page_to_csv(&bytes, *escape_formulas)
                    }
                    RawFormat::Ndjson => format::page_to_ndjson(&bytes),
                    // The page is handed on as it came.
                    RawFormat::Envelope => {
                        read_page(&bytes, ErrorKind::Protocol).map(|envelope| (envelope, bytes))
                    }
                }
                .map_err(refused)?;
                let info = plan.accept_page(envelope).map_err(refused)?;
                Page::Bytes { bytes: out, info }
            }
            Mode::Records | Mode::Pages => unreachable_accept(),
        };
        Ok(page)
    }

    /// `toArray`: every page's records into one array.
    async fn collect(self: &Rc<Self>, options: &JsValue) -> Result<JsValue, Failure> {
        let (options, _) = options_map(options, "options", [])?;
        let max = match options.get("max") {
            None => 10_000,
            Some(v) => v
                .as_u64()
                .filter(|&n| n <= 9_007_199_254_740_991)
                .ok_or_else(|| Error::invalid_params("max", "expected a non-negative integer"))?,
        };
        if let Some(key) = options.keys().find(|k| *k != "max") {
            return Err(
                Error::invalid_params(key, "unknown option of toArray (known: max)").into(),
            );
        }
        self.begin(Mode::Pages)?;
        let out = Array::new();
        while let Some(page) = self.next_page().await? {
            let Page::Objects { records, info } = page else {
                continue;
            };
            if u64::from(out.length()) + u64::from(records.length()) > max {
                return Err(Error::invalid_params(
                    "max",
                    format!("the export holds more than {max} records: raise max, or iterate with for await to process them as they come"),
                )
                .into());
            }
            for record in records.iter() {
                out.push(&record);
            }
            self.handed_out(&info, records.length() as u64)?;
        }
        Ok(out.into())
    }
}

/// Why the core's page reader refuses a page body that `JSON.parse` could not read as a page of
/// records, or that is not UTF-8. (Copied into wasm only then: a page that is fine never is.)
fn rejected_page(bytes: &[u8]) -> Error {
    match read_page(bytes, ErrorKind::Protocol) {
        Err(error) => error,
        // The two readers disagree (nesting deeper than the core reads, say): still refused.
        Ok(_) => Error::protocol("page: the body could not be read as a page of records"),
    }
}

/// The plan never answers `Accept` where this is called; should it ever, the page is refused
/// rather than the module aborted.
#[cold]
fn unreachable_accept() -> ! {
    wasm_bindgen::throw_str(
        "task-profiles: internal error (an accepted page reached the retry loop)",
    )
}

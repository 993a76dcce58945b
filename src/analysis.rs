//! Shapes and statistics for JavaScript: `TaskStats`, `TaskTaxonomy`, `toList`, `toHierarchy`,
//! `convertPage` and `formatPage`, each a thin class or function over the core. Options arrive
//! as JS objects (walked by the interop module), records as the JSON text of one
//! `JSON.stringify`, page bodies as bytes; results leave as JS values, or as the bytes the core
//! wrote.

use std::cell::RefCell;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use task_profiles_core::json::{Map, Value};
use task_profiles_core::page::PageEnvelope;
use task_profiles_core::page::{Dimension, Shape};
use task_profiles_core::shape::{self, ConvertOptions};
use task_profiles_core::{stats, Error, ErrorKind, Result};

use crate::interop::{
    body_bytes, error_to_js, json_text_to_js, options_map, persisted_text, records_json,
};

/// What each function's options object may hold, for the "unknown option" error.
pub(crate) fn refuse_unknown(options: &Map, known: &[&str], of: &str) -> Result<()> {
    match options.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(Error::invalid_params(
            key,
            format!("unknown option of {of} (known: {})", known.join(", ")),
        )),
    }
}

fn bool_option(options: &Map, key: &str) -> Result<bool> {
    match options.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(Error::invalid_params(
            key,
            format!("expected a boolean, found {}", other.type_name()),
        )),
    }
}

/// Reads `topN` (at most 2^32 - 1 entries; default 20).
pub(crate) fn top_n(options: &JsValue, of: &str) -> Result<usize> {
    let (options, []) = options_map(options, "options", [])?;
    refuse_unknown(&options, &["topN"], of)?;
    match options.get("topN") {
        None => Ok(stats::DEFAULT_TOP_N),
        Some(v) => v
            .as_u64()
            .filter(|&n| n <= u64::from(u32::MAX))
            .map(|n| n as usize)
            .ok_or_else(|| Error::invalid_params("topN", "expected a non-negative integer")),
    }
}

/// A conversion as the caller asked for it, without the taxonomy (which is borrowed per call, or
/// cloned by an export that converts every page).
#[derive(Clone)]
pub(crate) struct Conversion {
    to: Shape,
    keep_path: bool,
    group_by: Vec<Dimension>,
}

impl Conversion {
    /// Reads the target shape from `to` (named `to_field` in errors: `to` or `convertTo`) and
    /// `keepPath` and `groupBy` from `options`; `taxonomy` is passed apart, already checked.
    pub(crate) fn read(to_field: &str, options: &Map, to: Option<&Value>) -> Result<Conversion> {
        let to = match to {
            Some(Value::String(name)) => Shape::parse(to_field, name)?,
            Some(other) => {
                return Err(Error::invalid_params(
                    to_field,
                    format!(
                        "expected \"list\" or \"hierarchy\", found {}",
                        other.type_name()
                    ),
                ))
            }
            None => {
                return Err(Error::invalid_params(
                    to_field,
                    "required: \"list\" or \"hierarchy\"",
                ))
            }
        };
        let keep_path = bool_option(options, "keepPath")?;
        let group_by = match options.get("groupBy") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|d| dimension("groupBy", d))
                .collect::<Result<_>>()?,
            Some(other) => {
                return Err(Error::invalid_params(
                    "groupBy",
                    format!(
                        "expected an array of \"ai_impact_level\" and/or \"validation_state\", found {}",
                        other.type_name()
                    ),
                ))
            }
        };
        Ok(Conversion {
            to,
            keep_path,
            group_by,
        })
    }

    /// The core's options, with `taxonomy` (an empty one places nothing, exactly as none).
    pub(crate) fn with<'t>(&self, taxonomy: &'t shape::TaskTaxonomy) -> ConvertOptions<'t> {
        ConvertOptions {
            to: self.to,
            keep_path: self.keep_path,
            taxonomy: Some(taxonomy),
            group_by: self.group_by.clone(),
        }
    }

    /// Converts a page the export fetched; the envelope is read on the way.
    pub(crate) fn convert_page(
        &self,
        taxonomy: &shape::TaskTaxonomy,
        body: &[u8],
    ) -> Result<(PageEnvelope, Vec<u8>)> {
        shape::convert_page_with_envelope(body, &self.with(taxonomy))
    }
}

/// Streaming, mergeable aggregates over task-profile records, computed in wasm.
#[wasm_bindgen(js_name = TaskStats)]
pub struct TaskStats {
    // Interior mutability so that `merge` can take `&self` and a second shared borrow of the
    // other object, which may be this very one (`stats.merge(stats)`).
    inner: RefCell<stats::TaskStats>,
}

#[wasm_bindgen(js_class = TaskStats)]
impl TaskStats {
    /// An empty aggregate: `{ topN = 20 }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> std::result::Result<TaskStats, JsValue> {
        let top_n = top_n(&options, "TaskStats").map_err(error_to_js)?;
        Ok(TaskStats::wrap(stats::TaskStats::new(top_n)))
    }

    /// Adds one record or an array of records (JS objects, either shape); all or nothing.
    pub fn add(&self, records: JsValue) -> std::result::Result<(), JsValue> {
        let json = records_json(&records).map_err(error_to_js)?;
        self.inner
            .borrow_mut()
            .add_records(json.as_bytes())
            .map_err(error_to_js)
    }

    /// Adds a page's raw body (bytes or text): parsed and counted in wasm, no JS objects made.
    #[wasm_bindgen(js_name = addPage)]
    pub fn add_page(&self, body: JsValue) -> std::result::Result<(), JsValue> {
        let bytes = body_bytes("body", &body).map_err(error_to_js)?;
        let mut inner = self.inner.borrow_mut();
        // Only in the build of the recovery tests: a panic, with the object borrowed as a real
        // one would leave it, that traps the instance (`panic = "abort"`).
        #[cfg(feature = "test-panic")]
        if bytes == b"panic for tests" {
            panic!("a panic the tests asked for");
        }
        inner.add_page(&bytes).map_err(error_to_js)
    }

    /// Adds everything `other` counted (records of other employees); refused, with nothing
    /// changed, when a count would pass 2^53 - 1.
    pub fn merge(&self, other: &TaskStats) -> std::result::Result<(), JsValue> {
        if std::ptr::eq(self, other) {
            // The same employees once more: merge a copy, since the aggregate cannot read itself
            // while it changes. Copied through the persisted form, whose code the module has
            // anyway, rather than `Clone`, whose code it would have only for this.
            let copy = stats::TaskStats::from_json(&self.inner.borrow().to_json());
            let copy = copy.map_err(error_to_js)?;
            self.inner.borrow_mut().merge(&copy)
        } else {
            self.inner.borrow_mut().merge(&other.inner.borrow())
        }
        .map_err(error_to_js)
    }

    /// The lossless serialised form, as a JS object.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        json_text_to_js(&self.inner.borrow().to_json())
    }

    /// Restores what `toJSON` produced (the object, or its JSON text).
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(json: JsValue) -> std::result::Result<TaskStats, JsValue> {
        let text = persisted_text("json", &json).map_err(error_to_js)?;
        stats::TaskStats::from_json(&text)
            .map(TaskStats::wrap)
            .map_err(error_to_js)
    }

    /// The organisation-wide summary.
    pub fn summary(&self) -> JsValue {
        json_text_to_js(&self.inner.borrow().summary().to_json())
    }

    /// The tree a treemap or sunburst draws, grouped `{ by }` dimensions (default
    /// `["ai_impact_level"]`). (With `{ taxonomy }`, the JS side calls [`stats_tree_by_taxonomy`].)
    pub fn tree(&self, options: JsValue) -> std::result::Result<JsValue, JsValue> {
        let by = tree_dimensions(&options).map_err(error_to_js)?;
        let tree = self.inner.borrow().tree(stats::TreeBy::Dimensions(by));
        Ok(json_text_to_js(&tree.to_json()))
    }
}

impl TaskStats {
    pub(crate) fn wrap(inner: stats::TaskStats) -> TaskStats {
        TaskStats {
            inner: RefCell::new(inner),
        }
    }
}

/// `{ by }` of `tree()`: dimensions, outermost first.
fn tree_dimensions(options: &JsValue) -> Result<Vec<Dimension>> {
    let (options, [_taxonomy]) = options_map(options, "options", ["taxonomy"])?;
    refuse_unknown(&options, &["by", "taxonomy"], "tree")?;
    match options.get("by") {
        None => Ok(vec![Dimension::AiImpactLevel]),
        Some(Value::Array(items)) => items.iter().map(|d| dimension("by", d)).collect(),
        Some(other) => Err(Error::invalid_params(
            "by",
            format!(
                "expected an array of dimensions, found {}",
                other.type_name()
            ),
        )),
    }
}

fn dimension(field: &str, value: &Value) -> Result<Dimension> {
    match value {
        Value::String(name) => Dimension::parse(field, name),
        other => Err(Error::invalid_params(
            field,
            format!(
                "expected \"ai_impact_level\" or \"validation_state\", found {}",
                other.type_name()
            ),
        )),
    }
}

/// `stats.tree({ taxonomy })`: the tree grouped by the taxonomy's groups. The JS side takes the
/// taxonomy out of the options (a class instance cannot be read from a plain object here).
#[wasm_bindgen(js_name = statsTreeByTaxonomy)]
pub fn stats_tree_by_taxonomy(
    stats: &TaskStats,
    options: JsValue,
    taxonomy: &TaskTaxonomy,
) -> std::result::Result<JsValue, JsValue> {
    let (options, [_taxonomy]) =
        options_map(&options, "options", ["taxonomy"]).map_err(error_to_js)?;
    if options.get("by").is_some() {
        return Err(error_to_js(Error::invalid_params(
            "by",
            "give by or taxonomy, not both",
        )));
    }
    refuse_unknown(&options, &["by", "taxonomy"], "tree").map_err(error_to_js)?;
    let taxonomy = taxonomy.inner.borrow();
    let tree = stats
        .inner
        .borrow()
        .tree(stats::TreeBy::Taxonomy(&*taxonomy));
    Ok(json_text_to_js(&tree.to_json()))
}

/// Where each task sits in the task tree, learned from hierarchy records.
#[wasm_bindgen(js_name = TaskTaxonomy)]
pub struct TaskTaxonomy {
    inner: RefCell<shape::TaskTaxonomy>,
}

#[wasm_bindgen(js_class = TaskTaxonomy)]
impl TaskTaxonomy {
    /// An empty taxonomy.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TaskTaxonomy {
        TaskTaxonomy::wrap(shape::TaskTaxonomy::new())
    }

    /// Learns from hierarchy records (one, or an array; list tasks carrying `path` teach too);
    /// all or nothing.
    pub fn learn(&self, records: JsValue) -> std::result::Result<(), JsValue> {
        let json = records_json(&records).map_err(error_to_js)?;
        self.inner
            .borrow_mut()
            .learn_json(json.as_bytes())
            .map_err(error_to_js)
    }

    /// Known task ids.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.borrow().size() as f64
    }

    /// Task ids seen under a second, different path (the first path is kept).
    #[wasm_bindgen(getter)]
    pub fn conflicts(&self) -> f64 {
        self.inner.borrow().conflicts() as f64
    }

    /// The lossless serialised form, as a JS object.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        json_text_to_js(&self.inner.borrow().to_json())
    }

    /// Restores what `toJSON` produced (the object, or its JSON text).
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(json: JsValue) -> std::result::Result<TaskTaxonomy, JsValue> {
        let text = persisted_text("json", &json).map_err(error_to_js)?;
        shape::TaskTaxonomy::from_json(&text)
            .map(TaskTaxonomy::wrap)
            .map_err(error_to_js)
    }
}

impl Default for TaskTaxonomy {
    fn default() -> Self {
        Self::new()
    }
}

impl TaskTaxonomy {
    fn wrap(inner: shape::TaskTaxonomy) -> TaskTaxonomy {
        TaskTaxonomy {
            inner: RefCell::new(inner),
        }
    }

    /// A copy of the learned taxonomy, for an export that converts pages after this call.
    /// Copied through the persisted form, whose code the module has anyway, rather than
    /// `Clone`, whose code it would have only for this.
    pub(crate) fn snapshot(&self) -> Result<shape::TaskTaxonomy> {
        shape::TaskTaxonomy::from_json(&self.inner.borrow().to_json())
    }
}

/// Converts records (one object, or an array) to `to` with `options` and `taxonomy`; JSON in,
/// JS values out through one `JSON.parse`.
fn convert_records(
    records: &JsValue,
    conversion: &Conversion,
    taxonomy: &TaskTaxonomy,
) -> Result<JsValue> {
    let json = records_json(records)?;
    let taxonomy = taxonomy.inner.borrow();
    let out = shape::convert_records(json.as_bytes(), &conversion.with(&taxonomy))?;
    crate::interop::parse_json_bytes(&out)
}

/// The options of `toList`, read and checked.
fn list_conversion(options: &JsValue) -> Result<Conversion> {
    let (options, []) = options_map(options, "options", [])?;
    refuse_unknown(&options, &["keepPath"], "toList")?;
    Conversion::read("to", &options, Some(&Value::String("list".into())))
}

/// The options of `toHierarchy` but `taxonomy` (passed apart), read and checked.
fn hierarchy_conversion(options: &JsValue) -> Result<Conversion> {
    let (options, [_taxonomy]) = options_map(options, "options", ["taxonomy"])?;
    refuse_unknown(&options, &["taxonomy", "groupBy"], "toHierarchy")?;
    let to = Value::String("hierarchy".into());
    Conversion::read("to", &options, Some(&to))
}

/// `toList(records, { keepPath })` through JSON text: the exact path, for records the object
/// path of `shapes.js` does not take.
#[wasm_bindgen(js_name = toList)]
pub fn to_list(records: JsValue, options: JsValue) -> std::result::Result<JsValue, JsValue> {
    let run = || {
        let conversion = list_conversion(&options)?;
        // To list, tasks are never placed: no taxonomy is read.
        convert_records(&records, &conversion, &TaskTaxonomy::new())
    };
    run().map_err(error_to_js)
}

/// `toHierarchy(records, { taxonomy, groupBy })` through JSON text (the JS side passes the
/// taxonomy apart, or an empty one): the exact path, for records the object path of
/// `shapes.js` does not take.
#[wasm_bindgen(js_name = toHierarchy)]
pub fn to_hierarchy(
    records: JsValue,
    options: JsValue,
    taxonomy: &TaskTaxonomy,
) -> std::result::Result<JsValue, JsValue> {
    let run = || {
        let conversion = hierarchy_conversion(&options)?;
        convert_records(&records, &conversion, taxonomy)
    };
    run().map_err(error_to_js)
}

/// The plan of `toList` (`hierarchy` false) or `toHierarchy` for the records `shapes.js` walked
/// into `skeleton`, with the skeleton's string table `strings` (one `JSON.stringify` of an
/// array of strings, as UTF-8: bytes are copied in at once, where a string argument is copied
/// character by character). See `task_profiles_core::shape::plan`.
///
/// Returns `[ops, groups]` as JSON text in UTF-8 for one `JSON.parse`, or nothing (no bytes)
/// when the skeleton is not one the planner reads (the JS then takes the exact path). Option
/// errors are thrown as the exact functions throw them.
#[wasm_bindgen(js_name = planRecords)]
pub fn plan_records(
    hierarchy: bool,
    skeleton: &[u32],
    strings: &[u8],
    options: JsValue,
    taxonomy: &TaskTaxonomy,
) -> std::result::Result<Vec<u8>, JsValue> {
    let run = || {
        let conversion = if hierarchy {
            hierarchy_conversion(&options)?
        } else {
            list_conversion(&options)?
        };
        let taxonomy = taxonomy.inner.borrow();
        match shape::plan_records(skeleton, strings, &conversion.with(&taxonomy)) {
            Ok(plan) => Ok(plan),
            // The records were checked by `shapes.js`: the only `InvalidInput` left is a
            // skeleton or string table the planner does not read.
            Err(e) if e.kind == ErrorKind::InvalidInput => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    };
    run().map_err(error_to_js)
}

/// `convertPage(body, { to, keepPath, taxonomy, groupBy })`: bytes in, bytes out.
#[wasm_bindgen(js_name = convertPage)]
pub fn convert_page(
    body: JsValue,
    options: JsValue,
    taxonomy: &TaskTaxonomy,
) -> std::result::Result<Uint8Array, JsValue> {
    let run = || {
        let bytes = body_bytes("body", &body)?;
        let (options, [_taxonomy]) = options_map(&options, "options", ["taxonomy"])?;
        refuse_unknown(
            &options,
            &["to", "keepPath", "taxonomy", "groupBy"],
            "convertPage",
        )?;
        let conversion = Conversion::read("to", &options, options.get("to"))?;
        let taxonomy = taxonomy.inner.borrow();
        let out = shape::convert_page(&bytes, &conversion.with(&taxonomy))?;
        Ok(Uint8Array::from(out.as_slice()))
    };
    run().map_err(error_to_js)
}

/// The CSV header row the CSV stream starts with.
#[wasm_bindgen(js_name = csvHeader)]
pub fn csv_header() -> String {
    task_profiles_core::format::CSV_HEADER.to_string()
}

/// `formatPage(body, format)`: one page's CSV rows (`"csv"`; `"csv-formulas"` leaves cells that
/// look like formulas as they are) or NDJSON lines (`"ndjson"`), the bytes the export's streams
/// write for that page; the options object is read in JavaScript, as `toCsvStream`'s is.
#[wasm_bindgen(js_name = formatPage)]
pub fn format_page(body: JsValue, format: &str) -> std::result::Result<Uint8Array, JsValue> {
    let run = || {
        let bytes = body_bytes("body", &body)?;
        let (_, out) = match format {
            "ndjson" => task_profiles_core::format::page_to_ndjson(&bytes),
            csv => task_profiles_core::format::page_to_csv(&bytes, csv == "csv"),
        }
        // The core calls a bad page the server's fault; here the caller handed it over.
        .map_err(|mut e| {
            if e.kind == ErrorKind::Protocol {
                e.kind = ErrorKind::InvalidInput;
            }
            e
        })?;
        Ok(Uint8Array::from(out.as_slice()))
    };
    run().map_err(error_to_js)
}

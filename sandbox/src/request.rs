//! Validation of the export request's query string and JSON body.
//!
//! Every rejection carries a description naming the field and the problem, so
//! that a client developer sees at once what the sandbox (and so, most likely,
//! the vendor) would refuse.

use serde_json::{Map, Value};

use crate::taxonomy::Vendor;

/// The vendor's description for a body that is not a JSON object.
pub const MALFORMED_BODY: &str = "The request body was not structured correctly.";

/// Record shape requested with `response_format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Flat `tasks` arrays.
    List,
    /// Nested `hierarchy` trees.
    Hierarchy,
}

/// Optional task attributes requested with `include`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Includes {
    /// `ai_impact`.
    pub ai_impact: bool,
    /// `source_events`.
    pub source_events: bool,
    /// `linked_skills`.
    pub linked_skills: bool,
    /// `rejected_tasks`.
    pub rejected_tasks: bool,
    /// `weekly_hours`.
    pub weekly_hours: bool,
}

impl Includes {
    /// The include names the endpoint accepts.
    pub const NAMES: [&'static str; 5] = [
        "ai_impact",
        "source_events",
        "linked_skills",
        "rejected_tasks",
        "weekly_hours",
    ];

    /// Everything included.
    pub fn all() -> Includes {
        Includes {
            ai_impact: true,
            source_events: true,
            linked_skills: true,
            rejected_tasks: true,
            weekly_hours: true,
        }
    }

    fn set(&mut self, name: &str) -> bool {
        let flag = match name {
            "ai_impact" => &mut self.ai_impact,
            "source_events" => &mut self.source_events,
            "linked_skills" => &mut self.linked_skills,
            "rejected_tasks" => &mut self.rejected_tasks,
            "weekly_hours" => &mut self.weekly_hours,
            _ => return false,
        };
        *flag = true;
        true
    }
}

/// The validated query string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportQuery {
    /// `response_format`.
    pub format: Format,
    /// `external_vendor`.
    pub vendor: Vendor,
}

/// The validated JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportBody {
    /// Employees per page, 1..=100.
    pub limit: usize,
    /// Cursor: the last employee already seen.
    pub starting_after: Option<String>,
    /// Optional attributes.
    pub include: Includes,
    /// One entry per `is_active` filter; an employee must match all of them.
    pub active_filter: Vec<bool>,
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Parses `response_format` and `external_vendor`; unknown parameters or
/// values are refused so that typos surface during development.
pub fn parse_query(query: Option<&str>) -> Result<ExportQuery, String> {
    let mut format = None;
    let mut vendor = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key)
            .ok_or_else(|| "The query string is not correctly percent-encoded.".to_string())?;
        let value = percent_decode(raw_value).ok_or_else(|| {
            format!("The query parameter '{key}' is not correctly percent-encoded.")
        })?;
        match key.as_str() {
            "response_format" => {
                if format.is_some() {
                    return Err("The query parameter 'response_format' is given more than once.".into());
                }
                format = Some(match value.as_str() {
                    "list" => Format::List,
                    "hierarchy" => Format::Hierarchy,
                    _ => {
                        return Err(format!(
                            "The query parameter 'response_format' has the unknown value '{value}'; expected 'list' or 'hierarchy'."
                        ))
                    }
                });
            }
            "external_vendor" => {
                if vendor.is_some() {
                    return Err("The query parameter 'external_vendor' is given more than once.".into());
                }
                vendor = Some(Vendor::parse(&value).ok_or_else(|| {
                    format!(
                        "The query parameter 'external_vendor' has the unknown value '{value}'; expected 'techwolf', 'workday' or 'sap_attribute_library'."
                    )
                })?);
            }
            _ => {
                return Err(format!(
                    "The query parameter '{key}' is not supported; use 'response_format' and 'external_vendor'."
                ))
            }
        }
    }
    Ok(ExportQuery {
        format: format.unwrap_or(Format::List),
        vendor: vendor.unwrap_or(Vendor::Techwolf),
    })
}

fn parse_filter(index: usize, value: &Value) -> Result<bool, String> {
    let obj = value
        .as_object()
        .ok_or_else(|| format!("The field 'filters[{index}]' must be an object."))?;
    let name = match obj.get("filter") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(format!(
                "The field 'filters[{index}].filter' must be a string."
            ))
        }
        None => return Err(format!("The field 'filters[{index}].filter' is required.")),
    };
    if name != "is_active" {
        return Err(format!(
            "The filter '{name}' in 'filters[{index}]' is not supported; the supported filter is 'is_active'."
        ));
    }
    if let Some(extra) = obj.keys().find(|k| *k != "filter" && *k != "is_active") {
        return Err(format!(
            "The filter 'is_active' in 'filters[{index}]' does not take the argument '{extra}'."
        ));
    }
    match obj.get("is_active") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!(
            "The argument 'filters[{index}].is_active' must be a boolean."
        )),
        None => Err(format!(
            "The filter 'is_active' in 'filters[{index}]' requires the boolean argument 'is_active'."
        )),
    }
}

fn parse_object(obj: &Map<String, Value>) -> Result<ExportBody, String> {
    if let Some(extra) = obj.keys().find(|k| {
        !matches!(
            k.as_str(),
            "limit" | "starting_after" | "include" | "filters"
        )
    }) {
        return Err(format!(
            "The field '{extra}' is not supported; expected 'limit', 'starting_after', 'include' and 'filters'."
        ));
    }
    let limit = match obj.get("limit") {
        None | Some(Value::Null) => return Err("The field 'limit' is required.".into()),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(l) if (1..=100).contains(&l) => l as usize,
            Some(l) => {
                return Err(format!(
                    "The field 'limit' must be between 1 and 100, got {l}."
                ))
            }
            None if n.as_u64().is_some() => {
                return Err(format!(
                    "The field 'limit' must be between 1 and 100, got {n}."
                ))
            }
            None => return Err(format!("The field 'limit' must be an integer, got {n}.")),
        },
        Some(_) => return Err("The field 'limit' must be an integer.".into()),
    };
    let starting_after = match obj.get("starting_after") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("The field 'starting_after' must be a string.".into()),
    };
    let mut include = Includes::default();
    match obj.get("include") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .as_str()
                    .ok_or_else(|| format!("The field 'include[{i}]' must be a string."))?;
                if !include.set(name) {
                    return Err(format!(
                        "The value '{name}' in 'include' is not supported; expected any of {}.",
                        Includes::NAMES.join(", ")
                    ));
                }
            }
        }
        Some(_) => return Err("The field 'include' must be an array of strings.".into()),
    }
    let active_filter = match obj.get("filters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, f)| parse_filter(i, f))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("The field 'filters' must be an array of objects.".into()),
    };
    Ok(ExportBody {
        limit,
        starting_after,
        include,
        active_filter,
    })
}

/// Parses the body. A body that is not a JSON object yields
/// [`MALFORMED_BODY`], exactly as the vendor answers.
pub fn parse_body(bytes: &[u8]) -> Result<ExportBody, String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(obj)) => parse_object(&obj),
        _ => Err(MALFORMED_BODY.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_defaults_and_values() {
        let q = parse_query(None).unwrap();
        assert_eq!((q.format, q.vendor), (Format::List, Vendor::Techwolf));
        let q = parse_query(Some(
            "response_format=hierarchy&external_vendor=sap_attribute_library",
        ))
        .unwrap();
        assert_eq!(
            (q.format, q.vendor),
            (Format::Hierarchy, Vendor::SapAttributeLibrary)
        );
        assert!(parse_query(Some("response_format=tree")).is_err());
        assert!(parse_query(Some("external_vendor=oracle")).is_err());
        assert!(parse_query(Some("foo=bar")).is_err());
        assert!(parse_query(Some("response_format=%ZZ")).is_err());
    }

    #[test]
    fn body_rules() {
        let b = parse_body(br#"{"limit": 10, "include": ["ai_impact"], "filters": [{"filter": "is_active", "is_active": false}]}"#).unwrap();
        assert_eq!(b.limit, 10);
        assert!(b.include.ai_impact && !b.include.weekly_hours);
        assert_eq!(b.active_filter, vec![false]);
        for bad in [
            r#"{"limit": 0}"#,
            r#"{"limit": 101}"#,
            r#"{"limit": -1}"#,
            r#"{"limit": 1.5}"#,
            r#"{"limit": 18446744073709551615}"#,
            r#"{"limit": "5"}"#,
            r#"{}"#,
            r#"{"limit": 5, "include": ["everything"]}"#,
            r#"{"limit": 5, "include": "ai_impact"}"#,
            r#"{"limit": 5, "filters": [{"filter": "is_manager", "is_manager": true}]}"#,
            r#"{"limit": 5, "filters": [{"filter": "is_active", "is_active": "yes"}]}"#,
            r#"{"limit": 5, "filters": [{"filter": "is_active"}]}"#,
            r#"{"limit": 5, "starting_after": 3}"#,
            r#"{"limit": 5, "page": 2}"#,
        ] {
            let err = parse_body(bad.as_bytes()).unwrap_err();
            assert_ne!(err, MALFORMED_BODY, "{bad}");
        }
        for malformed in ["", "[1]", "nope", "{\"limit\": 5"] {
            assert_eq!(
                parse_body(malformed.as_bytes()).unwrap_err(),
                MALFORMED_BODY
            );
        }
    }
}

//! Export parameters: validated before anything is sent, and turned into the vendor's request.

use crate::json::write::quoted;
use crate::json::{Map, Value};

use super::client_config::int_option;
use crate::error::{Error, Result};
use crate::page::Shape;

/// An attribute `include` adds to every task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    /// `ai_impact`: the task's AI impact level and its rationale.
    AiImpact,
    /// `source_events`: where the task was found.
    SourceEvents,
    /// `linked_skills`: the skills the task uses.
    LinkedSkills,
    /// `rejected_tasks`: tasks the employee rejected, too.
    RejectedTasks,
    /// `weekly_hours`: the hours a week the task takes.
    WeeklyHours,
}

impl Include {
    /// Every value the contract documents, in its order.
    pub const ALL: [Include; 5] = [
        Include::AiImpact,
        Include::SourceEvents,
        Include::LinkedSkills,
        Include::RejectedTasks,
        Include::WeeklyHours,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Include::AiImpact => "ai_impact",
            Include::SourceEvents => "source_events",
            Include::LinkedSkills => "linked_skills",
            Include::RejectedTasks => "rejected_tasks",
            Include::WeeklyHours => "weekly_hours",
        }
    }
}

/// The vocabulary the names of linked skills are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// `techwolf`.
    Techwolf,
    /// `workday`.
    Workday,
    /// `sap_attribute_library`.
    SapAttributeLibrary,
}

impl Vendor {
    const ALL: [Vendor; 3] = [
        Vendor::Techwolf,
        Vendor::Workday,
        Vendor::SapAttributeLibrary,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Techwolf => "techwolf",
            Vendor::Workday => "workday",
            Vendor::SapAttributeLibrary => "sap_attribute_library",
        }
    }
}

/// Validated export parameters.
#[derive(Debug, Clone)]
pub struct ExportParams {
    /// Records per page (1 to 100).
    pub limit: u8,
    /// The `external_id` to start after (`None`: the first employee).
    pub starting_after: Option<String>,
    /// `None` when the caller gave no `include` (the field is then left out of the request).
    pub include: Option<Vec<Include>>,
    /// The vocabulary linked skills are named in (`None`: the server's default).
    pub external_vendor: Option<Vendor>,
    /// The shape records come in.
    pub response_format: Shape,
    /// Filters as the caller gave them, members in their order (sent as their JSON).
    pub filters: Option<Vec<Value>>,
}

const KNOWN_PARAMS: &[&str] = &[
    "limit",
    "startingAfter",
    "include",
    "externalVendor",
    "responseFormat",
    "filters",
];

impl ExportParams {
    /// Parses the params object given as JSON text (camelCase keys).
    pub fn from_json(json: &str) -> Result<Self> {
        let value: Value =
            crate::json::from_str(json).map_err(|e| Error::invalid_params("params", e))?;
        Self::from_value(&value)
    }

    /// Validates the params object (camelCase keys, without `signal` and `onProgress`).
    pub fn from_value(value: &Value) -> Result<Self> {
        let Value::Object(params) = value else {
            return Err(Error::invalid_params("params", "expected an object"));
        };
        for key in params.keys() {
            if !KNOWN_PARAMS.contains(&key.as_str()) {
                return Err(Error::invalid_params(
                    key,
                    format!(
                        "unknown parameter (known: {}, signal, onProgress)",
                        KNOWN_PARAMS.join(", ")
                    ),
                ));
            }
        }
        Ok(ExportParams {
            limit: int_option(params, "limit", 1, 100)?.unwrap_or(100) as u8,
            starting_after: starting_after(params)?,
            include: include(params)?,
            external_vendor: external_vendor(params)?,
            response_format: response_format(params)?,
            filters: filters(params)?,
        })
    }

    /// The path and query of the request.
    pub fn path_and_query(&self) -> String {
        let mut path = format!(
            "/export/employees/task_profiles?response_format={}",
            self.response_format.as_str()
        );
        if let Some(vendor) = self.external_vendor {
            path.push_str("&external_vendor=");
            path.push_str(vendor.as_str());
        }
        path
    }

    /// The JSON body of the request for the page after `cursor`.
    pub fn body(&self, cursor: Option<&str>) -> String {
        let mut body = format!("{{\"limit\":{}", self.limit);
        if let Some(cursor) = cursor {
            body.push_str(",\"starting_after\":");
            body.push_str(&Value::String(cursor.to_string()).to_string());
        }
        if let Some(include) = &self.include {
            body.push_str(",\"include\":[");
            for (i, item) in include.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push('"');
                body.push_str(item.as_str());
                body.push('"');
            }
            body.push(']');
        }
        if let Some(filters) = &self.filters {
            body.push_str(",\"filters\":[");
            for (i, filter) in filters.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(&filter.to_string());
            }
            body.push(']');
        }
        body.push('}');
        body
    }
}

fn starting_after(params: &Map) -> Result<Option<String>> {
    match params.get("startingAfter") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(Error::invalid_params(
            "startingAfter",
            "must not be empty (leave it out to start at the first employee)",
        )),
        Some(other) => Err(Error::invalid_params(
            "startingAfter",
            format!(
                "expected a string (an employee's external_id), got {}",
                other.type_name()
            ),
        )),
    }
}

fn include(params: &Map) -> Result<Option<Vec<Include>>> {
    let names = || {
        Include::ALL
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let items = match params.get("include") {
        None => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Error::invalid_params(
                "include",
                format!(
                    "expected an array of {}, got {}",
                    names(),
                    other.type_name()
                ),
            ))
        }
    };
    let mut include = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let found = item
            .as_str()
            .and_then(|s| Include::ALL.into_iter().find(|inc| inc.as_str() == s));
        match found {
            Some(inc) if !include.contains(&inc) => include.push(inc),
            Some(inc) => {
                return Err(Error::invalid_params(
                    &format!("include[{i}]"),
                    format!("{} is listed twice", quoted(inc.as_str())),
                ))
            }
            None => {
                return Err(Error::invalid_params(
                    &format!("include[{i}]"),
                    format!("{item} is not one of {}", names()),
                ))
            }
        }
    }
    Ok(Some(include))
}

fn external_vendor(params: &Map) -> Result<Option<Vendor>> {
    match params.get("externalVendor") {
        None => Ok(None),
        Some(value) => Vendor::ALL
            .into_iter()
            .find(|v| value.as_str() == Some(v.as_str()))
            .map(Some)
            .ok_or_else(|| {
                Error::invalid_params(
                    "externalVendor",
                    format!("{value} is not one of techwolf, workday, sap_attribute_library"),
                )
            }),
    }
}

fn response_format(params: &Map) -> Result<Shape> {
    match params.get("responseFormat") {
        None => Ok(Shape::default()),
        Some(Value::String(name)) => Shape::parse("responseFormat", name),
        Some(other) => Err(Error::invalid_params(
            "responseFormat",
            format_args!(
                "expected \"list\" or \"hierarchy\", got {}",
                other.type_name()
            ),
        )),
    }
}

fn filters(params: &Map) -> Result<Option<Vec<Value>>> {
    let items = match params.get("filters") {
        None => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Error::invalid_params(
                "filters",
                format!(
                    "expected an array of filter objects such as {{\"filter\": \"is_active\", \"is_active\": true}}, got {}",
                    other.type_name()
                ),
            ))
        }
    };
    for (i, item) in items.iter().enumerate() {
        let field = format!("filters[{i}]");
        let Value::Object(filter) = item else {
            return Err(Error::invalid_params(
                &field,
                format!("expected an object, got {}", item.type_name()),
            ));
        };
        match filter.get("filter") {
            Some(Value::String(name)) if !name.is_empty() => {}
            _ => return Err(Error::invalid_params(
                &field,
                "needs a \"filter\" name, e.g. {\"filter\": \"is_active\", \"is_active\": true}",
            )),
        }
    }
    Ok(Some(items.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn err(json: &str) -> String {
        let e = ExportParams::from_json(json).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams);
        e.message
    }

    #[test]
    fn defaults_make_the_smallest_request() {
        let p = ExportParams::from_json("{}").unwrap();
        assert_eq!(p.limit, 100);
        assert_eq!(
            p.path_and_query(),
            "/export/employees/task_profiles?response_format=list"
        );
        assert_eq!(p.body(None), r#"{"limit":100}"#);
    }

    #[test]
    fn every_param_reaches_the_request() {
        let p = ExportParams::from_json(
            r#"{"limit":10,"startingAfter":"id_0","include":["ai_impact","weekly_hours"],
                "externalVendor":"workday","responseFormat":"hierarchy",
                "filters":[{"filter":"is_active","is_active":true}]}"#,
        )
        .unwrap();
        assert_eq!(p.starting_after.as_deref(), Some("id_0"));
        assert_eq!(
            p.path_and_query(),
            "/export/employees/task_profiles?response_format=hierarchy&external_vendor=workday"
        );
        let body: serde_json::Value = serde_json::from_str(&p.body(Some("id \"4\""))).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"limit":10,"starting_after":"id \"4\"","include":["ai_impact","weekly_hours"],
                "filters":[{"filter":"is_active","is_active":true}]})
        );
    }

    #[test]
    fn filters_are_sent_as_given() {
        let p =
            ExportParams::from_json(r#"{"filters":[{"filter":"x","z":1,"a":[1.5,{"b":null}]}]}"#)
                .unwrap();
        assert_eq!(
            p.body(None),
            r#"{"limit":100,"filters":[{"filter":"x","z":1,"a":[1.5,{"b":null}]}]}"#
        );
    }

    #[test]
    fn invalid_params_name_the_field() {
        assert!(
            err(r#"{"limit":0}"#).starts_with("limit: expected an integer from 1 to 100, got 0")
        );
        assert!(err(r#"{"limit":101}"#).starts_with("limit:"));
        assert!(err(r#"{"limit":"5"}"#).starts_with("limit:"));
        assert!(err(r#"{"limit":2.5}"#).starts_with("limit:"));
        assert!(err(r#"{"include":"ai_impact"}"#).starts_with("include: expected an array"));
        assert!(err(r#"{"include":["ai_impact","skills"]}"#)
            .starts_with("include[1]: \"skills\" is not one of"));
        assert!(err(r#"{"include":["ai_impact","ai_impact"]}"#).contains("twice"));
        assert!(err(r#"{"externalVendor":"oracle"}"#).starts_with("externalVendor:"));
        assert!(err(r#"{"responseFormat":"tree"}"#).starts_with("responseFormat:"));
        assert!(
            err(r#"{"filters":{"filter":"is_active"}}"#).starts_with("filters: expected an array")
        );
        assert!(err(r#"{"filters":[5]}"#).starts_with("filters[0]: expected an object"));
        assert!(err(r#"{"filters":[{"is_active":true}]}"#)
            .starts_with("filters[0]: needs a \"filter\""));
        assert!(err(r#"{"startingAfter":5}"#).starts_with("startingAfter:"));
        assert!(err(r#"{"startingAfter":""}"#).starts_with("startingAfter:"));
        assert!(err(r#"{"limt":5}"#).starts_with("limt: unknown parameter"));
    }
}

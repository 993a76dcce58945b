//! Structure-aware inputs built with `arbitrary`, for the code plain bytes rarely reach: records
//! of either shape whose ids, groups and paths line up (the shape laws), client options and
//! export params made of the values each field is checked against, and vendor error bodies.
//! Every builder writes JSON text, so that the same text is what the core reads.

use arbitrary::{Result, Unstructured};

/// Task names and other text: plain, non-ASCII, escaped, formula-like (CSV), empty.
const TEXTS: &[&str] = &[
    "Draft the forecast",
    "ünïcødé 𝄞",
    r#"quo\"te, comma"#,
    r#"line\nbreak\r\n"#,
    r#"\u00e9t\u00e9 \ud83d\ude00"#,
    r#"\ud800 lone"#,
    "=SUM(A1:A9)",
    "+1",
    "-2",
    "@cmd",
    r#"\tTab"#,
    "",
];
const STATES: &[&str] = &[
    r#""validated""#,
    r#""suggested""#,
    r#""rejected""#,
    r#""rej\u0065cted""#,
    "null",
    "7",
];
const LEVELS: &[&str] = &[
    r#"{"level":"H1","rationale":"Needs judgement, \"mostly\""}"#,
    r#"{"level":"H2"}"#,
    r#"{"level":"H\u0032","rationale":null}"#,
    r#"{"level":null}"#,
    r#"{"level":3}"#,
    "null",
    "{}",
];
const HOURS: &[&str] = &[
    "2.5",
    "0",
    "-0.0",
    "1e-7",
    "40",
    "12345678901234567890",
    "1.5E+300",
    "null",
    r#""3""#,
    "-1",
];
const EXTRA_NAMES: &[&str] = &["confidence", "meta", "ünï", r#"t\tab"#, r#"\u0065xtra"#];
const EXTRA_VALUES: &[&str] = &[
    "12345678901234567890",
    "0.1",
    "-0.0",
    "2.50",
    r#""plain""#,
    r#"{"a":[1,2.50,{"b":null}],"c":true}"#,
    "[]",
    "{}",
    "null",
    "false",
];

fn pick<'a>(u: &mut Unstructured, from: &[&'a str]) -> Result<&'a str> {
    u.choose(from).copied()
}

/// `"key":value,` for a few unknown members.
fn extras(u: &mut Unstructured, out: &mut String) -> Result<()> {
    for _ in 0..u.int_in_range(0..=2)? {
        let name = pick(u, EXTRA_NAMES)?;
        let value = pick(u, EXTRA_VALUES)?;
        out.push_str(&format!("\"{name}\":{value},"));
    }
    Ok(())
}

/// How ids are drawn: mostly fresh (the laws' conditions), sometimes repeated (conflicts,
/// duplicates, the same task at two places).
struct Ids {
    next: usize,
}

impl Ids {
    fn task(&mut self, u: &mut Unstructured) -> Result<String> {
        if u.ratio(1, 6)? {
            return Ok(format!("t{}", u.int_in_range(0..=3)?));
        }
        self.next += 1;
        // Some ids spelled with an escape: the same id to every reader.
        Ok(if self.next.is_multiple_of(5) {
            format!("t{}\\u0041", self.next)
        } else {
            format!("t{}", self.next)
        })
    }
}

/// The fields of a task (list task or task node) but `children`, ending with `,`.
fn task_fields(u: &mut Unstructured, ids: &mut Ids, out: &mut String) -> Result<String> {
    extras(u, out)?;
    let id = ids.task(u)?;
    out.push_str(&format!(
        r#""task_id":"{id}","task":"{}","#,
        pick(u, TEXTS)?
    ));
    if u.ratio(4, 5)? {
        out.push_str(&format!(r#""validation_state":{},"#, pick(u, STATES)?));
    }
    if u.arbitrary()? {
        out.push_str(&format!(r#""weekly_hours":{},"#, pick(u, HOURS)?));
    }
    if u.arbitrary()? {
        out.push_str(&format!(r#""ai_impact":{},"#, pick(u, LEVELS)?));
    }
    if u.arbitrary()? {
        out.push_str(r#""linked_skills":["#);
        for i in 0..u.int_in_range(0..=3)? {
            if i > 0 {
                out.push(',');
            }
            let k = u.int_in_range(0..=4)?;
            out.push_str(&format!(
                r#"{{"skill_id":"s{k}","skill":"{}"}}"#,
                pick(u, TEXTS)?
            ));
        }
        out.push_str("],");
    }
    if u.arbitrary()? {
        out.push_str(r#""source_events":["#);
        for i in 0..u.int_in_range(0..=2)? {
            if i > 0 {
                out.push(',');
            }
            let kind = pick(u, &["email", "calendar", "=tickets", r#"\u0065mail"#])?;
            out.push_str(&format!(r#"{{"event_type":"{kind}","at":"2024-01-01"}}"#));
        }
        out.push_str("],");
    }
    Ok(id)
}

/// A hierarchy node (task or group) with up to `depth` more levels under it.
fn node(u: &mut Unstructured, ids: &mut Ids, depth: u32, out: &mut String) -> Result<()> {
    out.push('{');
    let is_task = u.ratio(3, 5)?;
    let children_first = u.arbitrary()?;
    let mut children = String::new();
    let has_children = if depth > 0 && u.ratio(1, 2)? {
        children.push_str("\"children\":");
        nodes(u, ids, depth - 1, &mut children)?;
        true
    } else if !is_task || u.ratio(1, 5)? {
        // A group needs `children`; a task may carry an empty one (data).
        children.push_str("\"children\":[]");
        true
    } else {
        false
    };
    if children_first && has_children {
        out.push_str(&children);
        out.push(',');
    }
    if is_task {
        task_fields(u, ids, out)?;
        if u.ratio(1, 20)? {
            // Off the laws' conditions: a task node with a path of its own.
            out.push_str(r#""path":[{"node_id":"g9"}],"#);
        }
    } else {
        extras(u, out)?;
        let g = u.int_in_range(0..=3)?;
        out.push_str(&format!(
            r#""node_id":"g{g}","name":"{}","#,
            pick(u, TEXTS)?
        ));
    }
    if !children_first && has_children {
        out.push_str(&children);
        out.push(',');
    }
    if out.ends_with(',') {
        out.pop();
    }
    out.push('}');
    Ok(())
}

fn nodes(u: &mut Unstructured, ids: &mut Ids, depth: u32, out: &mut String) -> Result<()> {
    out.push('[');
    for i in 0..u.int_in_range(0..=3)? {
        if i > 0 {
            out.push(',');
        }
        node(u, ids, depth, out)?;
    }
    out.push(']');
    Ok(())
}

/// A list task's `path`: group entries and parent-task entries (of earlier or unknown tasks).
fn path(u: &mut Unstructured, earlier: &[String], out: &mut String) -> Result<()> {
    out.push_str("\"path\":[");
    for i in 0..u.int_in_range(0..=3)? {
        if i > 0 {
            out.push(',');
        }
        if !earlier.is_empty() && u.ratio(1, 3)? {
            out.push_str(&format!(r#"{{"task_id":"{}"}}"#, u.choose(earlier)?));
        } else {
            let g = u.int_in_range(0..=3)?;
            out.push_str(&format!(
                r#"{{"node_id":"g{g}","name":"{}"}}"#,
                pick(u, TEXTS)?
            ));
        }
    }
    out.push_str("],");
    Ok(())
}

/// One record of either shape.
fn record(u: &mut Unstructured, ids: &mut Ids, index: usize, out: &mut String) -> Result<()> {
    out.push('{');
    extras(u, out)?;
    if u.ratio(19, 20)? {
        out.push_str(&format!(r#""external_id":"e{index}","#));
    }
    if u.arbitrary()? {
        out.push_str("\"hierarchy\":");
        nodes(u, ids, 4, out)?;
    } else {
        out.push_str("\"tasks\":[");
        let mut earlier = Vec::new();
        for i in 0..u.int_in_range(0..=5)? {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            if u.ratio(1, 3)? {
                path(u, &earlier, out)?;
            }
            if u.ratio(1, 8)? {
                out.push_str("\"children\":[],");
            }
            earlier.push(task_fields(u, ids, out)?);
            out.pop();
            out.push('}');
        }
        out.push(']');
    }
    if out.ends_with(',') {
        out.pop();
    }
    out.push('}');
    Ok(())
}

/// An array of one to four records (JSON text).
pub fn records(u: &mut Unstructured) -> Result<String> {
    let mut ids = Ids { next: 0 };
    let mut out = String::from("[");
    for i in 0..u.int_in_range(1..=4)? {
        if i > 0 {
            out.push(',');
        }
        record(u, &mut ids, i, &mut out)?;
    }
    out.push(']');
    Ok(out)
}

/// A JSON value drawn from `choices` (raw JSON), or any small value.
fn json_value(u: &mut Unstructured, choices: &[&str], out: &mut String) -> Result<()> {
    if u.ratio(7, 8)? {
        out.push_str(pick(u, choices)?);
    } else {
        any_value(u, 2, out)?;
    }
    Ok(())
}

/// Any small JSON value.
fn any_value(u: &mut Unstructured, depth: u32, out: &mut String) -> Result<()> {
    match u.int_in_range(0..=6)? {
        0 => out.push_str("null"),
        1 => out.push_str(if u.arbitrary()? { "true" } else { "false" }),
        2 => out.push_str(&u.arbitrary::<i64>()?.to_string()),
        3 => {
            let x: f64 = u.arbitrary()?;
            out.push_str(&if x.is_finite() {
                format!("{x:e}")
            } else {
                "1e400".into()
            });
        }
        4 => {
            let s: String = u.arbitrary()?;
            out.push_str(&task_profiles_core::json::Value::String(s).to_string());
        }
        5 if depth > 0 => {
            out.push('[');
            for i in 0..u.int_in_range(0..=2)? {
                if i > 0 {
                    out.push(',');
                }
                any_value(u, depth - 1, out)?;
            }
            out.push(']');
        }
        _ if depth > 0 => {
            out.push('{');
            for i in 0..u.int_in_range(0..=2)? {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("\"k{i}\":"));
                any_value(u, depth - 1, out)?;
            }
            out.push('}');
        }
        _ => out.push('0'),
    }
    Ok(())
}

const INTEGERS: &[&str] = &[
    "0",
    "1",
    "4",
    "50",
    "100",
    "101",
    "-1",
    "1.5",
    "1e2",
    "100.0",
    "4294967295",
    "4294967296",
    "9007199254740991",
    "9007199254740992",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    r#""5""#,
    "null",
    "true",
];

/// An object of the given members, each drawn from its choices, plus now and then one unknown.
fn object(u: &mut Unstructured, members: &[(&str, &[&str])]) -> Result<String> {
    let mut out = String::from("{");
    let mut first = true;
    for (key, choices) in members {
        if !u.ratio(2, 5)? {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&format!("\"{key}\":"));
        json_value(u, choices, &mut out)?;
    }
    if u.ratio(1, 10)? {
        if !first {
            out.push(',');
        }
        out.push_str(r#""unknownOption":1"#);
    }
    out.push('}');
    Ok(out)
}

/// Export params (`exportTaskProfiles`), as JSON text.
pub fn export_params(u: &mut Unstructured) -> Result<String> {
    object(
        u,
        &[
            ("limit", INTEGERS),
            (
                "startingAfter",
                &[r#""emp-0050""#, r#""""#, "null", "5", r#""ü\u0000\"""#],
            ),
            (
                "include",
                &[
                    r#"["ai_impact","source_events","linked_skills","rejected_tasks","weekly_hours"]"#,
                    r#"["ai_impact","ai_impact"]"#,
                    r#"["skills"]"#,
                    "[]",
                    r#""ai_impact""#,
                    "[1]",
                    "null",
                ],
            ),
            (
                "externalVendor",
                &[
                    r#""techwolf""#,
                    r#""workday""#,
                    r#""sap_attribute_library""#,
                    r#""SAP""#,
                    "null",
                    "1",
                ],
            ),
            (
                "responseFormat",
                &[r#""list""#, r#""hierarchy""#, r#""tree""#, "null", "[]"],
            ),
            (
                "filters",
                &[
                    r#"[{"filter":"is_active","is_active":true}]"#,
                    r#"[{"filter":"is_active","is_active":false},{"filter":"x","n":12345678901234567890}]"#,
                    r#"[{"filter":""}]"#,
                    r#"[{"is_active":true}]"#,
                    r#"[{"filter":5}]"#,
                    "[1]",
                    "[]",
                    "{}",
                    "null",
                ],
            ),
        ],
    )
}

/// Client options (`new TaskProfilesClient`, without `token` and `fetch`), as JSON text.
pub fn client_options(u: &mut Unstructured) -> Result<String> {
    object(
        u,
        &[
            (
                "baseUrl",
                &[
                    r#""https://acme.eu.techwolf.ai""#,
                    r#""https://acme.eu.techwolf.ai///""#,
                    r#""http://127.0.0.1:8080""#,
                    r#""http://127.0.0.256""#,
                    r#""http://127.1.2""#,
                    r#""http://localhost/""#,
                    r#""http://LOCALHOST:1""#,
                    r#""http://[::1]:80""#,
                    r#""http://[::1]x""#,
                    r#""http://example.com""#,
                    r#""https://user:pw@acme.ai""#,
                    r#""https://acme.ai/p?q=1#f""#,
                    r#""https://""#,
                    r#""ftp://acme.ai""#,
                    r#""https://ä.ai""#,
                    r#""""#,
                    "5",
                ],
            ),
            (
                "tenant",
                &[
                    r#""acme""#,
                    r#""acme-2""#,
                    r#""ACME""#,
                    r#""a.b""#,
                    r#""""#,
                    "1",
                ],
            ),
            (
                "region",
                &[r#""eu""#, r#""us""#, r#""EU""#, r#""asia""#, "null"],
            ),
            ("maxRetries", INTEGERS),
            ("timeoutMs", INTEGERS),
            ("maxRetryAfterMs", INTEGERS),
        ],
    )
}

/// A vendor error body: the documented form, its variants, or other text.
pub fn error_body(u: &mut Unstructured) -> Result<String> {
    const TITLES: &[&str] = &[r#""400 Bad Request""#, r#""t\u00e9""#, "null", "5", r#""""#];
    let title = pick(u, TITLES)?;
    let description = pick(u, TITLES)?;
    Ok(match u.int_in_range(0..=7)? {
        0 => format!(r#"[{{"title":{title},"description":{description}}}]"#),
        1 => format!(r#"{{"title":{title},"description":{description},"extra":1}}"#),
        2 => format!(r#"[[{title},{description}]]"#),
        3 => format!(r#"[{{"title":{title}}},{{"description":{description}}},5]"#),
        4 => format!(r#"[{{"description":{description}}},{{"title":{title}}}]"#),
        5 => "<html>502 Bad Gateway</html>".to_owned(),
        6 => "[]".to_owned(),
        _ => u.arbitrary()?,
    })
}

/// A `Retry-After` value: delay-seconds, an HTTP date, or other text.
pub fn retry_after(u: &mut Unstructured) -> Result<String> {
    const VALUES: &[&str] = &[
        "0",
        "1",
        " 2.5 ",
        "-0",
        "-1",
        "61",
        "1e9",
        "1e10",
        "1e400",
        "NaN",
        "inf",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Sun, 06 Nov 2044 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "tomorrow",
        "",
    ];
    if u.ratio(3, 4)? {
        pick(u, VALUES).map(str::to_owned)
    } else {
        u.arbitrary()
    }
}

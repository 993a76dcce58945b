//! JSON, read and written by hand: the one lexer every reader shares, the path every error
//! message starts with, a small value type, a borrowed tree of raw slices, and the writer.
//!
//! Why not serde_json: speed is the reason this code runs in wasm at all (see the `lexer` module), and
//! serde_json's reader cost the wasm module about 25 KB gzipped against a 130 KB budget. Every
//! reader here follows `JSON.parse`, which the package's records path uses: a repeated key keeps
//! its last value, escaped keys are keys, and nothing but whitespace may follow the value.

pub(crate) mod lexer;
pub(crate) mod path;
pub(crate) mod raw;
mod value;
pub(crate) mod write;

pub use lexer::MAX_DEPTH;
pub use value::{from_str, Map, Number, Value};

/// The JSON type of a raw value (its text; only the first byte is looked at), as messages name
/// it: `a string`, `a number`, `a boolean`, `null`, `an array`, `an object`.
pub(crate) fn type_name(raw: &str) -> &'static str {
    // JSON's whitespace only, as the lexer skips: `trim_start` would also pass a no-break
    // space, say, and name a value the lexer is not at (a reader then stepped into the space).
    match raw
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .as_bytes()
        .first()
    {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

impl Value {
    /// The value's JSON type, as messages name it (the same names as for raw JSON text).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_per_json_type() {
        for (raw, name) in [
            ("\"s\"", "a string"),
            (" 1.5", "a number"),
            ("-1", "a number"),
            ("true", "a boolean"),
            ("null", "null"),
            ("[]", "an array"),
            ("{}", "an object"),
        ] {
            assert_eq!(type_name(raw), name);
            assert_eq!(from_str(raw).unwrap().type_name(), name);
        }
    }
}

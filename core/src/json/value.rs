//! A small JSON value for the cold readers (client options, export params, the stats' persisted
//! form, vendor error bodies), read with the shared lexer instead of `serde_json::Value`,
//! whose deserialiser drags serde's error formatting (float `Display`, `Unexpected`) into the
//! wasm module. It also crosses the wasm boundary: it implements serde's `Serialize`, which
//! serde-wasm-bindgen uses to carry summaries, trees and persisted forms out to JS.

use std::fmt;

use super::lexer::{Lexer, PResult, EOF_VALUE, EXPECTED_VALUE};
use super::write::{push_f64, push_json_str};

/// An object: members in the order they first appeared; a repeated key keeps its first place and
/// takes its last value, as `JSON.parse` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map(Vec::new())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The members, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Builds a [`Map`] member by member; repeated keys are found with a hash index once the object
/// is large, so that hostile input with many keys stays linear.
#[derive(Default)]
struct MapBuilder {
    members: Vec<(String, Value)>,
    index: Option<rustc_hash::FxHashMap<String, usize>>,
}

impl MapBuilder {
    const INDEX_FROM: usize = 16;

    fn insert(&mut self, key: String, value: Value) {
        if self.index.is_none() && self.members.len() >= Self::INDEX_FROM {
            let index = self
                .members
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            self.index = Some(index);
        }
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.members.iter().position(|(k, _)| *k == key),
        };
        match found {
            Some(i) => self.members[i].1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), self.members.len());
                }
                self.members.push((key, value));
            }
        }
    }

    fn finish(self) -> Map {
        Map(self.members)
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut b = MapBuilder::default();
        for (k, v) in iter {
            b.insert(k, v);
        }
        b.finish()
    }
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number as `serde_json` holds it: a non-negative integer, a negative one, or a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer from 0 to `u64::MAX`.
    PosInt(u64),
    /// A negative integer from `i64::MIN`.
    NegInt(i64),
    /// Any other number (fractional, with an exponent, `-0`, or beyond the integer ranges).
    Float(f64),
}

impl Number {
    /// A JS number as JSON writes it: an integer when it is one (`5`, not `5.0`; `-0` is `0`),
    /// else a float. `None` for NaN and the infinities, which JSON has no way to write.
    pub fn from_f64(x: f64) -> Option<Number> {
        if !x.is_finite() {
            None
        } else if x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER {
            Some(if x >= 0.0 {
                Number::PosInt(x as u64)
            } else {
                Number::NegInt(x as i64)
            })
        } else {
            Some(Number::Float(x))
        }
    }

    /// The number as a `u64`, when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }

    /// Whether the number is held as a float.
    pub fn is_f64(&self) -> bool {
        matches!(self, Number::Float(_))
    }

    /// Whether the number is an integer that fits an `i64`.
    pub fn is_i64(&self) -> bool {
        match *self {
            Number::PosInt(n) => n <= i64::MAX as u64,
            Number::NegInt(_) => true,
            Number::Float(_) => false,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            Number::PosInt(n) => write!(f, "{n}"),
            Number::NegInt(n) => write!(f, "{n}"),
            Number::Float(x) => {
                let mut out = String::new();
                push_f64(&mut out, x);
                f.write_str(&out)
            }
        }
    }
}

impl Value {
    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as a `u64`, when the value is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The object, when the value is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// Parses JSON text as `JSON.parse` does (a repeated key keeps its last value); the error says
/// what is wrong and where (`invalid JSON: ... at line 1 column 5`).
pub fn from_str(text: &str) -> Result<Value, String> {
    let mut lx = Lexer::new(text);
    match value(&mut lx).and_then(|v| lx.end().map(|()| v)) {
        Ok(v) => Ok(v),
        Err(_) => Err(lx.problem()),
    }
}

fn value(lx: &mut Lexer<'_>) -> PResult<Value> {
    lx.ws();
    Ok(match lx.peek() {
        Some(b'"') => Value::String(lx.string()?.into_owned()),
        Some(b'{') => {
            lx.enter()?;
            let mut map = MapBuilder::default();
            let mut first = true;
            while let Some(k) = lx.next_key(&mut first)? {
                let k = k.into_owned();
                let v = value(lx)?;
                map.insert(k, v);
            }
            Value::Object(map.finish())
        }
        Some(b'[') => {
            lx.enter()?;
            let mut items = Vec::new();
            let mut first = true;
            while lx.next_element(&mut first)? {
                items.push(value(lx)?);
            }
            Value::Array(items)
        }
        Some(b't') => lx.literal("true").map(|()| Value::Bool(true))?,
        Some(b'f') => lx.literal("false").map(|()| Value::Bool(false))?,
        Some(b'n') => lx.literal("null").map(|()| Value::Null)?,
        Some(b'-' | b'0'..=b'9') => Value::Number(number(lx)?),
        None => return lx.syntax(EOF_VALUE),
        Some(_) => return lx.syntax(EXPECTED_VALUE),
    })
}

fn number(lx: &mut Lexer<'_>) -> PResult<Number> {
    let text = lx.number_text()?;
    let integer = !text.contains(['.', 'e', 'E']);
    if integer {
        if let Some(digits) = text.strip_prefix('-') {
            if let Ok(n) = digits.parse::<u64>() {
                // As serde_json: `-0` and magnitudes beyond `i64` are floats.
                let neg = (n as i64).wrapping_neg();
                return Ok(if neg >= 0 {
                    Number::Float(-(n as f64))
                } else {
                    Number::NegInt(neg)
                });
            }
        } else if let Ok(n) = text.parse::<u64>() {
            return Ok(Number::PosInt(n));
        }
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Number::Float(x)),
        _ => lx.syntax("number out of the range of a double"),
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

/// Compact JSON text, as `serde_json` writes a value.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut out = String::new();
        write_value(&mut out, self);
        f.write_str(&out)
    }
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => push_json_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_str(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

// ------------------------------------------------------------------ serde

/// The largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            // Integers beyond 2^53 as the nearest double, as `JSON.parse` reads them: the
            // serialiser this exists for (serde-wasm-bindgen) refuses larger integers.
            Value::Number(Number::PosInt(n)) if *n as f64 > MAX_SAFE_INTEGER => {
                s.serialize_f64(*n as f64)
            }
            Value::Number(Number::NegInt(n)) if (*n as f64) < -MAX_SAFE_INTEGER => {
                s.serialize_f64(*n as f64)
            }
            Value::Number(Number::PosInt(n)) => s.serialize_u64(*n),
            Value::Number(Number::NegInt(n)) => s.serialize_i64(*n),
            Value::Number(Number::Float(x)) => s.serialize_f64(*x),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for (k, v) in map.iter() {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_json_parse_does() {
        for text in [
            r#"{"b":[1,-2,2.5,-0,1e2,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809],"a":{"x":null,"y":true,"z":false},"s":"q\"\\\n\u00e9\ud83d\ude00","a":"last"}"#,
            "[]",
            "  \"x\"  ",
            "0.1",
        ] {
            let ours = from_str(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            // The same value (serde_json sorts keys; ours keeps their order), written the same way.
            let reread: serde_json::Value = serde_json::from_str(&ours.to_string()).unwrap();
            assert_eq!(reread, theirs, "{text}");
        }
        // What serde_json reads as a value is written the same way through serde.
        for text in [
            r#"{"z":[1,-2,2.5,null,true,"s"],"a":{"b":{}}}"#,
            "[]",
            "0.1",
        ] {
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            let ours = from_str(text).unwrap();
            assert_eq!(serde_json::to_value(&ours).unwrap(), theirs);
        }
        // JS numbers: integers are integers (-0 is 0), NaN and the infinities are no JSON.
        let numbers: Vec<_> = [5.0, -0.0, 2.5, -3.0, 1e300]
            .map(|x| Value::Number(Number::from_f64(x).unwrap()).to_string())
            .into();
        assert_eq!(numbers, ["5", "0", "2.5", "-3", "1e+300"]);
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(Number::from_f64(f64::INFINITY), None);
        // Members keep their first place and their last value, as JSON.parse does.
        assert_eq!(
            from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap().to_string(),
            r#"{"b":3,"a":2}"#
        );
        let many: String = (0..40).map(|i| format!("\"k{}\":{i},", i % 20)).collect();
        let v = from_str(&format!("{{{}\"z\":0}}", many)).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 21);
        assert_eq!(
            v.as_object().unwrap().get("k3").and_then(Value::as_u64),
            Some(23)
        );
        let v = from_str("[5,-5,5.0]").unwrap();
        let Value::Array(items) = v else { panic!() };
        assert_eq!(items[0].as_u64(), Some(5));
        assert_eq!(items[1].as_u64(), None);
        assert!(matches!(&items[2], Value::Number(n) if n.is_f64()));
        assert_eq!(
            from_str("{\"a\":[1,]}").unwrap_err(),
            "invalid JSON: expected a value at line 1 column 9"
        );
        assert_eq!(
            from_str("[1e400]").unwrap_err(),
            "invalid JSON: number out of the range of a double at line 1 column 7"
        );
        // An unpaired surrogate escape is JSON (serde_json refuses it; JSON.parse does not): it
        // reads as U+FFFD, as such a JS string reads in Rust.
        assert_eq!(
            from_str("\"\\ud800\"").unwrap(),
            Value::String("\u{fffd}".into())
        );
        for bad in ["", "nope", "{", "[1,]", "{\"a\":1}x", "1e400"] {
            assert!(from_str(bad).is_err(), "{bad}");
            assert!(
                serde_json::from_str::<serde_json::Value>(bad).is_err(),
                "{bad}"
            );
        }
    }
}

//! A small JSON value for the cold option and persistence readers (client options, export
//! params, the stats' persisted form, vendor error bodies). Read with the stats scanner instead
//! of `serde_json::Value`, whose deserialiser drags serde's error formatting (float `Display`,
//! `Unexpected`) into the wasm module. Its API is the subset of `serde_json::Value` those readers use.

use std::collections::BTreeMap;
use std::fmt;

use crate::stats::parse::{PResult, Parser, Scratch};
use crate::stats::push_json_str;

/// An object: keys sorted, the last of duplicate keys kept (as `serde_json::Map`).
pub(crate) type Map = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON number as `serde_json` holds it: a non-negative integer, a negative one, or a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn is_f64(&self) -> bool {
        matches!(self, Number::Float(_))
    }

    pub(crate) fn is_i64(&self) -> bool {
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
            // As serde_json writes a finite float (shortest round-trip).
            Number::Float(x) => f.write_str(&serde_json::to_string(&x).unwrap_or_default()),
        }
    }
}

impl Value {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// Parses JSON text; the error says what is wrong and where (`... at line 1 column 5`).
pub(crate) fn from_str(text: &str) -> Result<Value, String> {
    let mut scratch = Scratch::default();
    let mut p = Parser::new(text, &mut scratch);
    match value(&mut p).and_then(|v| p.end().map(|()| v)) {
        Ok(v) => Ok(v),
        Err(_) => {
            let message = p.take_error().message;
            Err(match message.strip_prefix("body: ") {
                Some(problem) => problem.to_owned(),
                None => message,
            })
        }
    }
}

fn value(p: &mut Parser<'_, '_>) -> PResult<Value> {
    p.ws();
    Ok(match p.peek() {
        Some(b'"') => Value::String(p.string()?.into_owned()),
        Some(b'{') => {
            p.begin_object("an object")?;
            let mut map = Map::new();
            let mut first = true;
            while let Some(k) = p.next_key(&mut first)? {
                let k = k.into_owned();
                let v = value(p)?;
                map.insert(k, v);
            }
            Value::Object(map)
        }
        Some(b'[') => {
            p.begin_array("an array")?;
            let mut items = Vec::new();
            let mut first = true;
            while p.next_element(&mut first)? {
                items.push(value(p)?);
            }
            Value::Array(items)
        }
        Some(b't') => p.literal("true").map(|()| Value::Bool(true))?,
        Some(b'f') => p.literal("false").map(|()| Value::Bool(false))?,
        Some(b'n') => p.literal("null").map(|()| Value::Null)?,
        Some(b'-' | b'0'..=b'9') => Value::Number(number(p)?),
        None => return p.fail("EOF while parsing a value"),
        Some(_) => return p.fail("expected value"),
    })
}

fn number(p: &mut Parser<'_, '_>) -> PResult<Number> {
    let text = p.number_text()?;
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
        _ => p.fail("number out of range"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_serde_json_does() {
        for text in [
            r#"{"b":[1,-2,2.5,-0,1e2,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809],"a":{"x":null,"y":true,"z":false},"s":"q\"\\\n\u00e9\ud83d\ude00","a":"last"}"#,
            "[]",
            "  \"x\"  ",
            "0.1",
        ] {
            let ours = from_str(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
        let v = from_str("[5,-5,5.0]").unwrap();
        let Value::Array(items) = v else { panic!() };
        assert_eq!(items[0].as_u64(), Some(5));
        assert_eq!(items[1].as_u64(), None);
        assert!(matches!(&items[2], Value::Number(n) if n.is_f64()));
        for bad in [
            "",
            "nope",
            "{",
            "[1,]",
            "{\"a\":1}x",
            "1e400",
            "\"\\ud800\"",
        ] {
            assert!(from_str(bad).is_err(), "{bad}");
            assert!(
                serde_json::from_str::<serde_json::Value>(bad).is_err(),
                "{bad}"
            );
        }
    }
}

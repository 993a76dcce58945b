//! A borrowed tree of raw JSON, and its writer.
//!
//! An object is an order-preserving list of members: the key as its raw (still escaped) JSON text
//! with quotes, what the key means to the reader (a [`Schema`]'s `Key`), and the value. Values
//! are kept as their raw JSON slice ([`Val::Raw`]), except the arrays the schema descends into
//! ([`Val::Arr`]), which are read in the same pass. Nothing is unescaped or re-encoded, so a
//! value that is not restructured is copied to the output byte for byte.
//!
//! A key the schema knows appears once: a repeated one keeps its first place and takes its last
//! value, as `JSON.parse` does. Other keys are kept as they come (a reader of the output takes
//! their last value, as it would have from the input).

use std::borrow::Cow;

use super::lexer::{Lexer, PResult};
use super::path::Path;
use crate::error::{Error, Result};

/// What a reader wants from the objects of one context.
pub(crate) trait Schema: Copy {
    /// What a key means to the reader.
    type Key: Copy + Eq;

    /// Classifies a raw key (quotes included), decoding escapes.
    fn classify(raw_key: &str) -> Self::Key;

    /// A distinct bit for each key the reader uses, 0 for the others (which may repeat).
    fn bit(key: Self::Key) -> u32;

    /// The schema of the elements of the array under `key`, when the reader descends into it.
    fn descend(self, key: Self::Key) -> Option<Self>;
}

/// One member of an object.
pub(crate) struct Member<'a, K> {
    /// The key's raw JSON text, quotes included.
    pub raw_key: &'a str,
    pub key: K,
    pub val: Val<'a, K>,
}

/// A member's value.
pub(crate) enum Val<'a, K> {
    /// Not looked into: the raw JSON text.
    Raw(&'a str),
    /// An array the schema descends into.
    Arr(Vec<Item<'a, K>>),
    /// A key the schema descends into, whose value is not an array: the JSON type found.
    Wrong(&'static str),
}

impl<K> Val<'_, K> {
    /// Whether the value is an empty array (`[]`, whitespace inside allowed).
    pub fn is_empty_array(&self) -> bool {
        match self {
            Val::Arr(items) => items.is_empty(),
            Val::Raw(raw) => {
                let inside = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
                inside.is_some_and(|r| r.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')))
            }
            Val::Wrong(_) => false,
        }
    }
}

/// An element of an array the schema descends into.
pub(crate) enum Item<'a, K> {
    Obj(Obj<'a, K>),
    /// Not an object: the JSON type found instead.
    Wrong(&'static str),
}

/// An object, members in input order.
pub(crate) struct Obj<'a, K> {
    pub members: Vec<Member<'a, K>>,
}

impl<'a, K: Copy + Eq> Obj<'a, K> {
    /// The value of the member with this key.
    pub fn get(&self, key: K) -> Option<&Val<'a, K>> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.val)
    }

    /// The raw value of the member with this key (`None` when absent or descended into).
    pub fn raw(&self, key: K) -> Option<&'a str> {
        match self.get(key) {
            Some(Val::Raw(raw)) => Some(raw),
            _ => None,
        }
    }

    /// Whether the object has a member with this key.
    pub fn has(&self, key: K) -> bool {
        self.members.iter().any(|m| m.key == key)
    }
}

impl<'a, K> Item<'a, K> {
    /// The object, or the error for a non-object element at `at`.
    pub fn obj(&self, at: &Path) -> Result<&Obj<'a, K>> {
        match self {
            Item::Obj(o) => Ok(o),
            Item::Wrong(t) => Err(Error::invalid_input(
                &at.to_string(),
                format_args!("expected an object, found {t}"),
            )),
        }
    }
}

/// A whole input: one object, or an array of objects.
pub(crate) enum Doc<'a, K> {
    One(Obj<'a, K>),
    Many(Vec<Item<'a, K>>),
    /// Neither: the JSON type found.
    Wrong(&'static str),
}

/// Reads one value as a [`Doc`]: a top-level object with schema `one`, the elements of a
/// top-level array with `each`.
pub(crate) fn doc<'a, S: Schema>(lx: &mut Lexer<'a>, one: S, each: S) -> PResult<Doc<'a, S::Key>> {
    Ok(match lx.type_here() {
        "an object" => Doc::One(object(lx, one)?),
        "an array" => Doc::Many(items(lx, each)?),
        t => {
            lx.skip_value()?;
            Doc::Wrong(t)
        }
    })
}

/// Reads a raw array value (from a tree read before) whose elements are objects of schema
/// `each`; `at` names it in errors. The text was checked to be JSON when it was first read.
pub(crate) fn parse_array<'a, S: Schema>(
    raw: &'a str,
    each: S,
    at: &Path,
) -> Result<Vec<Item<'a, S::Key>>> {
    let mut lx = Lexer::new(raw);
    match lx.type_here() {
        "an array" => {
            items(&mut lx, each).map_err(|_| Error::invalid_input(&at.to_string(), lx.problem()))
        }
        t => Err(Error::invalid_input(
            &at.to_string(),
            format_args!("expected an array, found {t}"),
        )),
    }
}

/// A raw value read as an object with schema `schema`; `None` when it is no object.
pub(crate) fn parse_object<S: Schema>(raw: &str, schema: S) -> Option<Obj<'_, S::Key>> {
    let mut lx = Lexer::new(raw);
    if lx.type_here() != "an object" {
        return None;
    }
    object(&mut lx, schema).ok()
}

/// The string a raw value holds, borrowed when it has no escapes; `None` when it is no string.
///
/// JSON allows escaped unpaired surrogates (`"\ud83d"`), which JS accepts but a Rust string
/// cannot hold; such a string is identified by its raw escaped text instead, so that two
/// different ones stay different.
pub(crate) fn str_of(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.starts_with('"') || !raw.ends_with('"') || raw.len() < 2 {
        return None;
    }
    let inner = raw.get(1..raw.len() - 1)?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    if has_unpaired_surrogate(inner) {
        return Some(Cow::Borrowed(inner));
    }
    let mut lx = Lexer::new(raw);
    Some(match lx.string() {
        Ok(s) if lx.pos == raw.len() => Cow::Owned(s.into_owned()),
        _ => Cow::Borrowed(inner),
    })
}

/// Whether the escapes of a string's raw text (without quotes) hold an unpaired surrogate.
fn has_unpaired_surrogate(inner: &str) -> bool {
    let b = inner.as_bytes();
    let hex = |at: usize| {
        b.get(at..at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        match hex(i + 2) {
            Some(0xD800..=0xDBFF) => {
                let low = b.get(i + 6..i + 8) == Some(b"\\u")
                    && matches!(hex(i + 8), Some(0xDC00..=0xDFFF));
                if !low {
                    return true;
                }
                i += 12;
            }
            Some(0xDC00..=0xDFFF) => return true,
            _ => i += 6,
        }
    }
    false
}

/// The elements of the array at the lexer (its `[` next).
pub(crate) fn items<'a, S: Schema>(lx: &mut Lexer<'a>, each: S) -> PResult<Vec<Item<'a, S::Key>>> {
    lx.enter()?;
    let mut items = Vec::new();
    let mut first = true;
    while lx.next_element(&mut first)? {
        lx.ws();
        let item = match lx.peek() {
            Some(b'{') => Item::Obj(object(lx, each)?),
            _ => {
                let t = lx.type_here();
                lx.skip_value()?;
                Item::Wrong(t)
            }
        };
        items.push(item);
    }
    Ok(items)
}

/// The object at the lexer (its `{` next).
pub(crate) fn object<'a, S: Schema>(lx: &mut Lexer<'a>, schema: S) -> PResult<Obj<'a, S::Key>> {
    lx.ws();
    lx.enter()?;
    let mut members: Vec<Member<'a, S::Key>> = Vec::with_capacity(8);
    let mut seen = 0u32;
    let mut first = true;
    while let Some(raw_key) = lx.next_raw_key(&mut first)? {
        let key = S::classify(raw_key);
        let val = match schema.descend(key) {
            Some(each) => {
                lx.ws();
                if lx.peek() == Some(b'[') {
                    Val::Arr(items(lx, each)?)
                } else {
                    let t = lx.type_here();
                    lx.skip_value()?;
                    Val::Wrong(t)
                }
            }
            None => Val::Raw(lx.raw_value()?),
        };
        let bit = S::bit(key);
        if seen & bit != 0 {
            if let Some(m) = members.iter_mut().find(|m| m.key == key) {
                m.val = val;
                continue;
            }
        }
        seen |= bit;
        members.push(Member { raw_key, key, val });
    }
    Ok(Obj { members })
}

// ---------------------------------------------------------------------------------------------
// Writer: compact JSON, raw values copied through.

/// Writes a value: raw text as it is, a descended array element by element.
pub(crate) fn write_val<K: Copy>(out: &mut Vec<u8>, val: &Val<K>) {
    match val {
        Val::Raw(raw) => out.extend_from_slice(raw.as_bytes()),
        Val::Arr(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match item {
                    Item::Obj(o) => write_obj(out, o, |_| false),
                    // Readers refuse these before anything is written.
                    Item::Wrong(_) => out.extend_from_slice(b"null"),
                }
            }
            out.push(b']');
        }
        Val::Wrong(_) => out.extend_from_slice(b"null"),
    }
}

/// Writes `"key":value`.
pub(crate) fn write_member<K: Copy>(out: &mut Vec<u8>, m: &Member<K>) {
    out.extend_from_slice(m.raw_key.as_bytes());
    out.push(b':');
    write_val(out, &m.val);
}

/// Writes the members of `obj` but those `skip` says, comma-separated, without braces.
/// Returns whether any member was written.
pub(crate) fn write_members<'a, K: Copy>(
    out: &mut Vec<u8>,
    obj: &Obj<'a, K>,
    skip: impl Fn(&Member<'a, K>) -> bool,
) -> bool {
    let mut any = false;
    for m in &obj.members {
        if skip(m) {
            continue;
        }
        if any {
            out.push(b',');
        }
        write_member(out, m);
        any = true;
    }
    any
}

/// Writes `{...}` of the members of `obj` but those `skip` says.
pub(crate) fn write_obj<'a, K: Copy>(
    out: &mut Vec<u8>,
    obj: &Obj<'a, K>,
    skip: impl Fn(&Member<'a, K>) -> bool,
) {
    out.push(b'{');
    write_members(out, obj, skip);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_unpaired_surrogates_keep_their_raw_text() {
        assert_eq!(str_of(r#""plain""#).as_deref(), Some("plain"));
        assert_eq!(str_of(r#""a\u0041\\u""#).as_deref(), Some("aA\\u"));
        assert_eq!(str_of(r#""\ud83d\ude00""#).as_deref(), Some("\u{1f600}"));
        for lone in [r#""\ud83d""#, r#""x\udc00""#, r#""\ud83d\u0041""#] {
            assert_eq!(str_of(lone).as_deref(), Some(&lone[1..lone.len() - 1]));
        }
        assert_eq!(str_of("5"), None);
    }
}

//! Single-pass, borrowing parser of pages and records into a flat [`Scratch`] of the fields the
//! aggregates read.
//!
//! Why a purpose-built scanner rather than serde: speed is the reason this code runs in wasm at
//! all, and with serde most of the time went into generic string handling (a UTF-8 check per
//! string, visitor dispatch per key). Here the body is UTF-8-checked once, strings are found 8
//! bytes at a time and borrowed from the input (owned only when they contain escapes), keys are
//! compared as they are, and every value not read is skipped while still being checked to be
//! JSON. Nothing is allocated per record, task or skill: tasks, skills and event types are
//! appended to a few flat vectors.
//!
//! The whole input is validated before any counter moves (a failed add leaves the stats
//! unchanged). Errors carry the JSON path of the offending value (`records[3].tasks[0].task_id`)
//! and, for malformed JSON, the line and column.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use super::aggregate::fast_eq;
use super::exact_sum::MAX_ADDEND;
use crate::error::{Error, Result};
use crate::export::Field as EnvelopeField;

/// Everything the aggregates need from one input, validated, borrowing from the input bytes.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    /// For each record, the end of its tasks in `tasks` (the start is the previous end).
    pub records: Vec<u32>,
    pub tasks: Vec<TaskEv<'a>>,
    pub skills: Vec<SkillEv<'a>>,
    /// `event_type` of each source event.
    pub events: Vec<Cow<'a, str>>,
    /// A page's `has_next` and `next_starting_after`, read on the way (pages only), so that the
    /// export checks a page and counts it in one pass.
    pub has_next: EnvelopeField<bool>,
    pub next_starting_after: EnvelopeField<String>,
}

/// One task (a list task or a hierarchy task node at any depth).
pub(crate) struct TaskEv<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub state: Cow<'a, str>,
    /// `ai_impact.level`; `None` when `ai_impact` or its level is absent or null.
    pub level: Option<Cow<'a, str>>,
    pub hours: Option<f64>,
    /// Range of this task's linked skills in [`Scratch::skills`].
    pub skills: (u32, u32),
    /// Range of this task's source events in [`Scratch::events`].
    pub events: (u32, u32),
}

/// One linked skill of a task.
pub(crate) struct SkillEv<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
}

/// Nesting deeper than this is refused, so that hostile input cannot exhaust the (small, in
/// wasm) stack.
const MAX_DEPTH: u32 = 128;

/// Parses a page body `{"has_next", ..., "records": [...]}`.
pub(crate) fn parse_page<'a>(body: &'a [u8], out: &mut Scratch<'a>) -> Result<()> {
    parse(body, out, Entry::Page)
}

/// Parses one record or an array of records, of either shape.
pub(crate) fn parse_records<'a>(json: &'a [u8], out: &mut Scratch<'a>) -> Result<()> {
    parse(json, out, Entry::Input)
}

#[derive(Clone, Copy)]
enum Entry {
    Page,
    Input,
}

impl Entry {
    fn run(self, p: &mut Parser<'_, '_>) -> PResult<()> {
        match self {
            Entry::Page => p.page(),
            Entry::Input => p.input(),
        }
    }
}

fn parse<'a>(body: &'a [u8], out: &mut Scratch<'a>, entry: Entry) -> Result<()> {
    match std::str::from_utf8(body) {
        Ok(text) => {
            let mut p = Parser::new(text, out);
            match entry.run(&mut p).and_then(|()| p.end()) {
                Ok(()) => Ok(()),
                Err(Failed) => Err(p.take_error()),
            }
        }
        Err(e) => {
            // Parse the valid prefix only to learn the path at which the bad byte sits.
            let at = e.valid_up_to();
            let text = std::str::from_utf8(&body[..at]).unwrap_or_default();
            let mut scratch = Scratch::default();
            let mut p = Parser::new(text, &mut scratch);
            let _ = entry.run(&mut p);
            let (line, column) = line_col(body, at);
            Err(Error::invalid_input(
                &p.path_string(),
                format!("invalid UTF-8 at line {line} column {column}"),
            ))
        }
    }
}

/// The string a JSON string literal (quotes included, nothing around it) holds; `None` when it
/// is not one or cannot be a Rust string (lone surrogate escapes), as `serde_json` would refuse.
pub(crate) fn json_string(text: &str) -> Option<String> {
    let mut scratch = Scratch::default();
    let mut p = Parser::new(text, &mut scratch);
    if p.peek() != Some(b'"') {
        return None;
    }
    match p.string() {
        Ok(s) if p.pos == text.len() => Some(s.into_owned()),
        _ => None,
    }
}

/// The JSON type of a value starting with byte `first`, for messages.
pub(crate) fn json_type_at(first: Option<u8>) -> &'static str {
    match first {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// 1-based line and column of byte `pos`, for messages.
pub(crate) fn line_col(b: &[u8], pos: usize) -> (usize, usize) {
    let before = &b[..pos.min(b.len())];
    let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
    let column = pos
        - before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, column)
}

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The parse failed; the error itself is in [`Parser::err`].
pub(crate) struct Failed;

pub(crate) type PResult<T> = std::result::Result<T, Failed>;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bytes that end the plain run of a string, as a high bit in their lane. Only the lowest set
/// lane is exact (borrows can set higher ones), which is the only one used.
#[inline(always)]
fn string_stops(x: u64) -> u64 {
    let quote = x ^ (ONES * b'"' as u64);
    let backslash = x ^ (ONES * b'\\' as u64);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    (zero(quote) | zero(backslash) | x.wrapping_sub(ONES * 0x20)) & !x & HIGH
}

pub(crate) struct Parser<'a, 's> {
    text: &'a str,
    b: &'a [u8],
    pub(crate) pos: usize,
    depth: u32,
    root: &'static str,
    /// Cheap segments, formatted only on failure; left in place on failure so that the path
    /// names the innermost value being read.
    path: Vec<Seg>,
    err: Option<Error>,
    out: &'s mut Scratch<'a>,
    /// Report malformed JSON as `serde_json` does (its wording for bad literals, leading zeros
    /// and trailing commas, and its column at the end of the input), for the readers that
    /// replaced it.
    pub(crate) serde_like: bool,
}

impl<'a, 's> Parser<'a, 's> {
    pub(crate) fn new(text: &'a str, out: &'s mut Scratch<'a>) -> Self {
        Parser {
            text,
            b: text.as_bytes(),
            pos: 0,
            depth: 0,
            root: "",
            path: Vec::with_capacity(16),
            err: None,
            out,
            serde_like: false,
        }
    }

    // ------------------------------------------------------------ errors

    #[inline(never)]
    fn path_string(&self) -> String {
        let mut s = String::from(self.root);
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
            }
        }
        if s.is_empty() {
            s.push_str("body");
        }
        s
    }

    /// A problem with the content at the current path.
    #[cold]
    pub(crate) fn fail<T>(&mut self, problem: impl fmt::Display) -> PResult<T> {
        if self.err.is_none() {
            self.err = Some(Error::invalid_input(&self.path_string(), problem));
        }
        Err(Failed)
    }

    /// Malformed JSON: also says where in the text.
    #[cold]
    pub(crate) fn syntax<T>(&mut self, problem: &str) -> PResult<T> {
        let (line, mut column) = line_col(self.b, self.pos);
        if self.serde_like && self.pos >= self.b.len() {
            // serde_json counts the characters read on the line; at the end there is no next one.
            column -= 1;
        }
        self.fail(format_args!("{problem} at line {line} column {column}"))
    }

    /// The next value is not of the expected type.
    #[cold]
    fn expected<T>(&mut self, what: &str) -> PResult<T> {
        self.ws();
        let found = match self.peek() {
            None => return self.syntax("EOF while parsing a value"),
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't') if self.b[self.pos..].starts_with(b"true") => "a boolean",
            Some(b'f') if self.b[self.pos..].starts_with(b"false") => "a boolean",
            Some(b'n') if self.b[self.pos..].starts_with(b"null") => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(_) => return self.syntax("expected value"),
        };
        let (line, column) = line_col(self.b, self.pos);
        self.fail(format_args!(
            "expected {what}, found {found} at line {line} column {column}"
        ))
    }

    /// The text from `from` to the current position.
    pub(crate) fn since(&self, from: usize) -> &'a str {
        &self.text[from..self.pos]
    }

    /// The problem of a failed parse without its path (for callers that name the input
    /// themselves).
    #[cold]
    #[inline(never)]
    pub(crate) fn take_problem(&mut self) -> String {
        // The callers keep the path empty, which `path_string` spells `body`.
        let m = self.take_error().message;
        match m.strip_prefix("body: ") {
            Some(problem) => problem.to_owned(),
            None => m,
        }
    }

    /// The JSON type of the value at `pos` (after whitespace), for messages; the value itself
    /// is not checked.
    pub(crate) fn type_here(&mut self) -> &'static str {
        self.ws();
        json_type_at(self.peek())
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn take_error(&mut self) -> Error {
        self.err
            .take()
            .unwrap_or_else(|| Error::invalid_input(&self.path_string(), "invalid input"))
    }

    // ------------------------------------------------------------ lexing

    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    pub(crate) fn end(&mut self) -> PResult<()> {
        self.ws();
        if self.pos < self.b.len() {
            return self.syntax("trailing characters");
        }
        Ok(())
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.syntax("recursion limit exceeded");
        }
        self.pos += 1;
        Ok(())
    }

    /// Opens an object, or fails saying what was expected.
    #[inline]
    pub(crate) fn begin_object(&mut self, what: &str) -> PResult<()> {
        self.ws();
        if self.peek() == Some(b'{') {
            self.enter()
        } else {
            self.expected(what)
        }
    }

    /// Opens an array, or fails saying what was expected.
    #[inline]
    pub(crate) fn begin_array(&mut self, what: &str) -> PResult<()> {
        self.ws();
        if self.peek() == Some(b'[') {
            self.enter()
        } else {
            self.expected(what)
        }
    }

    /// The next key of an open object as its raw text, quotes included (consuming the `:`), or
    /// `None` at its end.
    #[inline]
    pub(crate) fn next_raw_key(&mut self, first: &mut bool) -> PResult<Option<&'a str>> {
        if !self.key_start(first)? {
            return Ok(None);
        }
        let start = self.pos;
        self.skip_string()?;
        let key = &self.text[start..self.pos];
        self.colon()?;
        Ok(Some(key))
    }

    /// Up to the `"` of the next key of an open object; `false` at its end.
    #[inline]
    fn key_start(&mut self, first: &mut bool) -> PResult<bool> {
        self.ws();
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(false);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                self.ws();
                if self.serde_like {
                    self.no_trailing_comma(b'}')?;
                }
            }
            None => return self.syntax("EOF while parsing an object"),
            _ if *first => {}
            _ => return self.syntax("expected `,` or `}`"),
        }
        *first = false;
        match self.peek() {
            Some(b'"') => Ok(true),
            None => self.syntax("EOF while parsing an object"),
            _ => self.syntax("key must be a string"),
        }
    }

    #[inline]
    fn colon(&mut self) -> PResult<()> {
        self.ws();
        if self.peek() != Some(b':') {
            return self.syntax("expected `:`");
        }
        self.pos += 1;
        Ok(())
    }

    /// The next key of an open object (consuming the `:`), or `None` at its end.
    #[inline]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> PResult<Option<Cow<'a, str>>> {
        self.next_key_in(first, false)
    }

    /// [`Self::next_key`], reporting `,}` as serde_json's visitors do.
    pub(crate) fn next_key_checked(&mut self, first: &mut bool) -> PResult<Option<Cow<'a, str>>> {
        self.next_key_in(first, true)
    }

    /// [`Self::next_key`]; `commas`: report `,}` as serde_json's visitors do (its skipping of a
    /// value reports it as a key that is not a string).
    #[inline]
    fn next_key_in(&mut self, first: &mut bool, commas: bool) -> PResult<Option<Cow<'a, str>>> {
        self.ws();
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                self.ws();
                if commas {
                    self.no_trailing_comma(b'}')?;
                }
            }
            None => return self.syntax("EOF while parsing an object"),
            _ if *first => {}
            _ => return self.syntax("expected `,` or `}`"),
        }
        *first = false;
        match self.peek() {
            Some(b'"') => {}
            None => return self.syntax("EOF while parsing an object"),
            _ => return self.syntax("key must be a string"),
        }
        let key = self.string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return self.syntax("expected `:`");
        }
        self.pos += 1;
        Ok(Some(key))
    }

    /// After a `,` (and whitespace): serde_json's report of a `close` right after it.
    #[inline(never)]
    fn no_trailing_comma(&mut self, close: u8) -> PResult<()> {
        self.ws();
        if self.peek() == Some(close) {
            return self.syntax("trailing comma");
        }
        Ok(())
    }

    /// Whether an open array has another element (consuming the `,`).
    #[inline]
    pub(crate) fn next_element(&mut self, first: &mut bool) -> PResult<bool> {
        self.next_element_in(first, false)
    }

    /// [`Self::next_element`], reporting `,]` as serde_json's visitors do.
    #[inline]
    pub(crate) fn next_element_checked(&mut self, first: &mut bool) -> PResult<bool> {
        self.next_element_in(first, true)
    }

    /// [`Self::next_element`]; `commas` as for [`Self::next_key_in`].
    #[inline]
    fn next_element_in(&mut self, first: &mut bool, commas: bool) -> PResult<bool> {
        self.ws();
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.pos += 1;
                if commas {
                    self.no_trailing_comma(b']')?;
                }
                Ok(true)
            }
            None => self.syntax("EOF while parsing a list"),
            _ if *first => {
                *first = false;
                Ok(true)
            }
            _ => self.syntax("expected `,` or `]`"),
        }
    }

    /// Advances to the first `"`, `\` or control byte at or after `pos` (or the end).
    #[inline(always)]
    fn scan_plain(&mut self) {
        let b = self.b;
        let mut i = self.pos;
        while let Some(chunk) = b.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let stops = string_stops(u64::from_le_bytes(w));
            if stops != 0 {
                self.pos = i + (stops.trailing_zeros() / 8) as usize;
                return;
            }
            i += 8;
        }
        while let Some(&c) = b.get(i) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                break;
            }
            i += 1;
        }
        self.pos = i;
    }

    /// A string at `pos` (which holds `"`): borrowed unless it has escapes.
    #[inline]
    pub(crate) fn string(&mut self) -> PResult<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        self.scan_plain();
        match self.peek() {
            Some(b'"') => {
                // Both ends sit next to ASCII bytes, so they are char boundaries.
                let s = &self.text[start..self.pos];
                self.pos += 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => {
                let mut owned = String::from(&self.text[start..self.pos]);
                self.escaped(&mut owned)?;
                Ok(Cow::Owned(owned))
            }
            Some(_) => {
                self.syntax("control character (\\u0000-\\u001F) found while parsing a string")
            }
            None => self.syntax("EOF while parsing a string"),
        }
    }

    /// The rest of a string from its first escape on, decoded into `out`.
    fn escaped(&mut self, out: &mut String) -> PResult<()> {
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        return self.syntax("EOF while parsing a string");
                    };
                    self.pos += 1;
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return self.syntax("invalid escape");
                        }
                    };
                    out.push(ch);
                }
                Some(c) if c < 0x20 => {
                    return self
                        .syntax("control character (\\u0000-\\u001F) found while parsing a string")
                }
                None => return self.syntax("EOF while parsing a string"),
                Some(_) => {
                    let start = self.pos;
                    self.scan_plain();
                    out.push_str(&self.text[start..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                None => return self.syntax("EOF while parsing a string"),
                Some(_) => return self.syntax("invalid escape"),
            };
            v = v * 16 + d as u32;
            self.pos += 1;
        }
        Ok(v)
    }

    /// After `\u`: one code point, joining a surrogate pair.
    fn unicode_escape(&mut self) -> PResult<char> {
        let hi = self.hex4()?;
        let cp = match hi {
            0xD800..=0xDBFF => {
                if !self.b[self.pos..].starts_with(b"\\u") {
                    return self.syntax("lone leading surrogate in hex escape");
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return self.syntax("lone leading surrogate in hex escape");
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.syntax("lone trailing surrogate in hex escape"),
            _ => hi,
        };
        match char::from_u32(cp) {
            Some(c) => Ok(c),
            None => self.syntax("invalid unicode code point"),
        }
    }

    /// Skips a string at `pos`, checking it.
    #[inline]
    fn skip_string(&mut self) -> PResult<()> {
        self.pos += 1;
        loop {
            self.scan_plain();
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        None => return self.syntax("EOF while parsing a string"),
                        Some(_) => return self.syntax("invalid escape"),
                    }
                }
                Some(_) => {
                    return self
                        .syntax("control character (\\u0000-\\u001F) found while parsing a string")
                }
                None => return self.syntax("EOF while parsing a string"),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A JSON number at `pos`, checked against the grammar.
    pub(crate) fn number_text(&mut self) -> PResult<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.serde_like && matches!(self.peek(), Some(b'0'..=b'9')) {
                    return self.syntax("invalid number");
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return self.syntax("EOF while parsing a value"),
            _ => return self.syntax("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.syntax("invalid number");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.syntax("invalid number");
            }
        }
        Ok(&self.text[start..self.pos])
    }

    pub(crate) fn literal(&mut self, word: &str) -> PResult<()> {
        if self.b[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else if self.serde_like {
            self.bad_literal(word)
        } else {
            self.syntax("expected value")
        }
    }

    /// serde_json's report of a misspelt literal: where it stopped matching.
    #[cold]
    #[inline(never)]
    fn bad_literal<T>(&mut self, word: &str) -> PResult<T> {
        let rest = &self.b[self.pos..];
        let same = word.bytes().zip(rest).take_while(|(w, r)| w == *r).count();
        self.pos += same;
        if self.pos >= self.b.len() {
            self.syntax("EOF while parsing a value")
        } else {
            self.syntax("expected ident")
        }
    }

    /// Skips any value, checking that it is JSON.
    pub(crate) fn skip_value(&mut self) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{') => {
                self.enter()?;
                let mut first = true;
                while self.next_key_in(&mut first, false)?.is_some() {
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.enter()?;
                let mut first = true;
                while self.next_element_in(&mut first, false)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(|_| ()),
            None => self.syntax("EOF while parsing a value"),
            Some(_) => self.syntax("expected value"),
        }
    }

    /// Consumes a `null` if one is next.
    #[inline]
    pub(crate) fn null(&mut self) -> PResult<bool> {
        self.ws();
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    #[inline]
    pub(crate) fn str_value(&mut self) -> PResult<Cow<'a, str>> {
        self.ws();
        if self.peek() == Some(b'"') {
            self.string()
        } else {
            self.expected("a string")
        }
    }

    // ------------------------------------------------------------ the export's shapes

    fn page(&mut self) -> PResult<()> {
        self.begin_object("a page object with a `records` array")?;
        let mut first = true;
        let mut seen = false;
        while let Some(key) = self.next_key(&mut first)? {
            if is(&key, "has_next") {
                self.ws();
                let found = match self.peek() {
                    Some(b't') => EnvelopeField::Value(true),
                    Some(b'f') => EnvelopeField::Value(false),
                    _ => EnvelopeField::Wrong(self.type_here()),
                };
                self.skip_value()?;
                self.out.has_next = found;
                continue;
            }
            if is(&key, "next_starting_after") {
                self.ws();
                let found = match self.peek() {
                    Some(b'"') => EnvelopeField::Value(self.string()?.into_owned()),
                    Some(b'n') => {
                        self.skip_value()?;
                        EnvelopeField::Missing
                    }
                    _ => {
                        let wrong = EnvelopeField::Wrong(self.type_here());
                        self.skip_value()?;
                        wrong
                    }
                };
                self.out.next_starting_after = found;
                continue;
            }
            if !is(&key, "records") {
                self.skip_value()?;
                continue;
            }
            self.path.push(Seg::Key("records"));
            if seen {
                return self.fail("duplicate field");
            }
            seen = true;
            self.begin_array("an array of records")?;
            self.records_body()?;
            self.path.pop();
        }
        if !seen {
            self.path.push(Seg::Key("records"));
            return self.fail("missing: a page has a `records` array");
        }
        Ok(())
    }

    /// What `add` accepts: one record, or an array of records.
    fn input(&mut self) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b'[') => {
                self.root = "records";
                self.enter()?;
                self.records_body()
            }
            Some(b'{') => {
                self.root = "record";
                self.enter()?;
                self.record_body()
            }
            _ => self.expected("a record or an array of records"),
        }
    }

    /// The elements of an opened records array.
    fn records_body(&mut self) -> PResult<()> {
        let mut first = true;
        let mut i = 0;
        while self.next_element(&mut first)? {
            self.path.push(Seg::Index(i));
            self.begin_object("a record object")?;
            self.record_body()?;
            self.path.pop();
            i += 1;
        }
        Ok(())
    }

    /// The fields of an opened record object.
    fn record_body(&mut self) -> PResult<()> {
        let mut shape: Option<&'static str> = None;
        let mut looks_like_page = false;
        let mut first = true;
        while let Some(key) = self.next_key(&mut first)? {
            let field = if is(&key, "tasks") {
                "tasks"
            } else if is(&key, "hierarchy") {
                "hierarchy"
            } else {
                looks_like_page |= is(&key, "records");
                self.skip_value()?;
                continue;
            };
            self.path.push(Seg::Key(field));
            if let Some(prev) = shape {
                return self.fail(if prev == field {
                    "duplicate field"
                } else {
                    "a record has `tasks` or `hierarchy`, not both"
                });
            }
            shape = Some(field);
            let hierarchy = field == "hierarchy";
            self.begin_array(if hierarchy {
                "an array of nodes"
            } else {
                "an array of tasks"
            })?;
            self.nodes_body(hierarchy)?;
            self.path.pop();
        }
        if shape.is_none() {
            return self.fail(if looks_like_page {
                "expected a record, found a page (pages go to addPage)"
            } else {
                "expected a record with a `tasks` or `hierarchy` array"
            });
        }
        self.out.records.push(self.out.tasks.len() as u32);
        Ok(())
    }

    /// The elements of an opened `tasks`, `hierarchy` or `children` array.
    fn nodes_body(&mut self, hierarchy: bool) -> PResult<()> {
        let mut first = true;
        let mut i = 0;
        while self.next_element(&mut first)? {
            self.path.push(Seg::Index(i));
            self.begin_object(if hierarchy {
                "a node object"
            } else {
                "a task object"
            })?;
            self.node_body(hierarchy)?;
            self.path.pop();
            i += 1;
        }
        Ok(())
    }

    /// The fields of an opened list task or hierarchy node (task node or group node).
    fn node_body(&mut self, hierarchy: bool) -> PResult<()> {
        let mut id = None;
        let mut name = None;
        let mut state = None;
        let mut level = None;
        let mut hours = None;
        let mut skills = (0u32, 0u32);
        let mut events = (0u32, 0u32);
        // Bit per field already read, to refuse duplicates.
        let mut seen = 0u8;
        let mut first = true;
        while let Some(key) = self.next_key(&mut first)? {
            let Some(field) = Field::of(&key, hierarchy) else {
                self.skip_value()?;
                continue;
            };
            self.path.push(Seg::Key(field.name()));
            let bit = 1u8 << (field as u8);
            if seen & bit != 0 {
                return self.fail("duplicate field");
            }
            seen |= bit;
            match field {
                Field::TaskId => id = Some(self.str_value()?),
                Field::Task => name = Some(self.str_value()?),
                Field::State => state = Some(self.str_value()?),
                Field::Hours => hours = self.hours()?,
                Field::Ai => level = self.ai_impact()?,
                Field::Skills => {
                    let start = self.out.skills.len() as u32;
                    self.linked_skills()?;
                    skills = (start, self.out.skills.len() as u32);
                }
                Field::Events => {
                    let start = self.out.events.len() as u32;
                    self.source_events()?;
                    events = (start, self.out.events.len() as u32);
                }
                Field::Children => {
                    self.begin_array("an array of nodes")?;
                    self.nodes_body(true)?;
                }
            }
            self.path.pop();
        }
        let Some(id) = id else {
            if !hierarchy || name.is_some() || state.is_some() {
                return self.fail("missing field `task_id`");
            }
            if seen & (1 << Field::Children as u8) == 0 {
                return self
                    .fail("a node needs `task_id` (a task node) or `children` (a group node)");
            }
            return Ok(());
        };
        let Some(name) = name else {
            return self.fail("missing field `task`");
        };
        let Some(state) = state else {
            return self.fail("missing field `validation_state`");
        };
        self.out.tasks.push(TaskEv {
            id,
            name,
            state,
            level,
            hours,
            skills,
            events,
        });
        Ok(())
    }

    /// `weekly_hours`: a number, or null for "not given".
    fn hours(&mut self) -> PResult<Option<f64>> {
        if self.null()? {
            return Ok(None);
        }
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return self.expected("a number");
        }
        // std's parser rounds correctly (and says infinity for overflow, refused below).
        let h: f64 = self.number_text()?.parse().unwrap_or(f64::INFINITY);
        if !h.is_finite() || h.abs() > MAX_ADDEND {
            return self.fail("expected a number of hours within ±1e100");
        }
        Ok(Some(h))
    }

    /// `ai_impact`: an object (or null) of which only `level` is read.
    fn ai_impact(&mut self) -> PResult<Option<Cow<'a, str>>> {
        if self.null()? {
            return Ok(None);
        }
        self.begin_object("an object {\"level\", \"rationale\"}")?;
        let mut level = None;
        let mut seen = false;
        let mut first = true;
        while let Some(key) = self.next_key(&mut first)? {
            if !is(&key, "level") {
                self.skip_value()?;
                continue;
            }
            self.path.push(Seg::Key("level"));
            if seen {
                return self.fail("duplicate field");
            }
            seen = true;
            level = if self.null()? {
                None
            } else {
                Some(self.str_value()?)
            };
            self.path.pop();
        }
        Ok(level)
    }

    /// `linked_skills`: an array (or null) of `{ "skill_id", "skill" }`.
    fn linked_skills(&mut self) -> PResult<()> {
        if self.null()? {
            return Ok(());
        }
        self.begin_array("an array of linked skills")?;
        let mut first = true;
        let mut i = 0;
        while self.next_element(&mut first)? {
            self.path.push(Seg::Index(i));
            self.begin_object("a linked skill object {\"skill_id\", \"skill\"}")?;
            let mut id = None;
            let mut name = None;
            let mut first_key = true;
            while let Some(key) = self.next_key(&mut first_key)? {
                let (is_id, field) = if is(&key, "skill_id") {
                    (true, "skill_id")
                } else if is(&key, "skill") {
                    (false, "skill")
                } else {
                    self.skip_value()?;
                    continue;
                };
                self.path.push(Seg::Key(field));
                let slot = if is_id { &mut id } else { &mut name };
                if slot.is_some() {
                    return self.fail("duplicate field");
                }
                let v = self.str_value()?;
                if is_id {
                    id = Some(v);
                } else {
                    name = Some(v);
                }
                self.path.pop();
            }
            let Some(id) = id else {
                return self.fail("missing field `skill_id`");
            };
            let Some(name) = name else {
                return self.fail("missing field `skill`");
            };
            self.out.skills.push(SkillEv { id, name });
            self.path.pop();
            i += 1;
        }
        Ok(())
    }

    /// `source_events`: an array (or null) of `{ "external_id", "event_type" }`.
    fn source_events(&mut self) -> PResult<()> {
        if self.null()? {
            return Ok(());
        }
        self.begin_array("an array of source events")?;
        let mut first = true;
        let mut i = 0;
        while self.next_element(&mut first)? {
            self.path.push(Seg::Index(i));
            self.begin_object("a source event object {\"external_id\", \"event_type\"}")?;
            let mut kind = None;
            let mut first_key = true;
            while let Some(key) = self.next_key(&mut first_key)? {
                if !is(&key, "event_type") {
                    self.skip_value()?;
                    continue;
                }
                self.path.push(Seg::Key("event_type"));
                if kind.is_some() {
                    return self.fail("duplicate field");
                }
                kind = Some(self.str_value()?);
                self.path.pop();
            }
            let Some(kind) = kind else {
                return self.fail("missing field `event_type`");
            };
            self.out.events.push(kind);
            self.path.pop();
            i += 1;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    TaskId,
    Task,
    State,
    Hours,
    Ai,
    Skills,
    Events,
    Children,
}

/// Key equality without `memcmp` (see [`fast_eq`]).
#[inline(always)]
fn is(key: &str, lit: &str) -> bool {
    fast_eq(key.as_bytes(), lit.as_bytes())
}

impl Field {
    /// The field a task/node key names; dispatching on the length first leaves one comparison.
    #[inline]
    fn of(key: &str, hierarchy: bool) -> Option<Field> {
        let f = match key.len() {
            4 => Field::Task,
            7 => Field::TaskId,
            8 if hierarchy => Field::Children,
            9 => Field::Ai,
            12 => Field::Hours,
            13 if key.as_bytes()[0] == b'l' => Field::Skills,
            13 => Field::Events,
            16 => Field::State,
            _ => return None,
        };
        is(key, f.name()).then_some(f)
    }

    fn name(self) -> &'static str {
        match self {
            Field::TaskId => "task_id",
            Field::Task => "task",
            Field::State => "validation_state",
            Field::Hours => "weekly_hours",
            Field::Ai => "ai_impact",
            Field::Skills => "linked_skills",
            Field::Events => "source_events",
            Field::Children => "children",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_stops_finds_the_first_stop() {
        for (s, at) in [
            (&b"abcdefgh"[..], None),
            (b"abc\"efgh", Some(3)),
            (b"a\\c\"efgh", Some(1)),
            (b"abcdefg\x1f", Some(7)),
            (b"\xc3\xa9\"defgh", Some(2)),
            (b"\x01\"cdefgh", Some(0)),
        ] {
            let mut w = [0u8; 8];
            w.copy_from_slice(s);
            let m = string_stops(u64::from_le_bytes(w));
            let got = (m != 0).then(|| (m.trailing_zeros() / 8) as usize);
            assert_eq!(got, at, "{s:?}");
        }
    }

    #[test]
    fn escapes_are_decoded() {
        let mut out = Scratch::default();
        parse_records(
            br#"{"tasks":[{"task_id":"a\u00e9\ud83d\ude00\n\"x\"","task":"\/\\","validation_state":"v"}]}"#,
            &mut out,
        )
        .map_err(|e| e.to_string())
        .unwrap();
        assert_eq!(out.tasks[0].id, "a\u{e9}\u{1f600}\n\"x\"");
        assert_eq!(out.tasks[0].name, "/\\");
        assert!(matches!(out.tasks[0].state, Cow::Borrowed(_)));
    }

    #[test]
    fn bad_escapes_and_deep_nesting_fail() {
        for input in [
            &br#"{"tasks":[{"task_id":"\ud800","task":"T","validation_state":"v"}]}"#[..],
            br#"{"tasks":[{"task_id":"\x","task":"T","validation_state":"v"}]}"#,
            br#"{"tasks":[],"x":"\u12"}"#,
            br#"{"tasks":[],"x":01}"#,
            br#"{"tasks":[],"x":1.}"#,
            br#"{"tasks":[],"x":[1,]}"#,
            br#"{"tasks":[],"x":{"a":1,}}"#,
            br#"{"tasks":[],"x":tru}"#,
        ] {
            let mut out = Scratch::default();
            let e = parse_records(input, &mut out).unwrap_err();
            assert!(e.message.contains("at line 1 column"), "{e}");
        }
        let deep = format!(
            "{{\"tasks\":[],\"x\":{}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let mut out = Scratch::default();
        let e = parse_records(deep.as_bytes(), &mut out).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e}");
        let mut nodes = String::from("{\"hierarchy\":[");
        for _ in 0..100 {
            nodes.push_str("{\"children\":[");
        }
        nodes.push_str(&"]}".repeat(100));
        nodes.push_str("]}");
        let mut out = Scratch::default();
        let e = parse_records(nodes.as_bytes(), &mut out).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e}");
    }
}

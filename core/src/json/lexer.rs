//! The one JSON scanner every reader shares: pages, records, options, persisted forms.
//!
//! Why a purpose-built scanner rather than serde: speed is the reason this code runs in wasm at
//! all, and with serde most of the time went into generic string handling (a UTF-8 check per
//! string, visitor dispatch per key). Here the input is UTF-8-checked once, strings are found 8
//! bytes at a time and borrowed from the input (owned only when they contain escapes), keys are
//! compared as they are, and every value a reader does not need is skipped while still being
//! checked to be JSON. Readers drive it token by token and build only what they use.
//!
//! Two kinds of failure, kept apart because they are reported differently:
//! - malformed JSON ([`Lexer::syntax`]): only the position is recorded; the message is written
//!   once, on failure, with the JSON path of that position (found by scanning the text before
//!   it again, see [`path_at`]) and its line and column;
//! - well-formed JSON that a reader refuses ([`Lexer::fail`]): the reader names the place with
//!   the [`Path`] it descended by.

use std::borrow::Cow;
use std::fmt;

use super::path::Path;
use crate::error::{Error, ErrorKind, Result};

/// Nesting deeper than this is refused, so that hostile input cannot exhaust the (small, in
/// wasm) stack.
pub const MAX_DEPTH: usize = 128;

/// Why a read stopped.
pub(crate) enum Fault {
    /// Malformed JSON at byte `pos`.
    Syntax { pos: usize, problem: &'static str },
    /// Well-formed JSON the reader refuses: the whole message, place first.
    Content(String),
}

/// The read failed; why is in the lexer ([`Lexer::take_fault`], [`Lexer::error`]).
#[derive(Debug)]
pub(crate) struct Failed;

/// The result of a step of a read.
pub(crate) type PResult<T> = std::result::Result<T, Failed>;

// Malformed JSON, in one wording for every reader.
pub(crate) const EOF_VALUE: &str = "the input ends where a value was expected";
const EOF_INSIDE: &str = "the input ends inside a value";
const EOF_STRING: &str = "the input ends inside a string";
const EOF_OBJECT: &str = "the input ends inside an object";
const EOF_ARRAY: &str = "the input ends inside an array";
pub(crate) const EXPECTED_VALUE: &str = "expected a value";
const CONTROL: &str = "unescaped control character in a string";
const ESCAPE: &str = "invalid escape in a string";
const NUMBER: &str = "invalid number";
const TRAILING: &str = "unexpected text after the value";
/// Not malformed JSON: valid JSON past the documented limit, and said so.
const TOO_DEEP: &str = "nested deeper than the 128 levels allowed";
// The message spells the limit out.
const _: () = assert!(MAX_DEPTH == 128);
const UTF8: &str = "invalid UTF-8";

/// How many bytes of a string [`first_stop`] looks at in one step.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const CHUNK: usize = 16;
/// How many bytes of a string [`first_stop`] looks at in one step.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const CHUNK: usize = 8;

/// Where the first byte that ends the plain run of a string (`"`, `\\` or a control byte) is
/// in `chunk`. With wasm `simd128` (which the package's build enables: every runtime it targets
/// runs it), three vector compares and a bitmask; elsewhere, the same on one `u64`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn first_stop(chunk: &[u8; CHUNK]) -> Option<usize> {
    use core::arch::wasm32::{
        u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128, v128_load, v128_or,
    };
    // SAFETY: `chunk` is 16 readable bytes, and `v128_load` reads 16 bytes at any alignment.
    let v = unsafe { v128_load(chunk.as_ptr().cast::<v128>()) };
    let quote = u8x16_eq(v, u8x16_splat(b'"'));
    let backslash = u8x16_eq(v, u8x16_splat(b'\\'));
    let control = u8x16_lt(v, u8x16_splat(0x20));
    let stops = u8x16_bitmask(v128_or(v128_or(quote, backslash), control));
    (stops != 0).then(|| stops.trailing_zeros() as usize)
}

/// Where the first byte that ends the plain run of a string (`"`, `\\` or a control byte) is
/// in `chunk`, found on the chunk as one `u64`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn first_stop(chunk: &[u8; CHUNK]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = u64::from_le_bytes(*chunk);
    let quote = x ^ (ONES * b'"' as u64);
    let backslash = x ^ (ONES * b'\\' as u64);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    // A stop sets the high bit of its lane. Only the lowest set lane is exact (borrows can set
    // higher ones), which is the only one used.
    let stops = (zero(quote) | zero(backslash) | x.wrapping_sub(ONES * 0x20)) & !x & HIGH;
    (stops != 0).then(|| (stops.trailing_zeros() / 8) as usize)
}

/// Reads a whole input with `read`, which must consume one value; anything after it but
/// whitespace is malformed. Failures are errors of `kind`, placed under `root`. Bytes that are
/// not UTF-8 are malformed where they start (unless the JSON before them already is).
pub(crate) fn read_all<'a, T>(
    bytes: &'a [u8],
    root: &Path,
    kind: ErrorKind,
    read: impl FnOnce(&mut Lexer<'a>) -> PResult<T>,
) -> Result<T> {
    // A UTF-8 byte order mark is no part of the text, as the Fetch API's `text()` (which the
    // records path reads pages with) decodes it.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let (text, bad_utf8) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, false),
        // Read up to the bad byte: malformed JSON before it is the first problem.
        Err(e) => (
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
            true,
        ),
    };
    let mut lx = Lexer::new(text);
    let read = read(&mut lx).and_then(|v| lx.end().map(|()| v));
    if bad_utf8 {
        let before = match lx.fault {
            Some(Fault::Syntax { pos, .. }) => pos < text.len(),
            _ => false,
        };
        if !before {
            lx.fault = Some(Fault::Syntax {
                pos: text.len(),
                problem: UTF8,
            });
        }
        return Err(lx.error(root, kind));
    }
    match read {
        Ok(v) => Ok(v),
        Err(Failed) => Err(lx.error(root, kind)),
    }
}

/// `{path}: invalid JSON: {problem} at line L column C` for a problem at byte `pos` of `text`.
#[cold]
#[inline(never)]
fn syntax_message(text: &str, pos: usize, problem: &str, root: &Path) -> String {
    let (line, column) = line_col(text.as_bytes(), pos);
    format!(
        "{}: {}{problem} at line {line} column {column}",
        path_at(text, pos, root),
        kind_of(problem)
    )
}

/// What a syntax fault is called: `invalid JSON: `, but for JSON too deep, which is valid.
#[cold]
#[inline(never)]
fn kind_of(problem: &str) -> &'static str {
    if problem == TOO_DEEP {
        "JSON "
    } else {
        "invalid JSON: "
    }
}

/// 1-based line and column of byte `pos`, for messages.
fn line_col(b: &[u8], pos: usize) -> (usize, usize) {
    let before = &b[..pos.min(b.len())];
    let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
    let column = before.len()
        - before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, column)
}

/// The path of the innermost value open at byte `stop` of `text` (under `root`): the value
/// being read there, or the object or array whose next member or element was expected.
///
/// Readers do not keep a path of every value they skip, so a syntax error is placed by reading
/// the text before it again, on the failure path only. That text is a well-formed prefix (the
/// lexer got that far), so the walk below meets no error but its end.
#[cold]
#[inline(never)]
pub(crate) fn path_at(text: &str, stop: usize, root: &Path) -> String {
    let prefix = text.get(..stop).unwrap_or(text);
    let mut lx = Lexer::new(prefix);
    let mut found = None;
    walk(&mut lx, root, &mut found);
    found.unwrap_or_else(|| root.to_string())
}

/// Walks one value; `false` (with `found` set) when the text ends inside it.
fn walk(lx: &mut Lexer, at: &Path, found: &mut Option<String>) -> bool {
    let stop = |found: &mut Option<String>| {
        *found = Some(at.to_string());
        false
    };
    lx.ws();
    match lx.peek() {
        None => stop(found),
        Some(b'{') => {
            lx.pos += 1;
            let mut first = true;
            loop {
                lx.ws();
                match lx.peek() {
                    Some(b'}') => {
                        lx.pos += 1;
                        return true;
                    }
                    Some(b',') if !first => {
                        lx.pos += 1;
                        lx.ws();
                    }
                    _ => {}
                }
                first = false;
                if lx.peek() != Some(b'"') {
                    return stop(found);
                }
                let Ok(key) = lx.string() else {
                    return stop(found);
                };
                lx.ws();
                if lx.peek() != Some(b':') {
                    return stop(found);
                }
                lx.pos += 1;
                if !walk(lx, &at.key(&key), found) {
                    return false;
                }
            }
        }
        Some(b'[') => {
            lx.pos += 1;
            let mut i = 0;
            loop {
                lx.ws();
                match lx.peek() {
                    Some(b']') => {
                        lx.pos += 1;
                        return true;
                    }
                    Some(b',') if i > 0 => lx.pos += 1,
                    _ => {}
                }
                lx.ws();
                if lx.peek().is_none() {
                    return stop(found);
                }
                if !walk(lx, &at.index(i), found) {
                    return false;
                }
                i += 1;
            }
        }
        Some(b'"') => lx.skip_string().is_ok() || stop(found),
        Some(_) => {
            // A literal or a number: complete unless the text ends right after it. (Anything
            // else cannot start a value; the walk stops there rather than loop.)
            let start = lx.pos;
            while matches!(lx.peek(), Some(c) if c.is_ascii_alphanumeric() || b"+-.".contains(&c)) {
                lx.pos += 1;
            }
            (lx.pos > start && lx.peek().is_some()) || stop(found)
        }
    }
}

/// A cursor over JSON text.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The next byte to read.
    pub(crate) pos: usize,
    depth: usize,
    fault: Option<Fault>,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            b: text.as_bytes(),
            pos: 0,
            depth: 0,
            fault: None,
        }
    }

    // ------------------------------------------------------------ failures

    /// Refuses the content at `at`: `{at}: {problem}`.
    #[cold]
    pub(crate) fn fail<T>(&mut self, at: &Path, problem: impl fmt::Display) -> PResult<T> {
        self.fail_with(format!("{at}: {problem}"))
    }

    /// Refuses the content with a whole message (place first).
    #[cold]
    pub(crate) fn fail_with<T>(&mut self, message: String) -> PResult<T> {
        if self.fault.is_none() {
            self.fault = Some(Fault::Content(message));
        }
        Err(Failed)
    }

    /// Malformed JSON at the current position.
    #[cold]
    pub(crate) fn syntax<T>(&mut self, problem: &'static str) -> PResult<T> {
        if self.fault.is_none() {
            self.fault = Some(Fault::Syntax {
                pos: self.pos,
                problem,
            });
        }
        Err(Failed)
    }

    /// The next value, at `at`, is not of the JSON type `what`; malformed JSON there is
    /// reported as such.
    #[cold]
    #[inline(never)]
    pub(crate) fn expected<T>(&mut self, at: &Path, what: &str) -> PResult<T> {
        self.ws();
        let rest = &self.b[self.pos..];
        let found = match self.peek() {
            None => return self.syntax(EOF_VALUE),
            Some(b'"' | b'{' | b'[' | b'-' | b'0'..=b'9') => self.type_here(),
            Some(b't') if rest.starts_with(b"true") => "a boolean",
            Some(b'f') if rest.starts_with(b"false") => "a boolean",
            Some(b'n') if rest.starts_with(b"null") => "null",
            // Malformed: the error skipping it gives, so that every reader words it alike (a
            // literal cut short by the end of the input is not "expected a value").
            Some(_) => return self.skip_value().and_then(|()| self.syntax(EXPECTED_VALUE)),
        };
        self.fail(at, format_args!("expected {what}, found {found}"))
    }

    /// Takes the fault of a failed step (a reader that recovers from a content fault).
    pub(crate) fn take_fault(&mut self) -> Option<Fault> {
        self.fault.take()
    }

    /// Whether the failed step failed on malformed JSON (which no reader recovers from).
    pub(crate) fn is_syntax_fault(&self) -> bool {
        matches!(self.fault, Some(Fault::Syntax { .. }))
    }

    /// The problem of a failed read without a place (for inputs too small to need one):
    /// `invalid JSON: {problem} at line L column C`, or the reader's own words.
    #[cold]
    #[inline(never)]
    pub(crate) fn problem(&mut self) -> String {
        match self.fault.take() {
            Some(Fault::Content(message)) => message,
            Some(Fault::Syntax { pos, problem }) => {
                let (line, column) = line_col(self.b, pos);
                format!(
                    "{}{problem} at line {line} column {column}",
                    kind_of(problem)
                )
            }
            None => "invalid input".to_owned(),
        }
    }

    /// The error of a failed read of the whole text, placed under `root`.
    #[cold]
    #[inline(never)]
    pub(crate) fn error(&mut self, root: &Path, kind: ErrorKind) -> Error {
        let message = match self.fault.take() {
            Some(Fault::Content(message)) => message,
            Some(Fault::Syntax { pos, problem }) => syntax_message(self.text, pos, problem, root),
            None => format!("{root}: invalid input"),
        };
        Error::new(kind, message)
    }

    // ------------------------------------------------------------ position

    /// The text from `from` to the current position.
    pub(crate) fn since(&self, from: usize) -> &'a str {
        &self.text[from..self.pos]
    }

    /// Rewinds to `pos` at nesting `depth` (a reader reading a value again after refusing it).
    pub(crate) fn rewind(&mut self, pos: usize, depth: usize) {
        self.pos = pos;
        self.depth = depth;
    }

    /// The current nesting depth.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// The JSON type of the next value (after whitespace), for messages; the value itself is
    /// not checked.
    pub(crate) fn type_here(&mut self) -> &'static str {
        self.ws();
        super::type_name(&self.text[self.pos..])
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

    /// Nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> PResult<()> {
        self.ws();
        if self.pos < self.b.len() {
            return self.syntax(TRAILING);
        }
        Ok(())
    }

    // ------------------------------------------------------------ structure

    /// Opens the object or array whose bracket is next, counting its depth.
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.syntax(TOO_DEEP);
        }
        self.pos += 1;
        Ok(())
    }

    /// Opens the object at `at`, or fails saying that `what` was expected there.
    #[inline]
    pub(crate) fn begin_object(&mut self, at: &Path, what: &str) -> PResult<()> {
        self.begin(b'{', at, what)
    }

    /// Opens the array at `at`, or fails saying that `what` was expected there.
    #[inline]
    pub(crate) fn begin_array(&mut self, at: &Path, what: &str) -> PResult<()> {
        self.begin(b'[', at, what)
    }

    #[inline(always)]
    fn begin(&mut self, open: u8, at: &Path, what: &str) -> PResult<()> {
        self.ws();
        if self.peek() == Some(open) {
            self.enter()
        } else {
            self.expected(at, what)
        }
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
            }
            None => return self.syntax(EOF_OBJECT),
            _ if *first => {}
            _ => return self.syntax("expected `,` or `}`"),
        }
        *first = false;
        match self.peek() {
            Some(b'"') => Ok(true),
            None => self.syntax(EOF_OBJECT),
            _ => self.syntax("expected a string key"),
        }
    }

    #[inline]
    fn colon(&mut self) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            None => self.syntax(EOF_OBJECT),
            _ => self.syntax("expected `:`"),
        }
    }

    /// The next key of an open object (consuming the `:`), or `None` at its end.
    #[inline]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> PResult<Option<Cow<'a, str>>> {
        if !self.key_start(first)? {
            return Ok(None);
        }
        let key = self.string()?;
        self.colon()?;
        Ok(Some(key))
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

    /// Whether an open array has another element (consuming the `,`).
    #[inline]
    pub(crate) fn next_element(&mut self, first: &mut bool) -> PResult<bool> {
        self.ws();
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.pos += 1;
                Ok(true)
            }
            None => self.syntax(EOF_ARRAY),
            _ if *first => {
                *first = false;
                Ok(true)
            }
            _ => self.syntax("expected `,` or `]`"),
        }
    }

    // ------------------------------------------------------------ strings

    /// Advances to the first `"`, `\` or control byte at or after `pos` (or the end).
    #[inline(always)]
    fn scan_plain(&mut self) {
        let b = self.b;
        let mut i = self.pos;
        while let Some(chunk) = b
            .get(i..i + CHUNK)
            .and_then(|c| <&[u8; CHUNK]>::try_from(c).ok())
        {
            if let Some(at) = first_stop(chunk) {
                self.pos = i + at;
                return;
            }
            i += CHUNK;
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
            Some(_) => self.syntax(CONTROL),
            None => self.syntax(EOF_STRING),
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
                        return self.syntax(EOF_STRING);
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
                            return self.syntax(ESCAPE);
                        }
                    };
                    out.push(ch);
                }
                Some(c) if c < 0x20 => return self.syntax(CONTROL),
                None => return self.syntax(EOF_STRING),
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
                None => return self.syntax(EOF_STRING),
                Some(_) => return self.syntax(ESCAPE),
            };
            v = v * 16 + d as u32;
            self.pos += 1;
        }
        Ok(v)
    }

    /// After `\u`: one code point, joining a surrogate pair. JSON allows an unpaired surrogate
    /// (`"\ud800"`), which a Rust string cannot hold: it reads as U+FFFD, as a JS string holding
    /// one reads when it crosses into Rust. (The shape conversions, which must tell such ids
    /// apart, keep them as their raw text instead: see `json::raw::str_of`.)
    fn unicode_escape(&mut self) -> PResult<char> {
        let hi = self.hex4()?;
        if (0xD800..=0xDBFF).contains(&hi) {
            if let Some(lo) = self.low_surrogate_next() {
                self.pos += 6;
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
        Ok(char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// The low surrogate of a `\uDC00`-`\uDFFF` escape at `pos`, without consuming it.
    fn low_surrogate_next(&self) -> Option<u32> {
        let rest = self.b.get(self.pos..self.pos + 6)?;
        if !rest.starts_with(b"\\u") {
            return None;
        }
        let hex = std::str::from_utf8(&rest[2..]).ok()?;
        u32::from_str_radix(hex, 16)
            .ok()
            .filter(|lo| (0xDC00..=0xDFFF).contains(lo))
    }

    /// Skips a string at `pos` (which holds `"`), checking it.
    #[inline]
    pub(crate) fn skip_string(&mut self) -> PResult<()> {
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
                        None => return self.syntax(EOF_STRING),
                        Some(_) => return self.syntax(ESCAPE),
                    }
                }
                Some(_) => return self.syntax(CONTROL),
                None => return self.syntax(EOF_STRING),
            }
        }
    }

    /// A string value at `at` (after whitespace), or the error that something else is there.
    #[inline]
    pub(crate) fn str_value(&mut self, at: &Path) -> PResult<Cow<'a, str>> {
        self.ws();
        if self.peek() == Some(b'"') {
            self.string()
        } else {
            self.expected(at, "a string")
        }
    }

    // ------------------------------------------------------------ scalars

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A JSON number at `pos`, checked against the grammar (no leading zeros, digits after `.`
    /// and in the exponent).
    pub(crate) fn number_text(&mut self) -> PResult<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return self.syntax(NUMBER);
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return self.syntax(EOF_INSIDE),
            _ => return self.syntax(NUMBER),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        Ok(&self.text[start..self.pos])
    }

    /// The digits after `.` or an exponent's `e`: at least one.
    fn required_digits(&mut self) -> PResult<()> {
        match self.digits() {
            0 if self.peek().is_none() => self.syntax(EOF_INSIDE),
            0 => self.syntax(NUMBER),
            _ => Ok(()),
        }
    }

    /// The literal `word` (`true`, `false`, `null`) at `pos`.
    pub(crate) fn literal(&mut self, word: &str) -> PResult<()> {
        if self.b[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else if self.b[self.pos..].len() < word.len()
            && word.as_bytes().starts_with(&self.b[self.pos..])
        {
            self.pos = self.b.len();
            self.syntax(EOF_INSIDE)
        } else {
            self.syntax(EXPECTED_VALUE)
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

    /// Skips any value, checking that it is JSON.
    pub(crate) fn skip_value(&mut self) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{') => {
                self.enter()?;
                let mut first = true;
                while self.key_start(&mut first)? {
                    self.skip_string()?;
                    self.colon()?;
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.enter()?;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(|_| ()),
            None => self.syntax(EOF_VALUE),
            Some(_) => self.syntax(EXPECTED_VALUE),
        }
    }

    /// Skips any value and returns its text.
    pub(crate) fn raw_value(&mut self) -> PResult<&'a str> {
        self.ws();
        let start = self.pos;
        self.skip_value()?;
        Ok(self.since(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_stop_finds_the_first_stop() {
        for (s, at) in [
            (&b"abcdefghijklmnop"[..], None),
            (b"abc\"efghijklmnop", Some(3)),
            (b"a\\c\"efghijklmnop", Some(1)),
            (b"abcdefg\x1fijklmnop", Some(7)),
            (b"\xc3\xa9\"defghijklmnop", Some(2)),
            (b"\x01\"cdefghijklmnop", Some(0)),
            (b"abcdefghijklmno\\", Some(15)),
            (b"\xff\xfe\x80\x7f abcdefghijk\"", Some(15)),
        ] {
            let chunk: &[u8; CHUNK] = s[..CHUNK].try_into().unwrap();
            let want = at.filter(|&at| at < CHUNK);
            assert_eq!(first_stop(chunk), want, "{s:?}");
        }
    }

    fn skip_all(text: &str) -> std::result::Result<(), String> {
        read_all(
            text.as_bytes(),
            &Path::Root("input"),
            ErrorKind::InvalidInput,
            |lx| lx.skip_value(),
        )
        .map_err(|e| e.message)
    }

    #[test]
    fn unpaired_surrogates_read_as_the_replacement_character() {
        skip_all(r#"["\ud800"]"#).unwrap();
        let mut lx = Lexer::new(r#""\ud800x\udc00\ud83d\u0041\ud83d\ude00\ud800""#);
        assert_eq!(
            lx.string().unwrap(),
            "\u{fffd}x\u{fffd}\u{fffd}A\u{1f600}\u{fffd}"
        );
        assert_eq!(lx.pos, lx.text.len());
    }

    #[test]
    fn escapes_are_decoded_and_plain_strings_borrowed() {
        let text = r#""a\u00e9\ud83d\ude00\n\"x\"\/\\" "plain""#;
        let mut lx = Lexer::new(text);
        assert_eq!(lx.string().unwrap(), "a\u{e9}\u{1f600}\n\"x\"/\\");
        lx.ws();
        assert!(matches!(lx.string().unwrap(), Cow::Borrowed("plain")));
    }

    #[test]
    fn malformed_json_is_placed_by_path_line_and_column() {
        for (text, message) in [
            ("", "input: invalid JSON: the input ends where a value was expected at line 1 column 1"),
            ("<html>", "input: invalid JSON: expected a value at line 1 column 1"),
            ("tru", "input: invalid JSON: the input ends inside a value at line 1 column 4"),
            ("[-", "input[0]: invalid JSON: the input ends inside a value at line 1 column 3"),
            ("[1e", "input[0]: invalid JSON: the input ends inside a value at line 1 column 4"),
            ("[1.5e+x]", "input[0]: invalid JSON: invalid number at line 1 column 7"),
            ("nul x", "input: invalid JSON: expected a value at line 1 column 1"),
            ("{\"a\":[1,\n 2,]}", "input.a: invalid JSON: expected a value at line 2 column 4"),
            ("{\"a\":{\"b\":01}}", "input.a.b: invalid JSON: invalid number at line 1 column 12"),
            ("{\"a\":1.}", "input.a: invalid JSON: invalid number at line 1 column 8"),
            ("{\"a\":1,}", "input: invalid JSON: expected a string key at line 1 column 8"),
            ("{\"a\" 1}", "input: invalid JSON: expected `:` at line 1 column 6"),
            ("{\"a\":1 \"b\":2}", "input: invalid JSON: expected `,` or `}` at line 1 column 8"),
            ("[1 2]", "input: invalid JSON: expected `,` or `]` at line 1 column 4"),
            ("[{\"k\":\"\\x\"}]", "input[0].k: invalid JSON: invalid escape in a string at line 1 column 9"),
            ("[\"\\u12\"]", "input[0]: invalid JSON: invalid escape in a string at line 1 column 7"),
            ("{\"a\":\"x\u{1}\"}", "input.a: invalid JSON: unescaped control character in a string at line 1 column 8"),
            ("{\"a\":[\"x", "input.a[0]: invalid JSON: the input ends inside a string at line 1 column 9"),
            ("{\"a\":[", "input.a: invalid JSON: the input ends inside an array at line 1 column 7"),
            ("{\"a\":[1],", "input: invalid JSON: the input ends inside an object at line 1 column 10"),
            ("{\"ke", "input: invalid JSON: the input ends inside a string at line 1 column 5"),
            ("{\"odd key\":{\"b\":[true,fals", "input[\"odd key\"].b[1]: invalid JSON: the input ends inside a value at line 1 column 27"),
            ("{} x", "input: invalid JSON: unexpected text after the value at line 1 column 4"),
        ] {
            assert_eq!(skip_all(text).unwrap_err(), message, "{text:?}");
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        let e = skip_all(&deep).unwrap_err();
        assert!(
            e.ends_with(": JSON nested deeper than the 128 levels allowed at line 1 column 133"),
            "{e}"
        );
        assert!(e.starts_with("input.a[0][0]"), "{e}");
        let e = read_all(
            b"{\"a\":[\"\xff\"]}",
            &Path::Root("input"),
            ErrorKind::Protocol,
            |lx| lx.skip_value(),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert_eq!(
            e.message,
            "input.a[0]: invalid JSON: invalid UTF-8 at line 1 column 8"
        );
        for ok in [
            "0",
            "-0.5e+3",
            "\"\\ud83d\\ude00\"",
            "[]",
            "{}",
            " [ {\"a\" : [ ] } ] ",
        ] {
            skip_all(ok).unwrap();
        }
    }

    #[test]
    fn content_faults_keep_the_readers_words() {
        let e = read_all(b"[5]", &Path::Root("list"), ErrorKind::InvalidInput, |lx| {
            lx.begin_array(&Path::Root("list"), "an array")?;
            let mut first = true;
            lx.next_element(&mut first)?;
            lx.begin_object(&Path::Root("list").index(0), "an object")
        })
        .unwrap_err();
        assert_eq!(e.message, "list[0]: expected an object, found a number");
    }
}

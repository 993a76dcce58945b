//! A small strict JSON reader of its own (RFC 8259), independent of the core's lexer, for the
//! oracles: it says whether text is JSON at all, and gives values in a canonical form to compare
//! — numbers by their exact text (the converters copy them byte for byte), strings decoded,
//! object members sorted by key with the last of a repeated key kept, as `JSON.parse` keeps it.

use std::collections::BTreeMap;

/// A JSON value in canonical form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum J {
    /// `null`, `true`, `false` or a number, as its text.
    Lit(String),
    /// A string, decoded (an unpaired surrogate escape reads as U+FFFD, as in the core).
    Str(String),
    Arr(Vec<J>),
    Obj(BTreeMap<String, J>),
}

impl J {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(m) => m.get(key),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn as_arr(&self) -> Option<&[J]> {
        match self {
            J::Arr(items) => Some(items),
            _ => None,
        }
    }
}

/// A parse: the value, and whether any object anywhere repeated a key.
pub struct Parsed {
    pub value: J,
    pub repeated_keys: bool,
}

/// Reads `text` as one JSON value (surrounded by whitespace only; a leading byte order mark is
/// skipped, as the core's reader and `TextDecoder` skip it). `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Parsed> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader {
        s: text.as_bytes(),
        i: 0,
        repeated_keys: false,
    };
    let value = r.value(0)?;
    r.ws();
    (r.i == r.s.len()).then_some(Parsed {
        value,
        repeated_keys: r.repeated_keys,
    })
}

/// [`parse`] of bytes that must be UTF-8.
pub fn parse_bytes(bytes: &[u8]) -> Option<Parsed> {
    parse(std::str::from_utf8(bytes).ok()?)
}

/// Deeper than any input the fuzzers make: only to keep the reader off the end of the stack.
const DEPTH_LIMIT: usize = 2000;

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    repeated_keys: bool,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<J> {
        if depth > DEPTH_LIMIT {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = BTreeMap::new();
                if self.eat(b'}') {
                    return Some(J::Obj(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    self.repeated_keys |= members.insert(key, v).is_some();
                    if self.eat(b'}') {
                        return Some(J::Obj(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(J::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(J::Arr(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(J::Str),
            b't' => self.word("true"),
            b'f' => self.word("false"),
            b'n' => self.word("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, w: &str) -> Option<J> {
        let end = self.i + w.len();
        (self.s.get(self.i..end)? == w.as_bytes()).then(|| {
            self.i = end;
            J::Lit(w.to_owned())
        })
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<J> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        match self.s.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(J::Lit(text.to_owned()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a `str` and the stop bytes are ASCII: the run is whole characters.
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).ok()?);
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let c = *self.s.get(self.i)?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let at = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    // Not a pair: this escape stands alone, the next is read anew.
                                    self.i = at;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }
}

/// `value` as compact JSON text (members in key order).
pub fn write(value: &J) -> String {
    let mut out = String::new();
    write_to(&mut out, value);
    out
}

fn write_to(out: &mut String, value: &J) {
    match value {
        J::Lit(text) => out.push_str(text),
        J::Str(s) => write_str(out, s),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_to(out, item);
            }
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_to(out, v);
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strict_json_only() {
        for good in [
            "0",
            "-0.0e+5",
            " [1, 2.50, \"a\\u00e9\\ud83d\\ude00\", {\"b\": null}] ",
            "\u{feff}{}",
            "\"\\ud800x\"",
        ] {
            assert!(parse(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "[1,]",
            "{\"a\":1,}",
            "'a'",
            "\"\t\"",
            "\"\\x\"",
            "nul",
            "[1] 2",
            "{\"a\" 1}",
            "\"\\u12g4\"",
            "+1",
            "NaN",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn canonical_form_sorts_members_keeps_number_text_and_the_last_repeat() {
        let p = parse(r#"{"b":[1.50,-0],"a":"\u0041\ud800","b":{"z":1e400,"y":true}}"#).unwrap();
        assert!(p.repeated_keys);
        assert_eq!(
            write(&p.value),
            "{\"a\":\"A\u{fffd}\",\"b\":{\"y\":true,\"z\":1e400}}"
        );
        assert!(!parse("[{\"a\":1},{\"a\":2}]").unwrap().repeated_keys);
    }
}

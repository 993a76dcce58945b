//! Writing JSON text by hand: strings escaped, numbers formatted, members appended. The summary,
//! the tree, the persisted forms and the conversions' output are written this way rather than
//! through serde, whose serialiser machinery costs tens of KB of wasm on cold paths; the text is
//! what `serde_json` would write for the same data (the tests compare the two).

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it (`\"`, `\\`, the short
/// escapes, `\u00XX` for the other control characters; everything else as it is).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `s` as a JSON string literal, for error messages: a value from the input is quoted the way
/// the input spells strings, never with Rust's debug escapes.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_str(&mut out, s);
    out
}

/// Appends the decimal digits of `n` (no `fmt` machinery).
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &buf[start..] {
        out.push(d as char);
    }
}

/// Appends `x` as `serde_json` writes an `f64`: the shortest text that reads back as the same
/// double (`2.5`, `1e100`, `5.0`), or `null` when it is not finite.
pub(crate) fn push_f64(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(x));
    } else {
        out.push_str("null");
    }
}

/// `,"key":` (without the comma for the first member, which the caller opens with `{`).
pub(crate) fn key(out: &mut String, k: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push('"');
    out.push_str(k);
    out.push_str("\":");
}

/// `,"key":n`.
pub(crate) fn field_u64(out: &mut String, k: &str, n: u64) {
    key(out, k);
    push_u64(out, n);
}

/// `,"key":"s"`.
pub(crate) fn field_str(out: &mut String, k: &str, s: &str) {
    key(out, k);
    push_json_str(out, s);
}

/// `,"key":x` (see [`push_f64`]).
pub(crate) fn field_f64(out: &mut String, k: &str, x: f64) {
    key(out, k);
    push_f64(out, x);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_json_writes() {
        for s in [
            "",
            "plain",
            "q\"b\\s/",
            "\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}",
            "é😀",
        ] {
            let mut ours = String::new();
            push_json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).unwrap());
        }
        for x in [0.0, -0.0, 2.5, 5.0, 1e100, 1e-7, 0.1 + 0.2, f64::MAX, -1e15] {
            let mut ours = String::new();
            push_f64(&mut ours, x);
            assert_eq!(ours, serde_json::to_string(&x).unwrap(), "{x}");
        }
        let mut ours = String::new();
        push_f64(&mut ours, f64::NAN);
        assert_eq!(ours, "null");
        for n in [0, 7, 10, 1234567890, u64::MAX] {
            let mut ours = String::new();
            push_u64(&mut ours, n);
            assert_eq!(ours, n.to_string());
        }
        assert_eq!(quoted("a\"b\u{1}"), r#""a\"b\u0001""#);
    }
}

//! The JSON path every error message starts with: `records[3].hierarchy[0].children[2]`.
//!
//! Built on the stack as a reader descends (each level borrows its parent), so that naming the
//! place costs nothing until a message is written.

use std::fmt;

/// Where a value sits in the input.
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    /// The whole input, named as the caller knows it (`record`, `records`, `taxonomy`).
    Root(&'static str),
    /// A page body. The page itself is `page`; its members are named without a prefix
    /// (`records[3]`, `has_next`), as the export's contract names them.
    Page,
    /// A member of an object.
    Key(&'p Path<'p>, &'p str),
    /// An element of an array.
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    /// The member `key` of this object.
    pub(crate) fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    /// The element `i` of this array.
    pub(crate) fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }
}

/// Keys that read as identifiers are written `.key`; any other as `["key"]` (JSON-quoted), so
/// that a path is never ambiguous.
fn is_identifier(key: &str) -> bool {
    let mut bytes = key.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Page => f.write_str("page"),
            Path::Key(parent, key) => {
                let top = matches!(parent, Path::Page);
                if !top {
                    write!(f, "{parent}")?;
                }
                if !is_identifier(key) {
                    f.write_str("[")?;
                    f.write_str(&super::write::quoted(key))?;
                    f.write_str("]")
                } else if top {
                    f.write_str(key)
                } else {
                    write!(f, ".{key}")
                }
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_the_contract_names_things() {
        let page = Path::Page;
        let records = page.key("records");
        let third = records.index(3);
        let hierarchy = third.key("hierarchy");
        let node = hierarchy.index(0);
        assert_eq!(node.to_string(), "records[3].hierarchy[0]");
        assert_eq!(page.to_string(), "page");
        assert_eq!(page.key("has_next").to_string(), "has_next");
        let root = Path::Root("record");
        let odd = root.key("a.b");
        assert_eq!(odd.to_string(), r#"record["a.b"]"#);
        assert_eq!(page.key("").to_string(), r#"[""]"#);
        assert_eq!(Path::Root("records").index(1).to_string(), "records[1]");
    }
}

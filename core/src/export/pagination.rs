//! The pagination state machine: which cursor comes next, and whether a page continues the export.
//!
//! What a single page must be (its members' types, its records) is the page reader's to check
//! (`crate::page`); this decides what only the sequence of pages can: that a page says whether
//! another follows, that it gives the cursor to continue from, and that no cursor comes back.

use rustc_hash::FxHashSet;

use crate::error::{Error, Result};
use crate::json::write::quoted;
use crate::page::{Field, PageEnvelope};

/// What an accepted page means for the export.
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    /// Whether another page follows.
    pub has_next: bool,
    /// The cursor after this page (`None` on the last page).
    pub next_starting_after: Option<String>,
    /// How many records the page holds.
    pub records: usize,
}

/// Where the export stands: the next cursor, and every cursor seen so far (a repeat would loop).
#[derive(Debug, Clone, Default)]
pub struct Pagination {
    next_cursor: Option<String>,
    seen: FxHashSet<String>,
    finished: bool,
    pages: u64,
    records: u64,
}

impl Pagination {
    /// Starts after `starting_after` (the first employee when `None`).
    pub fn new(starting_after: Option<String>) -> Self {
        let mut seen = FxHashSet::default();
        seen.extend(starting_after.clone());
        Pagination {
            next_cursor: starting_after,
            seen,
            ..Default::default()
        }
    }

    /// The `starting_after` of the next request, or `None` once the last page was accepted.
    pub fn next_request(&self) -> Option<Option<&str>> {
        (!self.finished).then_some(self.next_cursor.as_deref())
    }

    /// Whether the last page has been accepted.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Records in the pages accepted so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Checks a page against the contract and advances; a violation leaves the state as it was.
    pub fn accept(&mut self, page: PageEnvelope) -> Result<PageInfo> {
        let info = self.check(page)?;
        self.pages += 1;
        self.records += info.records as u64;
        match &info.next_starting_after {
            Some(c) => {
                self.seen.insert(c.clone());
                self.next_cursor = Some(c.clone());
            }
            None => {
                self.finished = true;
                self.next_cursor = None;
            }
        }
        Ok(info)
    }

    /// Checks a page against the contract without advancing. A member of the wrong type is
    /// refused in the page readers' words ([`PageEnvelope::problem`]); what only the sequence of
    /// pages decides is said of `page N` (`page 3 (after "c2")`).
    pub fn check(&self, page: PageEnvelope) -> Result<PageInfo> {
        if let Some(problem) = page.problem() {
            return Err(Error::protocol(problem));
        }
        let where_ = || {
            let n = self.pages + 1;
            match &self.next_cursor {
                Some(c) => format!("page {n} (after {})", quoted(c)),
                None => format!("page {n}"),
            }
        };
        let records = match page.records {
            Field::Value(n) => n,
            // Refused above.
            Field::Missing | Field::Wrong(_) => 0,
        };
        let has_next = match page.has_next {
            Field::Value(b) => b,
            Field::Missing | Field::Wrong(_) => {
                return Err(Error::protocol(format!(
                    "{}: missing \"has_next\" (whether another page follows)",
                    where_()
                )))
            }
        };
        let next_starting_after = match page.next_starting_after {
            _ if !has_next => None,
            Field::Value(c) if !c.is_empty() => {
                if self.seen.contains(&c) {
                    return Err(Error::protocol(format!(
                        "{}: the server sent the cursor {} again; following it would loop forever",
                        where_(),
                        quoted(&c)
                    )));
                }
                Some(c)
            }
            Field::Value(_) | Field::Missing | Field::Wrong(_) => {
                return Err(Error::protocol(format!(
                    "{}: \"has_next\" is true but there is no \"next_starting_after\" to continue from",
                    where_()
                )))
            }
        };
        Ok(PageInfo {
            has_next,
            next_starting_after,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn page(has_next: bool, cursor: Option<&str>, records: usize) -> PageEnvelope {
        PageEnvelope {
            has_next: Field::Value(has_next),
            next_starting_after: cursor.map_or(Field::Missing, |c| Field::Value(c.into())),
            records: Field::Value(records),
        }
    }

    #[test]
    fn walks_cursors_to_the_end() {
        let mut p = Pagination::new(None);
        assert_eq!(p.next_request(), Some(None));
        p.accept(page(true, Some("a"), 2)).unwrap();
        assert_eq!(p.next_request(), Some(Some("a")));
        // An empty page with has_next is not the end.
        p.accept(page(true, Some("b"), 0)).unwrap();
        assert_eq!(p.next_request(), Some(Some("b")));
        let last = p.accept(page(false, None, 1)).unwrap();
        assert_eq!(last.next_starting_after, None);
        assert_eq!(p.next_request(), None);
        assert!(p.is_finished());
        assert_eq!((p.pages(), p.records()), (3, 3));
    }

    #[test]
    fn resumes_after_a_cursor() {
        let p = Pagination::new(Some("x".into()));
        assert_eq!(p.next_request(), Some(Some("x")));
    }

    #[test]
    fn a_cursor_on_the_last_page_is_ignored() {
        let mut p = Pagination::new(None);
        let info = p.accept(page(false, Some("z"), 1)).unwrap();
        assert!(!info.has_next);
        assert!(p.is_finished());
    }

    fn violation(p: &mut Pagination, env: PageEnvelope) -> String {
        let e = p.accept(env).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        e.message
    }

    #[test]
    fn contract_violations_are_protocol_errors() {
        let mut p = Pagination::new(Some("start".into()));
        assert!(violation(&mut p, page(true, None, 1)).contains("no \"next_starting_after\""));
        assert!(violation(&mut p, page(true, Some(""), 1)).contains("no \"next_starting_after\""));
        assert!(violation(&mut p, page(true, Some("start"), 1)).contains("again"));
        p.accept(page(true, Some("a"), 1)).unwrap();
        assert_eq!(
            violation(&mut p, page(true, Some("a"), 1)),
            "page 2 (after \"a\"): the server sent the cursor \"a\" again; following it would loop forever"
        );
        let fresh = Pagination::new(None);
        assert_eq!(
            fresh.check(page(true, None, 0)).unwrap_err().message,
            "page 1: \"has_next\" is true but there is no \"next_starting_after\" to continue from"
        );
        let mut env = page(true, Some("b"), 1);
        env.records = Field::Missing;
        assert_eq!(
            violation(&mut p, env.clone()),
            "page: missing \"records\" (an array of records)"
        );
        env.records = Field::Wrong("an object");
        assert_eq!(
            violation(&mut p, env.clone()),
            "records: expected an array, found an object"
        );
        env.records = Field::Value(1);
        env.has_next = Field::Wrong("a string");
        assert_eq!(
            violation(&mut p, env.clone()),
            "has_next: expected a boolean, found a string"
        );
        env.has_next = Field::Missing;
        assert_eq!(
            violation(&mut p, env.clone()),
            "page 2 (after \"a\"): missing \"has_next\" (whether another page follows)"
        );
        env.has_next = Field::Value(true);
        env.next_starting_after = Field::Wrong("a number");
        assert_eq!(
            violation(&mut p, env.clone()),
            "next_starting_after: expected a string or null, found a number"
        );
        // Even on the last page, where the cursor is not followed.
        env.has_next = Field::Value(false);
        assert!(violation(&mut p, env).contains("next_starting_after"));
        // Violations left the state untouched.
        assert_eq!(p.next_request(), Some(Some("a")));
        assert_eq!(p.pages(), 1);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod laws {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any sequence of pages with fresh cursors is walked to its end, counting every record;
        /// a cursor that comes back is refused however late it comes back.
        #[test]
        fn walks_fresh_cursors_and_refuses_any_repeat(
            sizes in prop::collection::vec(0usize..120, 1..40),
            repeat_from in any::<prop::sample::Index>(),
        ) {
            let mut p = Pagination::new(None);
            let last = sizes.len() - 1;
            for (i, &n) in sizes.iter().enumerate() {
                let more = i < last;
                let cursor = more.then(|| format!("c{i}"));
                let info = p.accept(PageEnvelope {
                    has_next: Field::Value(more),
                    next_starting_after: cursor.clone().map_or(Field::Missing, Field::Value),
                    records: Field::Value(n),
                }).unwrap();
                prop_assert_eq!(info.next_starting_after, cursor);
            }
            prop_assert!(p.is_finished());
            prop_assert_eq!(p.records(), sizes.iter().sum::<usize>() as u64);

            let mut q = Pagination::new(None);
            let k = repeat_from.index(sizes.len());
            for i in 0..=k {
                q.accept(PageEnvelope {
                    has_next: Field::Value(true),
                    next_starting_after: Field::Value(format!("c{i}")),
                    records: Field::Value(1),
                }).unwrap();
            }
            let again = q.accept(PageEnvelope {
                has_next: Field::Value(true),
                next_starting_after: Field::Value(format!("c{}", k / 2)),
                records: Field::Value(1),
            });
            prop_assert!(again.is_err());
        }
    }
}

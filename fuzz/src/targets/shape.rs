//! `convertPage`, `toList` / `toHierarchy` (records) and `TaskTaxonomy.fromJSON`.

use arbitrary::Unstructured;
use task_profiles_core::page::{read_page, Shape};
use task_profiles_core::shape::{self, ConvertOptions, TaskTaxonomy};
use task_profiles_core::ErrorKind;

use crate::canon::{self, J};
use crate::gen;
use crate::laws::{self, learned, GROUPINGS};
use crate::targets::split_options;

/// The project's own hierarchy page: a taxonomy learned "elsewhere".
const PAGE_HIERARCHY: &[u8] = include_bytes!("../../../tests/fixtures/page-hierarchy.json");
const PAGE_LIST: &[u8] = include_bytes!("../../../tests/fixtures/page-list.json");

/// The taxonomy a conversion is given.
enum TaxonomyFrom {
    None,
    Empty,
    /// Learned from the input itself (placing tasks where the input says they are).
    Input,
    /// Learned from other records (ids overlap, places differ).
    Elsewhere,
}

/// Options from bits: bit 0 to hierarchy, bit 1 `keepPath`, bits 2-4 the grouping, bits 5-6
/// where the taxonomy comes from.
fn options_of(bits: u8) -> (Shape, bool, usize, TaxonomyFrom) {
    let to = if bits & 1 == 1 {
        Shape::Hierarchy
    } else {
        Shape::List
    };
    let taxonomy = match (bits >> 5) & 3 {
        0 => TaxonomyFrom::None,
        1 => TaxonomyFrom::Empty,
        2 => TaxonomyFrom::Input,
        _ => TaxonomyFrom::Elsewhere,
    };
    (
        to,
        bits & 2 == 2,
        usize::from((bits >> 2) & 7) % GROUPINGS.len(),
        taxonomy,
    )
}

fn taxonomy_for(
    from: &TaxonomyFrom,
    input_records: Option<&[u8]>,
    elsewhere: &[u8],
) -> Option<TaskTaxonomy> {
    match from {
        TaxonomyFrom::None => None,
        TaxonomyFrom::Empty => Some(TaskTaxonomy::new()),
        TaxonomyFrom::Input => input_records.and_then(learned),
        TaxonomyFrom::Elsewhere => learned(elsewhere),
    }
}

/// `convertPage` (first byte: the options, see [`options_of`]; the rest: the page body), with and
/// without a taxonomy: it refuses what the page reader refuses, in its words; what it accepts it
/// writes as JSON keeping every envelope member, records in the target shape pass through, and
/// where the records meet the laws' conditions the laws hold, through pages too.
pub fn convert_page(data: &[u8]) {
    let (bits, body) = split_options(data);
    let (to, keep_path, grouping, from) = options_of(bits);
    let page = canon::parse_bytes(body);
    let records_text = page
        .as_ref()
        .and_then(|p| p.value.get("records").map(|r| canon::write(r).into_bytes()));
    let taxonomy = taxonomy_for(&from, records_text.as_deref(), PAGE_HIERARCHY);
    let opts = ConvertOptions {
        to,
        keep_path,
        taxonomy: taxonomy.as_ref(),
        group_by: GROUPINGS[grouping].to_vec(),
    };
    let out = match shape::convert_page(body, &opts) {
        Ok(out) => out,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            if let Err(reader) = read_page(body, ErrorKind::InvalidInput) {
                assert_eq!(
                    e, reader,
                    "convertPage and the page reader refuse differently"
                );
            }
            return;
        }
    };
    let (envelope, same) = shape::convert_page_with_envelope(body, &opts)
        .expect("accepted once, accepted as from the server");
    assert_eq!(same, out);
    assert_eq!(Ok(envelope), read_page(body, ErrorKind::Protocol));
    let Some(page) = page else {
        panic!("convertPage accepted a page that is not JSON");
    };
    let converted = laws::canon_of(&out);
    let (J::Obj(before), J::Obj(after)) = (&page.value, &converted) else {
        panic!("a page that is not an object");
    };
    let others = |m: &std::collections::BTreeMap<String, J>| {
        m.iter()
            .filter(|(k, _)| *k != "records")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(others(before), others(after), "an envelope member changed");
    let records = before["records"].as_arr().expect("records");
    laws::check_pass_through(records, &after["records"], &opts);
    if page.repeated_keys {
        return;
    }
    check_laws(records_text.as_deref().expect("records"), records, &opts);
    // Law 1 through whole pages, the envelope kept.
    if records.iter().all(laws::meets_hierarchy_law_conditions) {
        let list = ConvertOptions {
            keep_path: true,
            ..ConvertOptions::new(Shape::List)
        };
        if let Ok(l) = shape::convert_page(body, &list) {
            let back = shape::convert_page(&l, &ConvertOptions::new(Shape::Hierarchy))
                .unwrap_or_else(|e| panic!("convertPage refused its own output: {e}"));
            let mut want = before.clone();
            want.insert("records".into(), laws::round_trip_of(records));
            assert_eq!(
                canon::write(&laws::canon_of(&back)),
                canon::write(&J::Obj(want)),
                "law 1 through pages"
            );
        }
    }
}

/// `toList` / `toHierarchy` on records built to meet the laws' conditions often (and miss them
/// now and then), with every option: the checks of [`convert_page`] on records.
pub fn convert_records(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(bits), Ok(records), Ok(other)) = (
        u.arbitrary::<u8>(),
        gen::records(&mut u),
        gen::records(&mut u),
    ) else {
        return;
    };
    let (to, keep_path, grouping, from) = options_of(bits);
    let taxonomy = taxonomy_for(&from, Some(records.as_bytes()), other.as_bytes());
    let opts = ConvertOptions {
        to,
        keep_path,
        taxonomy: taxonomy.as_ref(),
        group_by: GROUPINGS[grouping].to_vec(),
    };
    let parsed = canon::parse(&records).expect("the generator writes JSON");
    let list = parsed.value.as_arr().expect("an array of records");
    match shape::convert_records(records.as_bytes(), &opts) {
        Ok(out) => laws::check_pass_through(list, &laws::canon_of(&out), &opts),
        Err(e) => assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}"),
    }
    if !parsed.repeated_keys {
        check_laws(records.as_bytes(), list, &opts);
    }
}

/// The laws that apply to `records` (JSON text of an array, `list` its canonical form): 1 and 2
/// when all are hierarchy records meeting their conditions, 3 (with `opts`' placement) when all
/// are list records meeting its conditions.
fn check_laws(records: &[u8], list: &[J], opts: &ConvertOptions) {
    if list.iter().all(laws::meets_hierarchy_law_conditions) {
        laws::check_hierarchy_laws(records, list);
    }
    if opts.to == Shape::Hierarchy && list.iter().all(laws::meets_list_law_conditions) {
        laws::check_list_law(records, list, opts);
    }
}

/// `TaskTaxonomy.fromJSON`: what it accepts writes back as text it reads back byte-identically,
/// with the same size and conflicts, and places the tasks of a page.
pub fn taxonomy_from_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let taxonomy = match TaskTaxonomy::from_json(&text) {
        Ok(t) => t,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            return;
        }
    };
    let json = taxonomy.to_json();
    let back = TaskTaxonomy::from_json(&json)
        .unwrap_or_else(|e| panic!("fromJSON refused what toJSON wrote: {e}\n{json}"));
    assert_eq!(
        back.to_json(),
        json,
        "the persisted form does not read back byte-identically"
    );
    assert_eq!(
        (back.size(), back.conflicts()),
        (taxonomy.size(), taxonomy.conflicts())
    );
    canon::parse(&json).expect("toJSON writes JSON");
    for group_by in [&[][..], GROUPINGS[3]] {
        let opts = ConvertOptions {
            taxonomy: Some(&taxonomy),
            group_by: group_by.to_vec(),
            ..ConvertOptions::new(Shape::Hierarchy)
        };
        let out =
            shape::convert_page(PAGE_LIST, &opts).expect("the fixture converts with any taxonomy");
        laws::canon_of(&out);
    }
    let mut more = taxonomy;
    if more
        .learn_json(
            &crate::targets::stats::records_as_js_sees_them(PAGE_HIERARCHY)
                .expect("records")
                .into_bytes(),
        )
        .is_ok()
    {
        assert!(more.size() >= back.size());
    }
}

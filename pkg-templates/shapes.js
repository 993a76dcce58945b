// toList and toHierarchy on records the caller already holds as JS objects, without a round trip
// through JSON text. skeleton.js collects a skeleton of the records (how nodes nest, task ids,
// paths, grouping values: numbers, and the strings in one JSON.stringify); Rust plans the result
// from it with the code the byte converter plans with (`task_profiles_core::shape::plan`, which
// documents the skeleton and the instructions); `assemble` builds what the plan says from
// shallow copies of the caller's objects. Where anything goes is decided in Rust only.
//
// Only records this walk recognises as well-formed take that path. Anything else (not a plain
// object or array, a member the conversion reads of the wrong type, both `tasks` and `hierarchy`
// even if one is `undefined`, a `toJSON`, a path entry with a `children` member…) takes the exact
// path, JSON.stringify → wasm → JSON.parse, so that its errors are the converter's own; so does
// a skeleton the planner does not read, and records that throw while being copied.
//
// What is new and what is shared: every output record, the arrays a conversion builds and every
// task and group object in them are new objects; the values of their other members (`ai_impact`,
// `linked_skills`, a passed-through record's `tasks` or `hierarchy`…) are the caller's, as a
// spread copy has them, where the exact path makes new ones. Those values are not made again
// through JSON, and so not checked either: what JSON.stringify would write otherwise or refuse
// in them (a member set to `undefined`, a Date, a BigInt, a cycle) stays as it is.

import { walk } from "./skeleton.js";
import { plain, array } from "./json-view.js";
import { assemble } from "./assemble.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NO_STRINGS = encoder.encode("[]");

/** `{ toList, toHierarchy }` over the wasm module; `taxonomyOrNone(options)` checks `options.taxonomy`. */
export function objectShapes(wasm, taxonomyOrNone) {
  return {
    toList(records, options) {
      const sk = walk(records, null);
      const plan = sk && wasm.planRecords(false, Uint32Array.from(sk.words), NO_STRINGS, options, taxonomyOrNone());
      return (plan?.length && assemble(sk, JSON.parse(decoder.decode(plan)), "tasks")) || wasm.toList(records, options);
    },
    toHierarchy(records, options) {
      const taxonomy = taxonomyOrNone(options);
      const dims = dimensions(options);
      const sk = dims && walk(records, dims);
      const strings = sk && encoder.encode(JSON.stringify(sk.strings));
      const plan = sk && wasm.planRecords(true, Uint32Array.from(sk.words), strings, options, taxonomy);
      return (plan?.length && assemble(sk, JSON.parse(decoder.decode(plan)), "hierarchy")) || wasm.toHierarchy(records, options, taxonomy);
    },
  };
}

/** `groupBy` as given, when it is one this path reads; `null` otherwise (the exact path says why). */
function dimensions(options) {
  if (options === undefined) return [];
  if (!plain(options)) return null;
  const by = options.groupBy;
  if (by === undefined) return [];
  if (!array(by)) return null;
  const dims = [];
  for (let i = 0; i < by.length; i++) {
    if (by[i] !== "ai_impact_level" && by[i] !== "validation_state") return null;
    dims.push(by[i]);
  }
  return dims;
}

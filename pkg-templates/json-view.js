// How JSON.stringify would see a JS value, for the object path of `toList`/`toHierarchy`
// (see shapes.js): the records the walk reads must be what their JSON says they are, or they take
// the exact path, whose errors are the converter's own.

const { getPrototypeOf } = Object;
const OBJECT = Object.prototype;

/** Thrown by the walk: these records take the exact path. */
export const EXACT = Symbol("exact");

/** An object JSON.stringify writes as its own members: no other prototype, no `toJSON`. */
export function plain(o) {
  if (typeof o !== "object" || o === null) return false;
  const proto = getPrototypeOf(o);
  return (proto === OBJECT || proto === null) && o.toJSON === undefined;
}

export const array = (a) => Array.isArray(a) && a.toJSON === undefined;

/** `o[key]`; present with the value `undefined` (which JSON leaves out, but a copy keeps), it is not for this path. */
export function member(o, key) {
  const v = o[key];
  if (v === undefined && key in o) throw EXACT;
  return v;
}

/** `ai_impact.level` when `ai_impact` is an object. */
export function level(ai) {
  if (typeof ai === "object" && ai !== null && !Array.isArray(ai)) {
    if (!plain(ai)) throw EXACT;
    return scalar(ai.level);
  }
  scalar(ai);
  return undefined;
}

/**
 * A value where the converter reads a string: the string, or `undefined` where JSON shows none
 * (any other JSON value, or no value). What JSON would write otherwise than it looks (`toJSON`,
 * a boxed string, a BigInt) is not for this path.
 */
export function scalar(v) {
  switch (typeof v) {
    case "string":
      return v;
    case "bigint":
      throw EXACT;
    case "object":
      if (v !== null && !array(v) && !plain(v)) throw EXACT;
  }
  return undefined;
}

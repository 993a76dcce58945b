// Checks one run's segments against the fault-free export: every employee exactly once, in order;
// each give-up's cursor and count; progress; and, for stats(), the summary.
import { digestIds } from "../runtimes/scenario.mjs";

/**
 * How `seen` differs from `expected` (two id sequences): `exact` when they are equal (compared by
 * digest, as the runtime tests compare them); otherwise the ids lost, repeated and unknown, and
 * the first position where they part.
 */
export function compareSequence(expected, seen) {
  if (seen.length === expected.length && digestIds(seen) === digestIds(expected)) {
    return { exact: true, lost: 0, repeated: 0, unknown: 0 };
  }
  const counts = new Map();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const known = new Set(expected);
  let repeated = 0;
  for (const n of counts.values()) repeated += n - 1;
  const lost = expected.filter((id) => !counts.has(id)).length;
  const unknown = [...counts.keys()].filter((id) => !known.has(id)).length;
  let firstDifference = 0;
  while (firstDifference < seen.length && seen[firstDifference] === expected[firstDifference]) firstDifference++;
  return { exact: false, lost, repeated, unknown, firstDifference };
}

/** Where a segment that starts after `startingAfter` starts in the expected sequence. */
function offsetOf(startingAfter, positions) {
  if (startingAfter === undefined) return 0;
  const at = positions.get(startingAfter);
  return at === undefined ? NaN : at + 1;
}

/**
 * Problems with one run, as text (empty when it is exact), and its totals. `expected` is the
 * fault-free `{ ids, positions, csvRows }`; `summary` (stats() runs only) the fault-free stats()
 * summary of the employees after the last export's startingAfter, with the run's include set.
 */
export function checkRun(segments, expected, { consumer, summary }) {
  const problems = [];
  const n = expected.ids.length;
  let handedOut = 0;
  segments.forEach((segment, s) => {
    const where = `export ${s + 1} of ${segments.length} (startingAfter ${segment.startingAfter ?? "none"})`;
    const offset = offsetOf(segment.startingAfter, expected.positions);
    if (Number.isNaN(offset)) problems.push(`${where}: starts after an id the export does not hold`);
    // Progress comes after each page handed out in full: its cursor is that page's last id.
    segment.progress.forEach((p, k) => {
      if (p.pages !== k + 1) problems.push(`${where}: progress ${k + 1} says pages ${p.pages}`);
      const wanted = p.hasNext ? expected.ids[offset + p.records - 1] : undefined;
      if (p.cursor !== wanted) problems.push(`${where}: progress after ${p.records} records has cursor ${p.cursor}, expected ${wanted}`);
      if (!p.hasNext && offset + p.records !== n) problems.push(`${where}: the last page came after ${offset + p.records} of ${n} employees`);
    });
    const last = segment.progress.at(-1);
    const records = segment.error ? segment.error.records : (last?.records ?? 0);
    handedOut += records;
    if (consumer !== "stats" && segment.ids.length !== records) {
      problems.push(`${where}: ${segment.ids.length} records seen, the export counts ${records}`);
    }
    if (segment.error) {
      // The resume point is the last record handed out (or where this export started).
      const lastHanded = consumer === "stats" ? (last?.cursor ?? segment.startingAfter) : (segment.ids.at(-1) ?? segment.startingAfter);
      if (segment.error.cursor !== lastHanded) {
        problems.push(`${where}: gave up (${segment.error.kind}) with cursor ${segment.error.cursor}, but the last record handed out is ${lastHanded}`);
      }
    } else if (s !== segments.length - 1 || last?.hasNext !== false) {
      problems.push(`${where}: ended without an error before the last page`);
    }
    if (segment.counted !== undefined && segment.counted !== records) {
      problems.push(`${where}: stats() counted ${segment.counted} employees of ${records} handed out`);
    }
  });
  const seen = segments.flatMap((segment) => segment.ids);
  const sequence = consumer === "stats"
    ? { exact: handedOut === n, lost: Math.max(0, n - handedOut), repeated: Math.max(0, handedOut - n), unknown: 0 }
    : compareSequence(expected.ids, seen);
  if (!sequence.exact) problems.push(`not every employee exactly once, in order: ${JSON.stringify(sequence)}`);
  if (consumer === "csv") {
    const rows = segments.reduce((sum, segment) => sum + segment.csvRows, 0);
    if (rows !== expected.csvRows) problems.push(`${rows} CSV rows, the fault-free export has ${expected.csvRows}`);
  }
  // stats({ into }) keeps what each export counted, also when it gives up: the last export's
  // summary is the whole drain's (stats-give-up.test.mjs).
  if (consumer === "stats" && JSON.stringify(sorted(segments.at(-1).summary)) !== JSON.stringify(sorted(summary))) {
    problems.push(`stats({ into }) resumed to the end differs from the fault-free summary of the whole export`);
  }
  return { problems, sequence, handedOut, pages: segments.reduce((sum, segment) => sum + segment.progress.length, 0) };
}

/** A JSON value with object keys sorted, for comparison regardless of member order. */
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
}

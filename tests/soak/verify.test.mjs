// The soak's checker catches what it is there to catch: a record lost or repeated, a resume
// cursor that is not the last record handed out, a page boundary out of place, a wrong summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkRun, compareSequence } from "./verify.mjs";

const ids = Array.from({ length: 10 }, (_, i) => `e${i}`);
const expected = { ids, positions: new Map(ids.map((id, i) => [id, i])), csvRows: 10 };

/** Progress events of pages of `size` over ids[from..to), as the package reports them. */
function progress(from, to, size) {
  const out = [];
  for (let end = from + size; end < to + size; end += size) {
    const records = Math.min(end, to) - from;
    const hasNext = Math.min(end, to) < ids.length;
    out.push({ pages: out.length + 1, records, cursor: hasNext ? ids[from + records - 1] : undefined, hasNext });
  }
  return out;
}

/** A run resumed once after `at` records (a give-up at a page boundary). */
function resumedRun(at) {
  return [
    { startingAfter: undefined, ids: ids.slice(0, at), progress: progress(0, at, 2).map((p) => ({ ...p, hasNext: true })), error: { kind: "protocol", cursor: ids[at - 1], records: at } },
    { startingAfter: ids[at - 1], ids: ids.slice(at), progress: progress(at, 10, 2), error: undefined },
  ];
}

test("an exact resumed run passes", () => {
  const checked = checkRun(resumedRun(4), expected, { consumer: "records" });
  assert.deepEqual(checked.problems, []);
  assert.equal(checked.handedOut, 10);
  assert.equal(checked.pages, 5);
});

test("a lost record, a repeated one and a wrong cursor are each reported", () => {
  const lost = resumedRun(4);
  lost[1].ids.splice(2, 1);
  assert.match(checkRun(lost, expected, { consumer: "records" }).problems.join("\n"), /5 records seen, the export counts 6/);

  const repeated = resumedRun(4);
  repeated[1].ids[0] = "e3";
  const checked = checkRun(repeated, expected, { consumer: "pages" });
  assert.equal(checked.sequence.repeated, 1);
  assert.equal(checked.sequence.lost, 1);

  const cursor = resumedRun(4);
  cursor[0].error.cursor = "e2";
  assert.match(checkRun(cursor, expected, { consumer: "rawPages" }).problems.join("\n"), /gave up \(protocol\) with cursor e2, but the last record handed out is e3/);

  const boundary = resumedRun(4);
  boundary[1].progress[0].cursor = "e6";
  assert.match(checkRun(boundary, expected, { consumer: "stats", summary: undefined }).problems.join("\n"), /progress after 2 records has cursor e6, expected e5/);
});

test("stats({ into }) runs are checked by their pages, what each export counted and the summary", () => {
  const run = resumedRun(6).map((segment) => ({ ...segment, ids: [] }));
  run[0].counted = 6;
  run[1].counted = 4;
  run[1].summary = { employees: 10, tasks: 19 };
  assert.deepEqual(checkRun(run, expected, { consumer: "stats", summary: { tasks: 19, employees: 10 } }).problems, []);
  assert.match(checkRun(run, expected, { consumer: "stats", summary: { employees: 10, tasks: 18 } }).problems.join("\n"), /differs from the fault-free summary/);
  run[0].counted = 4; // what an export counted before giving up, lost
  assert.match(checkRun(run, expected, { consumer: "stats", summary: { employees: 10, tasks: 19 } }).problems.join("\n"), /stats\(\) counted 4 employees of 6 handed out/);
  run[0].counted = 6;
  run[0].error.records = 4;
  assert.match(checkRun(run, expected, { consumer: "stats", summary: { employees: 10, tasks: 19 } }).problems.join("\n"), /not every employee exactly once/);
});

test("CSV rows are counted against the fault-free export", () => {
  const run = resumedRun(4);
  run[0].csvRows = 4;
  run[1].csvRows = 5;
  assert.match(checkRun(run, expected, { consumer: "csv" }).problems.join("\n"), /9 CSV rows, the fault-free export has 10/);
});

test("compareSequence names what differs", () => {
  assert.deepEqual(compareSequence(ids, ids), { exact: true, lost: 0, repeated: 0, unknown: 0 });
  const swapped = [...ids];
  [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
  assert.deepEqual(compareSequence(ids, swapped), { exact: false, lost: 0, repeated: 0, unknown: 0, firstDifference: 3 });
  assert.deepEqual(compareSequence(ids, [...ids, "x"]), { exact: false, lost: 0, repeated: 0, unknown: 1, firstDifference: 10 });
});

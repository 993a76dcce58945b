// `make bench`: measures the package against the plain-JS way of doing the same job, in one Node
// process, on the sandbox's synthetic export. Prints medians and ratios; asserts nothing about time.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskStats, TaskTaxonomy, convertPage, toList, toHierarchy } from "task-profiles";
import { summarizeLoop, summarizeD3, toListJs, toHierarchyJs, learnTaxonomyJs } from "./baselines.mjs";
import { startSandbox } from "../examples/sandbox.mjs";

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 20000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const INCLUDE = ["ai_impact", "source_events", "linked_skills", "rejected_tasks", "weekly_hours"];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs each contender RUNS times, interleaved and in a rotating order so that drift and
 * whatever one leaves behind (garbage, a warm server) hit all alike; returns the median ms and
 * the last result of each.
 */
async function race(contenders, runs = RUNS) {
  const times = contenders.map(() => []);
  const results = [];
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + run) % contenders.length;
      const start = performance.now();
      results[i] = await contenders[i][1]();
      times[i].push(performance.now() - start);
    }
  }
  return contenders.map(([name], i) => ({ name, ms: median(times[i]), times: times[i], result: results[i] }));
}

/** How much longer `row` takes than `base`, in percent: the median of the runs' ratios (a run
 * of one is paired with the same round's run of the other, so drift between rounds cancels). */
function overhead(row, base) {
  return (median(row.times.map((t, i) => t / base.times[i])) - 1) * 100;
}

function report(title, rows, baselineIndex = 0) {
  console.log(`\n${title}`);
  const base = rows[baselineIndex].ms;
  for (const { name, ms } of rows) {
    console.log(`  ${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms   ${(base / ms).toFixed(2)}x`);
  }
}

const sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", "2026"]);
const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: sandbox.token });
console.log(`sandbox ${sandbox.url}: ${EMPLOYEES} employees, every include field; median of ${RUNS} runs`);

// 4. The export iterator against hand-written fetch + JSON.parse loops, over HTTP. The iterator
// requests the next page as soon as it hands out a page's records; so does the second loop,
// which is what the iterator's overhead is measured against. The first loop waits for each
// page before asking for the next: it shows what prefetching gains here. All read each body
// with `text()`; the iterator also checks that the text shows no U+FFFD (where bytes that are not
// UTF-8 would be), and puts a timeout and an abort signal on each request.
function requestPage(cursor) {
  return fetch(`${sandbox.url}/export/employees/task_profiles?response_format=list`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sandbox.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ limit: 100, include: INCLUDE, ...(cursor ? { starting_after: cursor } : {}) }),
  });
}
/** What each export contender hands back, to be checked equal: every employee's id and task count. */
const tally = () => ({ ids: [], tasks: 0 });
function countRecords(records, into) {
  for (const record of records) {
    into.ids.push(record.external_id);
    into.tasks += record.tasks.length;
  }
  return into;
}
async function handWritten() {
  const n = tally();
  for (let cursor; ;) {
    const page = JSON.parse(await (await requestPage(cursor)).text());
    countRecords(page.records, n);
    if (!page.has_next) return n;
    cursor = page.next_starting_after;
  }
}
async function handWrittenPrefetch() {
  const n = tally();
  let next = requestPage(undefined).then((res) => res.text());
  for (;;) {
    const page = JSON.parse(await next);
    // Ask for the next page before going through this one's records, as the iterator does.
    if (page.has_next) next = requestPage(page.next_starting_after).then((res) => res.text());
    countRecords(page.records, n);
    if (!page.has_next) return n;
  }
}
async function iterator() {
  const n = tally();
  for await (const record of client.exportTaskProfiles({ limit: 100, include: INCLUDE })) {
    n.ids.push(record.external_id);
    n.tasks += record.tasks.length;
  }
  return n;
}
async function iteratorPages() {
  const n = tally();
  for await (const page of client.exportTaskProfiles({ limit: 100, include: INCLUDE }).pages()) countRecords(page.records, n);
  return n;
}
// Over HTTP, with the sandbox on the same machine, runs vary more than in-process work: more of them.
const EXPORT_RUNS = Math.max(RUNS, 11);
const exportRows = await race([
  ["hand-written loop, one page after another", handWritten],
  ["hand-written loop, one page ahead", handWrittenPrefetch],
  ["client.exportTaskProfiles (for await)", iterator],
  ["client.exportTaskProfiles().pages() (for await)", iteratorPages],
], EXPORT_RUNS);
assert.equal(exportRows[0].result.ids.length, EMPLOYEES);
for (const row of exportRows.slice(1)) assert.deepEqual(row.result, exportRows[0].result, `${row.name} hands out the same records`);
report(`export over HTTP (4): median of ${EXPORT_RUNS} runs`, exportRows, 1);
const pct = (row, base) => ((row.ms / base.ms - 1) * 100).toFixed(1);
console.log(`  iterator overhead over the loop one page ahead: ${pct(exportRows[2], exportRows[1])}% (target: under 10%; median of paired runs ${overhead(exportRows[2], exportRows[1]).toFixed(1)}%); pages(): ${pct(exportRows[3], exportRows[1])}%`);
console.log(`  prefetch gain of the hand-written loop: ${(-pct(exportRows[1], exportRows[0])).toFixed(1)}%`);

/** Every page body of the export, as bytes, exactly as fetch delivers them. */
async function pagesAsBytes(format) {
  const pages = [];
  let cursor;
  for (;;) {
    const res = await fetch(`${sandbox.url}/export/employees/task_profiles?response_format=${format}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sandbox.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ limit: 100, include: INCLUDE, ...(cursor ? { starting_after: cursor } : {}) }),
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    pages.push(bytes);
    const { has_next, next_starting_after } = JSON.parse(new TextDecoder().decode(bytes));
    if (!has_next) return pages;
    cursor = next_starting_after;
  }
}
const listPages = await pagesAsBytes("list");
const hierPages = await pagesAsBytes("hierarchy");
const mb = (pages) => pages.reduce((n, p) => n + p.length, 0) / 1e6;
console.log(`\npages: ${listPages.length} list pages (${mb(listPages).toFixed(1)} MB), ${hierPages.length} hierarchy pages (${mb(hierPages).toFixed(1)} MB)`);

/** Summaries compared with float sums rounded (exact sums in wasm, naive sums in JS). */
function comparable(summary) {
  return JSON.parse(JSON.stringify(summary, (k, v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)));
}

// 1. Statistics over page bytes.
const TOP = 20;
const statsRows = await race([
  ["TaskStats.addPage over page bytes (wasm)", () => { const s = new TaskStats({ topN: TOP }); for (const p of listPages) s.addPage(p); return s.summary(); }],
  ["TextDecoder + JSON.parse + tuned hand-written loop", () => summarizeLoop(listPages, TOP)],
  ["JSON.parse + idiomatic d3-array rollups", () => summarizeD3(listPages, TOP)],
]);
assert.deepEqual(comparable(statsRows[1].result), comparable(statsRows[0].result), "the hand-written loop computes the same summary");
assert.deepEqual(comparable(statsRows[2].result), comparable(statsRows[0].result), "the d3 version computes the same summary");
report("statistics over the list pages (1): targets 3x over the loop, 6x over d3", statsRows);
console.log("  the loop: one Map per aggregate, an employee stamp per entry (no Set per record or task), no array per task;");
console.log("  the d3 version: flat rows and d3.rollup/rollups/group/sum, as a dashboard would usually write it");
console.log(`  addPage vs hand-written loop: ${(statsRows[1].ms / statsRows[0].ms).toFixed(2)}x; vs d3-array: ${(statsRows[2].ms / statsRows[0].ms).toFixed(2)}x; wasm throughput ${(mb(listPages) / (statsRows[0].ms / 1000)).toFixed(0)} MB/s`);

// 2. Bulk page conversion, bytes in and bytes out.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const parsePage = (bytes) => JSON.parse(decoder.decode(bytes));
const taxonomy = new TaskTaxonomy();
for (const p of hierPages) taxonomy.learn(parsePage(p).records);
const jsTaxonomy = new Map();
for (const p of hierPages) learnTaxonomyJs(parsePage(p).records, jsTaxonomy);
const jsConvert = (pages, convert) => pages.map((bytes) => {
  const page = parsePage(bytes);
  return encoder.encode(JSON.stringify({ ...page, records: convert(page.records) }));
});
for (const [i, p] of listPages.entries()) {
  assert.deepEqual(parsePage(convertPage(p, { to: "hierarchy", taxonomy })), parsePage(jsConvert([p], (r) => toHierarchyJs(r, jsTaxonomy))[0]));
  assert.deepEqual(parsePage(convertPage(hierPages[i], { to: "list" })), parsePage(jsConvert([hierPages[i]], toListJs)[0]));
}
const toHierRows = await race([
  ["convertPage list→hierarchy (wasm, bytes→bytes)", () => listPages.map((p) => convertPage(p, { to: "hierarchy", taxonomy }))],
  ["JSON.parse + hand-written conversion + JSON.stringify", () => jsConvert(listPages, (r) => toHierarchyJs(r, jsTaxonomy))],
]);
report("convertPage list → hierarchy (2): target 3.5x", toHierRows);
const toListRows = await race([
  ["convertPage hierarchy→list (wasm, bytes→bytes)", () => hierPages.map((p) => convertPage(p, { to: "list" }))],
  ["JSON.parse + hand-written conversion + JSON.stringify", () => jsConvert(hierPages, toListJs)],
]);
report("convertPage hierarchy → list (2): target 3.5x", toListRows);
console.log(`  list→hierarchy: ${(toHierRows[1].ms / toHierRows[0].ms).toFixed(2)}x; hierarchy→list: ${(toListRows[1].ms / toListRows[0].ms).toFixed(2)}x`);

// 3. Object-level conversion (JS objects in and out): the skeleton of the records goes to wasm,
// the plan comes back, and the result is assembled from shallow copies of the records' objects.
const listRecords = listPages.map((p) => parsePage(p).records);
const hierRecords = hierPages.map((p) => parsePage(p).records);
const objRows = await race([
  ["toList(records) (skeleton → wasm plan → copies)", () => hierRecords.map((r) => toList(r))],
  ["plain-JS toList (a new object per task, as toList)", () => hierRecords.map((r) => toListJs(r))],
  ["toHierarchy(records, { taxonomy })", () => listRecords.map((r) => toHierarchy(r, { taxonomy }))],
  ["plain-JS toHierarchy (tasks placed uncopied)", () => listRecords.map((r) => toHierarchyJs(r, jsTaxonomy))],
]);
assert.equal(objRows[0].result.length, hierRecords.length);
assert.deepEqual(objRows[0].result, objRows[1].result, "plain-JS toList builds the same records");
assert.equal(objRows[2].result.length, listRecords.length);
assert.deepEqual(objRows[2].result, objRows[3].result, "plain-JS toHierarchy builds the same records");
report("object-level conversion (3): target within 1.5x of plain JS", objRows);
console.log(`  toList: ${(objRows[0].ms / objRows[1].ms).toFixed(2)}x the time of plain JS; toHierarchy: ${(objRows[2].ms / objRows[3].ms).toFixed(2)}x`);

// 5. Size of the release module.
const wasm = readFileSync(new URL("../pkg/web/task_profiles_bg.wasm", import.meta.url));
await WebAssembly.compile(wasm);
console.log(`\nwasm size (5): ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} gzipped (budget ${150 * 1024}); the optimised module compiles and loads`);

await sandbox.stop();

// Memory stays flat (issue 9 §3): a long export through the record iterator and through the CSV
// stream, sampling memory after a full GC every few pages; what is held must not grow with the
// export. SOAK_MEMORY_EMPLOYEES sets its size (20,000 in `make test-soak`, 100,000 in `make soak`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { TaskProfilesClient } from "task-profiles";
import { startSandbox, mib } from "../runtimes/helpers.mjs";
import { TENANT_SEED } from "./fault-profile.mjs";
import { envInteger } from "./report.mjs";

const EMPLOYEES = envInteger("SOAK_MEMORY_EMPLOYEES", 20_000);
const LIMIT = 100;
const INCLUDE = ["ai_impact", "weekly_hours", "linked_skills"];
const PAGES = Math.ceil(EMPLOYEES / LIMIT);
const SAMPLES = 50;
const SAMPLE_EVERY = Math.max(1, Math.floor(PAGES / SAMPLES));
/**
 * The allowed growth, in pages of the export (the mean page body, in bytes). At a sample the
 * client may hold the page it is handing out (as objects, about twice its bytes) and the one it
 * fetches ahead (its text): which pages those are changes from sample to sample, and so does
 * their size. Four pages covers that, and no more: anything kept per record (a leak) shows once
 * it adds up to four pages over the measured 70% of the export (the report says how small a
 * per-record leak each run would catch: about 25 bytes at 100,000 employees).
 */
const BOUND_PAGES = 4;

/** A full collection: `node --expose-gc`, or the same flag set at run time when it is missing. */
const gc = globalThis.gc ?? (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc");
})();

let sandbox;
let pageBytes; // mean body size of the first pages, in bytes

before(async () => {
  sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", TENANT_SEED]);
  const sizes = [];
  let startingAfter;
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${sandbox.url}/export/employees/task_profiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" },
      body: JSON.stringify({ limit: LIMIT, include: INCLUDE, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    sizes.push(bytes.length);
    startingAfter = JSON.parse(new TextDecoder().decode(bytes)).next_starting_after;
  }
  pageBytes = sizes.reduce((a, b) => a + b, 0) / sizes.length;
});

after(async () => {
  await sandbox?.stop();
});

/** Memory after two full collections (the second frees what finalisers of the first released). */
function sample(page) {
  gc();
  gc();
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  return { page, heapUsed, external, arrayBuffers, rss };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Growth of each measure from the end of the export's first 10% to its end: the medians of the
 * samples between 10% and 20% and of those in the last 10%, so that one sample taken while a
 * large page is held does not decide. The first tenth is left out as warm-up: V8 compiles and
 * tiers up the code, and fetch's pools and buffers reach their size (heapUsed rises by about
 * 1.3 MiB over its first 16 pages, then stays within ±0.3 MiB for 100,000 employees).
 */
function growth(samples) {
  const first = samples.filter((s) => s.page >= PAGES * 0.1 && s.page < PAGES * 0.2);
  const last = samples.filter((s) => s.page >= PAGES * 0.9);
  const out = {};
  for (const key of ["heapUsed", "external", "arrayBuffers", "rss"]) {
    out[key] = median(last.map((s) => s[key])) - median(first.map((s) => s[key]));
  }
  out.peakHeapUsed = Math.max(...samples.map((s) => s.heapUsed));
  return out;
}

/** A change in MiB with two decimals and its sign: growth is often a fraction of a page. */
const change = (bytes) => `${bytes >= 0 ? "+" : ""}${(bytes / (1 << 20)).toFixed(2)} MiB`;

/**
 * Asserts that the JS heap and the memory outside it (wasm memory, buffers) stay within the bound.
 * rss is reported, not bounded: it keeps what the allocator and V8 freed but did not return (it
 * climbs over the first fifth of 100,000 employees, then stays), so it shows a plateau, not what
 * is held.
 */
function check(t, what, samples) {
  assert.ok(samples.length >= 20, `${samples.length} samples`);
  const grew = growth(samples);
  const bound = BOUND_PAGES * pageBytes;
  const smallestLeak = Math.ceil(bound / (EMPLOYEES * 0.7));
  const line = `${what}: ${EMPLOYEES} employees, ${PAGES} pages of ${mib(pageBytes)}, ${samples.length} samples; growth from 10% to the end: ` +
    `heapUsed ${change(grew.heapUsed)}, external ${change(grew.external)} (wasm memory is counted here), arrayBuffers ${change(grew.arrayBuffers)}, rss ${change(grew.rss)} (not bounded); ` +
    `bound ${mib(bound)} (${BOUND_PAGES} pages: catches a leak of ${smallestLeak} bytes per record); heapUsed peak ${mib(grew.peakHeapUsed)}`;
  t.diagnostic(line);
  console.log(`soak memory: ${line}`);
  assert.ok(grew.heapUsed < bound, `the JS heap grew by ${change(grew.heapUsed)}: ${line}`);
  // external includes arrayBuffers (Node's Buffers too) and the wasm module's memory.
  assert.ok(grew.external < bound, `memory outside the JS heap grew by ${change(grew.external)}: ${line}`);
}

const clientFor = () => new TaskProfilesClient({ baseUrl: sandbox.url, token: sandbox.token });

test(`the record iterator holds no more at the end of ${EMPLOYEES} employees than near the start`, { timeout: 600_000 }, async (t) => {
  const samples = [];
  let records = 0;
  for await (const record of clientFor().exportTaskProfiles({ limit: LIMIT, include: INCLUDE })) {
    if (typeof record.external_id !== "string") throw new Error("a record without external_id");
    records += 1;
    if (records % (LIMIT * SAMPLE_EVERY) === 0) samples.push(sample(records / LIMIT));
  }
  assert.equal(records, EMPLOYEES);
  check(t, "for await", samples);
});

test(`the CSV stream holds no more at the end of ${EMPLOYEES} employees than near the start`, { timeout: 600_000 }, async (t) => {
  const samples = [];
  const reader = clientFor().exportTaskProfiles({ limit: LIMIT, include: INCLUDE }).toCsvStream().getReader();
  let chunks = 0;
  let bytes = 0;
  for (let chunk; !(chunk = await reader.read()).done;) {
    // Read and dropped; the header comes as a chunk of its own, then one chunk per page.
    bytes += chunk.value.length;
    chunks += 1;
    const page = chunks - 1;
    if (page > 0 && page % SAMPLE_EVERY === 0) samples.push(sample(page));
  }
  assert.equal(chunks, PAGES + 1, "a header chunk, then one chunk per page");
  assert.ok(bytes > EMPLOYEES * 50);
  check(t, "toCsvStream", samples);
});

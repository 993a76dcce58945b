// examples/edge-worker under workerd (Miniflare), with the packed package installed as a user
// installs it and bundled as wrangler bundles it, against sandboxes: its three routes with client
// credentials from the sandbox's token endpoint, its errors, and a 10,000-employee CSV streamed
// with flat memory in the workerd process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "csv-parse/sync";
import { parse as parseStream } from "csv-parse";
import { digestIds } from "./scenario.mjs";
import {
  ROOT, bundleWorker, cleanup, makeProject, mib, onCleanup, packPackage, rssBytes, startMiniflare,
  startSandbox, walkSandbox, workerdChildren,
} from "./helpers.mjs";

const WORKER_SOURCE = path.join(ROOT, "examples/edge-worker/src/worker.mjs");
const ALL = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];
const SECRET = "sandbox-secret";
const BIG = 10_000;

let sandbox;
let modules;
let mf;

/** The worker's environment with client credentials for the sandbox at `url`. */
const credentialsEnv = (url, extra = {}) => ({
  TASK_PROFILES_BASE_URL: url,
  TECHWOLF_TENANT: "acme",
  TECHWOLF_CLIENT_ID: "sandbox-client",
  TECHWOLF_CLIENT_SECRET: SECRET,
  TECHWOLF_TOKEN_URL: `${url}/oauth/token`,
  TECHWOLF_AUDIENCE: "sandbox.techwolf.ai",
  ...extra,
});
const serverStats = async (url) => (await fetch(`${url}/stats`)).json();

before(async () => {
  const { tarball } = await packPackage();
  sandbox = await startSandbox(["--employees", "640", "--seed", "5"]);
  onCleanup(sandbox.stop);
  const dir = await makeProject("edge-worker", tarball, { "src/worker.mjs": await readFile(WORKER_SOURCE, "utf8") });
  const bundle = await bundleWorker(path.join(dir, "src/worker.mjs"));
  assert.ok(bundle.inputs.includes("../node_modules/task-profiles/index.workerd.mjs"), `the workerd entry: ${bundle.inputs.join(", ")}`);
  modules = bundle.modules;
  mf = await startMiniflare({
    workers: [
      { name: "edge", modules, bindings: credentialsEnv(sandbox.url) },
      { name: "wrong-secret", modules, bindings: credentialsEnv(sandbox.url, { TECHWOLF_CLIENT_SECRET: "not-the-secret-4711" }) },
      { name: "no-credentials", modules, bindings: { TASK_PROFILES_BASE_URL: sandbox.url } },
    ],
  });
});

after(cleanup);

async function get(route, worker = "edge") {
  const fetcher = await mf.getWorker(worker);
  const response = await fetcher.fetch(`http://edge.example${route}`);
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

test("GET /export.csv, /export.ndjson and /stats with client credentials: the whole export, one token", async () => {
  const expected = await walkSandbox(sandbox.url, { include: ALL });
  const before = await serverStats(sandbox.url);

  const csv = await get("/export.csv?include=all");
  assert.equal(csv.status, 200, csv.text);
  assert.equal(csv.type, "text/csv; charset=utf-8");
  const rows = parse(csv.text, { columns: true, record_delimiter: "\r\n" });
  assert.equal(rows.length, expected.csvRows, "one row per employee and non-rejected task, or one for an employee without");
  assert.equal(new Set(rows.map((r) => r.external_id)).size, expected.ids.length, "every employee");
  assert.equal(rows[0].external_id, expected.ids[0]);

  const ndjson = await get("/export.ndjson?format=hierarchy&limit=37");
  assert.equal(ndjson.status, 200, ndjson.text);
  assert.equal(ndjson.type, "application/x-ndjson; charset=utf-8");
  const records = ndjson.text.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.equal(digestIds(records.map((r) => r.external_id)), digestIds(expected.ids), "every employee once, in order");
  assert.ok(records.every((r) => Array.isArray(r.hierarchy)), "the hierarchy format");

  const stats = await get("/stats");
  assert.equal(stats.status, 200, stats.text);
  const plain = await walkSandbox(sandbox.url);
  const summary = JSON.parse(stats.text);
  assert.equal(summary.employees, plain.ids.length);
  assert.equal(summary.tasks, plain.tasks);
  assert.ok(summary.topTasks.length > 0 && summary.aiImpact, stats.text.slice(0, 300));

  const after = await serverStats(sandbox.url);
  assert.equal(after.tokens_issued - before.tokens_issued, 1, `the worker fetched one token and reused it: ${JSON.stringify({ before, after })}`);
});

test("errors are JSON { error, message } with a fitting status, never holding the secret", async () => {
  const invalid = await get("/export.csv?limit=0");
  assert.equal(invalid.status, 400, invalid.text);
  assert.equal(JSON.parse(invalid.text).error, "invalid_params");
  assert.match(JSON.parse(invalid.text).message, /limit/);

  const unknownInclude = await get("/export.ndjson?include=salaries");
  assert.equal(unknownInclude.status, 400, unknownInclude.text);
  assert.equal(JSON.parse(unknownInclude.text).error, "invalid_params");

  for (const route of ["/export.csv", "/export.ndjson", "/stats"]) {
    const refused = await get(route, "wrong-secret");
    assert.equal(refused.status, 502, `${route}: ${refused.text}`);
    const body = JSON.parse(refused.text);
    assert.equal(body.error, "auth", refused.text);
    assert.equal(typeof body.message, "string");
    assert.ok(!refused.text.includes("not-the-secret-4711"), `${route}: the secret leaked: ${refused.text}`);
  }

  const unconfigured = await get("/stats", "no-credentials");
  assert.equal(unconfigured.status, 500, unconfigured.text);
  assert.equal(JSON.parse(unconfigured.text).error, "config");

  const notFound = await get("/export.xlsx");
  assert.equal(notFound.status, 404);
});

// A worker with no package at all that moves the same pages the same way (fetch → ArrayBuffer →
// a copy enqueued on a pull stream): what workerd itself keeps in memory for that traffic. V8 in
// workerd lets ArrayBuffer garbage pile up to tens of MiB before collecting it, whatever the
// code, so the package worker's growth is judged against this control's.
const CONTROL_WORKER = `
export default {
  async fetch(request, env) {
    let after;
    let more = true;
    const include = ${JSON.stringify(ALL)};
    return new Response(new ReadableStream({
      async pull(controller) {
        if (!more) return controller.close();
        const response = await fetch(env.BASE + "/export/employees/task_profiles", {
          method: "POST",
          headers: { authorization: "Bearer sandbox-token", "content-type": "application/json" },
          body: JSON.stringify({ limit: 100, include, ...(after ? { starting_after: after } : {}) }),
        });
        const body = new Uint8Array(await response.arrayBuffer());
        const head = new TextDecoder().decode(body.subarray(0, 200));
        const m = /"has_next":(true|false)(?:,"next_starting_after":"([^"]+)")?/.exec(head);
        more = m[1] === "true";
        after = m[2];
        controller.enqueue(body.slice(0, body.length >> 1));
      },
    }, { highWaterMark: 0 }));
  },
};
`;

/**
 * Streams `url` from a fresh Miniflare (after `warmUp`), reading slow-ish in chunks while
 * sampling the RSS of its workerd process; `onChunk` sees every chunk.
 */
async function streamMeasured(options, url, { warmUp, onChunk = () => {}, onCheckpoint = async () => {} }) {
  const known = new Set(await workerdChildren());
  const mf = await startMiniflare(options);
  const pids = (await workerdChildren()).filter((pid) => !known.has(pid));
  assert.ok(pids.length > 0, "found the new workerd process under /proc");
  const rss = async () => (await Promise.all(pids.map(rssBytes))).reduce((a, b) => a + b, 0);
  if (warmUp) await warmUp(mf);
  await sleep(200);
  const baseline = await rss();
  let peak = baseline;
  const sample = async () => { peak = Math.max(peak, await rss()); };
  const sampler = setInterval(sample, 25);
  onCleanup(() => clearInterval(sampler));
  const started = Date.now();
  let bytes = 0;
  try {
    const response = await mf.dispatchFetch(url);
    assert.equal(response.status, 200, response.status === 200 ? "" : await response.text());
    const reader = response.body.getReader();
    let sinceNap = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      sinceNap += value.length;
      await onChunk(value);
      // A slow-ish reader: the worker must wait for it, not buffer ahead.
      if (sinceNap >= 512 * 1024) {
        sinceNap = 0;
        await onCheckpoint();
        await sample();
        await sleep(10);
      }
    }
  } finally {
    clearInterval(sampler);
  }
  await sample();
  return { bytes, baseline, peak, growth: peak - baseline, seconds: (Date.now() - started) / 1000 };
}

test("a 10,000-employee CSV with every include streams through workerd with flat memory", async (t) => {
  const big = await startSandbox(["--employees", String(BIG), "--seed", "3"]);
  onCleanup(big.stop);
  const expected = await walkSandbox(big.url, { include: ALL });

  let rows = 0;
  const employees = new Set();
  const parser = parseStream({ columns: true, record_delimiter: "\r\n" });
  parser.on("readable", () => {
    for (let row; (row = parser.read()) !== null;) {
      rows++;
      employees.add(row.external_id);
    }
  });
  const parsed = new Promise((resolve, reject) => parser.on("end", resolve).on("error", reject));
  let requestsBefore;
  let lookahead = 0; // most pages the worker had requested beyond those the reader had received
  const csv = await streamMeasured({ modules, bindings: credentialsEnv(big.url) }, "http://edge.example/export.csv?include=all", {
    // The isolate, the wasm instance and the token, on a small export.
    warmUp: async (mf) => {
      const warm = await mf.dispatchFetch("http://edge.example/export.csv?include=all&limit=3&active=false");
      const reader = warm.body.getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
      assert.equal(warm.status, 200);
      requestsBefore = (await serverStats(big.url)).export_requests;
    },
    onChunk: async (chunk) => {
      if (!parser.write(chunk)) await new Promise((resolve) => parser.once("drain", resolve));
    },
    onCheckpoint: async () => {
      const requested = (await serverStats(big.url)).export_requests - requestsBefore;
      lookahead = Math.max(lookahead, requested - Math.ceil(employees.size / 100));
    },
  });
  parser.end();
  await parsed;

  const control = await streamMeasured({ modules: [{ type: "ESModule", path: "control.mjs", contents: CONTROL_WORKER }], bindings: { BASE: big.url } }, "http://control.example/", {});

  const report = `10,000-employee CSV: ${mib(csv.bytes)} in ${csv.seconds.toFixed(1)} s, ${rows} rows; ` +
    `workerd RSS ${mib(csv.baseline)} → peak ${mib(csv.peak)} (growth ${mib(csv.growth)}); ` +
    `a package-free worker moving the same pages: ${mib(control.baseline)} → ${mib(control.peak)} (growth ${mib(control.growth)}); ` +
    `the worker was at most ${lookahead} pages ahead of its reader`;
  t.diagnostic(report);
  assert.equal(rows, expected.csvRows, report);
  assert.equal(employees.size, BIG, report);
  assert.ok(csv.bytes > 20 * (1 << 20), `the CSV is large enough to tell streaming from buffering: ${report}`);
  // Back-pressure: a page is fetched only when the reader has taken the previous ones (a few
  // MiB of socket buffers between them); buffering the export would request all 100 at once.
  assert.ok(lookahead <= 30, `the worker ran ahead of its reader: ${report}`);
  // Beyond what workerd keeps for the same page traffic, the package holds well under the CSV.
  assert.ok(csv.growth - control.growth < csv.bytes / 3, `workerd's memory grew with the CSV: ${report}`);
});

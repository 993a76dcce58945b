// examples/durable-export under workerd (Miniflare 4: Workflows and R2), with the packed package
// installed as a user installs it and bundled as wrangler bundles it, against sandboxes: a
// 5,000-employee export in batches equals one pass (statistics, tree, CSV and NDJSON byte for
// byte) and shows its progress while running; sandbox faults fail steps that Workflows retries,
// with nothing lost or repeated; refused credentials are not retried; a terminated export, one
// whose retries ran out and one stranded by a local restart are finished by a continuation from
// their cursor, exactly; the routes' errors; no secret in answers or R2.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile, readdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { TaskProfilesClient, TaskStats } from "task-profiles";
import {
  ROOT, SANDBOX_TOKEN, bundleWorker, cleanup, makeProject, onCleanup, packPackage, startMiniflare, startSandbox,
} from "./helpers.mjs";

const EXAMPLES = path.join(ROOT, "examples");
const ALL = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];
// Recognisable secrets: none may show in an answer or in R2.
const API_KEY = "durable-api-key-3f9c1e";
const CLIENT_SECRET = "sandbox-secret";
const BIG = 5_000;
const CALL_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 300_000;

let modules;
let wrangler;

/** The bindings wrangler.toml declares: the test runs the example as that file configures it. */
function wranglerConfig(toml) {
  const value = (block, key) => new RegExp(`\\[\\[${block}\\]\\][^[]*?\\b${key} = "([^"]+)"`).exec(toml)?.[1];
  const config = {
    compatibilityDate: /^compatibility_date = "([^"]+)"/m.exec(toml)?.[1],
    workflowBinding: value("workflows", "binding"),
    workflowName: value("workflows", "name"),
    workflowClass: value("workflows", "class_name"),
    bucketBinding: value("r2_buckets", "binding"),
  };
  for (const [key, found] of Object.entries(config)) assert.ok(found, `wrangler.toml: ${key} not found`);
  return config;
}

before(async () => {
  wrangler = wranglerConfig(await readFile(path.join(EXAMPLES, "durable-export/wrangler.toml"), "utf8"));
  const { tarball } = await packPackage();
  // Both examples' sources, at their places in the repository: the durable export imports the
  // edge worker's authentication and upstream modules.
  const files = {};
  for (const example of ["durable-export", "edge-worker"]) {
    for (const name of await readdir(path.join(EXAMPLES, example, "src"))) {
      files[`examples/${example}/src/${name}`] = await readFile(path.join(EXAMPLES, example, "src", name), "utf8");
    }
  }
  const dir = await makeProject("durable-export", tarball, files);
  ({ modules } = await bundleWorker(path.join(dir, "examples/durable-export/src/worker.mjs")));
});

after(cleanup);

/** The worker's environment: client credentials for the sandbox at `url`, short step retries. */
const workerEnv = (url, extra = {}) => ({
  TASK_PROFILES_BASE_URL: url,
  TECHWOLF_TENANT: "acme",
  TECHWOLF_CLIENT_ID: "sandbox-client",
  TECHWOLF_CLIENT_SECRET: CLIENT_SECRET,
  TECHWOLF_TOKEN_URL: `${url}/oauth/token`,
  TECHWOLF_AUDIENCE: "sandbox.techwolf.ai",
  API_KEY,
  // Locally, retry delays are real time: short ones keep the tests fast.
  STEP_RETRY_LIMIT: "6",
  STEP_RETRY_DELAY: "20",
  STEP_RETRY_BACKOFF: "constant",
  ...extra,
});

/** Miniflare options running the example against the sandbox at `url`. */
const workerOptions = (url, extra) => ({
  modules,
  compatibilityDate: wrangler.compatibilityDate,
  workflows: { [wrangler.workflowBinding]: { name: wrangler.workflowName, className: wrangler.workflowClass } },
  r2Buckets: [wrangler.bucketBinding],
  bindings: workerEnv(url, extra),
});

const startWorker = (url, extra) => startMiniflare(workerOptions(url, extra));

/**
 * One request to the worker (`target`: a Miniflare, or `{ dispatchFetch }` sending to another of
 * its workers), with the API key unless `headers` says otherwise.
 */
async function call(target, method, route, { body, headers = { authorization: `Bearer ${API_KEY}` } } = {}) {
  const answer = (async () => {
    const response = await target.dispatchFetch(`http://durable.example${route}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  })();
  // A hung request fails the test, saying which, rather than stalling it.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method} ${route} got no answer in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  const { response, bytes } = await Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text: bytes.toString("utf8"),
    json: type.startsWith("application/json") ? JSON.parse(bytes.toString("utf8")) : undefined,
  };
}

async function startExport(mf, body) {
  const created = await call(mf, "POST", "/exports", { body });
  assert.equal(created.status, 202, created.text);
  assert.equal(created.headers.get("location"), `/exports/${created.json.id}`);
  return created.json.id;
}

/**
 * Polls GET /exports/:id every 20 ms until `until(view)`; returns every view seen. Fails after
 * `timeoutMs` with the last one.
 */
async function watch(mf, id, until, timeoutMs = 60_000) {
  const views = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json, text } = await call(mf, "GET", `/exports/${id}`);
    assert.equal(status, 200, text);
    views.push(json);
    if (until(json)) return views;
    assert.ok(Date.now() < deadline, `export ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(json)}`);
    await sleep(20);
  }
}

const finished = (view) => ["complete", "errored", "terminated"].includes(view.status);

/** One pass over the same export with the package in Node: what the durable export must equal. */
async function onePass(url, params) {
  const client = new TaskProfilesClient({ baseUrl: url, token: SANDBOX_TOKEN });
  const summary = await client.exportTaskProfiles(params).stats();
  const stats = new TaskStats();
  for await (const page of client.exportTaskProfiles(params).rawPages()) stats.addPage(page);
  const bytesOf = async (stream) => Buffer.from(await new Response(stream).arrayBuffer());
  return {
    summary,
    tree: stats.tree(),
    csv: await bytesOf(client.exportTaskProfiles(params).toCsvStream()),
    ndjson: await bytesOf(client.exportTaskProfiles(params).toNdjsonStream()),
  };
}

/** The complete export's results equal one pass: statistics, tree, and both files byte for byte. */
async function assertExact(mf, id, expected) {
  const summary = await call(mf, "GET", `/exports/${id}/summary`);
  assert.equal(summary.status, 200, summary.text);
  assert.deepEqual(summary.json, expected.summary, "summary.json equals Export.stats() of one pass");
  const tree = await call(mf, "GET", `/exports/${id}/tree`);
  assert.deepEqual(tree.json, expected.tree, "tree.json equals the tree of one pass");
  for (const format of ["csv", "ndjson"]) {
    const file = await call(mf, "GET", `/exports/${id}/export.${format}`);
    assert.equal(file.status, 200, file.text.slice(0, 500));
    assert.equal(Number(file.headers.get("content-length")), expected[format].length, `${format}: Content-Length`);
    // Compared as bytes; on a mismatch, say where rather than printing megabytes.
    if (!file.bytes.equals(expected[format])) {
      const at = file.bytes.findIndex((byte, i) => byte !== expected[format][i]);
      const around = (bytes) => JSON.stringify(bytes.subarray(Math.max(0, at - 80), at + 80).toString());
      assert.fail(`${format} differs from one pass (${file.bytes.length} vs ${expected[format].length} bytes), first at byte ${at}: ` +
        `${around(file.bytes)} vs ${around(expected[format])}`);
    }
  }
}

const serverStats = async (url) => (await fetch(`${url}/stats`)).json();
const progressOf = ({ progress: { records, pages, parts, hasNext } }) => ({ records, pages, parts, hasNext });

test("5,000 employees in batches: progress while running; summary, tree, CSV and NDJSON equal one pass", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const sandbox = await startSandbox(["--employees", String(BIG), "--seed", "8"]);
  onCleanup(sandbox.stop);
  const params = { include: ALL };
  const expected = await onePass(sandbox.url, params);
  const ids = expected.ndjson.toString().trimEnd().split("\n").map((line) => JSON.parse(line).external_id);
  const mf = await startWorker(sandbox.url);
  const requestsBefore = (await serverStats(sandbox.url)).export_requests;

  const started = performance.now();
  const id = await startExport(mf, { ...params, batchPages: 4 });
  const views = await watch(mf, id, finished, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const last = views.at(-1);
  const pages = BIG / 100;
  const batches = Math.ceil(pages / 4);
  assert.equal(last.status, "complete", JSON.stringify(last));
  assert.deepEqual(progressOf(last), { records: BIG, pages, parts: batches, hasNext: false });

  // While running, the view grows batch by batch; its cursor is the last employee written.
  const midway = views.filter((v) => v.status === "running" && v.progress.records > 0 && v.progress.records < BIG);
  assert.ok(midway.length > 0, `progress was visible while running: ${JSON.stringify(views.map(progressOf))}`);
  for (const view of midway) {
    assert.deepEqual(progressOf(view), { records: view.progress.parts * 400, pages: view.progress.parts * 4, parts: view.progress.parts, hasNext: true });
    assert.equal(view.progress.cursor, ids[view.progress.records - 1], "the cursor is the last employee of the last batch");
  }
  for (let i = 1; i < views.length; i++) assert.ok(views[i].progress.records >= views[i - 1].progress.records, "progress never goes back");

  await assertExact(mf, id, expected);
  const requests = (await serverStats(sandbox.url)).export_requests - requestsBefore;
  t.diagnostic(`${BIG} employees (every include) in ${batches} batches of 4 pages: ${seconds.toFixed(1)} s from POST to complete; ` +
    `${requests} export requests for ${pages} pages; ${last.progress.retriedSteps} retried steps; ` +
    `CSV ${(expected.csv.length / 2 ** 20).toFixed(1)} MiB, NDJSON ${(expected.ndjson.length / 2 ** 20).toFixed(1)} MiB`);
  assert.equal(requests, pages, "every page was requested once: breaking out of a batch sends no request for the next page");
});

test("faults beyond the client's retries fail steps, Workflows retries them, and the result is still exact", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const tenant = ["--employees", "1500", "--seed", "12"];
  const clean = await startSandbox(tenant);
  onCleanup(clean.stop);
  const faulty = await startSandbox([...tenant, "--fail-503", "0.08", "--cut-body", "0.04", "--fault-seed", "5"]);
  onCleanup(faulty.stop);
  const params = { include: ALL, limit: 50 };
  const expected = await onePass(clean.url, params);
  // No retries in the client: every fault fails its step's attempt.
  const mf = await startWorker(faulty.url, { TASK_PROFILES_MAX_RETRIES: "0", STEP_RETRY_LIMIT: "10" });

  const id = await startExport(mf, { ...params, batchPages: 3 });
  const last = (await watch(mf, id, finished)).at(-1);
  assert.equal(last.status, "complete", JSON.stringify(last));
  assert.deepEqual(progressOf(last), { records: 1500, pages: 30, parts: 10, hasNext: false });
  assert.ok(last.progress.retriedSteps > 0, `some steps failed and were retried: ${JSON.stringify(last.progress)}`);
  await assertExact(mf, id, expected);
  t.diagnostic(`faults: ${last.progress.retriedSteps} of 10 batch steps retried (${last.progress.retries} failed attempts); the result is exact`);
});

test("DELETE terminates an export mid-way; a continuation from its cursor completes it exactly", { timeout: TEST_TIMEOUT_MS }, async () => {
  const tenant = ["--employees", "1000", "--seed", "13"];
  const clean = await startSandbox(tenant);
  onCleanup(clean.stop);
  // Slow pages: the test can act between batches.
  const slow = await startSandbox([...tenant, "--latency-ms", "40"]);
  onCleanup(slow.stop);
  const params = { include: ["ai_impact", "weekly_hours"], limit: 50 };
  const expected = await onePass(clean.url, params);
  const mf = await startWorker(slow.url);

  const id = await startExport(mf, { ...params, batchPages: 2 });
  await watch(mf, id, (v) => v.progress.parts >= 2);
  const terminated = await call(mf, "DELETE", `/exports/${id}`);
  assert.equal(terminated.status, 200, terminated.text);
  assert.equal(terminated.json.status, "terminated");
  const again = await call(mf, "DELETE", `/exports/${id}`);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error, "conflict");

  // It stopped: a batch running when it was terminated may still land, then nothing more.
  await sleep(400);
  const stopped = (await call(mf, "GET", `/exports/${id}`)).json;
  await sleep(600);
  const later = (await call(mf, "GET", `/exports/${id}`)).json;
  assert.equal(later.status, "terminated");
  assert.deepEqual(later.progress, stopped.progress, "no batch after termination");
  assert.ok(later.progress.parts < 10 && later.progress.hasNext, JSON.stringify(later.progress));
  const early = await call(mf, "GET", `/exports/${id}/export.csv`);
  assert.equal(early.status, 409, early.text);
  assert.equal(early.json.error, "not_ready");

  const wrongCursor = await call(mf, "POST", "/exports", { body: { continues: id, startingAfter: "someone-else" } });
  assert.equal(wrongCursor.status, 409, wrongCursor.text);
  assert.match(wrongCursor.json.message, /^startingAfter: .*stopped after "/);
  const changedParams = await call(mf, "POST", "/exports", { body: { continues: id, limit: 10 } });
  assert.equal(changedParams.status, 400, changedParams.text);
  assert.match(changedParams.json.message, /^limit: not allowed with continues/);

  const next = await startExport(mf, { continues: id, startingAfter: later.progress.cursor });
  const done = (await watch(mf, next, finished)).at(-1);
  assert.equal(done.status, "complete", JSON.stringify(done));
  assert.equal(done.continues, id);
  assert.deepEqual(progressOf(done), { records: 1000, pages: 20, parts: 10, hasNext: false });
  await assertExact(mf, next, expected);
  const completeAgain = await call(mf, "POST", "/exports", { body: { continues: next } });
  assert.equal(completeAgain.status, 409, completeAgain.text);
});

test("when a step's retries run out the export ends errored with its cursor; continued once the endpoint is back, it is exact", { timeout: TEST_TIMEOUT_MS }, async () => {
  const tenant = ["--employees", "1200", "--seed", "21"];
  const params = { include: ALL, limit: 50 };
  const strict = { TASK_PROFILES_MAX_RETRIES: "0", STEP_RETRY_LIMIT: "1" };
  const doomed = await startSandbox([...tenant, "--latency-ms", "40"]);
  // Stopped once only: a second stop() of a sandbox killed by a signal would wait for ever.
  let stopped;
  const stopDoomed = () => (stopped ??= doomed.stop());
  onCleanup(stopDoomed);
  const mf = await startWorker(doomed.url, strict);

  const id = await startExport(mf, { ...params, batchPages: 2 });
  await watch(mf, id, (v) => v.progress.parts >= 3);
  await stopDoomed(); // the endpoint goes away mid-export
  const failed = (await watch(mf, id, finished)).at(-1);
  assert.equal(failed.status, "errored", JSON.stringify(failed));
  const { parts, cursor, hasNext } = failed.progress;
  assert.ok(parts >= 3 && parts < 12 && hasNext, JSON.stringify(failed.progress));
  // The error names the batch that failed and the cursor it started from: where to continue.
  assert.ok(failed.error.message.includes(`batch ${parts} (starting after ${JSON.stringify(cursor)})`), failed.error.message);
  assert.match(failed.error.message, /network/);

  // The endpoint is back, at another address: the deployment's configuration changes.
  const back = await startSandbox(tenant);
  onCleanup(back.stop);
  await mf.setOptions(workerOptions(back.url, strict));
  const afterRestart = (await call(mf, "GET", `/exports/${id}`)).json;
  assert.equal(afterRestart.status, "errored", "the errored instance outlives the restart");
  assert.deepEqual(afterRestart.progress, failed.progress);

  const next = await startExport(mf, { continues: id, startingAfter: cursor });
  const done = (await watch(mf, next, finished)).at(-1);
  assert.equal(done.status, "complete", JSON.stringify(done));
  assert.deepEqual(progressOf(done), { records: 1200, pages: 24, parts: 12, hasNext: false });
  await assertExact(mf, next, await onePass(back.url, params));
});

test("refused credentials are not retried: the export ends errored at once, naming the kind, never the secret", { timeout: TEST_TIMEOUT_MS }, async () => {
  const sandbox = await startSandbox(["--employees", "300", "--seed", "6"]);
  onCleanup(sandbox.stop);
  const wrongSecret = "not-the-secret-4711";
  const mf = await startWorker(sandbox.url, { TECHWOLF_CLIENT_SECRET: wrongSecret, STEP_RETRY_LIMIT: "6" });

  const id = await startExport(mf, { include: ALL });
  const failed = (await watch(mf, id, finished)).at(-1);
  assert.equal(failed.status, "errored", JSON.stringify(failed));
  assert.match(failed.error.message, /^batch 0 \(starting after the first employee\): auth: /);
  assert.ok(!JSON.stringify(failed).includes(wrongSecret), JSON.stringify(failed));
  assert.deepEqual(progressOf(failed), { records: 0, pages: 0, parts: 0, hasNext: true });
  // One attempt: its token request, and the one retry with `refresh` the client makes after a refusal.
  const { token_requests: tokenRequests } = await serverStats(sandbox.url);
  assert.ok(tokenRequests <= 2, `the step was not retried (${tokenRequests} token requests)`);
});

test("locally, an instance does not resume after a restart: terminated and continued, it completes exactly", { timeout: TEST_TIMEOUT_MS }, async () => {
  const tenant = ["--employees", "800", "--seed", "17"];
  const clean = await startSandbox(tenant);
  onCleanup(clean.stop);
  const slow = await startSandbox([...tenant, "--latency-ms", "40"]);
  onCleanup(slow.stop);
  const params = { include: ["ai_impact", "linked_skills"], limit: 50 };
  const mf = await startWorker(slow.url);
  const id = await startExport(mf, { ...params, batchPages: 2 });
  await watch(mf, id, (v) => v.progress.parts >= 1);

  await mf.setOptions(workerOptions(slow.url)); // workerd restarts, as `wrangler dev` does on a change
  const first = (await call(mf, "GET", `/exports/${id}`)).json;
  await sleep(1500);
  const later = (await call(mf, "GET", `/exports/${id}`)).json;
  assert.equal(later.status, "running", "Miniflare still reports it running");
  assert.deepEqual(later.progress, first.progress, "but nothing drives it any more (in production, Workflows resumes it)");
  assert.ok(later.progress.hasNext, JSON.stringify(later.progress));

  const terminated = await call(mf, "DELETE", `/exports/${id}`);
  assert.equal(terminated.json.status, "terminated", terminated.text);
  const next = await startExport(mf, { continues: id });
  const done = (await watch(mf, next, finished)).at(-1);
  assert.equal(done.status, "complete", JSON.stringify(done));
  assert.deepEqual(progressOf(done), { records: 800, pages: 16, parts: 8, hasNext: false });
  await assertExact(mf, next, await onePass(clean.url, params));
});

test("errors: authorisation first, bad input named, unknown exports and routes, configuration; no secret in answers or R2", { timeout: TEST_TIMEOUT_MS }, async () => {
  const sandbox = await startSandbox(["--employees", "230", "--seed", "4"]);
  onCleanup(sandbox.stop);
  const mf = await startMiniflare({
    workers: [
      { name: "durable", ...workerOptions(sandbox.url) },
      // Misconfigured deployments (no Workflow of their own: they fail before needing one).
      { name: "no-credentials", modules, compatibilityDate: wrangler.compatibilityDate, bindings: { TASK_PROFILES_BASE_URL: sandbox.url, API_KEY } },
      { name: "bad-retry-delay", modules, compatibilityDate: wrangler.compatibilityDate, bindings: workerEnv(sandbox.url, { STEP_RETRY_DELAY: "soon" }) },
    ],
  });
  const someId = "0b6f4c1e-8a7d-4f39-9c2e-5d1a7b3e9f20";
  const expectError = async (response, status, error, message) => {
    assert.equal(response.status, status, response.text);
    assert.equal(response.json?.error, error, response.text);
    if (message) assert.match(response.json.message, message);
    for (const secret of [API_KEY, CLIENT_SECRET]) assert.ok(!response.text.includes(secret), `a secret in: ${response.text}`);
  };

  await expectError(await call(mf, "POST", "/exports", { body: {}, headers: {} }), 401, "unauthenticated");
  await expectError(await call(mf, "GET", `/exports/${someId}`, { headers: {} }), 401, "unauthenticated");
  await expectError(await call(mf, "GET", "/nowhere", { headers: {} }), 401, "unauthenticated");
  await expectError(await call(mf, "GET", `/exports/${someId}`, { headers: { authorization: "Bearer not-the-key" } }), 403, "forbidden");

  const post = (body) => call(mf, "POST", "/exports", { body });
  await expectError(await post({ limit: 0 }), 400, "invalid_params", /limit/);
  await expectError(await post({ include: ["salaries"] }), 400, "invalid_params", /include/);
  await expectError(await post({ salary: true }), 400, "invalid_params", /^salary: unknown field/);
  await expectError(await post({ batchPages: 0 }), 400, "invalid_params", /^batchPages: /);
  await expectError(await post({ batchPages: 26 }), 400, "invalid_params", /^batchPages: /);
  await expectError(await post({ topN: -1 }), 400, "invalid_params", /topN/);
  await expectError(await post("{ not json"), 400, "invalid_request", /JSON/);
  await expectError(await post([1, 2]), 400, "invalid_request", /object/);
  await expectError(await post({ continues: "yesterday" }), 400, "invalid_params", /^continues: /);
  await expectError(await post({ continues: someId }), 404, "not_found", /continues/);

  await expectError(await call(mf, "GET", `/exports/${someId}`), 404, "not_found");
  await expectError(await call(mf, "GET", `/exports/${someId}/summary`), 404, "not_found");
  await expectError(await call(mf, "DELETE", `/exports/${someId}`), 404, "not_found");
  await expectError(await call(mf, "GET", "/exports/..%2Fsecrets"), 404, "not_found");
  await expectError(await call(mf, "GET", "/exports.csv"), 404, "not_found");
  const wrongMethod = await call(mf, "PUT", "/exports", { body: {} });
  await expectError(wrongMethod, 405, "method");
  assert.equal(wrongMethod.headers.get("allow"), "POST");

  const other = async (name, body) => {
    const worker = await mf.getWorker(name);
    return call({ dispatchFetch: (url, init) => worker.fetch(url, init) }, "POST", "/exports", { body });
  };
  await expectError(await other("no-credentials", {}), 500, "config", /TASK_PROFILES_TOKEN/);
  await expectError(await other("bad-retry-delay", {}), 500, "config", /^STEP_RETRY_DELAY /);

  // A whole export, then everything it stored: no secret anywhere.
  const id = await startExport(mf, { include: ALL, limit: 40, batchPages: 2 });
  const done = (await watch(mf, id, finished)).at(-1);
  assert.equal(done.status, "complete", JSON.stringify(done));
  assert.deepEqual(progressOf(done), { records: 230, pages: 6, parts: 3, hasNext: false });
  const bucket = await mf.getR2Bucket(wrangler.bucketBinding, "durable");
  const listing = await bucket.list({ prefix: `exports/${id}/`, include: ["customMetadata"] });
  const keys = listing.objects.map((o) => o.key.slice(`exports/${id}/`.length)).sort();
  assert.deepEqual(keys, ["job.json", "manifest.json", "summary.json", "tree.json",
    ...[0, 1, 2].flatMap((b) => [`parts/00000${b}.csv`, `parts/00000${b}.ndjson`, `shards/00000${b}.json`])].sort());
  for (const object of listing.objects) {
    const stored = `${await (await bucket.get(object.key)).text()} ${JSON.stringify(object.customMetadata)}`;
    for (const secret of [API_KEY, CLIENT_SECRET]) assert.ok(!stored.includes(secret), `${object.key} holds a secret`);
  }
});

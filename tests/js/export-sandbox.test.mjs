// The built package against the real sandbox server over HTTP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskProfilesError } from "task-profiles";
import { startSandbox, SANDBOX_TOKEN, collect } from "./helpers.mjs";

const EMPLOYEES = 1234;
let clean;
let faulty;
let expected; // every external_id in order, read with plain fetch

/** The ground truth: walk the sandbox with a hand-written fetch loop. */
async function walk(url, body = {}) {
  const ids = [];
  let cursor;
  for (;;) {
    const res = await fetch(`${url}/export/employees/task_profiles`, {
      method: "POST",
      headers: { Authorization: `Bearer ${SANDBOX_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ limit: 100, ...body, ...(cursor ? { starting_after: cursor } : {}) }),
    });
    assert.equal(res.status, 200);
    const page = await res.json();
    ids.push(...page.records.map((r) => r.external_id));
    if (!page.has_next) return ids;
    cursor = page.next_starting_after;
  }
}

before(async () => {
  const args = ["--employees", String(EMPLOYEES), "--seed", "11"];
  clean = await startSandbox(args);
  faulty = await startSandbox([...args, "--fail-429", "0.15", "--retry-after-secs", "0", "--fail-503", "0.15", "--cut-body", "0.1", "--fault-seed", "3"]);
  expected = await walk(clean.url);
});

after(async () => {
  await clean?.stop();
  await faulty?.stop();
});

const clientFor = (url, options = {}) => new TaskProfilesClient({ baseUrl: url, token: SANDBOX_TOKEN, ...options });

test("exports every employee once, in order", async () => {
  assert.equal(expected.length, EMPLOYEES);
  assert.equal(new Set(expected).size, EMPLOYEES);
  for (const limit of [100, 37]) {
    const ids = [];
    for await (const employee of clientFor(clean.url).exportTaskProfiles({ limit })) ids.push(employee.external_id);
    assert.deepEqual(ids, expected, `limit ${limit}`);
  }
});

test("include, responseFormat and filters reach the server", async () => {
  const exp = clientFor(clean.url).exportTaskProfiles({ limit: 50, include: ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"], responseFormat: "hierarchy" });
  const records = await exp.toArray();
  assert.equal(records.length, EMPLOYEES);
  assert.ok(records.every((r) => Array.isArray(r.hierarchy) && !("tasks" in r)));
  const list = await clientFor(clean.url).exportTaskProfiles({ include: ["ai_impact"] }).toArray();
  const tasks = list.flatMap((r) => r.tasks);
  assert.ok(tasks.length > EMPLOYEES * 3);
  assert.ok(tasks.every((t) => t.ai_impact && !("weekly_hours" in t)));
  const active = await clientFor(clean.url).exportTaskProfiles({ filters: [{ filter: "is_active", is_active: true }] }).toArray();
  const activeIds = await walk(clean.url, { filters: [{ filter: "is_active", is_active: true }] });
  assert.deepEqual(active.map((r) => r.external_id), activeIds);
  assert.ok(active.length < EMPLOYEES && active.length > EMPLOYEES / 2);
});

test("retries ride out injected 429s, 503s and bodies cut short", async () => {
  const ids = [];
  for await (const employee of clientFor(faulty.url, { maxRetries: 8 }).exportTaskProfiles({ limit: 25 })) ids.push(employee.external_id);
  assert.deepEqual(ids, expected);
  const stats = await (await fetch(`${faulty.url}/stats`)).json();
  assert.ok(stats.export_requests > Math.ceil(EMPLOYEES / 25), `faults were injected: ${JSON.stringify(stats)}`);
});

test("resuming from cursor after a break loses and repeats nothing", async () => {
  const ids = [];
  let cursor;
  // Take the export in bites of 150 records, each bite a new export resumed from the last cursor.
  for (;;) {
    const exp = clientFor(clean.url).exportTaskProfiles({ limit: 40, startingAfter: cursor });
    let bite = 0;
    for await (const employee of exp) {
      ids.push(employee.external_id);
      if (++bite === 150) break;
    }
    if (bite < 150) break;
    cursor = exp.cursor;
  }
  assert.deepEqual(ids, expected);
});

test("resuming from an error's cursor completes the export", async () => {
  const ids = [];
  let cursor;
  let failures = 0;
  // No retries against the faulty sandbox: every fault surfaces, and the caller resumes.
  for (;;) {
    try {
      for await (const employee of clientFor(faulty.url, { maxRetries: 0 }).exportTaskProfiles({ limit: 30, startingAfter: cursor })) ids.push(employee.external_id);
      break;
    } catch (e) {
      assert.ok(e instanceof TaskProfilesError, String(e));
      assert.ok(["rate_limited", "http", "network"].includes(e.kind), e.kind);
      assert.equal(ids.length === 0 ? undefined : ids.at(-1), e.cursor ?? undefined);
      cursor = e.cursor;
      failures++;
    }
  }
  assert.ok(failures > 0);
  assert.deepEqual(ids, expected);
});

test("a wrong token is kind auth with the vendor's title, and the token is not in the error", async () => {
  const secret = "wrong-token-do-not-print";
  let asked = 0;
  const exp = new TaskProfilesClient({ baseUrl: clean.url, token: () => { asked++; return secret; } }).exportTaskProfiles({});
  await assert.rejects(collect(exp), (e) => {
    assert.equal(e.kind, "auth");
    assert.equal(e.status, 401);
    assert.equal(e.title, "401 Unauthorized");
    assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes(secret));
    return true;
  });
  assert.equal(asked, 2);
});

test("the server's 400 for an inactive vendor comes back with its description", async () => {
  await assert.rejects(collect(clientFor(clean.url).exportTaskProfiles({ externalVendor: "sap_attribute_library" })), (e) => {
    assert.equal(e.kind, "http");
    assert.equal(e.status, 400);
    assert.equal(e.title, "400 Bad Request");
    assert.match(e.description, /sap_attribute_library/);
    return true;
  });
});

test("aborting mid-export against a slow server stops at once", async () => {
  const slow = await startSandbox(["--employees", "500", "--latency-ms", "2000"]);
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const start = performance.now();
    await assert.rejects(collect(clientFor(slow.url).exportTaskProfiles({ signal: controller.signal })), (e) => e.kind === "aborted");
    assert.ok(performance.now() - start < 1500);
    await assert.rejects(collect(clientFor(slow.url, { timeoutMs: 200, maxRetries: 0 }).exportTaskProfiles({})), (e) => e.kind === "timeout");
  } finally {
    await slow.stop();
  }
});

test("stats({ into }): what an aborted pass counted is kept, and the resumed pass completes it exactly", async () => {
  const { TaskStats } = await import("task-profiles");
  const whole = await clientFor(clean.url).exportTaskProfiles({ limit: 50 }).stats();
  const into = new TaskStats();
  const controller = new AbortController();
  const first = clientFor(clean.url).exportTaskProfiles({
    limit: 50, signal: controller.signal,
    onProgress: (p) => p.pages === 7 && controller.abort(),
  });
  const error = await first.stats({ into }).then(() => assert.fail("aborted"), (e) => e);
  assert.equal(error.kind, "aborted");
  assert.equal(into.summary().employees, error.records);
  assert.ok(error.records >= 350 && error.records < EMPLOYEES, `counted ${error.records}`);
  const summary = await clientFor(clean.url).exportTaskProfiles({ limit: 50, startingAfter: error.cursor }).stats({ into });
  assert.deepEqual(summary, whole);
  assert.deepEqual(into.summary(), whole);

  const exp = () => clientFor(clean.url).exportTaskProfiles();
  await assert.rejects(exp().stats({ into: {} }), (e) => e instanceof TaskProfilesError && e.kind === "invalid_params" && /^into: expected a TaskStats/.test(e.message));
  await assert.rejects(exp().stats({ into, topN: 3 }), (e) => e.kind === "invalid_params" && /^topN: comes from the TaskStats given as into/.test(e.message));
  await assert.rejects(exp().stats({ into, top: 3 }), (e) => e.kind === "invalid_params" && /^top: unknown option/.test(e.message));
  assert.deepEqual(into.summary(), whole, "a refused call changes nothing");
});

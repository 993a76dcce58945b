// The fault soak (issue 9 §3): exports of the sandbox's tenant with faults injected at random,
// through every consumer, in both shapes, with several page sizes and include sets; every run
// must hand out every employee exactly once, in order, resuming from `err.cursor` when an export
// gives up. Scaled by SOAK_RUNS, SOAK_EMPLOYEES and SOAK_SEED (tests/soak/README.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { TaskProfilesClient, clientCredentials } from "task-profiles";
import { startSandbox, walkSandbox } from "../runtimes/helpers.mjs";
import { CLIENTS, SPIKE_MS, TENANT_SEED, sandboxCounters, sandboxFlags, withSandbox } from "./fault-profile.mjs";
import { CONSUMERS } from "./consumers.mjs";
import { drainWithResumption } from "./resumption.mjs";
import { checkRun } from "./verify.mjs";
import { envInteger, report, Totals } from "./report.mjs";

const EMPLOYEES = envInteger("SOAK_EMPLOYEES", 5_000);
const RUNS = envInteger("SOAK_RUNS", 10);
const FIRST_FAULT_SEED = envInteger("SOAK_SEED", 1);
const ONLY = runsToReplay(process.env.SOAK_ONLY);
// A run is at most a few thousand pages; this only turns a hang into a failure.
const RUN_TIMEOUT_MS = 240_000;

const ALL_INCLUDES = ["ai_impact", "source_events", "linked_skills", "rejected_tasks", "weekly_hours"];
const INCLUDE_SETS = [[], ["ai_impact", "weekly_hours"], ALL_INCLUDES, ["linked_skills", "source_events"]];
const CONSUMER_NAMES = Object.keys(CONSUMERS);
const SHAPES = ["list", "hierarchy"];
const LIMITS = [100, 50, 7];

/**
 * Run `i` (0-based): consumers and shapes in turn (every pair within ten runs), page sizes and
 * include sets rotating at other periods, patient and impatient clients by turns of two. Each run
 * has a sandbox of its own with its own fault seed, so its faults do not depend on the runs
 * before it: SOAK_ONLY=<run number> replays one (with the same SOAK_EMPLOYEES and SOAK_SEED).
 */
function plan(i) {
  return {
    consumer: CONSUMER_NAMES[i % CONSUMER_NAMES.length],
    shape: SHAPES[i % SHAPES.length],
    limit: LIMITS[i % LIMITS.length],
    include: INCLUDE_SETS[i % INCLUDE_SETS.length],
    client: Math.floor(i / 2) % 2 === 0 ? "patient" : "impatient",
    faultSeed: FIRST_FAULT_SEED + i,
  };
}

/** SOAK_ONLY: run numbers (1-based, comma-separated) to run alone, or undefined for every run. */
function runsToReplay(raw) {
  if (!raw) return undefined;
  const runs = raw.split(",").map(Number);
  const bad = runs.find((n) => !Number.isInteger(n) || n < 1 || n > RUNS);
  if (bad !== undefined) throw new Error(`SOAK_ONLY must list run numbers from 1 to ${RUNS} (SOAK_RUNS), got ${JSON.stringify(raw)}`);
  return new Set(runs);
}

let clean; // the fault-free sandbox: the truth every run is compared with
let expected; // { ids, positions, csvRows }
const summaries = new Map(); // "include after startingAfter" -> fault-free stats() summary
const totals = new Totals();

before(async () => {
  clean = await startSandbox(["--employees", String(EMPLOYEES), "--seed", TENANT_SEED]);
  // Walked with plain fetch, not the package.
  const walk = await walkSandbox(clean.url);
  assert.equal(walk.ids.length, EMPLOYEES);
  expected = { ids: walk.ids, positions: new Map(walk.ids.map((id, i) => [id, i])), csvRows: walk.csvRows };
});

after(async () => {
  await clean?.stop();
});

/** The fault-free stats() summary of the employees after `startingAfter` (the shape does not change it). */
async function faultFreeSummary(include, startingAfter) {
  const key = `${include.join(",")} after ${startingAfter}`;
  if (!summaries.has(key)) {
    const client = new TaskProfilesClient({ baseUrl: clean.url, token: clean.token });
    summaries.set(key, await client.exportTaskProfiles({ include, ...(startingAfter ? { startingAfter } : {}) }).stats());
  }
  return summaries.get(key);
}

/**
 * A fetch that counts the statuses the client receives, and the requests that got none (under
 * "no response": timed out or aborted before the headers came).
 */
function countingFetch() {
  const statuses = {};
  const count = (key) => { statuses[key] = (statuses[key] ?? 0) + 1; };
  const fetch = async (request) => {
    try {
      const response = await globalThis.fetch(request);
      count(response.status);
      return response;
    } catch (e) {
      count("no response");
      throw e;
    }
  };
  return { fetch, statuses };
}

/** clientCredentials against the sandbox's token endpoint, counting the calls that ask to refresh. */
function countingToken(url) {
  const token = clientCredentials({
    clientId: "sandbox-client", clientSecret: "sandbox-secret", tenant: "soak",
    tokenUrl: `${url}/oauth/token`, audience: "sandbox.techwolf.ai",
  });
  const counted = (context) => {
    if (context?.refresh) counted.refreshes += 1;
    return token(context);
  };
  counted.refreshes = 0;
  return counted;
}

for (let i = 0; i < RUNS; i++) {
  if (ONLY && !ONLY.has(i + 1)) continue;
  const run = plan(i);
  const name = `run ${i + 1}/${RUNS}: ${run.consumer}, ${run.shape}, limit ${run.limit}, include [${run.include.join(",")}], ${run.client} client, fault seed ${run.faultSeed}`;
  test(name, { timeout: RUN_TIMEOUT_MS + 30_000 }, async (t) => {
    const started = Date.now();
    const { options, retryAfterSecs } = CLIENTS[run.client];
    const pages = Math.ceil(EMPLOYEES / run.limit);
    await withSandbox(sandboxFlags({ employees: EMPLOYEES, faultSeed: run.faultSeed, pages, retryAfterSecs }), async (sandbox) => {
      const seen = countingFetch();
      const token = countingToken(sandbox.url);
      const client = new TaskProfilesClient({ baseUrl: sandbox.url, token, fetch: seen.fetch, ...options });
      const segments = await drainWithResumption({
        client,
        params: { limit: run.limit, include: run.include, responseFormat: run.shape },
        consumer: CONSUMERS[run.consumer],
        context: run,
        maxSegments: 200,
        signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
      });
      // A request the impatient client abandoned may still be asleep in the sandbox.
      if (run.client === "impatient") await sleep(SPIKE_MS + 100);
      const counters = await sandboxCounters(sandbox.url);
      const summary = run.consumer === "stats" ? await faultFreeSummary(run.include, segments[0].startingAfter) : undefined;
      const checked = checkRun(segments, expected, { consumer: run.consumer, summary });
      const giveUps = segments.filter((segment) => segment.error).map((segment) => segment.error);
      totals.add({ run, segments, checked, counters, statuses: seen.statuses, giveUps, ms: Date.now() - started });
      t.diagnostic(`${checked.pages} pages, ${counters.export_requests} requests, faults ${JSON.stringify(counters.faults)}, gave up ${giveUps.length}× [${giveUps.map((e) => e.kind).join(",")}], ${Date.now() - started} ms`);

      assert.deepEqual(checked.problems, [], checked.problems.slice(0, 10).join("\n"));
      assert.equal(checked.handedOut, EMPLOYEES);
      // A 401 makes the client ask the token function for a fresh token once; a second 401 in a
      // row gives up (kind auth). Each refresh fetches exactly one token from the sandbox.
      const authGiveUps = giveUps.filter((e) => e.kind === "auth").length;
      assert.equal(token.refreshes, (seen.statuses[401] ?? 0) - authGiveUps, `refreshes vs 401s ${JSON.stringify(seen.statuses)}`);
      assert.equal(counters.tokens_issued, 1 + token.refreshes);
      assert.ok(counters.export_requests >= checked.pages);
      for (const error of giveUps) {
        // Neither the client secret nor an issued token (sbx_ and 40 letters) shows in an error.
        assert.doesNotMatch(`${error.message} ${JSON.stringify(error)}`, /sandbox-secret|sbx_[A-Za-z0-9]{40}/);
      }
    });
  });
}

test("report: runs, pages, faults injected by kind, give-ups, lost and repeated", (t) => {
  const lines = report(totals, { employees: EMPLOYEES });
  for (const line of lines) t.diagnostic(line);
  console.log(lines.map((line) => `soak: ${line}`).join("\n"));
  assert.equal(totals.runs, ONLY ? ONLY.size : RUNS, "every run finished");
  assert.equal(totals.lost, 0);
  assert.equal(totals.repeated, 0);
  // The soak would prove nothing if the faults never came: every kind must have been injected
  // (they are deterministic per seed, so this holds for every run of the same SOAK_* settings).
  if (totals.runs >= 10) {
    for (const [kind, count] of Object.entries(totals.faults)) assert.ok(count > 0, `no ${kind} fault was injected`);
    assert.ok(totals.giveUps.size > 0, "no export gave up, so no resumption was tested");
  }
});

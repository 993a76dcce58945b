// Found by the soak: stats() that gave up lost what it had counted (its error carries `cursor`
// and `records`, not the statistics of those pages), so a pass resumed from `err.cursor`
// summarised only the employees after it. `stats({ into })` keeps what each export counted in the
// caller's TaskStats, also when it gives up; resumed with the same `into`, the last summary is
// the whole export's, as rawPages() into one TaskStats (the first test) always was.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskStats } from "task-profiles";
import { startSandbox } from "../runtimes/helpers.mjs";
import { TENANT_SEED } from "./fault-profile.mjs";
import { CONSUMERS } from "./consumers.mjs";
import { drainWithResumption } from "./resumption.mjs";

const EMPLOYEES = 1000;
const LIMIT = 50;
const INCLUDE = ["ai_impact", "weekly_hours"];

const sandboxes = [];
after(() => Promise.all(sandboxes.map((sandbox) => sandbox.stop())));

async function sandbox(flags = []) {
  const started = await startSandbox(["--employees", String(EMPLOYEES), "--seed", TENANT_SEED, ...flags]);
  sandboxes.push(started);
  return started;
}

/** The fault-free summary, and a client of a sandbox whose truncated bodies make exports give up. */
async function setUp() {
  const clean = await sandbox();
  const whole = await new TaskProfilesClient({ baseUrl: clean.url, token: clean.token })
    .exportTaskProfiles({ limit: LIMIT, include: INCLUDE }).stats();
  assert.equal(whole.employees, EMPLOYEES);
  // Deterministic for this seed: several pages come truncated, and each is a give-up (protocol).
  const faulty = await sandbox(["--truncate-body", "0.15", "--fault-seed", "4"]);
  return { whole, client: new TaskProfilesClient({ baseUrl: faulty.url, token: faulty.token }) };
}

/** Drains with resumption; checks that the faults did make the export give up. */
async function drain(client, consumer) {
  const segments = await drainWithResumption({
    client, params: { limit: LIMIT, include: INCLUDE }, consumer, context: {},
    maxSegments: 50, signal: AbortSignal.timeout(60_000),
  });
  const giveUps = segments.filter((segment) => segment.error);
  assert.ok(giveUps.length > 0, "the faults made the export give up at least once");
  assert.ok(giveUps.every((segment) => segment.error.kind === "protocol"));
  return { segments, giveUps };
}

test("rawPages() into one TaskStats, resumed from err.cursor, summarises the whole export", async () => {
  const { whole, client } = await setUp();
  const stats = new TaskStats();
  await drain(client, async (exp) => {
    for await (const page of exp.rawPages()) stats.addPage(page);
  });
  assert.deepEqual(stats.summary(), whole);
});

test("stats({ into }) resumed from err.cursor after giving up summarises the whole export", async () => {
  const { whole, client } = await setUp();
  const { segments, giveUps } = await drain(client, CONSUMERS.stats);
  const counted = giveUps.reduce((sum, segment) => sum + segment.error.records, 0);

  const summary = segments.at(-1).summary;
  assert.equal(summary.employees, EMPLOYEES,
    `stats({ into }) resumed after ${giveUps.length} give-ups summarises ${summary.employees} of ${EMPLOYEES} employees ` +
    `(${counted} were counted before giving up)`);
  assert.deepEqual(summary, whole);
});

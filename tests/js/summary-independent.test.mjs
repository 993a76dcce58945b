// The whole summary() checked against an independent plain-JS computation (bench/baselines.mjs,
// which `make bench` also checks), on sandbox exports of a few thousand employees in both shapes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskStats } from "task-profiles";
import { summarizeLoop } from "../../bench/baselines.mjs";
import { startSandbox, SANDBOX_TOKEN, collect } from "./helpers.mjs";

const EMPLOYEES = 3000;
const TOP = 15;
const INCLUDE = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];

let sandbox;
let listPages;
let hierPages;
before(async () => {
  sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", "31"]);
  const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
  listPages = await collect(client.exportTaskProfiles({ include: INCLUDE }).rawPages());
  hierPages = await collect(client.exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).rawPages());
});
after(() => sandbox?.stop());

/** Float sums compared to 9 significant digits: exact sums in wasm, naive sums in JS. */
function comparable(summary) {
  return JSON.parse(JSON.stringify(summary, (k, v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)));
}

function summaryOf(pages) {
  const stats = new TaskStats({ topN: TOP });
  for (const page of pages) stats.addPage(page);
  return stats.summary();
}

test("every field of summary() equals the plain-JS computation, from list pages and from hierarchy pages", () => {
  assert.ok(listPages.length >= 30 && hierPages.length === listPages.length, `${listPages.length} pages`);
  const expected = comparable(summarizeLoop(listPages, TOP));
  // The check can fail: the export is large and varied enough to fill every field.
  assert.equal(expected.employees, EMPLOYEES);
  assert.equal(expected.topTasks.length, TOP);
  assert.equal(expected.topSkills.length, TOP);
  assert.ok(Object.keys(expected.validationStates).length >= 3, JSON.stringify(expected.validationStates));
  assert.ok(Object.keys(expected.aiImpact).length >= 3, JSON.stringify(expected.aiImpact));
  assert.ok(Object.keys(expected.sourceEventTypes).length >= 2, JSON.stringify(expected.sourceEventTypes));
  assert.ok(expected.rejectedTasks > 0 && expected.weeklyHours.total > 0);

  const fromList = comparable(summaryOf(listPages));
  assert.deepEqual(Object.keys(fromList).sort(), Object.keys(expected).sort(), "the same fields");
  assert.deepEqual(fromList, expected);
  assert.deepEqual(comparable(summaryOf(hierPages)), expected);
  assert.deepEqual(comparable(summarizeLoop(hierPages, TOP)), expected, "the plain-JS computation agrees with itself across shapes");
});

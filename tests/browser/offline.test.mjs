// Saved exports read in the browser with the network blocked: a dropped NDJSON file (as
// toNdjsonStream writes it), a JSON array of records and saved pages give the numbers TaskStats
// gives in Node; a broken file is refused with the line it breaks at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient } from "task-profiles";
import {
  DEFAULT_PARAMS, SANDBOX_TOKEN, buildDashboard, cleanup, exportPages, launchChromium, recordsOf, sandboxWith, serveDashboard,
  statsOf, streamText,
} from "./helpers.mjs";
import { dropFiles, openDashboard, readKpis, readLevels, settled, waitStatus } from "./page.mjs";

const EMPLOYEES = 1500;
let browser, url, sandbox;

before(async () => {
  const dist = await buildDashboard();
  sandbox = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", "21"]);
  // Served without a sandbox: the page starts on "An endpoint" and needs nothing but its files.
  url = await serveDashboard(dist, null);
  browser = await launchChromium();
});

after(cleanup);

/** A page whose every request from now on (the page's and the worker's) is refused and recorded. */
async function offline(context, page) {
  const attempted = [];
  page.on("request", (request) => attempted.push(request.url()));
  await context.route("**/*", (route) => route.abort("internetdisconnected"));
  await context.setOffline(true);
  return attempted;
}

async function assertSummary(page, summary, where) {
  const kpis = await readKpis(page);
  assert.equal(kpis.employees, summary.employees, `${where}: employees`);
  assert.equal(kpis.tasks, summary.tasks, `${where}: tasks`);
  assert.equal(kpis["distinct-skills"], summary.distinctSkills, `${where}: distinct skills`);
  const levels = await readLevels(page);
  for (const [level, { tasks }] of Object.entries(summary.aiImpact)) assert.equal(levels[level]?.tasks, tasks, `${where}: ${level}`);
}

test("a dropped NDJSON export gives the same numbers with the network blocked, and the taxonomy tree", async () => {
  const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
  const ndjson = await streamText(client.exportTaskProfiles(DEFAULT_PARAMS).toNdjsonStream());
  const expected = statsOf(await exportPages(sandbox.url)).summary();
  const { context, page, log } = await openDashboard(browser, url);
  assert.equal(await page.isHidden("#source-sandbox-choice"), true, "no sandbox is offered when none is configured");
  const attempted = await offline(context, page);

  await dropFiles(page, [{ name: "export.ndjson", text: ndjson, type: "application/x-ndjson" }]);
  assert.match(await waitStatus(page, /^Complete/), /^Complete: 1,500 employees\.$/);
  await assertSummary(page, expected, "NDJSON");
  assert.match(await page.textContent("#source-line"), /^Source: export\.ndjson$/);
  assert.equal(await page.isChecked('input[name="source"][value="file"]'), true);
  assert.equal(await page.textContent("#tree-suppressed"), "", "grouped by the taxonomy learned from the hierarchy records");
  assert.ok(await page.locator("#tree-canvas .tile").count() > 1, "the tree is drawn");
  assert.deepEqual(attempted, [], "no request at all");
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("a JSON array of list records, and saved pages, picked with the file input, give the same numbers offline", async () => {
  const listParams = { ...DEFAULT_PARAMS, responseFormat: "list", limit: 50 };
  const pages = await exportPages(sandbox.url, listParams);
  const expected = statsOf(pages).summary();
  const { context, page } = await openDashboard(browser, url);
  const attempted = await offline(context, page);

  await page.check('input[name="source"][value="file"]');
  await page.setInputFiles("#file-input", { name: "records.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(recordsOf(pages))) });
  await waitStatus(page, /^Complete/);
  await assertSummary(page, expected, "JSON array of records");
  assert.match(await page.textContent("#tree-suppressed"), /No taxonomy was learned/, "list records teach no taxonomy: the tree says how it is grouped instead");
  // A list record's hierarchy shape is made by toHierarchy, grouped by AI impact level.
  await page.click("#employee-table button >> nth=0");
  await page.waitForSelector("#profile h3");
  const hierarchy = page.locator('#profile section[aria-label="Hierarchy shape"]');
  assert.match(await hierarchy.textContent(), /made by toHierarchy, grouped by AI impact level/);
  const levels = await hierarchy.locator(".group-name").allTextContents();
  assert.ok(levels.length > 0 && levels.every((name) => /^H[1-5]$|^unknown$/.test(name)), `grouped by level: ${levels}`);

  const saved = `[${pages.map((p) => new TextDecoder().decode(p)).join(",")}]`;
  await page.setInputFiles("#file-input", { name: "pages.json", mimeType: "application/json", buffer: Buffer.from(saved) });
  // The source line says "(loading…)" until this second file is in.
  await page.waitForFunction(() => document.querySelector("#source-line").textContent === "Source: pages.json");
  await settled(page);
  await assertSummary(page, expected, "saved pages");
  assert.deepEqual(attempted, []);
  await context.close();
});

test("a broken file is refused with its name, the line and the kind, and what came before it stays", async () => {
  const { context, page } = await openDashboard(browser, url);
  await offline(context, page);
  const good = JSON.stringify({ external_id: "e1", tasks: [{ task_id: "t1", task: "Plan", validation_state: "validated" }] });
  await dropFiles(page, [{ name: "broken.ndjson", text: `${good}\n{"external_id": "e2", "tasks": [\n`, type: "application/x-ndjson" }]);
  await waitStatus(page, /^Stopped by an error/);
  const error = await page.textContent("#load-error");
  assert.match(error, /^Error: invalid_input/);
  assert.match(error, /broken\.ndjson, line 2: /);

  const negative = JSON.stringify({ external_id: "e3", tasks: [{ task_id: "t1", task: "Plan", validation_state: "validated", weekly_hours: -2 }] });
  await dropFiles(page, [{ name: "negative.ndjson", text: `${good}\n\n${negative}\n`, type: "application/x-ndjson" }]);
  await page.waitForFunction(() => document.querySelector("#load-error").textContent.includes("negative.ndjson"));
  assert.match(await page.textContent("#load-error"), /negative\.ndjson: line 3\.tasks\[0\]\.weekly_hours/, "the package's place, as a line of the file");
  await context.close();
});

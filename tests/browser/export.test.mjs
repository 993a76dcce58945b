// The dashboard against the sandbox, in Chromium: a full export shows the numbers TaskStats
// gives in Node for the same export; filters recompute them; the downloads are the package's
// CSV/NDJSON/summary/shard of the same pages; shards merge; Cancel keeps a partial result and
// Resume completes it with every employee exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { TaskProfilesClient, TaskStats, TaskTaxonomy, toList } from "task-profiles";
import {
  DEFAULT_PARAMS, ROOT, SANDBOX_TOKEN, buildDashboard, cleanup, exportPages, launchChromium, recordsOf, sandboxWith,
  serveDashboard, statsOf, streamText,
} from "./helpers.mjs";
import {
  download, dropFiles, exportFromEndpoint, exportFromSandbox, openDashboard, readKpis, readLevels, readProgress, readTable, settled, waitStatus,
} from "./page.mjs";

const EMPLOYEES = 2000;
const SEED = "5";
let browser, sandbox, url, pages, expected, records;

before(async () => {
  const dist = await buildDashboard();
  sandbox = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", SEED]);
  url = await serveDashboard(dist, sandbox, { employees: EMPLOYEES });
  browser = await launchChromium();
  pages = await exportPages(sandbox.url);
  expected = statsOf(pages).summary();
  records = toList(recordsOf(pages));
});

after(cleanup);

const round1 = (n) => Math.round(n * 10) / 10;

/** Employees with at least one non-rejected task at each level (the table's Employees column). */
function employeesPerLevel(list) {
  const counts = {};
  for (const record of list) {
    const levels = new Set(record.tasks.filter((t) => t.validation_state !== "rejected").map((t) => t.ai_impact?.level ?? "unknown"));
    for (const level of levels) counts[level] = (counts[level] ?? 0) + 1;
  }
  return counts;
}

/** Asserts that the overview, the AI-impact table and the top task show `summary`. */
async function assertShows(page, summary, where) {
  const kpis = await readKpis(page);
  assert.equal(kpis.employees, summary.employees, `${where}: employees`);
  assert.equal(kpis.tasks, summary.tasks, `${where}: tasks`);
  assert.equal(kpis["distinct-tasks"], summary.distinctTasks, `${where}: distinct tasks`);
  assert.equal(kpis["distinct-skills"], summary.distinctSkills, `${where}: distinct skills`);
  assert.equal(kpis["weekly-hours"], round1(summary.weeklyHours.total), `${where}: weekly hours`);
  const levels = await readLevels(page);
  assert.deepEqual(Object.keys(levels).sort(), Object.keys(summary.aiImpact).sort(), `${where}: the levels shown`);
  for (const [level, { tasks, weeklyHours }] of Object.entries(summary.aiImpact)) {
    assert.equal(levels[level].tasks, tasks, `${where}: tasks at ${level}`);
    assert.equal(levels[level].weeklyHours, round1(weeklyHours), `${where}: weekly hours at ${level}`);
  }
  const [top] = await readTable(page, "chart-top-tasks");
  const want = summary.topTasks[0];
  assert.deepEqual(top, [want.task, want.employees.toLocaleString("en-US"), String(round1(want.weeklyHours).toLocaleString("en-US")), want.taskId], `${where}: the top task`);
  return levels;
}

test("a full export of 2,000 employees shows the numbers TaskStats.summary() gives in Node for the same export", async () => {
  const { page, log } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  assert.match(await waitStatus(page, /^Complete/), /^Complete: 2,000 employees\.$/);
  assert.equal(expected.employees, EMPLOYEES);
  const levels = await assertShows(page, expected, "full export");
  const perLevel = employeesPerLevel(records);
  for (const [level, employees] of Object.entries(perLevel)) assert.equal(levels[level].employees, employees, `employees with tasks at ${level}`);
  assert.deepEqual(await readProgress(page).then(({ employees, pages: p }) => ({ employees, pages: p })), { employees: EMPLOYEES, pages: pages.length });
  assert.equal(await page.textContent("#employee-count"), "2,000 employees.");
  assert.match(await page.textContent("#source-line"), new RegExp(`^Source: sandbox at ${sandbox.url}$`));
  assert.deepEqual(log.errors, [], "no uncaught error on the page");
  await page.context().close();
});

test("the employee table: searched by external id, and one employee's profile in both shapes, with rationale, skills and events", async () => {
  const { page } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);
  const hierarchy = recordsOf(pages);
  const target = hierarchy[1234];
  const id = target.external_id;
  await page.fill("#employee-search", id.slice(0, 13).toUpperCase());
  const matching = hierarchy.filter((r) => r.external_id.includes(id.slice(0, 13))).length;
  await page.waitForFunction((n) => document.querySelector("#employee-count").textContent.startsWith(`${n} of 2,000 employees match`), matching);
  await settled(page);
  await page.click(`#employee-table button[title="${id}"]`);
  await page.waitForFunction((want) => document.querySelector("#profile h3 code")?.textContent === want, id);
  assert.equal(await page.getAttribute(`#employee-table [role=row]:has(button[title="${id}"])`, "aria-current"), "true");

  const list = toList(target);
  const listTasks = page.locator('#profile section[aria-label="List shape"] li.task');
  assert.equal(await listTasks.count(), list.tasks.length, "every task of the list shape");
  const first = list.tasks[0];
  const card = await listTasks.first().textContent();
  for (const text of [first.task, first.task_id, first.validation_state, `AI impact ${first.ai_impact.level}`, first.ai_impact.rationale,
    ...first.linked_skills.map((s) => s.skill), ...first.source_events.map((e) => e.external_id)]) {
    assert.ok(card.includes(text), `the task shows ${text}: ${card}`);
  }
  const tree = page.locator('#profile section[aria-label="Hierarchy shape"]');
  assert.match(await tree.textContent(), /as received from the endpoint/);
  const groups = await tree.locator(".group-name").allTextContents();
  assert.equal(groups[0], target.hierarchy[0].name, "the hierarchy's first group");
  assert.equal(await tree.locator("li.task").count(), list.tasks.length, "the same tasks, placed in the hierarchy");
  await page.context().close();
});

test("filters recompute the charts: the numbers are TaskStats of the matching tasks of the employees that have any", async () => {
  const { page } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);

  const filtered = (keep) => {
    const kept = records.map((r) => ({ ...r, tasks: r.tasks.filter(keep) })).filter((r) => r.tasks.length > 0);
    return new TaskStats({ topN: 20 }).add(kept).summary();
  };
  const waitMatch = (n) => page.waitForFunction((text) => document.querySelector("#filter-result").textContent.startsWith(text), `${n.toLocaleString("en-US")} of 2,000 employees match`);

  await page.check('#level-filter input[value="H1"]');
  const h1 = filtered((t) => t.ai_impact?.level === "H1");
  await waitMatch(h1.employees);
  await settled(page);
  await assertShows(page, h1, "level H1");
  assert.match(page.url(), /[?&]level=H1(&|$)/, "the filter is in the URL");

  await page.fill("#filter-query", "review");
  await page.press("#filter-query", "Enter");
  const query = filtered((t) => t.ai_impact?.level === "H1"
    && [t.task, t.task_id, ...(t.linked_skills ?? []).flatMap((s) => [s.skill, s.skill_id])].some((text) => text.toLowerCase().includes("review")));
  await waitMatch(query.employees);
  await settled(page);
  await assertShows(page, query, "level H1 and 'review'");

  await page.click("#clear-filters");
  await page.waitForFunction(() => document.querySelector("#filter-result").textContent.startsWith("No filter"));
  await settled(page);
  await assertShows(page, expected, "filters cleared");
  await page.context().close();
});

test("the privacy threshold: tree tasks and filter results of fewer than k employees are hidden and counted", async () => {
  const taxonomy = new TaskTaxonomy().learn(recordsOf(pages));
  const leaves = (node) => ("children" in node ? node.children.flatMap(leaves) : [node]);
  const tree = leaves(statsOf(pages).tree({ taxonomy }));
  const under = (k) => tree.filter((leaf) => leaf.value < k).length;
  const { page } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);
  const note = (k) => (under(k) ? `${under(k)} tasks hidden: fewer than ${k} employees.` : "");
  assert.equal(await page.textContent("#tree-suppressed"), note(5));
  const shown = await page.$$eval("#tree-canvas .tile", (tiles) => tiles.length);
  assert.ok(shown > 0);

  await page.fill("#privacy-k", "40");
  await page.press("#privacy-k", "Tab");
  await page.waitForURL(/k=40/);
  assert.ok(under(40) > 0, "the sandbox has tasks done by fewer than 40 employees");
  await page.waitForFunction((text) => document.querySelector("#tree-suppressed").textContent === text, note(40));
  // Every task still drawn is done by at least k employees (the zoomed-in leaves say so).
  await page.click("#tree-canvas .tile >> nth=0");
  await settled(page);
  for (;;) {
    const labels = await page.$$eval("#tree-canvas .tile", (tiles) => tiles.map((t) => t.getAttribute("aria-label")));
    const tasks = labels.filter((l) => l.includes("task done by"));
    if (tasks.length) {
      for (const label of tasks) assert.ok(Number(/done by ([\d,]+) employees/.exec(label)[1].replace(/,/g, "")) >= 40, label);
      break;
    }
    await page.click("#tree-canvas .tile >> nth=0");
    await settled(page);
  }

  // A filter result under k: nothing of it is shown, and the panel says why.
  const small = records.filter((r) => r.tasks.some((t) => t.ai_impact?.level === "H5" && t.task.toLowerCase().includes("sprint"))).length;
  assert.ok(small > 0 && small < EMPLOYEES / 10, `a small group (${small} employees)`);
  await page.check('#level-filter input[value="H5"]');
  await page.fill("#filter-query", "sprint");
  await page.press("#filter-query", "Enter");
  await page.fill("#privacy-k", String(small + 1));
  await page.press("#privacy-k", "Tab");
  await page.waitForFunction((k) => document.querySelector("#filter-result").textContent === `Fewer than ${k} employees match: the result is hidden.`, small + 1);
  await settled(page);
  assert.deepEqual(await readKpis(page), {}, "no figure of the group");
  assert.match(await page.textContent("#view-note"), new RegExp(`Fewer than ${small + 1} employees match: nothing of this group is shown`));
  assert.match(await page.textContent("#chart-top-tasks .chart-body"), new RegExp(`^Hidden: fewer than ${small + 1} employees match`));
  assert.equal(await page.textContent("#chart-top-tasks .table-host"), "", "no data table either");
  assert.equal(await page.locator("#employee-table .body [role=row]").count(), 0, "no employee listed");

  await page.fill("#privacy-k", String(small));
  await page.press("#privacy-k", "Tab");
  await page.waitForFunction((n) => document.querySelector("#filter-result").textContent.startsWith(`${n} of 2,000 employees match`), small);
  await settled(page);
  assert.equal((await readKpis(page)).employees, small, "at k = the group's size, it is shown");
  assert.ok(await page.locator("#employee-table .body [role=row]").count() > 0, "and its employees listed");
  await page.context().close();
});

test("downloads: the CSV has the rows toCsvStream writes, the NDJSON its lines, the summary and the shard are the export's", async () => {
  const { page } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);
  const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });

  const csv = await download(page, "csv");
  assert.equal(csv.name, "task-profiles.csv");
  const wantCsv = await streamText(client.exportTaskProfiles(DEFAULT_PARAMS).toCsvStream());
  const rows = parse(csv.text, { bom: false });
  const wantRows = parse(wantCsv);
  assert.ok(wantRows.length > EMPLOYEES, `one row per employee and task (${wantRows.length})`);
  assert.deepEqual(rows[0], wantRows[0], "the same header");
  assert.equal(rows.length, wantRows.length, "as many rows");
  assert.deepEqual(rows, wantRows, "the same rows");

  const ndjson = await download(page, "ndjson");
  assert.equal(ndjson.text, await streamText(client.exportTaskProfiles(DEFAULT_PARAMS).toNdjsonStream()), "the NDJSON toNdjsonStream writes");

  const summary = await download(page, "summary");
  assert.deepEqual(JSON.parse(summary.text), expected);
  const shard = await download(page, "shard");
  assert.deepEqual(TaskStats.fromJSON(shard.text).summary(), expected, "the shard restores to the same statistics");
  await page.context().close();
});

test("uploaded shards merge into one view: two halves give the statistics of the whole export", async () => {
  const dir = path.join(ROOT, "target/browser-dashboard/shards");
  await mkdir(dir, { recursive: true });
  const half = Math.floor(pages.length / 2);
  const files = [path.join(dir, "first-half.json"), path.join(dir, "second-half.json")];
  await writeFile(files[0], JSON.stringify(statsOf(pages.slice(0, half)).toJSON()));
  await writeFile(files[1], JSON.stringify(statsOf(pages.slice(half)).toJSON()));
  const { page } = await openDashboard(browser, url);
  await page.setInputFiles("#shard-input", files);
  await waitStatus(page, /^Shards merged/);
  await assertShows(page, expected, "merged shards");
  assert.match(await page.textContent("#source-line"), /^Source: 2 merged shards$/);
  assert.equal(await page.isDisabled('button[data-download="csv"]'), true, "shards hold no records to write as CSV");
  assert.equal(await page.isDisabled('button[data-download="shard"]'), false);
  // Dropped on the page, a shard is recognised as one too.
  await dropFiles(page, [{ name: "first-half.json", text: await readFile(files[0], "utf8"), type: "application/json" }]);
  await page.waitForFunction(() => document.querySelector("#source-line").textContent === "Source: 1 merged shard");
  await settled(page);
  await assertShows(page, statsOf(pages.slice(0, half)).summary(), "a dropped shard");
  await page.context().close();
});

test("Cancel halfway keeps the employees loaded, marked partial; Resume ends with every employee exactly once", async () => {
  // The same tenant, slowed down, so that Cancel lands mid-export.
  const slow = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", SEED, "--latency-ms", "120"]);
  const { page } = await openDashboard(browser, url);
  await exportFromEndpoint(page, slow.url, SANDBOX_TOKEN);
  await page.waitForFunction(() => /^[\d,]+ employees/.test(document.querySelector("#progress-counts").textContent)
    && Number(document.querySelector("#progress-counts").textContent.split(" ")[0].replace(/,/g, "")) >= 600);
  await page.click("#cancel-button");
  assert.match(await waitStatus(page, /^Partial/), /^Partial: cancelled after [\d,]+ employees/);
  const partial = await readProgress(page);
  assert.ok(partial.employees >= 600 && partial.employees < EMPLOYEES, `cancelled halfway: ${partial.text}`);
  assert.equal(partial.employees, partial.pages * 100);
  await assertShows(page, statsOf(pages.slice(0, partial.pages)).summary(), "partial");
  assert.match(await page.textContent("#view-note"), /Partial data: the export was cancelled/);
  assert.match(await page.textContent("#source-line"), /\(partial\)$/);
  assert.equal(await page.isVisible("#resume-button"), true);

  await page.click("#resume-button");
  await waitStatus(page, /^Complete/);
  await assertShows(page, expected, "resumed");
  assert.deepEqual(await readProgress(page).then(({ employees, pages: p }) => ({ employees, pages: p })), { employees: EMPLOYEES, pages: pages.length });
  assert.equal(await page.textContent("#employee-count"), "2,000 employees.");
  assert.equal(await page.isHidden("#view-note"), true, "no note: not partial, and no employee id twice");
  await page.context().close();
});

// Failures, in Chromium: the sandbox's 503 bursts and cut bodies are ridden out (the package
// retries); a refused token shows the auth error (never the token); a 401 in the middle of an
// export stops it with its cursor, and Resume ends with every employee exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SANDBOX_TOKEN, buildDashboard, cleanup, exportPages, launchChromium, sandboxWith, serveDashboard, statsOf,
} from "./helpers.mjs";
import { exportFromEndpoint, exportFromSandbox, openDashboard, readKpis, readProgress, waitStatus } from "./page.mjs";

const EMPLOYEES = 1000;
const SEED = "9";
let browser, clean, url, expected, pageCount;

before(async () => {
  const dist = await buildDashboard();
  clean = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", SEED]);
  url = await serveDashboard(dist, clean, { employees: EMPLOYEES });
  browser = await launchChromium();
  const pages = await exportPages(clean.url);
  pageCount = pages.length;
  expected = statsOf(pages).summary();
});

after(cleanup);

async function exportRequests(sandbox) {
  const response = await fetch(`${sandbox.url}/stats`);
  return (await response.json()).export_requests;
}

test("503 bursts and cut bodies from the sandbox are ridden out: the export completes with the same numbers", async () => {
  const faulty = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", SEED, "--fail-503", "0.3", "--cut-body", "0.15", "--fault-seed", "4"]);
  const { page, log } = await openDashboard(browser, url);
  await exportFromEndpoint(page, faulty.url, SANDBOX_TOKEN);
  await waitStatus(page, /^Complete/);
  const kpis = await readKpis(page);
  assert.equal(kpis.employees, expected.employees);
  assert.equal(kpis.tasks, expected.tasks);
  assert.equal(kpis["weekly-hours"], Math.round(expected.weeklyHours.total * 10) / 10);
  const requests = await exportRequests(faulty);
  assert.ok(requests > pageCount + 2, `the sandbox failed some requests, which were retried: ${requests} requests for ${pageCount} pages`);
  assert.equal(await page.textContent("#employee-count"), "1,000 employees.");
  assert.deepEqual(log.errors, []);
  await page.context().close();
});

test("a refused token shows the auth error, its status and message, and never the token", async () => {
  const wrong = "not-the-token-5e1f";
  const { page, log } = await openDashboard(browser, url);
  await exportFromEndpoint(page, clean.url, wrong);
  assert.match(await waitStatus(page, /^Stopped by an error/), /^Stopped by an error after 0 employees\.$/);
  const error = await page.textContent("#load-error");
  assert.match(error, /^Error: auth \(HTTP 401\)/);
  assert.match(error, /token was refused/);
  assert.equal(await page.getAttribute("#load-error", "role"), "alert");
  for (const where of [error, await page.content(), ...log.console, ...log.urls]) assert.ok(!where.includes(wrong), `the token shows in: ${where.slice(0, 200)}`);
  await page.context().close();
});

test("a 401 mid-export stops with the cursor; Resume (token accepted again) ends with every employee exactly once", async () => {
  const { context, page } = await openDashboard(browser, url);
  // The fourth page's request and its retry (the package asks for a fresh token once) are refused.
  let posts = 0;
  let refusing = true;
  await context.route(`${clean.url}/**`, (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    if (refusing && posts >= 4) {
      return route.fulfill({
        status: 401,
        headers: { "access-control-allow-origin": "*", "content-type": "application/json" },
        body: JSON.stringify([{ title: "401 Unauthorized", description: "The access token expired." }]),
      });
    }
    return route.continue();
  });
  await exportFromSandbox(page);
  assert.match(await waitStatus(page, /^Stopped by an error/), /^Stopped by an error after 300 employees; the charts show what was loaded\.$/);
  const error = await page.textContent("#load-error");
  assert.match(error, /^Error: auth \(HTTP 401\)/);
  assert.match(error, /The access token expired/);
  const cursor = await page.textContent("#load-error code");
  assert.match(cursor, /\S/, "the error names the cursor Resume continues after");
  assert.equal((await readKpis(page)).employees, 300, "what was loaded stays");
  assert.match(await page.textContent("#view-note"), /Partial data: the export stopped at an error/);

  refusing = false;
  await page.click("#resume-button");
  await waitStatus(page, /^Complete/);
  const kpis = await readKpis(page);
  assert.equal(kpis.employees, expected.employees, "every employee");
  assert.equal(kpis.tasks, expected.tasks, "every task once");
  assert.equal(kpis["distinct-tasks"], expected.distinctTasks);
  assert.equal((await readProgress(page)).employees, EMPLOYEES);
  assert.equal(await page.isHidden("#view-note"), true, "no employee id appeared twice");
  await page.context().close();
});

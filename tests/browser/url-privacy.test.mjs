// The view lives in the URL: filters, privacy threshold and tree zoom survive a reload and a
// copied URL, and back/forward step through them. The token never does: it is not in any URL
// the page had, in localStorage, sessionStorage, IndexedDB or cookies, in the markup, or in the
// console, whichever way it was given.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildDashboard, cleanup, launchChromium, sandboxWith, serveDashboard } from "./helpers.mjs";
import { download, exportFromEndpoint, exportFromSandbox, openDashboard, readKpis, settled, waitReady, waitStatus } from "./page.mjs";

const TOKEN = "tp-secret-9c41e07b";
const EMPLOYEES = 1200;
let browser, sandbox, url;

before(async () => {
  const dist = await buildDashboard();
  sandbox = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", "33", "--token", TOKEN]);
  url = await serveDashboard(dist, sandbox, { token: TOKEN, employees: EMPLOYEES });
  browser = await launchChromium();
});

after(cleanup);

const current = (page) => page.textContent("#tree-breadcrumb [aria-current=page]");

/** Everything the page keeps or shows that a token must never be in. */
async function assertNoToken(page, log, token) {
  const kept = await page.evaluate(async () => ({
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    databases: (await indexedDB.databases()).map((d) => d.name),
    cookies: document.cookie,
    markup: document.documentElement.outerHTML,
    historyState: JSON.stringify(history.state),
  }));
  assert.deepEqual(kept.databases, [], "the page opens no IndexedDB database");
  const places = {
    urls: [...log.urls, page.url()].join("\n"),
    localStorage: JSON.stringify(kept.local),
    sessionStorage: JSON.stringify(kept.session),
    cookies: kept.cookies,
    markup: kept.markup,
    history: kept.historyState,
    console: log.console.join("\n"),
    errors: log.errors.join("\n"),
  };
  for (const [where, text] of Object.entries(places)) {
    for (const form of [token, encodeURIComponent(token), btoa(token)]) assert.ok(!text.includes(form), `the token is in ${where}`);
  }
}

test("filters, k and the tree zoom survive a reload and a copied URL; back and forward step through them", async () => {
  const { page, log } = await openDashboard(browser, url);
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);

  await page.check('#level-filter input[value="H2"]');
  await page.waitForURL(/level=H2/);
  await page.check('#state-filter input[value="validated"]');
  await page.waitForURL(/state=validated/);
  await page.fill("#privacy-k", "3");
  await page.press("#privacy-k", "Tab");
  await page.waitForURL(/k=3/);
  await settled(page);
  const group = (await page.getAttribute("#tree-canvas .tile >> nth=0", "aria-label")).split(":")[0];
  await page.click("#tree-canvas .tile >> nth=0");
  await page.waitForURL(/zoom=/);
  await settled(page);
  assert.equal(await current(page), group, "zoomed into the group");
  const before = await readKpis(page);
  const zoomed = page.url();
  assert.equal(new URL(zoomed).searchParams.get("zoom"), group);

  await page.reload();
  await waitReady(page);
  assert.equal(page.url(), zoomed, "the view's URL is kept");
  assert.equal(await page.isChecked('#level-filter input[value="H2"]'), true);
  assert.equal(await page.isChecked('#state-filter input[value="validated"]'), true);
  assert.equal(await page.inputValue("#privacy-k"), "3");
  await exportFromSandbox(page);
  await waitStatus(page, /^Complete/);
  assert.equal(await current(page), group, "the zoom is back once the data is");
  assert.deepEqual(await readKpis(page), before, "the same filtered numbers");

  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("zoom"));
  await settled(page);
  assert.equal(await current(page), "All tasks", "back: zoomed out");
  assert.equal(await page.isChecked('#level-filter input[value="H2"]'), true, "back: the filters stay");
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("k"));
  assert.equal(await page.inputValue("#privacy-k"), "5", "back again: the default k");
  await page.goForward();
  await page.goForward();
  await page.waitForURL((u) => u.searchParams.has("zoom"));
  await settled(page);
  assert.equal(await current(page), group, "forward: zoomed in again");

  // The URL copied into another browser window (no shared state) opens the same view.
  const other = await openDashboard(browser, zoomed);
  assert.equal(await other.page.isChecked('#level-filter input[value="H2"]'), true);
  await exportFromSandbox(other.page);
  await waitStatus(other.page, /^Complete/);
  assert.equal(await current(other.page), group);
  assert.deepEqual(await readKpis(other.page), before);

  await assertNoToken(page, log, TOKEN);
  await assertNoToken(other.page, other.log, TOKEN);
  await other.context.close();
  await page.context().close();
});

test("a token typed for an endpoint never reaches a URL, storage, the markup or the console, even after errors", async () => {
  const { page, log } = await openDashboard(browser, url);
  // First at a closed port (a network error), then right.
  await exportFromEndpoint(page, "http://127.0.0.1:9", TOKEN);
  await waitStatus(page, /^Stopped by an error/);
  assert.match(await page.textContent("#load-error"), /^Error: network/);
  await exportFromEndpoint(page, sandbox.url, TOKEN);
  await waitStatus(page, /^Complete/);
  assert.equal((await readKpis(page)).employees, EMPLOYEES);
  await download(page, "summary");
  await page.check('#level-filter input[value="H1"]');
  await page.waitForURL(/level=H1/);
  await assertNoToken(page, log, TOKEN);
  await page.context().close();
});

// Accessibility and looks, in Chromium: axe finds no WCAG 2.1 A/AA violation in the light and
// dark themes, before and after a drill-down into the tree; the tree works with the keyboard
// alone (Tab, Enter, Escape), in both layouts; and screenshots of the main views (desktop and
// phone, light and dark) are saved under target/browser-screenshots/ for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { buildDashboard, cleanup, launchChromium, sandboxWith, serveDashboard } from "./helpers.mjs";
import { exportFromSandbox, openDashboard, screenshot, settled, waitStatus } from "./page.mjs";

const EMPLOYEES = 2000;
let browser, url;

before(async () => {
  const dist = await buildDashboard();
  const sandbox = await sandboxWith(["--employees", String(EMPLOYEES), "--seed", "42"]);
  url = await serveDashboard(dist, sandbox, { employees: EMPLOYEES });
  browser = await launchChromium();
});

after(cleanup);

async function axe(page, where) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`).join("\n    ")}`);
  assert.deepEqual(found, [], `axe violations ${where}`);
  assert.ok(result.passes.length > 20, `axe ran its checks ${where}`);
}

/** Presses Tab until a tree tile has the focus (keyboard only: no click, no focus() call). */
async function tabToTile(page, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.closest("#tree-canvas .tile") !== null)) return page.evaluate(() => document.activeElement.getAttribute("aria-label"));
  }
  throw new Error(`no tree tile reached in ${limit} Tab presses`);
}

const crumbs = (page) => page.$$eval("#tree-breadcrumb li", (items) => items.map((li) => li.textContent));
const focusedLabel = (page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);

async function loaded(options) {
  const opened = await openDashboard(browser, url, options);
  await exportFromSandbox(opened.page);
  await waitStatus(opened.page, /^Complete/);
  return opened;
}

test("axe: no WCAG 2.1 AA violation in the light and dark themes, before and after a drill-down", async () => {
  const { page, context } = await loaded();
  await page.click("#employee-table button");
  await page.waitForSelector("#profile h3");
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await settled(page);
    await axe(page, `(${colorScheme}, overview)`);
  }
  await page.click("#tree-canvas .tile >> nth=0");
  await page.waitForFunction(() => document.querySelectorAll("#tree-breadcrumb li").length === 2);
  await page.check('#level-filter input[value="H3"]');
  await page.waitForURL(/level=H3/);
  await settled(page);
  await page.emulateMedia({ colorScheme: "light" });
  await settled(page);
  await axe(page, "(light, drilled down and filtered, treemap)");
  // The other layout in the other theme, so that both are checked.
  await page.check('input[name="tree-layout"][value="sunburst"]');
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForSelector("#tree-canvas svg[aria-label^='Sunburst']");
  await settled(page);
  await axe(page, "(dark, drilled down and filtered, sunburst)");
  // The toggle overrides the system's preference, and says which theme is on.
  await page.emulateMedia({ colorScheme: "light" });
  await page.click("#theme-toggle");
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await page.getAttribute("#theme-toggle", "aria-pressed"), "true");
  await context.close();
});

test("the tree with the keyboard alone: Tab to a tile, Enter zooms in, Enter on a task describes it, Escape zooms out", async () => {
  const { page, context } = await loaded();
  await page.focus("#tree-by");
  const group = await tabToTile(page);
  assert.match(group, /: group of [\d,]+ tasks, .* Press Enter to zoom in\.$/);
  const name = group.split(":")[0];
  assert.equal(await page.textContent("#tree-detail"), group.replace(" Press Enter to zoom in.", "").replace(/\.$/, ""), "the detail line describes the focused tile");

  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelector("#tree-breadcrumb [aria-current=page]")?.textContent === n, name);
  assert.deepEqual(await crumbs(page), ["All tasks", name]);
  assert.ok(page.url().includes(`zoom=${encodeURIComponent(name).replace(/%20/g, "+")}`), `the zoom is in the URL: ${page.url()}`);
  await settled(page);
  const inside = await focusedLabel(page);
  assert.notEqual(inside, group, "the focus moved to a tile of the zoomed-in group");

  // Down to a task (groups nest a few levels), then Enter describes it.
  let label = inside;
  for (let depth = 0; /Press Enter to zoom in/.test(label) && depth < 8; depth++) {
    await page.keyboard.press("Enter");
    await page.waitForFunction((d) => document.querySelectorAll("#tree-breadcrumb li").length === d, depth + 3);
    await settled(page);
    label = await focusedLabel(page);
  }
  assert.match(label, /: task done by [\d,]+ employees, [\d.,]+ weekly hours\.$/, "reached a task");
  const depth = (await crumbs(page)).length;
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent("#tree-detail"), label.replace(/\.$/, ""));

  await page.keyboard.press("Escape");
  await page.waitForFunction((d) => document.querySelectorAll("#tree-breadcrumb li").length === d, depth - 1);
  await settled(page);
  assert.match(await focusedLabel(page), /Press Enter to zoom in\.$/, "Escape: back up, the focus on the group just left");
  for (let d = depth - 1; d > 1; d--) {
    await page.keyboard.press("Escape");
    await page.waitForFunction((n) => document.querySelectorAll("#tree-breadcrumb li").length === n, d - 1);
    await settled(page);
  }
  assert.equal(await focusedLabel(page), group, "back at the top, on the group first zoomed into");

  // The sunburst: the same keys.
  await page.check('input[name="tree-layout"][value="sunburst"]');
  await page.waitForURL(/layout=sunburst/);
  await settled(page);
  assert.equal(await page.locator("#tree-canvas svg[aria-label^='Sunburst']").count(), 1);
  await page.focus('input[name="tree-layout"][value="sunburst"]');
  const arc = await tabToTile(page);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelector("#tree-breadcrumb [aria-current=page]")?.textContent === n, arc.split(":")[0]);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelectorAll("#tree-breadcrumb li").length === 1);
  await context.close();
});

test("screenshots of the main views, desktop (1280×800) and phone (390 wide), light and dark", async (t) => {
  const saved = [];
  for (const colorScheme of ["light", "dark"]) {
    const { page, context } = await loaded({ colorScheme });
    await page.mouse.move(0, 0);
    saved.push(await screenshot(page, `desktop-${colorScheme}`));
    await page.click("#tree-canvas .tile >> nth=0");
    await page.waitForFunction(() => document.querySelectorAll("#tree-breadcrumb li").length === 2);
    await settled(page);
    await page.locator(".tree-card").scrollIntoViewIfNeeded();
    saved.push(await screenshot(page, `desktop-${colorScheme}-tree`));
    await page.click("#employee-table button");
    await page.waitForSelector("#profile h3");
    await page.locator(".employees-card").scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    saved.push(await screenshot(page, `desktop-${colorScheme}-employees`));
    saved.push(await screenshot(page, `desktop-${colorScheme}-full`, { fullPage: true }));

    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await settled(page);
    saved.push(await screenshot(page, `phone-${colorScheme}`));
    await page.locator("#overview-title").scrollIntoViewIfNeeded();
    saved.push(await screenshot(page, `phone-${colorScheme}-overview`));
    saved.push(await screenshot(page, `phone-${colorScheme}-full`, { fullPage: true }));
    // Nothing is wider than the phone's screen.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "no horizontal scrolling on a phone");
    await context.close();
  }
  t.diagnostic(`screenshots: ${saved.join(", ")}`);
});

// Driving the dashboard in a page as a person would (through its controls), and reading back
// what it shows (the text people read, numbers parsed from it).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { SCREENSHOTS } from "./helpers.mjs";

/**
 * A new page (its own context) on the dashboard at `url`, with every console message, uncaught
 * error and navigation recorded. Waits until the worker has loaded the package.
 */
export async function openDashboard(browser, url, { viewport = { width: 1280, height: 800 }, colorScheme = "light", init } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const log = { console: [], errors: [], urls: [] };
  page.on("console", (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.errors.push(e.stack ?? e.message));
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) log.urls.push(frame.url()); });
  await page.goto(url);
  await waitReady(page);
  return { context, page, log };
}

/** The worker has loaded the package, and the sandbox config (when served) is applied. */
export async function waitReady(page) {
  await page.waitForSelector("html[data-worker=ready]", { timeout: 30_000 });
}

/** Waits until the status line matches `pattern` and every redraw has run. */
export async function waitStatus(page, pattern, timeout = 120_000) {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector("#load-status")?.textContent ?? ""), pattern.source, { timeout });
  await settled(page);
  return page.textContent("#load-status");
}

/** No redraw pending (main loses aria-busy when the frame scheduler's queue is empty). */
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector("main")?.hasAttribute("aria-busy"), null, { timeout: 30_000 });
}

/** Chooses the sandbox source (prefilled by the config endpoint) and clicks Export. */
export async function exportFromSandbox(page) {
  await page.waitForSelector("#source-sandbox-choice:not([hidden])");
  await page.check('input[name="source"][value="sandbox"]');
  await page.click("#export-button");
}

/** Chooses "An endpoint", types its URL and token, and clicks Export. */
export async function exportFromEndpoint(page, baseUrl, token) {
  await page.check('input[name="source"][value="endpoint"]');
  await page.fill("#base-url", baseUrl);
  await page.fill("#token", token);
  await page.click("#export-button");
}

const number = (text) => Number(String(text).replace(/[,\s]/g, ""));

/** The overview's figures: { employees, tasks, "distinct-tasks", … } as numbers. */
export async function readKpis(page) {
  const raw = await page.$$eval("[data-kpi]", (els) => els.map((e) => [e.dataset.kpi, e.querySelector("dd")?.textContent ?? ""]));
  return Object.fromEntries(raw.map(([k, v]) => [k, number(v)]));
}

/** A chart card's data table as rows of cell texts. */
export async function readTable(page, cardId) {
  return page.$$eval(`#${cardId} .table-host tbody tr`, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
}

/** AI impact per level as shown: { H1: { tasks, weeklyHours, employees }, … }. */
export async function readLevels(page) {
  const rows = await readTable(page, "chart-ai-impact");
  return Object.fromEntries(rows.map(([level, tasks, hours, employees]) => [level, { tasks: number(tasks), weeklyHours: number(hours), employees: number(employees) }]));
}

/** The progress line's employees and pages. */
export async function readProgress(page) {
  const text = await page.textContent("#progress-counts");
  const match = /([\d,]+) employees?, ([\d,]+) pages?/.exec(text);
  if (!match) throw new Error(`unexpected progress text: ${text}`);
  return { employees: number(match[1]), pages: number(match[2]), text };
}

/** Saves a screenshot under target/browser-screenshots/ and returns its path. */
export async function screenshot(page, name, options = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

/** Clicks a Downloads button and returns the downloaded file's text. */
export async function download(page, what) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-download="${what}"]`)]);
  const stream = await file.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
}

/** Drops files on the page as a drag and drop from the desktop does (a DataTransfer with File objects). */
export async function dropFiles(page, files) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, text, type } of list) dt.items.add(new File([text], name, { type }));
    return dt;
  }, files);
  await page.dispatchEvent("main", "dragenter", { dataTransfer: transfer });
  await page.dispatchEvent("main", "dragover", { dataTransfer: transfer });
  await page.dispatchEvent("main", "drop", { dataTransfer: transfer });
}

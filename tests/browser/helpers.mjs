// Shared by the dashboard's browser tests: the dashboard built once (Vite), served with the
// sandbox prefilled (the same `vite preview` and config endpoint `make dashboard` uses), pages in
// Chromium, and what the same export gives in Node, to compare the page's numbers with.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { TaskProfilesClient, TaskStats } from "task-profiles";
import { ROOT, cleanup, launchChromium, onCleanup, run, startSandbox, SANDBOX_TOKEN } from "../runtimes/helpers.mjs";

export { ROOT, cleanup, launchChromium, onCleanup, startSandbox, SANDBOX_TOKEN };
export const WWW = path.join(ROOT, "www");
export const SCREENSHOTS = path.join(ROOT, "target/browser-screenshots");
const BUILDS = path.join(ROOT, "target/browser-dashboard");

/** What the dashboard asks for by default (its Export options as they start). */
export const DEFAULT_PARAMS = {
  limit: 100,
  include: ["ai_impact", "weekly_hours", "linked_skills", "source_events"],
  responseFormat: "hierarchy",
};

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out.sort();
}

/** A digest of everything the build reads: the dashboard's sources and the built package. */
async function inputsDigest() {
  const hash = createHash("sha256");
  const files = [
    ...(await filesUnder(path.join(WWW, "src"))),
    ...(await filesUnder(path.join(WWW, "server"))),
    ...["index.html", "vite.config.ts", "package-lock.json", "tsconfig.json"].map((f) => path.join(WWW, f)),
    ...(await filesUnder(path.join(ROOT, "pkg"))),
  ];
  for (const file of files) hash.update(file).update(await readFile(file));
  return hash.digest("hex").slice(0, 16);
}

/**
 * `vite build` of www/ into target/browser-dashboard/<digest>/, once for a given content of its
 * inputs: the test files (separate processes) share it. A lock directory keeps two from building
 * the same one at once.
 */
export async function buildDashboard() {
  if (!existsSync(path.join(WWW, "node_modules/.bin/vite"))) {
    throw new Error("www/node_modules is missing: run scripts/setup.sh (make setup), which installs the dashboard's dependencies");
  }
  if (!existsSync(path.join(ROOT, "pkg/package.json"))) throw new Error("pkg/ is missing: build the package first (make build)");
  const digest = await inputsDigest();
  const out = path.join(BUILDS, digest);
  const lock = `${out}.lock`;
  await mkdir(BUILDS, { recursive: true });
  for (const deadline = Date.now() + 180_000; ;) {
    if (existsSync(path.join(out, "index.html"))) return out;
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another test process is building it; a lock older than the deadline is a leftover.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 180_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const tmp = `${out}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    const { stdout } = await run(path.join(WWW, "node_modules/.bin/vite"), ["build", "--outDir", tmp, "--emptyOutDir"], { cwd: WWW, timeoutMs: 180_000 });
    await writeFile(path.join(tmp, "build-output.txt"), stdout);
    await rename(tmp, out);
    // Builds of earlier sources (a rebuilt package, edited files) left for a while are not needed again.
    for (const entry of await readdir(BUILDS, { withFileTypes: true })) {
      const dir = path.join(BUILDS, entry.name);
      if (entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && dir !== out && Date.now() - (await stat(dir)).mtimeMs > 3_600_000) {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return out;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * The built dashboard served by `vite preview` with the dashboard config endpoint telling the
 * sandbox's URL and token (as `make dashboard` does); stopped at cleanup. Returns its URL.
 */
export async function serveDashboard(dist, sandbox, { employees = null, token = SANDBOX_TOKEN } = {}) {
  const { preview } = await import(path.join(WWW, "node_modules/vite/dist/node/index.js"));
  Object.assign(process.env, {
    DASHBOARD_SANDBOX_URL: sandbox?.url ?? "",
    DASHBOARD_SANDBOX_TOKEN: token,
    DASHBOARD_SANDBOX_EMPLOYEES: employees === null ? "" : String(employees),
  });
  const server = await preview({
    root: WWW,
    configFile: path.join(WWW, "vite.config.ts"),
    logLevel: "error",
    build: { outDir: dist },
    preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false },
  });
  onCleanup(() => new Promise((resolve) => server.httpServer.close(() => resolve())));
  return server.resolvedUrls.local[0];
}

/** A sandbox started with `args`, stopped at cleanup. */
export async function sandboxWith(args) {
  const sandbox = await startSandbox(args);
  onCleanup(sandbox.stop);
  return sandbox;
}

/** The export's page bodies, fetched in Node by the package with the dashboard's default options. */
export async function exportPages(baseUrl, params = DEFAULT_PARAMS, token = SANDBOX_TOKEN) {
  const client = new TaskProfilesClient({ baseUrl, token });
  const pages = [];
  for await (const bytes of client.exportTaskProfiles(params).rawPages()) pages.push(bytes);
  return pages;
}

/** TaskStats of page bodies, as the dashboard's worker counts them. */
export function statsOf(pages) {
  const stats = new TaskStats({ topN: 20 });
  for (const page of pages) stats.addPage(page);
  return stats;
}

/** The records of page bodies. */
export function recordsOf(pages) {
  const decoder = new TextDecoder();
  return pages.flatMap((page) => JSON.parse(decoder.decode(page)).records);
}

/** Reads a whole byte stream as text. */
export async function streamText(stream) {
  return new Response(stream).text();
}

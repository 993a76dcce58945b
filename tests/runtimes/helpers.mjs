// Shared by the runtime, package and type tests: the packed package installed as a user installs
// it, temporary projects, a static file server, child processes, the browser, and workerd bundles.
// Everything started here is registered for cleanup, so `cleanup()` in an `after` hook undoes it
// even when a test failed half-way.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, readFile, mkdir, copyFile, readdir, access } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export { startSandbox, SANDBOX_BIN } from "../../examples/sandbox.mjs";
export const SANDBOX_TOKEN = "sandbox-token";
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PKG = path.join(ROOT, "pkg");
export const BIN = path.join(ROOT, "node_modules/.bin");
export const SCENARIO = fileURLToPath(new URL("./scenario.mjs", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";

const cleanups = [];
/** Runs `fn` at cleanup time (last registered first). */
export function onCleanup(fn) {
  cleanups.push(fn);
}
export async function cleanup() {
  const errors = [];
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw new AggregateError(errors, `cleanup failed: ${errors.map((e) => e.message).join("; ")}`);
}

/** A fresh directory under os.tmpdir(), removed at cleanup. */
export async function tempDir(prefix) {
  const dir = await mkdtemp(path.join(tmpdir(), `task-profiles-${prefix}-`));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a command to completion; rejects with its output when it fails or outlasts `timeoutMs`. */
export function run(command, args, { cwd, env, timeoutMs = 120_000, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: env ?? process.env, timeout: timeoutMs, maxBuffer: 64 << 20, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : error.signal ?? error.code) : 0;
        if (error && !allowFailure) {
          return reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (${code}${error.killed ? `, killed after ${timeoutMs} ms` : ""}):\n${stdout}\n${stderr}`));
        }
        resolve({ code, stdout, stderr });
      });
  });
}

/** The last stdout line that parses as a JSON object: what every harness prints. */
export function resultLine(stdout, what) {
  const line = stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (!line) throw new Error(`${what} printed no JSON result line:\n${stdout}`);
  return JSON.parse(line);
}

/** `npm pack` of pkg/ into a temporary directory: the tarball users get from the registry. */
export async function packPackage() {
  try {
    await access(path.join(PKG, "package.json"));
  } catch {
    throw new Error(`${PKG} is missing: build the package first (scripts/build.sh or make build)`);
  }
  const dir = await tempDir("pack");
  const { stdout } = await run("npm", ["pack", PKG, "--pack-destination", dir, "--json", "--silent"], { cwd: dir });
  const [info] = JSON.parse(stdout);
  return { tarball: path.join(dir, info.filename), info };
}

/**
 * A temporary project (its own package.json) with the tarball installed by npm, offline, as a
 * user installs it; `files` ({ name: contents }) are written into it, and the scenario is copied.
 */
export async function makeProject(prefix, tarball, files = {}, packageJson = {}) {
  const dir = await tempDir(prefix);
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: `task-profiles-${prefix}-test`, private: true, type: "module", ...packageJson }, null, 2));
  await run("npm", ["install", "--no-audit", "--no-fund", "--offline", "--silent", "--no-package-lock", tarball], { cwd: dir });
  await copyFile(SCENARIO, path.join(dir, "scenario.mjs"));
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), contents);
  }
  return dir;
}

/** What the sandbox holds, walked with plain fetch (not the package): ids in order, task counts. */
export async function walkSandbox(baseUrl, { include = [] } = {}) {
  const ids = [];
  let tasks = 0;
  let csvRows = 0;
  let startingAfter;
  for (;;) {
    const response = await fetch(`${baseUrl}/export/employees/task_profiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${SANDBOX_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ limit: 100, include, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
    });
    if (!response.ok) throw new Error(`sandbox walk: HTTP ${response.status} ${await response.text()}`);
    const page = await response.json();
    for (const record of page.records) {
      ids.push(record.external_id);
      const kept = record.tasks.filter((t) => t.validation_state !== "rejected").length;
      tasks += kept;
      csvRows += Math.max(kept, 1);
    }
    if (!page.has_next) break;
    startingAfter = page.next_starting_after;
  }
  return { ids, tasks, csvRows };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
};

/** A static file server of `root` on 127.0.0.1 (a different origin from the sandbox's). */
export async function staticServer(root) {
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    const file = path.join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${pathname}`);
    }
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  onCleanup(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${server.address().port}`;
}

/** Headless Debian Chromium through playwright-core; closed at cleanup. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  onCleanup(() => browser.close());
  return browser;
}

/**
 * Opens `url` and awaits `window.__result`; a failure message carries the page's console errors,
 * uncaught errors and failed requests.
 */
export async function pageResult(browser, url, timeoutMs = 30_000) {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.stack ?? e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    await page.goto(url);
    const result = await page.evaluate(async (ms) => {
      const deadline = Date.now() + ms;
      while (window.__result === undefined) {
        if (Date.now() > deadline) throw new Error("window.__result was never set");
        await new Promise((r) => setTimeout(r, 20));
      }
      try {
        return { ok: true, value: await window.__result };
      } catch (e) {
        return { ok: false, error: String(e?.stack ?? e), kind: e?.kind };
      }
    }, timeoutMs);
    if (!result.ok) throw new Error(`the page's scenario failed: ${result.error}`);
    return { result: result.value, problems };
  } catch (e) {
    e.message += problems.length ? `\npage problems:\n  ${problems.join("\n  ")}` : "\n(no console errors on the page)";
    throw e;
  } finally {
    await page.close();
  }
}

/**
 * Bundles a worker as wrangler does: esbuild with the workerd conditions, workerd's built-in
 * modules (`cloudflare:workers`, which a Workflow imports) left as imports, and every `.wasm`
 * import kept as a separate CompiledWasm module. Returns Miniflare's `modules` and the bundle's
 * inputs relative to the entry's directory (to check which package entry was used).
 */
export async function bundleWorker(entry) {
  const { build } = await import("esbuild");
  const wasm = new Map(); // module name -> absolute path
  const out = await build({
    entryPoints: [entry],
    absWorkingDir: path.dirname(entry),
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    metafile: true,
    logLevel: "silent",
    plugins: [{
      name: "compiled-wasm",
      setup(b) {
        b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, external: true }));
        b.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = path.resolve(args.resolveDir, args.path);
          const name = path.basename(file);
          wasm.set(name, file);
          return { path: `./${name}`, external: true };
        });
      },
    }],
  });
  const modules = [{ type: "ESModule", path: "worker.mjs", contents: out.outputFiles[0].text }];
  for (const [name, file] of wasm) modules.push({ type: "CompiledWasm", path: name, contents: await readFile(file) });
  return { modules, inputs: Object.keys(out.metafile.inputs), wasm: [...wasm.values()] };
}

// The oldest date the README promises: the runtime tests hold the package (and the example worker) to it.
export const COMPATIBILITY_DATE = "2022-11-30";

/** A Miniflare instance (workerd child process), disposed at cleanup. */
export async function startMiniflare(options) {
  const { Miniflare } = await import("miniflare");
  // compatibilityDate is a per-worker option: without it workerd falls back to 2000-01-01, where
  // `new ReadableStream()` (used by the package's CSV and NDJSON streams) is not available.
  const withDate = (worker) => ({ compatibilityDate: COMPATIBILITY_DATE, ...worker });
  const mf = new Miniflare(options.workers ? { ...options, workers: options.workers.map(withDate) } : withDate(options));
  onCleanup(() => mf.dispose());
  await mf.ready;
  return mf;
}

/** Pids of the workerd processes this process started (children named workerd). */
export async function workerdChildren() {
  const pids = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** VmRSS of `pid` in bytes (0 when it is gone). */
export async function rssBytes(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
  } catch {
    return 0;
  }
}

export const mib = (bytes) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;

/**
 * An HTTP server on 127.0.0.1 answering with `handler(req, res)` (a stand-in for a third-party
 * endpoint); closed at cleanup. Resolves to its base URL, without a trailing slash.
 */
export async function localServer(handler) {
  const server = createServer(handler);
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  onCleanup(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${server.address().port}`;
}

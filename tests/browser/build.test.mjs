// The dashboard's build: TypeScript strict with no error, the package imported by name from a
// file: dependency (as a user's app would), loaded by the Web Worker only, and the bundle's size
// (JS and wasm, gzipped) within budget and reported.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { run } from "../runtimes/helpers.mjs";
import { ROOT, WWW, buildDashboard } from "./helpers.mjs";

// Gzipped budgets of the dashboard's own code (the wasm is the package's, budgeted by its tests).
const MAIN_JS_BUDGET = 110 * 1024;
const WORKER_JS_BUDGET = 25 * 1024;

let dist;
before(async () => {
  dist = await buildDashboard();
});

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (full.endsWith(".ts")) out.push(full);
  }
  return out;
}

test("tsc --noEmit (strict) passes on the page, the worker and the Vite config", async () => {
  const tsc = path.join(WWW, "node_modules/.bin/tsc");
  for (const project of ["tsconfig.json", "tsconfig.node.json"]) {
    const { code, stdout, stderr } = await run(tsc, ["--noEmit", "-p", project], { cwd: WWW, allowFailure: true, timeoutMs: 120_000 });
    assert.equal(code, 0, `tsc -p ${project}:\n${stdout}${stderr}`);
  }
  const config = JSON.parse((await readFile(path.join(WWW, "tsconfig.json"), "utf8")).replace(/^\s*\/\/.*$/gm, ""));
  assert.equal(config.compilerOptions.strict, true);
});

test("task-profiles is a file: dependency imported by name, and only the worker imports it at run time", async () => {
  const pkg = JSON.parse(await readFile(path.join(WWW, "package.json"), "utf8"));
  assert.equal(pkg.dependencies["task-profiles"], "file:../pkg");
  assert.equal(await realpath(path.join(WWW, "node_modules/task-profiles")), await realpath(path.join(ROOT, "pkg")));
  for (const file of await sources(path.join(WWW, "src"))) {
    const text = await readFile(file, "utf8");
    const where = path.relative(WWW, file);
    assert.ok(!/from\s+["'][./]*\/?pkg\//.test(text) && !/["']\.\.\/\.\.\/pkg/.test(text), `${where} reaches into pkg/ by path`);
    const imports = [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"task-profiles";/gms)];
    if (!file.includes(`${path.sep}worker${path.sep}`)) {
      for (const [statement, typeOnly] of imports) assert.ok(typeOnly, `${where} imports the package at run time outside the worker: ${statement}`);
      assert.ok(!/import\s*\(\s*["']task-profiles["']|^import\s+["']task-profiles["']/m.test(text), `${where} loads the package outside the worker`);
    }
  }
  const assets = await readdir(path.join(dist, "assets"));
  const main = assets.find((f) => /^index-.*\.js$/.test(f));
  const worker = assets.find((f) => /^export\.worker-.*\.js$/.test(f));
  assert.ok(main && worker, `a main bundle and a worker bundle: ${assets.join(", ")}`);
  assert.ok(assets.some((f) => /^task_profiles_bg-.*\.wasm$/.test(f)), "the wasm is emitted as an asset");
  assert.ok(!(await readFile(path.join(dist, "assets", main), "utf8")).includes("task_profiles_bg"), "the page's bundle does not load the wasm");
  assert.ok((await readFile(path.join(dist, "assets", worker), "utf8")).includes("task_profiles_bg"), "the worker's bundle loads the wasm");
});

test("bundle size, gzipped: the page's JS and the worker's JS within budget; the wasm reported", async (t) => {
  const assets = await readdir(path.join(dist, "assets"));
  const sizes = {};
  for (const file of assets) {
    const bytes = await readFile(path.join(dist, "assets", file));
    const kind = file.endsWith(".wasm") ? "wasm" : file.endsWith(".css") ? "css" : file.startsWith("export.worker-") ? "workerJs" : "mainJs";
    sizes[kind] ??= { raw: 0, gzip: 0 };
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  t.diagnostic(Object.entries(sizes).map(([k, { raw, gzip }]) => `${k}: ${kb(raw)} (${kb(gzip)} gzipped)`).join("; "));
  t.diagnostic(`JS total ${kb(sizes.mainJs.gzip + sizes.workerJs.gzip)} gzipped, wasm ${kb(sizes.wasm.gzip)} gzipped`);
  assert.ok(sizes.mainJs.gzip <= MAIN_JS_BUDGET, `the page's JS is ${kb(sizes.mainJs.gzip)} gzipped (budget ${kb(MAIN_JS_BUDGET)})`);
  assert.ok(sizes.workerJs.gzip <= WORKER_JS_BUDGET, `the worker's JS is ${kb(sizes.workerJs.gzip)} gzipped (budget ${kb(WORKER_JS_BUDGET)})`);
});

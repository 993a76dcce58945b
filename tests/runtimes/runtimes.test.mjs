// The packed package, installed as a user installs it, runs the same scenario (scenario.mjs) in
// every runtime it has an entry for: Node (ESM and CommonJS), Chromium (a plain page with an
// import map, and a Vite build), Deno and workerd. Each prints or returns the scenario's result,
// asserted on here against what the sandbox holds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { digestIds } from "./scenario.mjs";
import {
  BIN, SANDBOX_TOKEN, bundleWorker, cleanup, launchChromium, makeProject, onCleanup, packPackage,
  pageResult, resultLine, run, startMiniflare, startSandbox, staticServer, walkSandbox,
} from "./helpers.mjs";

const EMPLOYEES = 700;
const CSV_HEADER = "external_id,task_id,task,validation_state,weekly_hours,ai_impact_level,ai_impact_rationale,skill_ids,skills,source_event_types";

let tarball;
let sandbox;
let expected;
let browser;

before(async () => {
  ({ tarball } = await packPackage());
  sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", "11"]);
  onCleanup(sandbox.stop);
  const { ids, tasks } = await walkSandbox(sandbox.url);
  expected = { ids, tasks, digest: digestIds(ids) };
});

after(cleanup);

/** The assertions every runtime's result must pass. */
function checkScenario(result, runtime) {
  const where = `${runtime}: ${JSON.stringify(result).slice(0, 2000)}`;
  assert.equal(expected.ids.length, EMPLOYEES, "the sandbox serves every employee");
  assert.equal(result.count, EMPLOYEES, `${where}\nfor await hands out every employee`);
  assert.equal(result.unique, EMPLOYEES, `${where}\nno employee twice`);
  assert.equal(result.first, expected.ids[0], where);
  assert.equal(result.last, expected.ids.at(-1), where);
  assert.equal(result.digest, expected.digest, `${where}\nthe ids in the server's order`);
  assert.equal(result.done, true, where);
  assert.deepEqual(result.limit1, { count: EMPLOYEES, digest: expected.digest }, `${where}\ntoArray with one employee per page`);
  assert.equal(result.invalid.thrown, true, `${where}\nlimit: 0 is refused at once`);
  assert.equal(result.invalid.instanceOf, true, `${where}\ninstanceof TaskProfilesError`);
  assert.equal(result.invalid.isError, true, where);
  assert.equal(result.invalid.name, "TaskProfilesError", where);
  assert.equal(result.invalid.kind, "invalid_params", where);
  assert.match(result.invalid.message, /^limit\b/, `${where}\nthe message names the field`);
  assert.equal(result.csv.length, 3, where);
  assert.equal(result.csv[0], CSV_HEADER, where);
  for (const line of result.csv.slice(1)) assert.ok(line.startsWith(`${expected.ids[0]},`), `${where}\nCSV rows of the first employee`);
  assert.deepEqual(result.stats, { employees: EMPLOYEES, tasks: expected.tasks, topTasks: 3, sameAsRecords: true }, `${where}\nExport.stats() in wasm`);
  assert.ok(result.convert.tasks > 0, where);
  assert.equal(result.convert.roundTrip, true, `${where}\ntoHierarchy(toList(record, { keepPath: true })) gives the record back`);
}

const NODE_ESM = `
import * as api from "task-profiles";
import { scenario } from "./scenario.mjs";
const result = await scenario(api, process.argv[2], process.argv[3]);
console.log(JSON.stringify({ entry: import.meta.resolve("task-profiles"), ...result }));
`;

const NODE_CJS = `
"use strict";
const api = require("task-profiles");
(async () => {
  const { scenario } = await import("./scenario.mjs");
  const result = await scenario(api, process.argv[2], process.argv[3]);
  console.log(JSON.stringify({ entry: require.resolve("task-profiles"), ...result }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test("Node ESM: import from \"task-profiles\" loads the node entry and runs the scenario", async () => {
  const dir = await makeProject("node-esm", tarball, { "main.mjs": NODE_ESM });
  const { stdout } = await run(process.execPath, ["main.mjs", sandbox.url, SANDBOX_TOKEN], { cwd: dir, timeoutMs: 60_000 });
  const result = resultLine(stdout, "node (ESM)");
  assert.equal(result.entry, pathToFileURL(path.join(dir, "node_modules/task-profiles/index.node.mjs")).href);
  checkScenario(result, "node (ESM)");
});

test("Node CommonJS: require(\"task-profiles\") loads the CommonJS entry and runs the scenario", async () => {
  const dir = await makeProject("node-cjs", tarball, { "main.cjs": NODE_CJS }, { type: "commonjs" });
  const { stdout } = await run(process.execPath, ["main.cjs", sandbox.url, SANDBOX_TOKEN], { cwd: dir, timeoutMs: 60_000 });
  const result = resultLine(stdout, "node (CommonJS)");
  assert.equal(result.entry, path.join(dir, "node_modules/task-profiles/index.node.cjs"));
  checkScenario(result, "node (CommonJS)");
});

const DENO = `
import * as api from "task-profiles";
import { scenario } from "./scenario.mjs";
const result = await scenario(api, Deno.args[0], Deno.args[1]);
console.log(JSON.stringify({ entry: import.meta.resolve("task-profiles"), ...result }));
`;

test("Deno: the package from node_modules resolves to the deno entry, which needs no read permission", async () => {
  const dir = await makeProject("deno", tarball, { "main.mjs": DENO });
  // No --allow-read: the deno entry's source-phase import needs none, where the web entry's
  // fetch of a file: URL and the node entry's fs read would be refused.
  const { stdout } = await run(path.join(BIN, "deno"), ["run", "--quiet", "--allow-net", "--allow-env", "--no-prompt", "main.mjs", sandbox.url, SANDBOX_TOKEN], {
    cwd: dir,
    timeoutMs: 60_000,
    env: { ...process.env, DENO_DIR: path.join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  const result = resultLine(stdout, "deno");
  assert.equal(result.entry, pathToFileURL(path.join(dir, "node_modules/task-profiles/index.deno.mjs")).href);
  checkScenario(result, "deno");
});

const WORKER = `
import * as api from "task-profiles";
import { scenario } from "./scenario.mjs";
export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    try {
      return Response.json(await scenario(api, params.get("base"), params.get("token")));
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e), kind: e?.kind }, { status: 500 });
    }
  },
};
`;

test("workerd (Miniflare): a bundle of the workerd entry with the wasm as a CompiledWasm module", async () => {
  const dir = await makeProject("workerd", tarball, { "worker.mjs": WORKER });
  const { modules, inputs } = await bundleWorker(path.join(dir, "worker.mjs"));
  assert.ok(inputs.includes("node_modules/task-profiles/index.workerd.mjs"), `the workerd entry is bundled: ${inputs.join(", ")}`);
  assert.deepEqual(modules.map((m) => m.type), ["ESModule", "CompiledWasm"]);
  const mf = await startMiniflare({ modules });
  const response = await mf.dispatchFetch(`http://worker/?base=${encodeURIComponent(sandbox.url)}&token=${SANDBOX_TOKEN}`);
  const body = await response.text();
  assert.equal(response.status, 200, `the worker failed: ${body}`);
  checkScenario(JSON.parse(body), "workerd");
});

const PAGE = (head, script) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head>
<body><script type="module">${script}</script></body></html>
`;
const PAGE_SCRIPT = `
  import * as api from "task-profiles";
  import { scenario } from "./scenario.mjs";
  const params = new URLSearchParams(location.search);
  window.__result = scenario(api, params.get("base"), params.get("token"));
`;

async function browserRun(root, pagePath) {
  browser ??= await launchChromium();
  const origin = await staticServer(root);
  assert.notEqual(new URL(origin).origin, new URL(sandbox.url).origin, "the page calls the sandbox across origins");
  const { result } = await pageResult(browser, `${origin}/${pagePath}?base=${encodeURIComponent(sandbox.url)}&token=${SANDBOX_TOKEN}`);
  return result;
}

test("Chromium: a plain module page with an import map to the installed index.web.mjs", async () => {
  const importMap = `<script type="importmap">${JSON.stringify({ imports: { "task-profiles": "./node_modules/task-profiles/index.web.mjs" } })}</script>`;
  const dir = await makeProject("browser", tarball, { "index.html": PAGE(importMap, PAGE_SCRIPT) });
  checkScenario(await browserRun(dir, "index.html"), "chromium (import map)");
});

test("Chromium: a page built by Vite (the wasm emitted as an asset)", async () => {
  const dir = await makeProject("vite", tarball, {
    "index.html": PAGE("", "").replace('<script type="module"></script>', '<script type="module" src="./main.mjs"></script>'),
    "main.mjs": PAGE_SCRIPT,
  });
  const { build } = await import("vite");
  await build({ root: dir, configFile: false, logLevel: "error", build: { target: "es2022", outDir: "dist", emptyOutDir: true } });
  const assets = await readdir(path.join(dir, "dist/assets"));
  assert.ok(assets.some((f) => /^task_profiles_bg-.*\.wasm$/.test(f)), `Vite emits the wasm as an asset: ${assets.join(", ")}`);
  checkScenario(await browserRun(path.join(dir, "dist"), "index.html"), "chromium (vite build)");
});

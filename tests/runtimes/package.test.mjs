// The package as published: publint and arethetypeswrong find nothing, the optimised wasm stays
// small, and it loads.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { BIN, PKG, cleanup, makeProject, packPackage, run } from "./helpers.mjs";

// The size budget of the release module, gzipped (150 KB: issue 11, with the export driven from Rust).
const MAX_GZIPPED_WASM = 150 * 1024;
let tarball;

before(async () => {
  ({ tarball } = await packPackage());
});
after(cleanup);

test("publint finds no problems in pkg/", async () => {
  const { code, stdout, stderr } = await run(path.join(BIN, "publint"), ["run", PKG, "--strict"], { allowFailure: true });
  assert.equal(code, 0, `publint:\n${stdout}${stderr}`);
  assert.doesNotMatch(stdout, /^(Errors|Warnings|Suggestions):/m, `publint:\n${stdout}${stderr}`);
});

test("arethetypeswrong finds no problems in the packed tarball", async () => {
  const { code, stdout, stderr } = await run(path.join(BIN, "attw"), [tarball, "--format", "table-flipped", "--no-color"], { allowFailure: true });
  assert.equal(code, 0, `attw:\n${stdout}${stderr}`);
});

test(`the optimised wasm is under ${MAX_GZIPPED_WASM} bytes gzipped`, async (t) => {
  const wasm = await readFile(path.join(PKG, "web/task_profiles_bg.wasm"));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  t.diagnostic(`pkg/web/task_profiles_bg.wasm: ${wasm.length} bytes, ${gzipped} gzipped (limit ${MAX_GZIPPED_WASM})`);
  assert.ok(gzipped < MAX_GZIPPED_WASM, `${gzipped} bytes gzipped, over the ${MAX_GZIPPED_WASM}-byte budget`);
  const node = await readFile(path.join(PKG, "node/task_profiles_bg.wasm"));
  assert.ok(node.equals(wasm), "the node and web builds ship the same optimised module");
});

test("the core crate's dependency tree holds no wasm-bindgen, js-sys or web-sys", async () => {
  const { stdout } = await run("cargo", ["tree", "-p", "task-profiles-core", "-e", "normal,build", "--target", "all", "--prefix", "none"]);
  assert.match(stdout, /^task-profiles-core /m, "cargo tree listed the core");
  assert.doesNotMatch(stdout, /^(wasm-bindgen|js-sys|web-sys)\b/m, stdout);
});

test("pkg-templates holds small files by concern, and no request, retry, backoff or pagination logic", async () => {
  const { readdir } = await import("node:fs/promises");
  const dir = new URL("../../pkg-templates/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => /\.(m?js)$/.test(f));
  assert.ok(files.length >= 10, `found ${files.join(", ")}`);
  for (const file of files) {
    const text = await readFile(new URL(file, dir), "utf8");
    const lines = text.split("\n").length;
    assert.ok(lines < 200, `${file}: ${lines} lines`);
    // The export's I/O is Rust's: no timers, no page cursor, no retry policy in JS. (oauth.js
    // fetches a token, once per call, and is the one file allowed to call fetch.)
    assert.doesNotMatch(text, /setTimeout|starting_after|next_starting_after|Retry-After|backoff/i, file);
    if (file !== "oauth.js") assert.doesNotMatch(text, /\bfetch\(/, file);
  }
});

test("the optimised module compiles, and the installed node entries load it", async () => {
  const wasm = await readFile(path.join(PKG, "web/task_profiles_bg.wasm"));
  const module = await WebAssembly.compile(wasm);
  assert.ok(WebAssembly.Module.exports(module).some((e) => e.kind === "memory"), "exports its memory");
  const dir = await makeProject("load", tarball, {
    "esm.mjs": `import * as api from "task-profiles";
      const client = new api.TaskProfilesClient({ baseUrl: "http://127.0.0.1:9", token: "t" });
      console.log(JSON.stringify({ exports: Object.keys(api).sort(), baseUrl: client.baseUrl }));`,
    "cjs.cjs": `const api = require("task-profiles");
      const client = new api.TaskProfilesClient({ baseUrl: "http://127.0.0.1:9", token: "t" });
      console.log(JSON.stringify({ exports: Object.keys(api).sort(), baseUrl: client.baseUrl }));`,
  });
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const { stdout } = await run(process.execPath, [file], { cwd: dir, timeoutMs: 30_000 });
    const loaded = JSON.parse(stdout);
    for (const name of ["TaskProfilesClient", "TaskProfilesError", "clientCredentials"]) {
      assert.ok(loaded.exports.includes(name), `${file} exports ${name}: ${loaded.exports.join(", ")}`);
    }
    assert.match(loaded.baseUrl, /^http:\/\/127\.0\.0\.1:9\/?$/, file);
  }
});

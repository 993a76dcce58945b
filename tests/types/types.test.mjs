// The package's types, as a TypeScript user gets them: consumer.ts uses the whole API with exact
// types, misuse.ts holds misuses that must each be an error. Both are checked by tsc in a
// temporary project where the packed package is installed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile, writeFile, copyFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BIN, cleanup, makeProject, packPackage, run } from "../runtimes/helpers.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
let dir;

before(async () => {
  const { tarball } = await packPackage();
  dir = await makeProject("types", tarball);
  for (const file of ["tsconfig.json", "consumer.ts", "misuse.ts"]) await copyFile(path.join(HERE, file), path.join(dir, file));
});
after(cleanup);

const tsc = (...extra) => run(path.join(BIN, "tsc"), ["-p", "tsconfig.json", "--pretty", "false", ...extra], { cwd: dir, allowFailure: true, timeoutMs: 120_000 });

test("consumer.ts and misuse.ts type-check against the installed package", async () => {
  const { code, stdout, stderr } = await tsc();
  assert.equal(code, 0, `tsc failed:\n${stdout}${stderr}`);
});

test("misuse.ts is really checked: without one @ts-expect-error, tsc fails on that line", async () => {
  const source = await readFile(path.join(HERE, "misuse.ts"), "utf8");
  const lines = source.split("\n");
  const at = lines.findIndex((l) => l.includes("@ts-expect-error baseUrl together with tenant"));
  assert.ok(at >= 0);
  lines.splice(at, 1);
  await writeFile(path.join(dir, "misuse.ts"), lines.join("\n"));
  try {
    const { code, stdout } = await tsc();
    assert.notEqual(code, 0, "tsc accepted baseUrl together with tenant");
    assert.match(stdout, new RegExp(`misuse\\.ts\\(${at + 1},`), `the error is on the misuse line ${at + 1}:\n${stdout}`);
  } finally {
    await writeFile(path.join(dir, "misuse.ts"), source);
  }
});

test("the package's declaration files are valid under skipLibCheck: false (tsc's default)", async () => {
  const { code, stdout, stderr } = await tsc("--skipLibCheck", "false");
  assert.equal(code, 0, `tsc reports errors in the package's own .d.ts files:\n${stdout}${stderr}`);
});

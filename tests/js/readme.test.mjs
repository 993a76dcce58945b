// The README's usage example must run as written, as a new user would run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { startSandbox, SANDBOX_TOKEN } from "./helpers.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the README usage example exports all active employees of the sandbox", async () => {
  const readme = await readFile(`${root}README.md`, "utf8");
  const usage = readme.slice(readme.indexOf("## Usage"));
  const code = /```js\n([\s\S]*?)```/.exec(usage)[1];
  // Under target/ so that "task-profiles" resolves through the repository's node_modules.
  await mkdir(`${root}target`, { recursive: true });
  const file = `${root}target/readme-example.mjs`;
  await writeFile(file, code);
  const sandbox = await startSandbox(["--employees", "321", "--inactive-share", "0.2"]);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, TASK_PROFILES_URL: sandbox.url, TASK_PROFILES_TOKEN: SANDBOX_TOKEN },
    });
    const [, employees, tasks] = /(\d+) active employees, (\d+) tasks/.exec(stdout);
    assert.ok(Number(employees) > 200 && Number(employees) < 321, stdout);
    assert.ok(Number(tasks) > Number(employees), stdout);
    assert.match(stderr, /3 pages, \d+ employees/, "progress after each page");
  } finally {
    await sandbox.stop();
  }
});

test("the sandbox's --help lists every flag the README names", async () => {
  const { SANDBOX_BIN } = await import("./helpers.mjs");
  const readme = await readFile(`${root}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## The sandbox server"), readme.indexOf("## How it is built"));
  const named = [...new Set(section.match(/--[a-z0-9-]+/g))].filter((f) => f !== "--help" && f !== "--profile");
  assert.ok(named.length >= 15, `the README names ${named.join(" ")}`);
  const { stdout } = await promisify(execFile)(SANDBOX_BIN, ["--help"]);
  for (const flag of named) assert.match(stdout, new RegExp(`${flag}\\b`), `--help lists ${flag}`);
  for (const listed of stdout.match(/--[a-z0-9-]+/g)) {
    if (!["--help", "--version", "--host", "--port"].includes(listed)) assert.ok(named.includes(listed), `the README names ${listed}`);
  }
});

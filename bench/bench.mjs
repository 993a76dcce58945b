// `make bench`: measures the package against the plain-JS way of doing the same job, in one Node
// process, on the sandbox's synthetic export. Prints medians and ratios; asserts nothing about time.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { TaskProfilesClient } from "task-profiles";
import { startSandbox } from "../examples/sandbox.mjs";

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 20000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const INCLUDE = ["ai_impact", "source_events", "linked_skills", "rejected_tasks", "weekly_hours"];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs each contender RUNS times, interleaved so drift hits all alike; returns median ms and the last result. */
async function race(contenders) {
  const times = contenders.map(() => []);
  const results = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [i, [, fn]] of contenders.entries()) {
      const start = performance.now();
      results[i] = await fn();
      times[i].push(performance.now() - start);
    }
  }
  return contenders.map(([name], i) => ({ name, ms: median(times[i]), result: results[i] }));
}

function report(title, rows, baselineIndex = 0) {
  console.log(`\n${title}`);
  const base = rows[baselineIndex].ms;
  for (const { name, ms } of rows) {
    console.log(`  ${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms   ${(base / ms).toFixed(2)}x`);
  }
}

const sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", "2026"]);
const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: sandbox.token });
console.log(`sandbox ${sandbox.url}: ${EMPLOYEES} employees, every include field; median of ${RUNS} runs`);

// 4. The export iterator against a hand-written fetch + JSON.parse loop, over HTTP.
async function handWritten() {
  let cursor;
  let n = 0;
  for (;;) {
    const res = await fetch(`${sandbox.url}/export/employees/task_profiles?response_format=list`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sandbox.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ limit: 100, include: INCLUDE, ...(cursor ? { starting_after: cursor } : {}) }),
    });
    const page = JSON.parse(await res.text());
    for (const record of page.records) n += record.tasks.length >= 0 ? 1 : 0;
    if (!page.has_next) return n;
    cursor = page.next_starting_after;
  }
}
async function iterator() {
  let n = 0;
  for await (const record of client.exportTaskProfiles({ limit: 100, include: INCLUDE })) n += record.tasks.length >= 0 ? 1 : 0;
  return n;
}
const exportRows = await race([["hand-written fetch + JSON.parse loop", handWritten], ["client.exportTaskProfiles (for await)", iterator]]);
if (exportRows[0].result !== EMPLOYEES || exportRows[1].result !== EMPLOYEES) throw new Error("the export contenders disagree");
report("export over HTTP (4)", exportRows);
console.log(`  iterator overhead: ${(((exportRows[1].ms / exportRows[0].ms) - 1) * 100).toFixed(1)}% (target: under 10%; the iterator fetches one page ahead)`);

// 5. Size of the release module.
const wasm = readFileSync(new URL("../pkg/web/task_profiles_bg.wasm", import.meta.url));
await WebAssembly.compile(wasm);
console.log(`\nwasm size (5): ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} gzipped (budget 133120); the optimised module compiles and loads`);

await sandbox.stop();

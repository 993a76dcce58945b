// `make demo`: start the sandbox with synthetic employees, export them all through the npm
// package with a progress bar, and print a short summary.
import { TaskProfilesClient, TaskProfilesError } from "task-profiles";
import { startSandbox } from "./sandbox.mjs";

const EMPLOYEES = Number(process.env.DEMO_EMPLOYEES ?? 2000);
const sandbox = await startSandbox(["--employees", String(EMPLOYEES), "--seed", "42"]);
console.log(`sandbox: ${sandbox.url} (${EMPLOYEES} synthetic employees)`);

const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: sandbox.token });
const tty = process.stdout.isTTY;
let lastLine = 0;
function progress({ pages, records, hasNext }) {
  const width = 30;
  const filled = Math.round((records / EMPLOYEES) * width);
  const line = `  [${"#".repeat(filled)}${".".repeat(Math.max(0, width - filled))}] ${records}/${EMPLOYEES} employees, ${pages} pages`;
  if (tty) process.stdout.write(`\r${line}${hasNext ? "" : "\n"}`);
  else if (!hasNext || Date.now() - lastLine > 250) { console.log(line); lastLine = Date.now(); }
}

const started = performance.now();
const exp = client.exportTaskProfiles({
  limit: 100,
  include: ["ai_impact", "weekly_hours", "linked_skills", "source_events"],
  onProgress: progress,
});
let employees = 0;
let tasks = 0;
let withoutTasks = 0;
let hours = 0;
const levels = new Map();
try {
  for await (const employee of exp) {
    employees++;
    tasks += employee.tasks.length;
    if (employee.tasks.length === 0) withoutTasks++;
    for (const task of employee.tasks) {
      hours += task.weekly_hours ?? 0;
      const level = task.ai_impact?.level ?? "unknown";
      levels.set(level, (levels.get(level) ?? 0) + 1);
    }
  }
} catch (e) {
  if (e instanceof TaskProfilesError) console.error(`export failed (${e.kind}${e.status ? ` ${e.status}` : ""}): ${e.message}; resume with startingAfter: ${e.cursor}`);
  await sandbox.stop();
  process.exit(1);
}
const seconds = (performance.now() - started) / 1000;

// The same export again, aggregated from the page bytes in wasm.
const statsStarted = performance.now();
const stats = await client.exportTaskProfiles({ limit: 100, include: ["ai_impact", "weekly_hours", "linked_skills", "source_events"] }).stats({ topN: 5 });
const statsSeconds = (performance.now() - statsStarted) / 1000;
await sandbox.stop();

const pct = (n) => `${((100 * n) / tasks).toFixed(1)}%`;
console.log(`
summary
  employees             ${employees} (${withoutTasks} without tasks)
  tasks                 ${tasks} (${(tasks / employees).toFixed(1)} per employee)
  weekly hours          ${hours.toFixed(1)} in all
  AI impact             ${[...levels].sort().map(([l, n]) => `${l} ${pct(n)}`).join(", ")}
  pages                 ${Math.ceil(employees / 100)}
  time                  ${seconds.toFixed(2)} s (${Math.round(employees / seconds)} employees/s)

statistics (Export.stats(): page bytes aggregated in wasm, ${statsSeconds.toFixed(2)} s)
  employees             ${stats.employees} (${stats.employeesWithoutTasks} without tasks)
  tasks per employee    mean ${stats.tasksPerEmployee.mean.toFixed(1)}, p50 ${stats.tasksPerEmployee.p50}, p90 ${stats.tasksPerEmployee.p90}, max ${stats.tasksPerEmployee.max}
  distinct              ${stats.distinctTasks} tasks, ${stats.distinctSkills} skills
  weekly hours          ${stats.weeklyHours.total.toFixed(1)} (${stats.weeklyHours.meanPerEmployee.toFixed(1)} per employee)
  top tasks             ${stats.topTasks.map((t) => `${t.task} (${t.employees})`).join(", ")}
  top skills            ${stats.topSkills.map((s) => `${s.skill} (${s.employees})`).join(", ")}

next: make dashboard serves the dashboard (www/) on a sandbox of 20,000 employees, in a browser.`);

// Top tasks and top skills, by employees (the ten largest at or above the privacy threshold).
import * as Plot from "@observablehq/plot";
import { formatCount, formatHours } from "../util/format";
import type { Snapshot } from "../worker/protocol";
import { ChartCard } from "./card";
import { seriesColor } from "./palette";

const SHOWN = 10;

function bars<T>(card: ChartCard, items: T[], label: (d: T) => string, value: (d: T) => number, color: string): void {
  const data = items.slice(0, SHOWN).map((d) => ({ name: label(d), employees: value(d) }));
  card.show(Plot.plot({
    width: card.width,
    height: 36 + data.length * 26,
    marginLeft: Math.min(220, card.width * 0.45),
    style: { background: "transparent", fontSize: "12px" },
    x: { label: "Employees", grid: true, tickFormat: "~s", ticks: 4 },
    y: { label: null, domain: data.map((d) => d.name), tickFormat: (name: string) => (name.length > 34 ? `${name.slice(0, 33)}…` : name) },
    marks: [Plot.barX(data, { x: "employees", y: "name", fill: color, tip: true }), Plot.ruleX([0])],
  }));
}

export function drawTopTasks(snapshot: Snapshot): void {
  const c = new ChartCard("chart-top-tasks");
  c.suppressed(snapshot.suppressed.topTasks, snapshot.suppressed.topTasks === 1 ? "task" : "tasks", snapshot.view.k);
  if (!snapshot.topTasks.length) return c.empty("No tasks to rank yet.");
  bars(c, snapshot.topTasks, (t) => t.task, (t) => t.employees, seriesColor(0));
  c.table(["Task", "Employees", "Weekly hours", "Task id"],
    snapshot.topTasks.map((t) => [t.task, formatCount(t.employees), formatHours(t.weeklyHours), t.taskId]),
    [false, true, true, false]);
}

export function drawTopSkills(snapshot: Snapshot): void {
  const c = new ChartCard("chart-top-skills");
  c.suppressed(snapshot.suppressed.topSkills, snapshot.suppressed.topSkills === 1 ? "skill" : "skills", snapshot.view.k);
  if (!snapshot.topSkills.length) return c.empty("No linked skills yet (include linked_skills in the export).");
  bars(c, snapshot.topSkills, (s) => s.skill, (s) => s.employees, seriesColor(2));
  c.table(["Skill", "Employees", "Tasks", "Skill id"],
    snapshot.topSkills.map((s) => [s.skill, formatCount(s.employees), formatCount(s.tasks), s.skillId]),
    [false, true, true, false]);
}

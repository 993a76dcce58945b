// AI impact levels: tasks and weekly hours per level, as two bar charts side by side (each on
// its own scale), drawn in two steps so that one frame never draws both.
import * as Plot from "@observablehq/plot";
import { h } from "../util/dom";
import { formatCount, formatHours } from "../util/format";
import { commitInFrame, renderSoon } from "../util/frame";
import type { GroupCount, Snapshot } from "../worker/protocol";
import { ChartCard, asImage } from "./card";
import { levelColor } from "./palette";

function bars(levels: GroupCount[], value: "tasks" | "weeklyHours", width: number, label: string): Element {
  const chart = Plot.plot({
    width,
    height: 40 + levels.length * 34,
    marginLeft: 62,
    marginRight: 16,
    style: { background: "transparent", fontSize: "12px" },
    x: { label: null, grid: true, tickFormat: "~s", ticks: 3 },
    y: { label: null, domain: levels.map((l) => l.name) },
    marks: [
      Plot.barX(levels, { x: value, y: "name", fill: (d: GroupCount) => levelColor(d.name), tip: true }),
      Plot.ruleX([0]),
    ],
  });
  return asImage(chart, `${label} per AI impact level; the data table below has the numbers`);
}

export function drawAiImpact(snapshot: Snapshot): void {
  const c = new ChartCard("chart-ai-impact");
  const levels = snapshot.levels;
  c.suppressed(snapshot.suppressed.levels, snapshot.suppressed.levels === 1 ? "level" : "levels", snapshot.view.k);
  if (!levels.length) return c.empty(snapshot.summary?.tasks === 0 ? "No tasks." : "No AI-impact data yet.");
  const width = Math.max(150, (c.width - 12) / 2);
  const tasks = h("div", {}, h("h4", {}, "Tasks"), bars(levels, "tasks", width, "Tasks"));
  const hours = h("div", {}, h("h4", {}, "Weekly hours"));
  c.show(h("div", { class: "pair" }, tasks, hours));
  renderSoon("chart-ai-impact:hours", () => {
    const chart = bars(levels, "weeklyHours", width, "Weekly hours");
    commitInFrame(() => hours.append(chart));
  });
  c.table(["Level", "Tasks", "Weekly hours", "Employees"],
    levels.map((l) => [l.name, formatCount(l.tasks), formatHours(l.weeklyHours), l.employees === null ? "–" : formatCount(l.employees)]),
    [false, true, true, true]);
}

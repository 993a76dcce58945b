// Validation states: tasks per state (rejected ones appear when the export included them).
import * as Plot from "@observablehq/plot";
import { formatCount, formatHours } from "../util/format";
import type { Snapshot } from "../worker/protocol";
import { ChartCard } from "./card";
import { seriesColor } from "./palette";

export function drawStates(snapshot: Snapshot): void {
  const c = new ChartCard("chart-states");
  const states = snapshot.states;
  c.suppressed(snapshot.suppressed.states, snapshot.suppressed.states === 1 ? "state" : "states", snapshot.view.k);
  if (!states.length) return c.empty("No validation states yet.");
  const chart = Plot.plot({
    width: c.width,
    height: 40 + states.length * 36,
    marginLeft: 80,
    style: { background: "transparent", fontSize: "12px" },
    x: { label: "Tasks", grid: true, tickFormat: "~s", ticks: 5 },
    y: { label: null, domain: states.map((s) => s.name) },
    marks: [
      Plot.barX(states, { x: "tasks", y: "name", fill: (_: unknown, i: number) => seriesColor(i), tip: true }),
      Plot.ruleX([0]),
    ],
  });
  c.show(chart);
  c.table(["State", "Tasks", "Weekly hours", "Employees"],
    states.map((s) => [s.name, formatCount(s.tasks), formatHours(s.weeklyHours), s.employees === null ? "–" : formatCount(s.employees)]),
    [false, true, true, true]);
}

// Weekly hours per employee (of the tasks in view) as a histogram, with p50 and p90 marked.
import * as Plot from "@observablehq/plot";
import { formatCount, formatHours } from "../util/format";
import type { Snapshot } from "../worker/protocol";
import { ChartCard } from "./card";
import { seriesColor, textColor } from "./palette";

export function drawHours(snapshot: Snapshot): void {
  const c = new ChartCard("chart-hours");
  const histogram = snapshot.histogram;
  c.suppressed(snapshot.suppressed.bins, snapshot.suppressed.bins === 1 ? "bin" : "bins", snapshot.view.k);
  if (!histogram) {
    return c.empty(snapshot.source === "shards" ? "Shards keep no hours per employee." : "No weekly hours in this data (include weekly_hours in the export).");
  }
  // The p50 label to the left of its line, the p90 label to the right, so that they never overlap.
  const marks = [
    { at: histogram.p50, label: `p50 ${formatHours(histogram.p50)} h` },
    { at: histogram.p90, label: `p90 ${formatHours(histogram.p90)} h` },
  ];
  const chart = Plot.plot({
    width: c.width,
    height: 220,
    marginTop: 24,
    style: { background: "transparent", fontSize: "12px" },
    x: { label: "Weekly hours", ticks: 6 },
    y: { label: "Employees", grid: true, tickFormat: "~s", ticks: 4 },
    marks: [
      Plot.rectY(histogram.bins, { x1: "x0", x2: "x1", y: "employees", fill: seriesColor(0), inset: 0.5, tip: true }),
      Plot.ruleY([0]),
      Plot.ruleX(marks, { x: "at", stroke: textColor(), strokeDasharray: "4 3" }),
      Plot.text(marks.slice(0, 1), { x: "at", text: "label", frameAnchor: "top", dy: -6, dx: -4, textAnchor: "end", fill: textColor(), lineAnchor: "bottom" }),
      Plot.text(marks.slice(1), { x: "at", text: "label", frameAnchor: "top", dy: -6, dx: 4, textAnchor: "start", fill: textColor(), lineAnchor: "bottom" }),
    ],
  });
  c.show(chart);
  c.table(["Weekly hours", "Employees"],
    [...histogram.bins.map((b) => [`${formatHours(b.x0)}–${formatHours(b.x1)}`, formatCount(b.employees)]),
      ["p50 (median)", `${formatHours(histogram.p50)} h`], ["p90", `${formatHours(histogram.p90)} h`]],
    [false, true]);
}

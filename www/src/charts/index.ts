// The chart cards, each redrawn in its own slot of the frame scheduler when a snapshot arrives
// or the theme changes.
import type { Store } from "../state/store";
import { byId } from "../util/dom";
import type { LazyDraw } from "../util/lazy-draw";
import type { Snapshot } from "../worker/protocol";
import { onThemeChange } from "../panels/theme";
import { drawAiImpact } from "./ai-impact";
import { ChartCard } from "./card";
import { drawHours } from "./hours";
import { drawStates } from "./states";
import { drawTopSkills, drawTopTasks } from "./top-lists";

const CHARTS: [string, (snapshot: Snapshot) => void][] = [
  ["chart-ai-impact", drawAiImpact],
  ["chart-states", drawStates],
  ["chart-hours", drawHours],
  ["chart-top-tasks", drawTopTasks],
  ["chart-top-skills", drawTopSkills],
];

function drawHidden(id: string, snapshot: Snapshot): void {
  const card = new ChartCard(id);
  card.empty(`Hidden: fewer than ${snapshot.view.k} employees match (privacy threshold).`);
  card.suppressed(0, "", snapshot.view.k);
}

export function mountCharts(store: Store, lazy: LazyDraw): void {
  const drawAll = () => {
    for (const [id, draw] of CHARTS) {
      lazy.request(id, byId(id), () => {
        // The latest snapshot when the draw runs (a throttled draw skips intermediate ones).
        const snapshot = store.state.snapshot;
        if (snapshot) (snapshot.suppressedView ? drawHidden(id, snapshot) : draw(snapshot));
      });
    }
  };
  store.on("snapshot", drawAll);
  onThemeChange(drawAll);
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (Math.abs(window.innerWidth - width) < 40) return;
    width = window.innerWidth;
    drawAll();
  });
}

// Plot compiles much of its code on first use: the first chart drawn takes about 100 ms more
// than the next ones on a slow machine. Drawing one small chart, never shown, while the page
// is idle (before any data arrives) moves that cost out of the first frames of an export.
import * as Plot from "@observablehq/plot";

export function warmUpCharts(): void {
  const draw = () => {
    Plot.plot({
      width: 200,
      height: 100,
      marks: [Plot.barX([{ name: "a", value: 1 }], { x: "value", y: "name", tip: true }), Plot.rectY([{ x0: 0, x1: 1, y: 1 }], { x1: "x0", x2: "x1", y: "y" }), Plot.ruleX([0]), Plot.text([{ x: 0 }], { x: "x", text: () => "" })],
    });
  };
  if ("requestIdleCallback" in window) window.requestIdleCallback(draw, { timeout: 2000 });
  else setTimeout(draw, 200);
}

// The treemap of a zoomed group: its children as tiles (focusable, with a name band), each
// showing its own children inside as a second level of rectangles.
import { treemap, type HierarchyRectangularNode } from "d3-hierarchy";
import type { StatsTreeNode } from "task-profiles";
import { s } from "../util/dom";
import { fit } from "./geometry";
import { describe, isGroup, type TreeNode } from "./model";

const BAND = 20;

export function drawTreemap(root: TreeNode, width: number, height: number, colorOf: (node: TreeNode, i: number) => string): SVGSVGElement {
  const laid = treemap<StatsTreeNode>().size([width, height]).paddingOuter(1).paddingInner(3).paddingTop((n) => (n.depth === 1 ? BAND : 1)).round(true)(root);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "group", "aria-label": `Treemap of ${root.data.name}` });
  (laid.children ?? []).forEach((tile, i) => svg.append(drawTile(tile, i, colorOf(tile, i))));
  return svg;
}

function drawTile(tile: HierarchyRectangularNode<StatsTreeNode>, index: number, color: string): SVGGElement {
  const w = tile.x1 - tile.x0, h = tile.y1 - tile.y0;
  const group = isGroup(tile.data);
  const g = s("g", {
    class: "tile", tabindex: 0, role: "button", "data-index": index,
    "aria-label": `${describe(tile)}.${group ? " Press Enter to zoom in." : ""}`,
  });
  g.append(s("rect", { class: "frame", x: tile.x0, y: tile.y0, width: w, height: h, rx: 3, fill: "var(--surface-2)", stroke: "var(--border)" }));
  const inner = s("g", { "aria-hidden": "true" });
  if (group) {
    for (const child of tile.children ?? []) {
      inner.append(s("rect", {
        x: child.x0, y: child.y0, width: Math.max(0, child.x1 - child.x0), height: Math.max(0, child.y1 - child.y0),
        fill: color, "fill-opacity": 0.8, stroke: "var(--surface)", "stroke-width": 0.5,
      }));
    }
  } else if (h > BAND + 2) {
    inner.append(s("rect", { x: tile.x0 + 2, y: tile.y0 + BAND, width: Math.max(0, w - 4), height: h - BAND - 2, fill: color, "fill-opacity": 0.8 }));
  }
  const label = fit(tile.data.name, w - 8);
  if (label && h >= 16) inner.append(s("text", { x: tile.x0 + 4, y: tile.y0 + 14 }, label));
  g.append(inner);
  return g;
}

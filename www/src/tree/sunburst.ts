// The sunburst of a zoomed group: its children as the inner ring (focusable), their children as
// the outer ring, and the group's name in the middle.
import { partition, type HierarchyRectangularNode } from "d3-hierarchy";
import type { StatsTreeNode } from "task-profiles";
import { s } from "../util/dom";
import { fit, sector } from "./geometry";
import { describe, isGroup, type TreeNode } from "./model";

export function drawSunburst(root: TreeNode, size: number, colorOf: (node: TreeNode, i: number) => string): SVGSVGElement {
  const radius = size / 2;
  // Depth 0 is the middle; rings of depth 1 and 2 share the rest.
  const laid = partition<StatsTreeNode>().size([2 * Math.PI, 3])(root);
  const ring = (depth: number) => [radius * (depth / 3), radius * ((depth + 1) / 3) - 1] as const;
  const svg = s("svg", { viewBox: `${-radius} ${-radius} ${size} ${size}`, width: size, height: size, role: "group", "aria-label": `Sunburst of ${root.data.name}` });
  svg.append(s("text", { x: 0, y: 4, "text-anchor": "middle", "aria-hidden": "true" }, fit(root.data.name, radius * 0.6)));
  (laid.children ?? []).forEach((node, i) => svg.append(drawArc(node, i, colorOf(node, i), ring)));
  return svg;
}

function drawArc(node: HierarchyRectangularNode<StatsTreeNode>, index: number, color: string, ring: (depth: number) => readonly [number, number]): SVGGElement {
  const group = isGroup(node.data);
  const g = s("g", {
    class: "tile", tabindex: 0, role: "button", "data-index": index,
    "aria-label": `${describe(node)}.${group ? " Press Enter to zoom in." : ""}`,
  });
  const [r0, r1] = ring(1);
  g.append(s("path", { class: "frame", d: sector(node.x0, node.x1, r0, r1), fill: color, "fill-opacity": 0.85, stroke: "var(--surface)" }));
  const outer = s("g", { "aria-hidden": "true" });
  const [o0, o1] = ring(2);
  for (const child of node.children ?? []) {
    outer.append(s("path", { d: sector(child.x0, child.x1, o0, o1), fill: color, "fill-opacity": 0.5, stroke: "var(--surface)", "stroke-width": 0.5 }));
  }
  const angle = (node.x0 + node.x1) / 2, mid = (r0 + r1) / 2;
  const arcLength = (node.x1 - node.x0) * mid;
  const label = arcLength > 40 ? fit(node.data.name, Math.min(r1 - r0, arcLength) - 6) : "";
  if (label) {
    outer.append(s("text", {
      x: (mid * Math.sin(angle)).toFixed(1), y: (-mid * Math.cos(angle) + 4).toFixed(1), "text-anchor": "middle", class: "halo",
    }, label));
  }
  g.append(outer);
  return g;
}

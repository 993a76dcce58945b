// The statistics tree as d3-hierarchy nodes: zoom paths resolved by name, sizes summed, and the
// words a tile says about itself (its aria-label and the detail line).
import { hierarchy, type HierarchyNode } from "d3-hierarchy";
import type { StatsTreeGroup, StatsTreeNode } from "task-profiles";
import { formatCount, formatHours, plural } from "../util/format";

export type TreeNode = HierarchyNode<StatsTreeNode>;

export function isGroup(node: StatsTreeNode): node is StatsTreeGroup {
  return "children" in node;
}

/** The deepest group along `path` (names from the root), and the names that were found. */
export function resolveZoom(root: StatsTreeGroup, path: readonly string[]): { node: StatsTreeGroup; found: string[] } {
  let node = root;
  const found: string[] = [];
  for (const name of path) {
    const child = node.children.find((c): c is StatsTreeGroup => isGroup(c) && c.name === name);
    if (!child) break;
    node = child;
    found.push(name);
  }
  return { node, found };
}

/** A hierarchy rooted at `group`, sized by employees per task, largest first. */
export function toHierarchy(group: StatsTreeGroup): TreeNode {
  return hierarchy<StatsTreeNode>(group, (d) => (isGroup(d) ? d.children : undefined))
    .sum((d) => (isGroup(d) ? 0 : d.value))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
}

function hoursOf(node: TreeNode): number {
  return node.leaves().reduce((sum, leaf) => sum + (isGroup(leaf.data) ? 0 : leaf.data.weeklyHours), 0);
}

/** What a tile says: "Backend services: group of 48 tasks, 1,234 task assignments, 3,456 weekly hours". */
export function describe(node: TreeNode): string {
  const data = node.data;
  if (!isGroup(data)) {
    return `${data.name}: task done by ${plural(data.value, "employee")}, ${formatHours(data.weeklyHours)} weekly hours`;
  }
  return `${data.name}: group of ${plural(node.leaves().length, "task")}, ${formatCount(node.value ?? 0)} task assignments, ${formatHours(hoursOf(node))} weekly hours`;
}

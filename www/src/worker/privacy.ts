// The privacy threshold: a group of fewer than k employees is not shown, only counted as
// suppressed, as people-analytics tools do. A tree group holds at least as many employees as its
// largest task, so removing the task leaves under k also removes every group under k.
import type { StatsTreeGroup, StatsTreeNode } from "task-profiles";

/** The tree without task leaves under k employees, nor groups left empty; and how many leaves went. */
export function pruneTree(root: StatsTreeGroup, k: number): { tree: StatsTreeGroup; suppressed: number } {
  let suppressed = 0;
  const prune = (node: StatsTreeNode): StatsTreeNode | null => {
    if (!("children" in node)) {
      if (node.value >= k) return node;
      suppressed += 1;
      return null;
    }
    const children = node.children.map(prune).filter((c): c is StatsTreeNode => c !== null);
    return children.length ? { name: node.name, children } : null;
  };
  const children = root.children.map(prune).filter((c): c is StatsTreeNode => c !== null);
  return { tree: { name: root.name, children }, suppressed };
}

/** The items holding at least k employees, and how many were held back. */
export function keepAtLeast<T>(items: readonly T[], k: number, employees: (item: T) => number): { kept: T[]; suppressed: number } {
  const kept = items.filter((item) => employees(item) >= k);
  return { kept, suppressed: items.length - kept.length };
}

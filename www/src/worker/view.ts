// The snapshot the page draws: one pass over the employee index for the filters (rows of the
// table, employees per level and state, hours per employee), the statistics of the view (the
// export's own TaskStats, or a filtered one), the tree, and the privacy threshold applied to all.
import type { GroupDimension, StatsSummary, StatsTreeGroup, TaskStats } from "task-profiles";
import { Dataset } from "./dataset";
import { NO_LEVEL } from "./employee-index";
import { FilteredStats } from "./filtered-stats";
import { histogram } from "./histogram";
import { keepAtLeast, pruneTree } from "./privacy";
import type { GroupCount, Histogram, Snapshot, TableRows, TreeBy, ViewFilter } from "./protocol";
import { TaskFilter } from "./task-filter";

/** What is carried from one snapshot to the next. */
export interface ViewCache {
  filtered: FilteredStats | null;
  /** Employee ids already sent to the page. */
  sentIds: number;
}

interface Pass {
  rows: TableRows;
  matching: number;
  /** Employees with at least one non-rejected task in view, by level name. */
  levelEmployees: Map<string, number>;
  states: Map<string, { tasks: number; weeklyHours: number; employees: number }>;
}

/** Walks every employee once: which are in view, and what the level/state bars and the table need. */
function walk(dataset: Dataset, filter: TaskFilter): Pass {
  const index = dataset.index;
  filter.refresh();
  const v = index.views();
  const n = index.employees;
  const employee = new Uint32Array(n), tasks = new Uint32Array(n), hours = new Float64Array(n);
  const levelCount = new Uint32Array(index.levels.values.length), levelStamp = new Int32Array(levelCount.length).fill(-1);
  const stateCount = new Uint32Array(index.states.values.length), stateStamp = new Int32Array(stateCount.length).fill(-1);
  const stateTasks = new Uint32Array(stateCount.length), stateHours = new Float64Array(stateCount.length);
  const rejected = index.states.values.indexOf("rejected");
  let m = 0;
  for (let e = 0; e < n; e++) {
    let inView = 0, kept = 0, sum = 0;
    for (let t = v.taskStart[e]!; t < v.taskStart[e + 1]!; t++) {
      if (filter.active && !filter.matches(t, v)) continue;
      inView++;
      const st = v.state[t]!, h = v.hours[t]!;
      if (stateStamp[st] !== e) { stateStamp[st] = e; stateCount[st]! += 1; }
      stateTasks[st]! += 1;
      if (!Number.isNaN(h)) stateHours[st]! += h;
      if (st === rejected) continue;
      kept++;
      if (!Number.isNaN(h)) sum += h;
      const lv = v.level[t]!;
      if (levelStamp[lv] !== e) { levelStamp[lv] = e; levelCount[lv]! += 1; }
    }
    if (filter.active && inView === 0) continue;
    employee[m] = e;
    tasks[m] = kept;
    hours[m] = sum;
    m++;
  }
  const levelEmployees = new Map<string, number>();
  index.levels.values.forEach((name, code) => levelEmployees.set(code === NO_LEVEL ? "unknown" : name, levelCount[code]!));
  const states = new Map<string, { tasks: number; weeklyHours: number; employees: number }>();
  index.states.values.forEach((name, code) => states.set(name, { tasks: stateTasks[code]!, weeklyHours: stateHours[code]!, employees: stateCount[code]! }));
  return { rows: { employee: employee.slice(0, m), tasks: tasks.slice(0, m), hours: hours.slice(0, m) }, matching: m, levelEmployees, states };
}

/** Levels in order H1…H5, other names after, "unknown" last. */
function levelOrder(a: string, b: string): number {
  return Number(a === "unknown") - Number(b === "unknown") || a.localeCompare(b, "en", { numeric: true });
}

function treeOf(stats: TaskStats, dataset: Dataset, wanted: TreeBy): { tree: StatsTreeGroup; treeBy: TreeBy } {
  if (wanted === "taxonomy") {
    if (dataset.taxonomy.size > 0) return { tree: stats.tree({ taxonomy: dataset.taxonomy }), treeBy: "taxonomy" };
    wanted = "ai_impact_level";
  }
  return { tree: stats.tree({ by: wanted.split(",") as GroupDimension[] }), treeBy: wanted };
}

function emptySnapshot(dataset: Dataset, view: ViewFilter, filtered: boolean): Snapshot {
  return {
    source: dataset.source, view, filtered, loadedEmployees: dataset.index.employees, matchingEmployees: 0,
    duplicateEmployees: dataset.index.duplicates, shapes: [...dataset.shapes],
    taxonomy: { tasks: dataset.taxonomy.size, conflicts: dataset.taxonomy.conflicts },
    suppressedView: false, summary: null, levels: [], states: [], histogram: null, topTasks: [], topSkills: [], tree: null,
    treeBy: view.treeBy, suppressed: { levels: 0, states: 0, bins: 0, topTasks: 0, topSkills: 0, treeLeaves: 0 },
    newIds: [], idOffset: 0, rows: null,
  };
}

/** The snapshot of `dataset` under `view`. */
export function computeSnapshot(dataset: Dataset, view: ViewFilter, cache: ViewCache): Snapshot {
  const k = view.k;
  const filter = new TaskFilter(dataset.index, view);
  const snapshot = emptySnapshot(dataset, view, dataset.hasRecords && filter.active);
  snapshot.idOffset = cache.sentIds;
  snapshot.newIds = dataset.index.ids.slice(cache.sentIds);
  cache.sentIds = dataset.index.employees;

  let pass: Pass | null = null;
  let stats = dataset.stats;
  if (dataset.hasRecords) {
    pass = walk(dataset, filter);
    snapshot.matchingEmployees = pass.matching;
    if (filter.active) {
      cache.filtered = FilteredStats.for(cache.filtered, JSON.stringify([view.levels, view.states, view.query.trim().toLowerCase()]));
      stats = cache.filtered.sync(dataset.index, filter);
    }
  }
  const summary: StatsSummary = stats.summary();
  if (!dataset.hasRecords) snapshot.matchingEmployees = summary.employees;
  if (snapshot.matchingEmployees > 0 && snapshot.matchingEmployees < k) {
    snapshot.suppressedView = true;
    return snapshot;
  }
  snapshot.summary = summary;
  snapshot.rows = pass?.rows ?? null;

  const levels: GroupCount[] = Object.entries(summary.aiImpact)
    .sort(([a], [b]) => levelOrder(a, b))
    .map(([name, { tasks, weeklyHours }]) => ({ name, tasks, weeklyHours, employees: pass?.levelEmployees.get(name) ?? null }));
  const states: GroupCount[] = Object.entries(summary.validationStates)
    .sort(([, a], [, b]) => b - a)
    .map(([name, tasks]) => {
      const seen = pass?.states.get(name);
      return { name, tasks, weeklyHours: seen?.weeklyHours ?? 0, employees: seen?.employees ?? null };
    });
  // Shards keep no employees per group: there, a bar of fewer than k tasks (so fewer than k employees) is hidden.
  const groupSize = (g: GroupCount) => g.employees ?? g.tasks;
  const keptLevels = keepAtLeast(levels, k, groupSize);
  const keptStates = keepAtLeast(states, k, groupSize);
  snapshot.levels = keptLevels.kept;
  snapshot.states = keptStates.kept;

  if (pass && summary.weeklyHours.tasksWithHours > 0) {
    const full: Histogram = histogram(pass.rows.hours);
    const kept = keepAtLeast(full.bins, k, (bin) => (bin.employees === 0 ? k : bin.employees));
    snapshot.histogram = { ...full, bins: kept.kept };
    snapshot.suppressed.bins = kept.suppressed;
  }
  const topTasks = keepAtLeast(summary.topTasks, k, (t) => t.employees);
  const topSkills = keepAtLeast(summary.topSkills, k, (s) => s.employees);
  snapshot.topTasks = topTasks.kept;
  snapshot.topSkills = topSkills.kept;

  const { tree, treeBy } = treeOf(stats, dataset, view.treeBy);
  const pruned = pruneTree(tree, k);
  snapshot.tree = pruned.tree;
  snapshot.treeBy = treeBy;
  Object.assign(snapshot.suppressed, {
    levels: keptLevels.suppressed, states: keptStates.suppressed, topTasks: topTasks.suppressed,
    topSkills: topSkills.suppressed, treeLeaves: pruned.suppressed,
  });
  return snapshot;
}

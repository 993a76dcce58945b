// The plain-JS ways of doing what the package does, written with care, for `make bench`.
import * as d3 from "d3-array";

const decoder = new TextDecoder();

/** Tasks of a record in either shape, hierarchy task nodes in pre-order. */
function tasksOf(record, out = []) {
  if (record.tasks) return record.tasks;
  const walk = (nodes) => {
    for (const n of nodes) {
      if (n.task_id !== undefined) out.push(n);
      if (n.children) walk(n.children);
    }
  };
  walk(record.hierarchy);
  return out;
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/**
 * TextDecoder + JSON.parse + one hand-written loop computing the same summary as TaskStats, tuned
 * as a careful JS developer would: one Map per aggregate, an employee (or task) stamp on each
 * entry instead of a Set per record or task, no array allocated per task.
 */
export function summarizeLoop(pages, topN) {
  let employees = 0;
  let withoutTasks = 0;
  let tasks = 0;
  let rejected = 0;
  let hoursTotal = 0;
  let withHours = 0;
  let taskStamp = 0;
  const perEmployee = [];
  const states = {};
  const impact = {};
  const events = {};
  const taskAgg = new Map();
  const skillAgg = new Map();
  const nodes = [];
  for (const page of pages) {
    const body = JSON.parse(decoder.decode(page));
    for (const record of body.records) {
      employees++;
      let kept = 0;
      let list = record.tasks;
      if (list === undefined) {
        nodes.length = 0;
        list = tasksOf(record, nodes);
      }
      for (let i = 0; i < list.length; i++) {
        const t = list[i];
        states[t.validation_state] = (states[t.validation_state] ?? 0) + 1;
        if (t.validation_state === "rejected") { rejected++; continue; }
        kept++;
        taskStamp++;
        const h = typeof t.weekly_hours === "number" ? t.weekly_hours : undefined;
        if (h !== undefined) { hoursTotal += h; withHours++; }
        const level = t.ai_impact?.level ?? "unknown";
        const li = (impact[level] ??= { tasks: 0, weeklyHours: 0 });
        li.tasks++;
        li.weeklyHours += h ?? 0;
        let ta = taskAgg.get(t.task_id);
        if (!ta) taskAgg.set(t.task_id, (ta = { task: t.task, employees: 0, weeklyHours: 0, employee: 0 }));
        ta.weeklyHours += h ?? 0;
        if (ta.employee !== employees) { ta.employee = employees; ta.employees++; }
        const skills = t.linked_skills;
        if (skills) {
          for (let j = 0; j < skills.length; j++) {
            const s = skills[j];
            let sa = skillAgg.get(s.skill_id);
            if (!sa) skillAgg.set(s.skill_id, (sa = { skill: s.skill, tasks: 0, employees: 0, employee: 0, task: 0 }));
            if (sa.task === taskStamp) continue; // the same skill twice on one task
            sa.task = taskStamp;
            sa.tasks++;
            if (sa.employee !== employees) { sa.employee = employees; sa.employees++; }
          }
        }
        const sources = t.source_events;
        if (sources) for (let j = 0; j < sources.length; j++) events[sources[j].event_type] = (events[sources[j].event_type] ?? 0) + 1;
      }
      tasks += kept;
      if (kept === 0) withoutTasks++;
      perEmployee.push(kept);
    }
  }
  perEmployee.sort((a, b) => a - b);
  return {
    employees, employeesWithoutTasks: withoutTasks, tasks, rejectedTasks: rejected,
    distinctTasks: taskAgg.size, distinctSkills: skillAgg.size,
    tasksPerEmployee: { mean: employees ? tasks / employees : 0, p50: percentile(perEmployee, 0.5), p90: percentile(perEmployee, 0.9), max: perEmployee.at(-1) ?? 0 },
    validationStates: states, aiImpact: impact,
    weeklyHours: { total: hoursTotal, tasksWithHours: withHours, meanPerEmployee: employees ? hoursTotal / employees : 0 },
    topTasks: [...taskAgg].map(([taskId, a]) => ({ taskId, task: a.task, employees: a.employees, weeklyHours: a.weeklyHours }))
      .sort((a, b) => b.employees - a.employees || (a.taskId < b.taskId ? -1 : 1)).slice(0, topN),
    topSkills: [...skillAgg].map(([skillId, a]) => ({ skillId, skill: a.skill, tasks: a.tasks, employees: a.employees }))
      .sort((a, b) => b.employees - a.employees || b.tasks - a.tasks || (a.skillId < b.skillId ? -1 : 1)).slice(0, topN),
    sourceEventTypes: events,
  };
}

/** JSON.parse, flat rows, and d3-array rollups: how a dashboard would often write it. */
export function summarizeD3(pages, topN) {
  const rows = [];
  const perEmployee = [];
  let employees = 0;
  for (const page of pages) {
    for (const record of JSON.parse(decoder.decode(page)).records) {
      employees++;
      const ts = tasksOf(record);
      for (const t of ts) rows.push({ e: record.external_id, t });
      perEmployee.push(ts.filter((t) => t.validation_state !== "rejected").length);
    }
  }
  const kept = rows.filter((r) => r.t.validation_state !== "rejected");
  const hoursOf = (r) => (typeof r.t.weekly_hours === "number" ? r.t.weekly_hours : 0);
  const skillRows = kept.flatMap((r) => [...new Map((r.t.linked_skills ?? []).map((s) => [s.skill_id, s])).values()].map((s) => ({ e: r.e, s })));
  const total = d3.sum(kept, hoursOf);
  const sorted = perEmployee.sort(d3.ascending);
  return {
    employees, employeesWithoutTasks: perEmployee.filter((n) => n === 0).length, tasks: kept.length, rejectedTasks: rows.length - kept.length,
    distinctTasks: d3.group(kept, (r) => r.t.task_id).size, distinctSkills: d3.group(skillRows, (r) => r.s.skill_id).size,
    tasksPerEmployee: { mean: employees ? kept.length / employees : 0, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: d3.max(sorted) ?? 0 },
    validationStates: Object.fromEntries(d3.rollup(rows, (v) => v.length, (r) => r.t.validation_state)),
    aiImpact: Object.fromEntries(d3.rollup(kept, (v) => ({ tasks: v.length, weeklyHours: d3.sum(v, hoursOf) }), (r) => r.t.ai_impact?.level ?? "unknown")),
    weeklyHours: { total, tasksWithHours: kept.filter((r) => typeof r.t.weekly_hours === "number").length, meanPerEmployee: employees ? total / employees : 0 },
    topTasks: d3.rollups(kept, (v) => ({ task: v[0].t.task, employees: new Set(v.map((r) => r.e)).size, weeklyHours: d3.sum(v, hoursOf) }), (r) => r.t.task_id)
      .map(([taskId, a]) => ({ taskId, ...a })).sort((a, b) => b.employees - a.employees || d3.ascending(a.taskId, b.taskId)).slice(0, topN),
    topSkills: d3.rollups(skillRows, (v) => ({ skill: v[0].s.skill, tasks: v.length, employees: new Set(v.map((r) => r.e)).size }), (r) => r.s.skill_id)
      .map(([skillId, a]) => ({ skillId, ...a })).sort((a, b) => b.employees - a.employees || b.tasks - a.tasks || d3.ascending(a.skillId, b.skillId)).slice(0, topN),
    sourceEventTypes: Object.fromEntries(d3.rollup(kept.flatMap((r) => r.t.source_events ?? []), (v) => v.length, (e) => e.event_type)),
  };
}

/** Hierarchy records to list records, by hand: new task objects, as the package's toList makes. */
export function toListJs(records) {
  return records.map((record) => {
    const { hierarchy, ...rest } = record;
    if (!hierarchy) return record;
    const tasks = [];
    const walk = (nodes) => {
      for (const n of nodes) {
        if (n.task_id !== undefined) {
          // New task objects, as toList returns (an empty `children` is data and stays).
          if (n.children === undefined || n.children.length === 0) tasks.push({ ...n });
          else {
            const { children, ...task } = n;
            tasks.push(task);
          }
        }
        if (n.children) walk(n.children);
      }
    };
    walk(hierarchy);
    return { ...rest, tasks };
  });
}

/** task_id → ancestor groups (without children), learned from hierarchy records. */
export function learnTaxonomyJs(records, taxonomy = new Map()) {
  const walk = (nodes, path) => {
    for (const n of nodes) {
      if (n.task_id !== undefined) {
        if (!taxonomy.has(n.task_id)) taxonomy.set(n.task_id, path);
      } else {
        const { children, ...group } = n;
        walk(children, [...path, group]);
      }
    }
  };
  for (const r of records) if (r.hierarchy) walk(r.hierarchy, []);
  return taxonomy;
}

/** List records to hierarchy records placed by a taxonomy, groups in order of first appearance. */
export function toHierarchyJs(records, taxonomy) {
  return records.map((record) => {
    const { tasks, ...rest } = record;
    if (!tasks) return record;
    const root = { children: [], index: new Map() };
    for (const task of tasks) {
      let at = root;
      for (const group of taxonomy.get(task.task_id) ?? []) {
        let next = at.index.get(group.node_id);
        if (!next) {
          next = { node: { ...group, children: [] }, index: new Map() };
          next.children = next.node.children;
          at.index.set(group.node_id, next);
          at.children.push(next.node);
        }
        at = next;
      }
      at.children.push(task);
    }
    return { ...rest, hierarchy: root.children };
  });
}

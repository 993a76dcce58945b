// TaskStats of the filtered view: the tasks in view of the employees that have any, rebuilt as
// list records from the employee index and added to a TaskStats of their own. Kept across
// snapshots while the filters stay the same, so that streaming adds only the new employees.
import { TaskStats, type ListRecord, type Task } from "task-profiles";
import { EmployeeIndex, NO_LEVEL, type IndexViews } from "./employee-index";
import { TaskFilter } from "./task-filter";
import { TOP_N } from "./dataset";

const BATCH = 500;

export class FilteredStats {
  readonly stats = new TaskStats({ topN: TOP_N });
  readonly #key: string;
  #upTo = 0;

  constructor(key: string) {
    this.#key = key;
  }

  /** The cached stats for the filters `key`, or a fresh one when they changed. */
  static for(previous: FilteredStats | null, key: string): FilteredStats {
    return previous && previous.#key === key ? previous : new FilteredStats(key);
  }

  /** Adds the employees loaded since the last call. */
  sync(index: EmployeeIndex, filter: TaskFilter): TaskStats {
    filter.refresh();
    const v = index.views();
    let batch: ListRecord[] = [];
    for (let e = this.#upTo; e < index.employees; e++) {
      const record = rebuild(index, v, filter, e);
      if (record) batch.push(record);
      if (batch.length === BATCH) {
        this.stats.add(batch);
        batch = [];
      }
    }
    if (batch.length) this.stats.add(batch);
    this.#upTo = index.employees;
    return this.stats;
  }
}

/** Employee `e` with only the tasks in view (and what the statistics read of them), or null. */
function rebuild(index: EmployeeIndex, v: IndexViews, filter: TaskFilter, e: number): ListRecord | null {
  const { taskStart: start, taskKey, level, state, hours, skillStart, skillKey } = v;
  const tasks: Task[] = [];
  for (let t = start[e]!; t < start[e + 1]!; t++) {
    if (!filter.matches(t, v)) continue;
    const key = index.tasks.values[taskKey[t]!]!;
    const task: Task = { task_id: key.taskId, task: key.task, validation_state: index.states.values[state[t]!]! };
    if (level[t] !== NO_LEVEL) task.ai_impact = { level: index.levels.values[level[t]!]!, rationale: "" };
    if (!Number.isNaN(hours[t]!)) task.weekly_hours = hours[t]!;
    const skills = [];
    for (let s = skillStart[t]!; s < skillStart[t + 1]!; s++) {
      const skill = index.skills.values[skillKey[s]!]!;
      skills.push({ skill_id: skill.skillId, skill: skill.skill });
    }
    task.linked_skills = skills;
    tasks.push(task);
  }
  return tasks.length ? { external_id: index.ids[e]!, tasks } : null;
}

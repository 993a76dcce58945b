// A compact copy of what the filters, the histogram and the employee table need from every
// record: per task occurrence its task, AI-impact level, validation state, hours and linked skills,
// as numbers in typed arrays. The records themselves are not kept; the page bytes are (dataset.ts).
import type { ListRecord, Task } from "task-profiles";
import { Growable, Interner } from "./growable";

export interface TaskKey {
  taskId: string;
  task: string;
}

export interface SkillKey {
  skillId: string;
  skill: string;
}

/** The level code of tasks without `ai_impact` (shown as "unknown", as TaskStats does). */
export const NO_LEVEL = 0;

/** The index's arrays as plain typed-array views, taken once per pass (valid until the next add). */
export interface IndexViews {
  taskStart: Uint32Array;
  taskKey: Uint32Array;
  level: Uint32Array;
  state: Uint32Array;
  hours: Float64Array;
  skillStart: Uint32Array;
  skillKey: Uint32Array;
}

export class EmployeeIndex {
  readonly ids: string[] = [];
  /** Page number and position in it of each employee (to find the record again for a profile). */
  readonly page = new Growable(Uint32Array);
  readonly slot = new Growable(Uint32Array);
  /** Task occurrences of employee e: [taskStart[e], taskStart[e + 1]). */
  readonly taskStart = new Growable(Uint32Array);
  readonly taskKey = new Growable(Uint32Array);
  readonly level = new Growable(Uint32Array);
  readonly state = new Growable(Uint32Array);
  /** NaN where a task has no weekly_hours. */
  readonly hours = new Growable(Float64Array);
  /** Linked skills of occurrence t: [skillStart[t], skillStart[t + 1]). */
  readonly skillStart = new Growable(Uint32Array);
  readonly skillKey = new Growable(Uint32Array);

  readonly tasks = new Interner<TaskKey>();
  readonly skills = new Interner<SkillKey>();
  readonly levels = new Interner<string>();
  readonly states = new Interner<string>();
  readonly #seen = new Set<string>();
  duplicates = 0;

  constructor() {
    this.taskStart.push(0);
    this.skillStart.push(0);
    this.levels.code("\u0000none", () => "unknown");
  }

  get employees(): number {
    return this.ids.length;
  }

  views(): IndexViews {
    return {
      taskStart: this.taskStart.view(), taskKey: this.taskKey.view(), level: this.level.view(), state: this.state.view(),
      hours: this.hours.view(), skillStart: this.skillStart.view(), skillKey: this.skillKey.view(),
    };
  }

  /** Adds the list-shaped records of page `page`. */
  add(records: readonly ListRecord[], page: number): void {
    records.forEach((record, slot) => {
      if (this.#seen.has(record.external_id)) this.duplicates += 1;
      else this.#seen.add(record.external_id);
      this.ids.push(record.external_id);
      this.page.push(page);
      this.slot.push(slot);
      for (const task of record.tasks) this.#addTask(task);
      this.taskStart.push(this.taskKey.length);
    });
  }

  #addTask(task: Task): void {
    this.taskKey.push(this.tasks.code(`${task.task_id}\u0000${task.task}`, () => ({ taskId: task.task_id, task: task.task })));
    const level = task.ai_impact?.level;
    this.level.push(typeof level === "string" ? this.levels.code(level, () => level) : NO_LEVEL);
    this.state.push(this.states.code(task.validation_state, () => task.validation_state));
    this.hours.push(typeof task.weekly_hours === "number" ? task.weekly_hours : Number.NaN);
    for (const skill of task.linked_skills ?? []) {
      this.skillKey.push(this.skills.code(`${skill.skill_id}\u0000${skill.skill}`, () => ({ skillId: skill.skill_id, skill: skill.skill })));
    }
    this.skillStart.push(this.skillKey.length);
  }
}

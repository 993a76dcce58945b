// The view's filters as a test on one task occurrence of the employee index. A task is in view
// when its AI-impact level and validation state are among those picked (none picked: all) and
// the search text is found in its name or id, or in a linked skill's name or id.
import { EmployeeIndex, NO_LEVEL, type IndexViews } from "./employee-index";
import type { ViewFilter } from "./protocol";

export class TaskFilter {
  readonly active: boolean;
  readonly #index: EmployeeIndex;
  readonly #levels: Set<string> | null;
  readonly #states: Set<string> | null;
  readonly #query: string;
  // Verdicts per code of the index's tables, extended as the tables grow while data arrives.
  readonly #levelOk: boolean[] = [];
  readonly #stateOk: boolean[] = [];
  readonly #taskHit: boolean[] = [];
  readonly #skillHit: boolean[] = [];

  constructor(index: EmployeeIndex, view: ViewFilter) {
    this.#index = index;
    this.#levels = view.levels.length ? new Set(view.levels) : null;
    this.#states = view.states.length ? new Set(view.states) : null;
    this.#query = view.query.trim().toLowerCase();
    this.active = this.#levels !== null || this.#states !== null || this.#query !== "";
  }

  /** Brings the verdicts up to date with the index's tables; call before a pass. */
  refresh(): void {
    const { levels, states, tasks, skills } = this.#index;
    for (let c = this.#levelOk.length; c < levels.values.length; c++) {
      this.#levelOk.push(!this.#levels || this.#levels.has(c === NO_LEVEL ? "unknown" : levels.values[c]!));
    }
    for (let c = this.#stateOk.length; c < states.values.length; c++) {
      this.#stateOk.push(!this.#states || this.#states.has(states.values[c]!));
    }
    const q = this.#query;
    for (let c = this.#taskHit.length; c < tasks.values.length; c++) {
      const t = tasks.values[c]!;
      this.#taskHit.push(q === "" || t.task.toLowerCase().includes(q) || t.taskId.toLowerCase().includes(q));
    }
    for (let c = this.#skillHit.length; c < skills.values.length; c++) {
      const s = skills.values[c]!;
      this.#skillHit.push(q !== "" && (s.skill.toLowerCase().includes(q) || s.skillId.toLowerCase().includes(q)));
    }
  }

  /** Whether task occurrence `t` is in view (after `refresh()`). */
  matches(t: number, v: IndexViews): boolean {
    if (!this.#levelOk[v.level[t]!] || !this.#stateOk[v.state[t]!]) return false;
    if (this.#taskHit[v.taskKey[t]!]) return true;
    for (let s = v.skillStart[t]!; s < v.skillStart[t + 1]!; s++) if (this.#skillHit[v.skillKey[s]!]) return true;
    return false;
  }
}

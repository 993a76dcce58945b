// One employee's profile in both shapes side by side: the list of tasks, and the hierarchy (as
// received, or made by toHierarchy in the worker). Each task shows its validation state, AI
// impact with its rationale, weekly hours, linked skills and source events.
import type { HierarchyNode, Task, TaskNode } from "task-profiles";
import type { Store } from "../state/store";
import type { WorkerClient } from "../state/worker-client";
import { byId, h } from "../util/dom";
import { formatHours, plural } from "../util/format";
import type { Profile } from "../worker/protocol";

const FROM: Record<Profile["hierarchyFrom"], string> = {
  received: "as received from the endpoint",
  taxonomy: "made by toHierarchy with the taxonomy learned from the export",
  ai_impact_level: "made by toHierarchy, grouped by AI impact level (no taxonomy was learned)",
};

function taskCard(task: Task, children?: HTMLElement): HTMLElement {
  const skills = task.linked_skills ?? [];
  const events = task.source_events ?? [];
  return h("li", { class: "task" },
    h("div", { class: "title" }, task.task),
    h("div", { class: "meta" },
      h("span", { class: "badge" }, task.validation_state),
      task.ai_impact ? h("span", { class: "badge" }, `AI impact ${task.ai_impact.level}`) : null,
      typeof task.weekly_hours === "number" ? h("span", { class: "badge" }, `${formatHours(task.weekly_hours)} h/week`) : null,
      h("code", {}, task.task_id)),
    task.ai_impact?.rationale ? h("p", { class: "rationale" }, task.ai_impact.rationale) : null,
    skills.length ? h("p", { class: "skills" }, `Skills: ${skills.map((s) => s.skill).join(", ")}`) : null,
    events.length ? h("p", { class: "events" }, `Source events: ${events.map((e) => `${e.event_type} ${e.external_id}`).join("; ")}`) : null,
    children ?? null);
}

function hierarchyList(nodes: readonly HierarchyNode[]): HTMLElement {
  return h("ul", {}, ...nodes.map((node) => {
    if ("task_id" in node && typeof node.task_id === "string") {
      const task = node as TaskNode;
      return taskCard(task, task.children?.length ? hierarchyList(task.children) : undefined);
    }
    const group = node as { name: string; children: HierarchyNode[] };
    return h("li", {}, h("span", { class: "group-name" }, group.name), hierarchyList(group.children ?? []));
  }));
}

export function mountProfile(store: Store, worker: WorkerClient): void {
  const host = byId("profile");
  worker.on("profile", ({ profile }) => store.setProfile(profile));
  worker.on("failure", ({ context, error }) => {
    if (context === "profile") host.replaceChildren(h("p", { class: "error", role: "alert" }, `The profile could not be shown: ${error.message}`));
  });
  store.on("profile", () => {
    const profile = store.state.profile;
    if (!profile) {
      host.replaceChildren(h("p", { class: "hint" }, "Select an employee to see their profile in both shapes."));
      return;
    }
    const tasks = profile.list.tasks;
    host.replaceChildren(
      h("h3", {}, "Employee ", h("code", {}, profile.externalId)),
      h("p", { class: "hint" }, `${plural(tasks.length, "task")}; the same profile in the package's two shapes.`),
      h("div", { class: "shapes" },
        // Each shape scrolls on its own (and is focusable, so that a keyboard can scroll it too).
        h("section", { class: "shape", tabindex: 0, "aria-label": "List shape" }, h("h4", {}, "List"), tasks.length ? h("ul", {}, ...tasks.map((t) => taskCard(t))) : h("p", {}, "No tasks.")),
        h("section", { class: "shape", tabindex: 0, "aria-label": "Hierarchy shape" }, h("h4", {}, "Hierarchy"), h("p", { class: "hint" }, FROM[profile.hierarchyFrom]),
          profile.hierarchy.hierarchy.length ? hierarchyList(profile.hierarchy.hierarchy) : h("p", {}, "No tasks."))),
    );
  });
}

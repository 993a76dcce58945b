// The overview's key figures, and a note when the view is partial, filtered or suppressed.
import type { Store } from "../state/store";
import { byId, h } from "../util/dom";
import { formatCount, formatHours, plural } from "../util/format";
import { renderSoon } from "../util/frame";
import type { Snapshot } from "../worker/protocol";

function kpi(id: string, label: string, value: string): HTMLElement {
  return h("div", { class: "kpi", "data-kpi": id }, h("dt", {}, label), h("dd", {}, value));
}

function suppressedGroups(snapshot: Snapshot): number {
  return Object.values(snapshot.suppressed).reduce((a, b) => a + b, 0);
}

export function mountKpis(store: Store): void {
  const list = byId("kpis");
  const note = byId("view-note");

  const draw = () => {
    const snapshot = store.state.snapshot;
    const phase = store.state.status.phase;
    const notes: string[] = [];
    if (phase === "partial") notes.push("Partial data: the export was cancelled before its end.");
    if (phase === "error" && snapshot?.loadedEmployees) notes.push("Partial data: the export stopped at an error.");
    if (snapshot?.filtered) notes.push("Filtered view: the figures count only the tasks that match the filters, of the employees that have any.");
    if (snapshot?.suppressedView) notes.push(`Fewer than ${snapshot.view.k} employees match: nothing of this group is shown (privacy threshold).`);
    if (snapshot?.duplicateEmployees) notes.push(`${plural(snapshot.duplicateEmployees, "employee id")} appeared more than once in the data.`);
    if (snapshot?.source === "shards") notes.push("Merged statistics shards: no records, so no filters, hours histogram or employee list.");
    note.hidden = notes.length === 0;
    note.textContent = notes.join(" ");

    const summary = snapshot?.summary;
    if (!snapshot || !summary) {
      list.replaceChildren();
      return;
    }
    list.replaceChildren(
      kpi("employees", "Employees", formatCount(summary.employees)),
      kpi("tasks", "Tasks", formatCount(summary.tasks)),
      kpi("distinct-tasks", "Distinct tasks", formatCount(summary.distinctTasks)),
      kpi("distinct-skills", "Distinct skills", formatCount(summary.distinctSkills)),
      kpi("weekly-hours", "Weekly hours", formatHours(summary.weeklyHours.total)),
      kpi("hours-per-employee", "Hours per employee", formatHours(summary.weeklyHours.meanPerEmployee)),
      kpi("tasks-per-employee", "Tasks per employee (p50)", formatCount(summary.tasksPerEmployee.p50)),
      kpi("suppressed", "Groups suppressed", formatCount(suppressedGroups(snapshot))),
    );
  };
  store.on("snapshot", () => renderSoon("kpis", draw));
  store.on("status", () => renderSoon("kpis", draw));
}

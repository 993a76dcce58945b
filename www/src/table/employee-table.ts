// The Employees list: every employee in view (all, or those with a task matching the filters),
// searchable by external id, virtualised. Choosing one asks the worker for their profile.
import type { Store } from "../state/store";
import type { WorkerClient } from "../state/worker-client";
import { byId, h } from "../util/dom";
import { formatCount, formatHours, plural } from "../util/format";
import { renderSoon } from "../util/frame";
import type { LazyDraw } from "../util/lazy-draw";
import { VirtualTable } from "./virtual-table";

const SEARCH_DELAY_MS = 150;

export function mountEmployeeTable(store: Store, worker: WorkerClient, lazy: LazyDraw): void {
  const host = byId("employee-table");
  const search = byId<HTMLInputElement>("employee-search");
  const count = byId("employee-count");
  const table = new VirtualTable("Employees", [{ title: "External id" }, { title: "Tasks", numeric: true }, { title: "Hours", numeric: true }], "employee-table");
  host.append(table.element);
  /** Positions in the snapshot's rows that pass the search. */
  let shown = new Uint32Array(0);
  let selected: number | null = null;

  const select = (employee: number) => {
    selected = employee;
    worker.send({ type: "profile", employee });
    renderSoon("employee-table", () => table.draw());
  };

  const refresh = () => {
    const rows = store.state.snapshot?.rows;
    const ids = store.state.ids;
    if (!rows) {
      shown = new Uint32Array(0);
      count.textContent = store.state.snapshot?.suppressedView ? "Hidden: fewer employees match than the privacy threshold." : "";
    } else {
      const term = search.value.trim().toLowerCase();
      if (!term) {
        shown = Uint32Array.from({ length: rows.employee.length }, (_, i) => i);
      } else {
        const hits: number[] = [];
        for (let i = 0; i < rows.employee.length; i++) if (ids[rows.employee[i]!]?.toLowerCase().includes(term)) hits.push(i);
        shown = Uint32Array.from(hits);
      }
      count.textContent = term
        ? `${formatCount(shown.length)} of ${plural(rows.employee.length, "employee")} match “${search.value.trim()}”.`
        : `${plural(rows.employee.length, "employee")}${store.state.snapshot?.filtered ? " with matching tasks" : ""}.`;
    }
    const rowsNow = rows;
    table.setSource({
      count: shown.length,
      cells: (i) => {
        const at = shown[i]!;
        const employee = rowsNow!.employee[at]!;
        const id = ids[employee] ?? "";
        const button = h("button", { type: "button", title: id }, id);
        button.addEventListener("click", () => select(employee));
        return [button, formatCount(rowsNow!.tasks[at]!), formatHours(rowsNow!.hours[at]!)];
      },
      current: (i) => rowsNow !== undefined && rowsNow !== null && rowsNow.employee[shown[i]!] === selected,
    });
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => renderSoon("employee-rows", refresh), SEARCH_DELAY_MS);
  });
  store.on("snapshot", () => {
    if (store.state.snapshot?.idOffset === 0 && !store.state.snapshot.loadedEmployees) selected = null;
    lazy.request("employee-rows", host, refresh);
  });
}

// The Filters panel: AI-impact levels and validation states (checkboxes for every value seen),
// the task-or-skill search, the privacy threshold k and Clear. All of it lives in the URL.
import type { Store } from "../state/store";
import { MAX_K } from "../state/url";
import type { ViewController } from "../state/view-controller";
import { byId, h } from "../util/dom";
import { formatCount, plural } from "../util/format";

const SEARCH_DELAY_MS = 250;

export function mountFilters(store: Store, views: ViewController): void {
  const levelBox = byId<HTMLFieldSetElement>("level-filter");
  const stateBox = byId<HTMLFieldSetElement>("state-filter");
  const query = byId<HTMLInputElement>("filter-query");
  const k = byId<HTMLInputElement>("privacy-k");
  const result = byId("filter-result");
  // Every value seen in this data, so that a filtered view still offers the others.
  const known = { levels: new Set<string>(), states: new Set<string>() };

  const drawChoices = (box: HTMLFieldSetElement, name: "level" | "state", values: Set<string>, picked: string[]) => {
    const all = [...new Set([...values, ...picked])].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const legend = box.querySelector("legend")!;
    if (!all.length) return;
    const current = [...box.querySelectorAll<HTMLInputElement>("input")].map((i) => i.value);
    if (current.join("\u0000") !== all.join("\u0000")) {
      box.replaceChildren(legend, ...all.map((value) => h("label", {}, h("input", { type: "checkbox", name, value }), ` ${value}`)));
    }
    for (const input of box.querySelectorAll<HTMLInputElement>("input")) input.checked = picked.includes(input.value);
  };

  const drawControls = () => {
    const view = store.state.view;
    drawChoices(levelBox, "level", known.levels, view.levels);
    drawChoices(stateBox, "state", known.states, view.states);
    if (document.activeElement !== query) query.value = view.query;
    if (document.activeElement !== k) k.value = String(view.k);
  };

  const picked = (box: HTMLFieldSetElement) => [...box.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
  levelBox.addEventListener("change", () => views.update({ levels: picked(levelBox), zoom: [] }));
  stateBox.addEventListener("change", () => views.update({ states: picked(stateBox), zoom: [] }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => views.update({ query: query.value.trim(), zoom: [] }, "replace"), SEARCH_DELAY_MS);
  });
  query.addEventListener("change", () => {
    clearTimeout(timer);
    views.update({ query: query.value.trim(), zoom: [] });
  });
  k.addEventListener("change", () => {
    const value = Number(k.value);
    if (Number.isInteger(value) && value >= 1 && value <= MAX_K) {
      k.removeAttribute("aria-invalid");
      views.update({ k: value });
    } else {
      k.setAttribute("aria-invalid", "true");
    }
  });
  byId("clear-filters").addEventListener("click", () => {
    clearTimeout(timer);
    query.value = "";
    views.update({ levels: [], states: [], query: "", zoom: [] });
  });

  store.on("view", drawControls);
  store.on("snapshot", () => {
    const snapshot = store.state.snapshot!;
    if (snapshot.idOffset === 0 && snapshot.loadedEmployees === 0) {
      known.levels.clear();
      known.states.clear();
    }
    for (const level of snapshot.levels) known.levels.add(level.name);
    for (const state of snapshot.states) known.states.add(state.name);
    drawControls();
    const { loadedEmployees, matchingEmployees, suppressedView, filtered, view } = snapshot;
    if (!loadedEmployees) result.textContent = "";
    else if (suppressedView) result.textContent = `Fewer than ${view.k} employees match: the result is hidden.`;
    else if (filtered) result.textContent = `${formatCount(matchingEmployees)} of ${plural(loadedEmployees, "employee")} match.`;
    else result.textContent = `No filter: all ${plural(loadedEmployees, "employee")}.`;
  });
  drawControls();
}

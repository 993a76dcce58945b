// Changes of the view (filters, k, tree grouping, layout, zoom) from the controls and from the
// browser's back/forward: each goes to the store, the URL and, when it changes what the worker
// computes, to the worker.
import type { ViewFilter } from "../worker/protocol";
import type { Store } from "./store";
import { readView, writeView, type ViewState } from "./url";
import type { WorkerClient } from "./worker-client";

function workerView(view: ViewState): ViewFilter {
  return { levels: view.levels, states: view.states, query: view.query, k: view.k, treeBy: view.treeBy };
}

export class ViewController {
  readonly #store: Store;
  readonly #worker: WorkerClient;

  constructor(store: Store, worker: WorkerClient) {
    this.#store = store;
    this.#worker = worker;
    window.addEventListener("popstate", () => this.#apply(readView(location.search)));
    this.#apply(readView(location.search), true);
  }

  get view(): ViewState {
    return this.#store.state.view;
  }

  /** Applies `change`; "push" makes a history entry (back returns to the previous view), "replace" does not. */
  update(change: Partial<ViewState>, history: "push" | "replace" = "push"): void {
    const next = { ...this.view, ...change };
    const search = writeView(next);
    if (search !== location.search) {
      const url = `${location.pathname}${search}${location.hash}`;
      if (history === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    }
    this.#apply(next);
  }

  #apply(next: ViewState, force = false): void {
    const before = JSON.stringify(workerView(this.view));
    this.#store.setView(next);
    if (force || JSON.stringify(workerView(next)) !== before) this.#worker.send({ type: "view", view: workerView(next) });
  }
}

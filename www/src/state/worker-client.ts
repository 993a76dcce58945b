// The page's side of the export worker: starts it, holds messages until the package has loaded
// in it, and hands each answer to the listeners of its type.
import type { FromWorker, ToWorker } from "../worker/protocol";

type Listener<T extends FromWorker["type"]> = (message: Extract<FromWorker, { type: T }>) => void;

export class WorkerClient {
  readonly #worker: Worker;
  readonly #listeners = new Map<string, Set<(message: FromWorker) => void>>();
  #ready = false;
  readonly #pending: ToWorker[] = [];

  constructor() {
    this.#worker = new Worker(new URL("../worker/export.worker.ts", import.meta.url), { type: "module", name: "task-profiles export" });
    this.#worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === "ready") {
        this.#ready = true;
        for (const queued of this.#pending.splice(0)) this.#worker.postMessage(queued);
      }
      for (const listener of this.#listeners.get(message.type) ?? []) listener(message);
    });
    this.#worker.addEventListener("error", (event) => {
      // A worker that fails to load (e.g. the wasm could not be fetched) reports here.
      for (const listener of this.#listeners.get("status") ?? []) {
        listener({ type: "status", status: { phase: "error", source: null, label: "", canResume: false, error: { kind: "internal", message: `the export worker failed: ${event.message || "it could not be loaded"}` } } });
      }
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  send(message: ToWorker): void {
    if (this.#ready) this.#worker.postMessage(message);
    else this.#pending.push(message);
  }

  on<T extends FromWorker["type"]>(type: T, listener: Listener<T>): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (message: FromWorker) => void);
  }
}

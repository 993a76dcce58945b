// What the page knows, and who to tell when it changes. The worker's messages and the user's
// actions go through here; each panel listens to the parts it draws.
import type { LoadStatus, Profile, Progress, Snapshot } from "../worker/protocol";
import { DEFAULT_VIEW, type ViewState } from "./url";

export interface AppState {
  view: ViewState;
  status: LoadStatus;
  progress: Progress | null;
  snapshot: Snapshot | null;
  /** Every employee id loaded so far; an employee's number is its place here. */
  ids: string[];
  profile: Profile | null;
}

type Topic = "view" | "status" | "progress" | "snapshot" | "profile";

export class Store {
  readonly state: AppState = {
    view: DEFAULT_VIEW,
    status: { phase: "idle", source: null, label: "", error: null, canResume: false },
    progress: null,
    snapshot: null,
    ids: [],
    profile: null,
  };
  readonly #listeners = new Map<Topic, Set<() => void>>();

  on(topic: Topic, listener: () => void): void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, (set = new Set()));
    set.add(listener);
  }

  #emit(topic: Topic): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener();
  }

  setView(view: ViewState): void {
    this.state.view = view;
    this.#emit("view");
  }

  setStatus(status: LoadStatus): void {
    this.state.status = status;
    this.#emit("status");
  }

  setProgress(progress: Progress): void {
    this.state.progress = progress;
    this.#emit("progress");
  }

  setSnapshot(snapshot: Snapshot): void {
    // Ids arrive in order; a snapshot starting from 0 belongs to new data.
    if (snapshot.idOffset === 0) this.state.ids = [];
    if (snapshot.idOffset === this.state.ids.length) for (const id of snapshot.newIds) this.state.ids.push(id);
    if (snapshot.idOffset === 0) this.state.profile = null;
    this.state.snapshot = snapshot;
    this.#emit("snapshot");
  }

  setProfile(profile: Profile | null): void {
    this.state.profile = profile;
    this.#emit("profile");
  }
}

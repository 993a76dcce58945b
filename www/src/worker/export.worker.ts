// The export worker: everything heavy runs here, off the page's main thread. It loads the
// package (and its wasm), runs exports and file loads into a Dataset, recomputes the view when
// data arrives (at most every 200 ms) or the filters change, and answers profile and download
// requests. The page receives progress, status and snapshots.
import { Dataset } from "./dataset";
import { download } from "./downloads";
import { errorInfo } from "./errors";
import { ExportSession } from "./exporter";
import { ingestFile } from "./ingest-file";
import { profileOf } from "./profile";
import type { ExportRequest, LoadStatus, Progress, ToWorker, ViewFilter } from "./protocol";
import { post, scope } from "./scope";
import { looksLikeShard, mergeShards } from "./shards";
import { computeSnapshot, type ViewCache } from "./view";

/** The view before the page sends its own (from the URL). */
let view: ViewFilter = { levels: [], states: [], query: "", k: 5, treeBy: "taxonomy" };
let dataset: Dataset | null = null;
let session: ExportSession | null = null;
let loading: AbortController | null = null;
const cache: ViewCache = { filtered: null, sentIds: 0 };

function use(next: Dataset): void {
  dataset = next;
  cache.filtered = null;
  cache.sentIds = 0;
}

function status(phase: LoadStatus["phase"], extra: Partial<LoadStatus> = {}): void {
  post({ type: "status", status: { phase, source: dataset?.source ?? null, label: dataset?.label ?? "", error: null, canResume: false, ...extra } });
}

// Snapshots: at most one per SNAPSHOT_MS while data arrives (more rarely when one takes long):
// often enough for the charts to grow as pages arrive, rarely enough to leave the page's main
// thread mostly idle.
const SNAPSHOT_MS = 200;
let snapshotTimer: ReturnType<typeof setTimeout> | null = null;
let lastCostMs = 0;

function snapshotSoon(): void {
  snapshotTimer ??= setTimeout(snapshotNow, Math.max(SNAPSHOT_MS, 2 * lastCostMs));
}

function snapshotNow(): void {
  if (snapshotTimer !== null) clearTimeout(snapshotTimer);
  snapshotTimer = null;
  if (!dataset) return;
  const started = performance.now();
  try {
    const snapshot = computeSnapshot(dataset, view, cache);
    lastCostMs = performance.now() - started;
    const rows = snapshot.rows;
    post({ type: "snapshot", snapshot }, rows ? [rows.employee.buffer, rows.tasks.buffer, rows.hours.buffer] : []);
  } catch (e) {
    post({ type: "failure", context: "view", error: errorInfo(e) });
  }
}

function progress(value: Progress): void {
  post({ type: "progress", progress: value });
}

async function runExport(request: ExportRequest, resume: boolean): Promise<void> {
  if (!resume || !session || !dataset) {
    session = new ExportSession(request);
    use(new Dataset(request.source, session.label()));
    snapshotNow();
  }
  const current = session;
  const target = dataset!;
  const controller = new AbortController();
  loading = controller;
  status("loading");
  progress(current.progress(target, null));
  let outcome: [LoadStatus["phase"], Partial<LoadStatus>] = ["done", {}];
  try {
    await current.attempt(target, request, controller.signal, (started) => {
      progress(current.progress(target, started));
      snapshotSoon();
    });
  } catch (e) {
    const error = errorInfo(e);
    current.cursor = error.cursor ?? current.cursor;
    // Invalid options are fixed by a new export, not by resuming this one.
    outcome = [error.kind === "aborted" ? "partial" : "error", { error, canResume: error.kind !== "invalid_params" }];
  }
  finish(current.progress(target, null), outcome);
}

/** The last progress and snapshot, then the outcome: when the page reads "Complete", the data is in. */
function finish(last: Progress, [phase, extra]: [LoadStatus["phase"], Partial<LoadStatus>]): void {
  loading = null;
  progress(last);
  snapshotNow();
  status(phase, extra);
}

async function loadFiles(files: File[]): Promise<void> {
  const controller = new AbortController();
  loading = controller;
  const heads = await Promise.all(files.map((f) => f.slice(0, 256).text()));
  if (heads.every(looksLikeShard)) {
    loading = null;
    return loadShards(files);
  }
  session = null;
  const label = files.length === 1 ? files[0]!.name : `${files.length} files`;
  const target = new Dataset("file", label);
  use(target);
  snapshotNow();
  status("loading");
  const started = performance.now();
  const total = files.reduce((n, f) => n + f.size, 0);
  let before = 0;
  const report = (read: number) => progress({
    pages: target.pages.length, employees: target.index.employees, cursor: null,
    elapsedMs: performance.now() - started, fraction: total ? (before + read) / total : 1,
  });
  let outcome: [LoadStatus["phase"], Partial<LoadStatus>] = ["done", {}];
  try {
    for (const file of files) {
      await ingestFile(file, (bytes, records) => { target.addPage(bytes, records); snapshotSoon(); }, report, controller.signal);
      before += file.size;
    }
  } catch (e) {
    const error = errorInfo(e);
    outcome = [error.kind === "aborted" ? "partial" : "error", { error }];
  }
  finish({ pages: target.pages.length, employees: target.index.employees, cursor: null, elapsedMs: performance.now() - started, fraction: 1 }, outcome);
}

async function loadShards(files: File[]): Promise<void> {
  session = null;
  try {
    const merged = await mergeShards(files);
    use(new Dataset("shards", `${files.length} merged shard${files.length === 1 ? "" : "s"}`, merged));
    snapshotNow();
    status("done");
  } catch (e) {
    status("error", { error: errorInfo(e) });
  }
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case "export":
      if (!loading) void runExport(message.request, message.resume);
      return;
    case "cancel":
      loading?.abort(new DOMException("cancelled from the page", "AbortError"));
      return;
    case "load-files":
      if (!loading) void loadFiles(message.files);
      return;
    case "load-shards":
      if (!loading) void loadShards(message.files);
      return;
    case "view":
      view = message.view;
      snapshotNow();
      return;
    case "profile":
      try {
        if (!dataset?.hasRecords) throw new Error("employee: no records are loaded");
        post({ type: "profile", profile: profileOf(dataset, message.employee) });
      } catch (e) {
        post({ type: "failure", context: "profile", error: errorInfo(e) });
      }
      return;
    case "download":
      try {
        if (!dataset) throw new Error(`${message.what}: nothing is loaded yet`);
        post({ type: "download", what: message.what, ...download(dataset, message.what) });
      } catch (e) {
        post({ type: "failure", context: "download", error: errorInfo(e) });
      }
      return;
  }
}

scope.addEventListener("message", (event) => handle(event.data));
// The package's import above has loaded and compiled the wasm by now (top-level await).
post({ type: "ready" });

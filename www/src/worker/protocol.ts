// The messages between the page and the export worker. Only types: the page imports nothing of the
// package at run time, so the wasm is loaded by the worker alone.
import type {
  ExternalVendor, HierarchyRecord, IncludeField, ListRecord, ResponseFormat, StatsSummary, StatsTreeGroup,
} from "task-profiles";

/** How the task tree is grouped: the taxonomy learned from hierarchy pages, or task values. */
export type TreeBy = "taxonomy" | "ai_impact_level" | "validation_state" | "ai_impact_level,validation_state";

/** Where the data comes from. */
export type SourceKind = "sandbox" | "endpoint" | "file" | "shards";

/** Everything an export needs; the token stays in the worker's memory for the export's duration. */
export interface ExportRequest {
  source: "sandbox" | "endpoint";
  baseUrl: string;
  token: string;
  limit: number;
  include: IncludeField[];
  externalVendor: ExternalVendor | null;
  responseFormat: ResponseFormat;
  activeOnly: boolean;
  /** Employees the source is known to hold (the sandbox's size, without the active filter), for the progress bar. */
  expected: number | null;
}

/** The filters, privacy threshold and tree grouping of the view (all kept in the page's URL). */
export interface ViewFilter {
  levels: string[];
  states: string[];
  query: string;
  k: number;
  treeBy: TreeBy;
}

export type DownloadKind = "csv" | "ndjson" | "summary" | "shard";

export type ToWorker =
  | { type: "export"; request: ExportRequest; resume: boolean }
  | { type: "cancel" }
  | { type: "load-files"; files: File[] }
  | { type: "load-shards"; files: File[] }
  | { type: "view"; view: ViewFilter }
  | { type: "profile"; employee: number }
  | { type: "download"; what: DownloadKind };

/** An error as the page shows it: the package's kind and message (never the token). */
export interface ErrorInfo {
  kind: string;
  message: string;
  status?: number;
  cursor?: string;
}

/** Counts while loading, across resumed attempts. */
export interface Progress {
  pages: number;
  employees: number;
  cursor: string | null;
  elapsedMs: number;
  /** How far along, 0..1, when known (a file's bytes read, or a sandbox of known size). */
  fraction: number | null;
}

export type LoadPhase = "idle" | "loading" | "done" | "partial" | "error";

export interface LoadStatus {
  phase: LoadPhase;
  source: SourceKind | null;
  /** e.g. "sandbox at http://127.0.0.1:8787" or "2 files"; never the token. */
  label: string;
  error: ErrorInfo | null;
  /** An export that stopped before its end and can continue from its cursor. */
  canResume: boolean;
}

/** A bar of the AI-impact or validation-state charts. */
export interface GroupCount {
  name: string;
  tasks: number;
  weeklyHours: number;
  /** Employees with at least one such task (null for shards, which do not keep employees). */
  employees: number | null;
}

export interface HistogramBin {
  x0: number;
  x1: number;
  employees: number;
}

/** Weekly hours per employee (of the tasks in view). */
export interface Histogram {
  bins: HistogramBin[];
  p50: number;
  p90: number;
  employees: number;
}

export interface SuppressedCounts {
  levels: number;
  states: number;
  bins: number;
  topTasks: number;
  topSkills: number;
  treeLeaves: number;
}

/** The rows the employee table shows: indexes into the ids sent so far, with their tasks and hours in view. */
export interface TableRows {
  employee: Uint32Array;
  tasks: Uint32Array;
  hours: Float64Array;
}

/** Everything the page draws, computed in the worker at most every 200 ms while data arrives. */
export interface Snapshot {
  source: SourceKind;
  view: ViewFilter;
  filtered: boolean;
  /** Employees loaded, and how many of them the filters keep. */
  loadedEmployees: number;
  matchingEmployees: number;
  duplicateEmployees: number;
  shapes: ("list" | "hierarchy")[];
  taxonomy: { tasks: number; conflicts: number };
  /** The filter result holds fewer than k employees: nothing of it is shown. */
  suppressedView: boolean;
  summary: StatsSummary | null;
  levels: GroupCount[];
  states: GroupCount[];
  histogram: Histogram | null;
  topTasks: StatsSummary["topTasks"];
  topSkills: StatsSummary["topSkills"];
  tree: StatsTreeGroup | null;
  /** The grouping the tree was made with (taxonomy falls back to AI impact when none was learned). */
  treeBy: TreeBy;
  suppressed: SuppressedCounts;
  /** Ids of employees loaded since the previous snapshot; `idOffset` is the first one's index. */
  newIds: string[];
  idOffset: number;
  rows: TableRows | null;
}

/** One employee in both shapes. */
export interface Profile {
  employee: number;
  externalId: string;
  list: ListRecord;
  hierarchy: HierarchyRecord;
  /** How the hierarchy was made: as received, from the learned taxonomy, or grouped by AI impact. */
  hierarchyFrom: "received" | "taxonomy" | "ai_impact_level";
}

export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; progress: Progress }
  | { type: "status"; status: LoadStatus }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "profile"; profile: Profile }
  | { type: "download"; what: DownloadKind; blob: Blob; name: string }
  | { type: "failure"; context: "profile" | "download" | "view"; error: ErrorInfo };

// Types of the task-profiles package. Records are typed from the vendor's contract, snake_case as
// sent, with an index signature: the endpoint is experimental and fields the library does not
// know are kept and handed on unchanged.

/** A value that came over the wire as JSON. Fields the types do not name are `unknown`: check before use. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What `include` can add to every task. */
export type IncludeField = "ai_impact" | "source_events" | "linked_skills" | "rejected_tasks" | "weekly_hours";
/** The vocabulary linked skills are named in. */
export type ExternalVendor = "techwolf" | "workday" | "sap_attribute_library";
/** The shape records come in. */
export type ResponseFormat = "list" | "hierarchy";

/** `validation_state` of a task; other strings are accepted as the vendor adds them. */
export type ValidationState = "validated" | "suggested" | "rejected" | (string & {});

export interface AiImpact {
  /** "H1".."H5"-style level. */
  level: string;
  rationale: string;
  [key: string]: unknown;
}

export interface LinkedSkill {
  skill_id: string;
  skill: string;
  [key: string]: unknown;
}

export interface SourceEvent {
  external_id: string;
  /** e.g. "project", "job". */
  event_type: string;
  [key: string]: unknown;
}

/**
 * A task of a `list` record (and the fields of a task node in a `hierarchy` record). A list task
 * has no `children` but an empty one: a task node's `"children": []` is data, kept by `toList`.
 */
export interface Task {
  task_id: string;
  task: string;
  validation_state: ValidationState;
  weekly_hours?: number;
  ai_impact?: AiImpact;
  linked_skills?: LinkedSkill[];
  source_events?: SourceEvent[];
  [key: string]: unknown;
}

/** A task node of a `hierarchy` record; `children` holds sub-tasks. */
export interface TaskNode extends Task {
  children?: TaskNode[];
}

/** A group node of a `hierarchy` record: no `task_id`. */
export interface GroupNode {
  node_id: string;
  name: string;
  children: HierarchyNode[];
  task_id?: never;
  [key: string]: unknown;
}

export type HierarchyNode = TaskNode | GroupNode;

/** A record of `responseFormat: "list"`. */
export interface ListRecord {
  external_id: string;
  tasks: Task[];
  [key: string]: unknown;
}

/** A record of `responseFormat: "hierarchy"`. */
export interface HierarchyRecord {
  external_id: string;
  hierarchy: HierarchyNode[];
  [key: string]: unknown;
}

export type TaskProfileRecord = ListRecord | HierarchyRecord;

/** The record type an export yields for a response format. */
export type RecordOf<F extends ResponseFormat | undefined> = F extends "hierarchy" ? HierarchyRecord : ListRecord;

/** A filter object, sent as given: `{ filter: "is_active", is_active: true }`. */
export interface ExportFilter {
  filter: string;
  [argument: string]: Json;
}

/** Called before each request; `refresh` is true after a 401, when a cached token must not be reused. */
export type TokenFunction = (context: { refresh: boolean }) => string | Promise<string>;

interface ClientOptionsBase {
  /** An access token, or a function returning one (called before each request). */
  token: string | TokenFunction;
  /**
   * A fetch implementation to use instead of the global one. It is called with one argument, the
   * `Request` to send (method, headers, body and an abort signal included), as every fetch accepts.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries of 429, 408, 5xx and network failures (default 4). */
  maxRetries?: number;
  /** Timeout of each request in milliseconds (default 60000). */
  timeoutMs?: number;
  /** A `Retry-After` longer than this fails the export at once with kind "rate_limited" (default 60000). */
  maxRetryAfterMs?: number;
}

export type ClientOptions = ClientOptionsBase & (
  | {
      /**
       * e.g. "https://acme.eu.techwolf.ai" or the sandbox's URL. `https:` only (`http:` is refused
       * but for localhost, 127.0.0.0/8 and [::1]), with no `user:password@`.
       */
      baseUrl: string;
      tenant?: never;
      region?: never;
    }
  | { baseUrl?: never; tenant: string; region: "eu" | "us" }
);

/** Progress after each page has been handed out in full. */
export interface ExportProgress {
  pages: number;
  records: number;
  /** The resume point, as `Export.cursor`. */
  cursor: string | undefined;
  hasNext: boolean;
}

export interface ExportParams<F extends ResponseFormat = ResponseFormat> {
  /** Employees per page, 1..100 (default 100). */
  limit?: number;
  /** Start after this employee's external_id (e.g. a previous export's `cursor`). */
  startingAfter?: string;
  include?: IncludeField[];
  externalVendor?: ExternalVendor;
  responseFormat?: F;
  filters?: ExportFilter[];
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
}

/** One page as the endpoint sent it. */
export interface ExportPage<R = TaskProfileRecord> {
  records: R[];
  hasNext: boolean;
  /** The cursor after this page; undefined on the last page. */
  nextStartingAfter: string | undefined;
}

/** One pass over the whole export. Nothing is sent until it is iterated. */
export declare class Export<R = ListRecord> implements AsyncIterable<R> {
  private constructor();
  /** Records one at a time, oldest employee first, across all pages. */
  [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined>;
  /** Pages one at a time. */
  pages(): AsyncGenerator<ExportPage<R>, void, undefined>;
  /** Every record; refuses with an error when more than `max` (default 10000) would be collected. */
  toArray(options?: { max?: number }): Promise<R[]>;
  /**
   * The export as CSV (RFC 4180, UTF-8, header row): one row per employee and non-rejected task
   * (`external_id, task_id, task, validation_state, weekly_hours, ai_impact_level,
   * ai_impact_rationale, skill_ids, skills, source_event_types`, lists joined with `;`), and one
   * row with empty task columns for an employee without tasks. A page is fetched only when the
   * stream is read; cancelling the stream cancels the export.
   */
  toCsvStream(options?: CsvOptions): ReadableStream<Uint8Array>;
  /** The export as NDJSON, one record per line; back-pressure and cancellation as `toCsvStream`. */
  toNdjsonStream(): ReadableStream<Uint8Array>;
  /**
   * Consumes the export, aggregating each page's bytes in wasm; resolves to the summary. With
   * `into`, what the export counted is merged into that TaskStats, also when the export fails:
   * it then holds exactly the employees before `err.cursor`, so a pass resumed from there with
   * the same `into` ends with the summary of one whole pass (the summary is `into`'s).
   */
  stats(options?: TaskStatsOptions | { into: TaskStats }): Promise<StatsSummary>;
  /**
   * Each page's raw body as bytes, checked in wasm and converted on the way when `convertTo` is
   * given: for workers that pass the export on without looking inside.
   */
  rawPages(options?: { convertTo?: ResponseFormat } & HierarchyOptions & ListOptions): AsyncGenerator<Uint8Array, void, undefined>;
  /** Pass as `startingAfter` to a new export to continue with exactly the records not yet handed out. */
  readonly cursor: string | undefined;
  /** Whether every record has been handed out. */
  readonly done: boolean;
  /** Records handed out so far. */
  readonly recordsHandedOut: number;
}

export declare class TaskProfilesClient {
  constructor(options: ClientOptions);
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /** Returns the export without sending anything; throws a TaskProfilesError on invalid params. */
  exportTaskProfiles<F extends ResponseFormat = "list">(params?: ExportParams<F>): Export<RecordOf<F>>;
}

/** A task dimension to group by. */
export type GroupDimension = "ai_impact_level" | "validation_state";

export interface ListOptions {
  /** Give each task `path`: its ancestor group nodes (without `children`), and a sub-task's parent `{ task_id }`. */
  keepPath?: boolean;
}

export interface HierarchyOptions {
  /** Where tasks without a `path` go; a task placed nowhere goes to the top level. */
  taxonomy?: TaskTaxonomy;
  /** Group by these task values instead (outermost first); `"unknown"` when a value is missing. */
  groupBy?: GroupDimension[];
}

/** Options of `toCsvStream`. */
export interface CsvOptions {
  /**
   * Neutralise text cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
   * tab or carriage return) with a leading `'`, as OWASP recommends. Default `true`; turn it off
   * only for consumers that are not spreadsheets.
   */
  escapeFormulas?: boolean;
}

/** A task's ancestor as kept in `path` by `toList(…, { keepPath: true })`. */
export type PathEntry = { node_id: string; name: string; [key: string]: Json | undefined } | { task_id: string };

/**
 * Records of either shape as list records (one in, one out; an array in, an array out). The input
 * is not modified; the records, tasks and arrays returned are new, the values of their other
 * members (`ai_impact`, `linked_skills`, …) shared with the input.
 */
export declare function toList(record: TaskProfileRecord, options?: ListOptions): ListRecord;
export declare function toList(records: readonly TaskProfileRecord[], options?: ListOptions): ListRecord[];

/**
 * Records of either shape as hierarchy records, placed by `path`, by a taxonomy, or grouped by
 * values. New records, nodes and arrays, as `toList` makes them.
 */
export declare function toHierarchy(record: TaskProfileRecord, options?: HierarchyOptions): HierarchyRecord;
export declare function toHierarchy(records: readonly TaskProfileRecord[], options?: HierarchyOptions): HierarchyRecord[];

/** A whole page's raw body converted: bytes (or text) in, the converted page's JSON bytes out. */
export declare function convertPage(body: Uint8Array | ArrayBuffer | string, options: { to: ResponseFormat } & HierarchyOptions & ListOptions): Uint8Array;

/** Options of `formatPage`. */
export interface FormatPageOptions extends CsvOptions {
  /** `"csv"`: the rows `toCsvStream()` writes for the page; `"ndjson"`: the lines `toNdjsonStream()` writes. */
  as: "csv" | "ndjson";
  /** Start with the CSV header row, as the first bytes of `toCsvStream()` (default `false`; CSV only). */
  header?: boolean;
}

/**
 * One page's raw body as the CSV rows or NDJSON lines the export's streams write for it, so that
 * formatting every page of an export (the first with `header: true`) gives the stream's bytes
 * exactly: for work that reads each page once and writes several outputs (for example batches of
 * a durable export, or downloads of pages kept by a dashboard). A body that is not a page of the
 * contract is refused with kind `invalid_input`.
 */
export declare function formatPage(body: Uint8Array | ArrayBuffer | string, options: FormatPageOptions): Uint8Array;

/** The serialised form of a TaskTaxonomy (versioned; restore with `TaskTaxonomy.fromJSON`). */
export interface TaskTaxonomyJSON {
  format: "task-profiles/taxonomy";
  version: number;
  conflicts: number;
  tasks: { task_id: string; path: PathEntry[] }[];
}

/** Where each task sits in the task tree, learned from hierarchy records. */
export declare class TaskTaxonomy {
  constructor();
  /** Learns from hierarchy records (list tasks carrying `path` teach too); all or nothing. */
  learn(records: TaskProfileRecord | readonly TaskProfileRecord[]): this;
  /** Known task ids. */
  readonly size: number;
  /** Task ids seen under a second, different path (the first is kept). */
  readonly conflicts: number;
  toJSON(): TaskTaxonomyJSON;
  static fromJSON(json: TaskTaxonomyJSON | string): TaskTaxonomy;
}

export interface TaskStatsOptions {
  /** How many top tasks and skills the summary lists (default 20). */
  topN?: number;
}

/** The organisation-wide summary (rejected tasks count only in validationStates and rejectedTasks). */
export interface StatsSummary {
  /** Records added. */
  employees: number;
  /** Records with no task other than rejected ones. */
  employeesWithoutTasks: number;
  /** Task assignments, rejected ones excluded. */
  tasks: number;
  rejectedTasks: number;
  /** Distinct task_id among non-rejected tasks. */
  distinctTasks: number;
  /** Distinct skill_id linked to non-rejected tasks. */
  distinctSkills: number;
  /** Over all employees; nearest-rank percentiles; all 0 when there are no employees. */
  tasksPerEmployee: { mean: number; p50: number; p90: number; max: number };
  /** Every state seen, rejected included. */
  validationStates: Record<string, number>;
  /** Non-rejected tasks by ai_impact.level; "unknown" when absent. */
  aiImpact: Record<string, { tasks: number; weeklyHours: number }>;
  /** Non-rejected; meanPerEmployee = total / employees (0 when none). */
  weeklyHours: { total: number; tasksWithHours: number; meanPerEmployee: number };
  /** By employees desc, then taskId asc; at most topN. */
  topTasks: { taskId: string; task: string; employees: number; weeklyHours: number }[];
  /** By employees desc, then tasks desc, then skillId asc; at most topN. */
  topSkills: { skillId: string; skill: string; tasks: number; employees: number }[];
  /** Source events of non-rejected tasks, by event_type. */
  sourceEventTypes: Record<string, number>;
}

/** A group of the statistics tree. */
export interface StatsTreeGroup {
  name: string;
  children: StatsTreeNode[];
}

/** A task leaf of the statistics tree: `value` is the number of employees with the task. */
export interface StatsTreeLeaf {
  name: string;
  taskId: string;
  value: number;
  weeklyHours: number;
}

export type StatsTreeNode = StatsTreeGroup | StatsTreeLeaf;

/** The serialised form of a TaskStats (versioned, lossless; restore with `TaskStats.fromJSON`). */
export interface TaskStatsJSON {
  format: "task-profiles/task-stats";
  version: number;
  [field: string]: Json;
}

/** Streaming, mergeable aggregates over records, computed in wasm. */
export declare class TaskStats {
  constructor(options?: TaskStatsOptions);
  /**
   * Adds one record or an array of records (JS objects, either shape); all or nothing. Values the
   * contract does not allow (negative hours, an unknown `validation_state`) are refused with kind
   * `invalid_input`, naming their place.
   */
  add(records: TaskProfileRecord | readonly TaskProfileRecord[]): this;
  /** Adds a page's raw body: the fast path, parsed and counted in wasm; refused as `add` refuses. */
  addPage(body: Uint8Array | ArrayBuffer | string): this;
  /**
   * Adds everything `other` counted (other employees, e.g. another worker's shard; `other` may be
   * this very object). Refused with kind `invalid_input`, nothing changed, when a count would pass
   * 2^53 - 1 (the largest integer a JS number holds exactly).
   */
  merge(other: TaskStats): this;
  toJSON(): TaskStatsJSON;
  /** Reads `toJSON()`'s form; refused (`invalid_input`, naming the place) when it is not one `toJSON` writes, or a count passes 2^53 - 1. */
  static fromJSON(json: TaskStatsJSON | string): TaskStats;
  summary(): StatsSummary;
  /** The tree a treemap or sunburst draws (d3.hierarchy-compatible). */
  tree(options?: { by: GroupDimension[]; taxonomy?: never } | { taxonomy: TaskTaxonomy; by?: never }): StatsTreeGroup;
}

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  tenant: string;
  /** The region's token endpoint and audience (EU: eu3.techwolf.ai, US: us3.techwolf.ai). */
  region?: "eu" | "us";
  /** Another token endpoint (e.g. the sandbox's `/oauth/token`); needs `audience`. */
  /** `https:` only (`http:` for localhost, 127.0.0.0/8 and [::1]), with no `user:password@`. */
  tokenUrl?: string;
  audience?: string;
  scopes?: string[];
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Allow use in a browser page, where every visitor could read the secret. */
  dangerouslyAllowBrowser?: boolean;
}

/**
 * OAuth 2.0 client credentials as a token function for `TaskProfilesClient`: cached until 60 s
 * before expiry, one request shared by concurrent callers, renewed after a 401.
 */
export declare function clientCredentials(options: ClientCredentialsOptions & ({ region: "eu" | "us" } | { tokenUrl: string; audience: string })): TokenFunction;

export type ErrorKind =
  | "invalid_params" | "auth" | "rate_limited" | "http" | "network" | "timeout" | "aborted" | "protocol" | "invalid_input"
  /**
   * A fault inside the package (its WebAssembly trapped). The package has restarted it: later
   * calls work, objects made before refuse with this kind. Please report it.
   */
  | "internal";

/** Every error the library throws. Never contains the token. */
export declare class TaskProfilesError extends Error {
  readonly name: "TaskProfilesError";
  readonly kind: ErrorKind;
  /** HTTP status, where there was a response. */
  readonly status?: number;
  /** The vendor's error title and description, when the body carried them. */
  readonly title?: string;
  readonly description?: string;
  /** How long the server asked to wait, when longer than `maxRetryAfterMs`. */
  readonly retryAfterMs?: number;
  /** Set on errors thrown during an export: where to resume. */
  cursor?: string;
  /** Set on errors thrown during an export: records handed out before it. */
  records?: number;
}

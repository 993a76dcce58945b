// Uses the whole public API of task-profiles with exact types: it must compile as written.
import {
  TaskProfilesClient, TaskProfilesError, clientCredentials, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage,
  type StatsSummary, type StatsTreeGroup, type StatsTreeNode, type TaskStatsJSON, type TaskTaxonomyJSON, type PathEntry,
  type ClientOptions, type Export, type ExportPage, type ExportParams, type ExportProgress, type ErrorKind,
  type HierarchyNode, type HierarchyRecord, type IncludeField, type ListRecord, type Task, type TokenFunction,
} from "task-profiles";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function exact<A, B>(_proof: Equal<A, B>): void {}
declare function use(...values: unknown[]): void;

export async function consumer(signal: AbortSignal): Promise<void> {
  // Client options: a base URL and a token string, or a tenant and region and a token function.
  const byUrl = new TaskProfilesClient({ baseUrl: "http://127.0.0.1:8787", token: "sandbox-token" });
  const tokenFn: TokenFunction = async ({ refresh }) => (refresh ? "fresh" : "cached");
  const byTenant = new TaskProfilesClient({
    tenant: "acme", region: "eu", token: tokenFn,
    fetch: (request) => fetch(request), maxRetries: 2, timeoutMs: 30_000, maxRetryAfterMs: 5_000,
  });
  exact<Parameters<NonNullable<ClientOptions["fetch"]>>, [Request]>(true);
  // The runtime's own fetch fits as it is.
  use(new TaskProfilesClient({ baseUrl: "http://127.0.0.1:8787", token: "t", fetch: globalThis.fetch }));
  const options: ClientOptions = { tenant: "acme", region: "us", token: () => "t" };
  use(new TaskProfilesClient(options));
  exact<typeof byUrl.baseUrl, string>(true);

  // Every export param.
  const include: IncludeField[] = ["ai_impact", "source_events", "linked_skills", "rejected_tasks", "weekly_hours"];
  const params: ExportParams<"list"> = {
    limit: 100, startingAfter: "e0001", include, externalVendor: "workday", responseFormat: "list",
    filters: [{ filter: "is_active", is_active: true }], signal,
    onProgress: (progress) => {
      exact<typeof progress, ExportProgress>(true);
      exact<typeof progress.cursor, string | undefined>(true);
      use(progress.pages + progress.records, progress.hasNext);
    },
  };
  use(params);

  // Records are ListRecord by default and for "list", HierarchyRecord for "hierarchy".
  const list = byUrl.exportTaskProfiles();
  exact<typeof list, Export<ListRecord>>(true);
  for await (const record of list) {
    exact<typeof record, ListRecord>(true);
    exact<typeof record.external_id, string>(true);
    for (const task of record.tasks) {
      exact<typeof task, Task>(true);
      exact<typeof task.weekly_hours, number | undefined>(true);
      use(task.task_id, task.task, task.validation_state, task.ai_impact?.level, task.linked_skills?.[0]?.skill_id,
        task.source_events?.map((e) => e.event_type));
    }
  }
  exact<typeof list.cursor, string | undefined>(true);
  exact<typeof list.done, boolean>(true);
  exact<typeof list.recordsHandedOut, number>(true);

  const explicitList = byTenant.exportTaskProfiles({ responseFormat: "list", limit: 10 });
  exact<typeof explicitList, Export<ListRecord>>(true);

  const hierarchy = byUrl.exportTaskProfiles({ responseFormat: "hierarchy", externalVendor: "sap_attribute_library" });
  exact<typeof hierarchy, Export<HierarchyRecord>>(true);
  for await (const record of hierarchy) {
    exact<typeof record.hierarchy, HierarchyNode[]>(true);
    const walk = (nodes: HierarchyNode[]): number =>
      nodes.reduce((n, node) => n + ("task_id" in node && node.task_id !== undefined ? 1 : walk(node.children ?? [])), 0);
    use(walk(record.hierarchy));
  }

  // Pages, toArray, cursor.
  for await (const page of byUrl.exportTaskProfiles({ limit: 50 }).pages()) {
    exact<typeof page, ExportPage<ListRecord>>(true);
    exact<typeof page.nextStartingAfter, string | undefined>(true);
    use(page.records.length, page.hasNext);
  }
  const all = await byUrl.exportTaskProfiles({ responseFormat: "hierarchy" }).toArray({ max: 20_000 });
  exact<typeof all, HierarchyRecord[]>(true);
  const some = await byUrl.exportTaskProfiles().toArray();
  exact<typeof some, ListRecord[]>(true);
  const first = byUrl.exportTaskProfiles();
  const resumed = byUrl.exportTaskProfiles({ ...(first.cursor === undefined ? {} : { startingAfter: first.cursor }) });
  use(resumed);

  // Streams.
  const csv = byUrl.exportTaskProfiles({ include }).toCsvStream();
  exact<typeof csv, ReadableStream<Uint8Array>>(true);
  const ndjson = byUrl.exportTaskProfiles({ responseFormat: "hierarchy" }).toNdjsonStream();
  exact<typeof ndjson, ReadableStream<Uint8Array>>(true);
  const text: string = await new Response(csv).text();
  use(text);

  // Client credentials: a region, or a token URL with its audience.
  const regional = clientCredentials({ clientId: "id", clientSecret: "secret", tenant: "acme", region: "eu" });
  exact<typeof regional, TokenFunction>(true);
  const custom = clientCredentials({
    clientId: "sandbox-client", clientSecret: "sandbox-secret", tenant: "acme",
    tokenUrl: "http://127.0.0.1:8787/oauth/token", audience: "sandbox.techwolf.ai", scopes: ["export"],
    fetch: (input, init) => fetch(input, init), dangerouslyAllowBrowser: true,
  });
  const token: string | Promise<string> = custom({ refresh: false });
  use(token, new TaskProfilesClient({ baseUrl: "http://127.0.0.1:8787", token: custom }));

  // Errors.
  try {
    await byUrl.exportTaskProfiles().toArray();
  } catch (e) {
    if (e instanceof TaskProfilesError) {
      exact<typeof e.kind, ErrorKind>(true);
      exact<typeof e.name, "TaskProfilesError">(true);
      exact<typeof e.status, number | undefined>(true);
      exact<typeof e.title, string | undefined>(true);
      exact<typeof e.description, string | undefined>(true);
      exact<typeof e.retryAfterMs, number | undefined>(true);
      exact<typeof e.cursor, string | undefined>(true);
      exact<typeof e.records, number | undefined>(true);
      const kinds: ErrorKind[] = ["invalid_params", "auth", "rate_limited", "http", "network", "timeout", "aborted", "protocol", "invalid_input"];
      use(kinds.includes(e.kind), e.message, e.stack, e.cause);
      const asError: Error = e;
      use(asError);
    }
  }

  // Shapes: either shape in, the asked shape out; one record in, one out.
  const hierRecords: HierarchyRecord[] = await byUrl.exportTaskProfiles({ responseFormat: "hierarchy" }).toArray();
  const taxonomy = new TaskTaxonomy().learn(hierRecords);
  exact<typeof taxonomy.size, number>(true);
  const savedTaxonomy: TaskTaxonomyJSON = taxonomy.toJSON();
  const restored: TaskTaxonomy = TaskTaxonomy.fromJSON(savedTaxonomy);
  const lists: ListRecord[] = toList(hierRecords, { keepPath: true });
  const path: PathEntry[] | undefined = lists[0]?.tasks[0]?.path as PathEntry[] | undefined;
  const oneList: ListRecord = toList(hierRecords[0]!);
  const trees: HierarchyRecord[] = toHierarchy(lists, { taxonomy: restored });
  const grouped: HierarchyRecord = toHierarchy(oneList, { groupBy: ["ai_impact_level", "validation_state"] });
  const bytes: Uint8Array = convertPage(new Uint8Array(), { to: "hierarchy", taxonomy, groupBy: ["validation_state"] });
  use(path, trees, grouped, bytes, convertPage("{}", { to: "list", keepPath: true }));

  // Statistics: objects, page bytes, shards, persistence, summary and trees.
  const stats = new TaskStats({ topN: 10 }).add(lists).addPage(bytes).addPage("{}");
  const shard = TaskStats.fromJSON(JSON.stringify(new TaskStats()));
  const saved: TaskStatsJSON = stats.merge(shard).toJSON();
  const summary: StatsSummary = TaskStats.fromJSON(saved).summary();
  exact<typeof summary.topTasks[number], { taskId: string; task: string; employees: number; weeklyHours: number }>(true);
  exact<typeof summary.tasksPerEmployee, { mean: number; p50: number; p90: number; max: number }>(true);
  const byLevel: StatsTreeGroup = stats.tree({ by: ["ai_impact_level"] });
  const byTaxonomy: StatsTreeNode = stats.tree({ taxonomy });
  const fromExport: StatsSummary = await byUrl.exportTaskProfiles({ include: ["weekly_hours"] }).stats({ topN: 5 });
  for await (const page of byUrl.exportTaskProfiles().rawPages({ convertTo: "hierarchy", taxonomy })) {
    const raw: Uint8Array = page;
    use(raw);
  }
  use(byLevel, byTaxonomy, fromExport);
}

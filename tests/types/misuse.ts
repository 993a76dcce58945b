// Every statement below misuses the API and must be a type error: tsc fails on an unused
// `@ts-expect-error`, so this file compiles only while each misuse is caught.
import { TaskStats, TaskTaxonomy, toHierarchy, convertPage, TaskProfilesClient, TaskProfilesError, clientCredentials, type Export, type HierarchyRecord, type ListRecord } from "task-profiles";

declare const client: TaskProfilesClient;
declare const error: TaskProfilesError;
declare const list: Export<ListRecord>;
declare const hierarchy: Export<HierarchyRecord>;

export function misuse(): void {
  // @ts-expect-error limit is a number
  client.exportTaskProfiles({ limit: "100" });
  // @ts-expect-error an unknown include value
  client.exportTaskProfiles({ include: ["salary"] });
  // @ts-expect-error an unknown response format
  client.exportTaskProfiles({ responseFormat: "table" });
  // @ts-expect-error an unknown vendor
  client.exportTaskProfiles({ externalVendor: "oracle" });
  // @ts-expect-error signal must be an AbortSignal
  client.exportTaskProfiles({ signal: new AbortController() });
  // @ts-expect-error startingAfter is a string
  client.exportTaskProfiles({ startingAfter: 42 });
  // @ts-expect-error a filter needs its filter name
  client.exportTaskProfiles({ filters: [{ is_active: true }] });
  // @ts-expect-error an unknown export param
  client.exportTaskProfiles({ pageSize: 10 });
  // @ts-expect-error baseUrl together with tenant
  new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", tenant: "acme", region: "eu", token: "t" });
  // @ts-expect-error tenant without region
  new TaskProfilesClient({ tenant: "acme", token: "t" });
  // @ts-expect-error the fetch option is called with a Request, not a URL string
  new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: "t", fetch: (url: string) => fetch(url) });
  // @ts-expect-error an unknown region
  new TaskProfilesClient({ tenant: "acme", region: "apac", token: "t" });
  // @ts-expect-error the token is required
  new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai" });
  // @ts-expect-error a token function returns a string
  new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: () => 42 });
  // @ts-expect-error retries are a number
  new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: "t", maxRetries: "4" });
  // @ts-expect-error list records have no hierarchy
  void (async () => { for await (const r of list) r.hierarchy.length; })();
  // @ts-expect-error hierarchy records have no tasks
  void (async () => { for await (const r of hierarchy) r.tasks.length; })();
  // @ts-expect-error a field that does not exist on the error
  error.code;
  // @ts-expect-error the error's kind is a known kind
  const kind: "forbidden" = error.kind;
  // @ts-expect-error the error's kind is read-only
  error.kind = "auth";
  // @ts-expect-error the cursor is read-only
  list.cursor = "e0001";
  // @ts-expect-error toArray's max is a number
  void list.toArray({ max: "10" });
  // @ts-expect-error an Export is not constructed by users
  new (list.constructor as typeof Export)();
  // @ts-expect-error client credentials need a region or a token URL
  clientCredentials({ clientId: "id", clientSecret: "secret", tenant: "acme" });
  // @ts-expect-error a token URL needs its audience
  clientCredentials({ clientId: "id", clientSecret: "secret", tenant: "acme", tokenUrl: "https://example.com/oauth/token" });
  // @ts-expect-error the client secret is required
  clientCredentials({ clientId: "id", tenant: "acme", region: "eu" });
  void kind;
  // @ts-expect-error groupBy takes the known dimensions only
  toHierarchy({ external_id: "e", tasks: [] }, { groupBy: ["colour"] });
  // @ts-expect-error convertPage needs the target shape
  convertPage("{}", {});
  // @ts-expect-error a tree groups by dimensions or by a taxonomy, not both
  new TaskStats().tree({ by: ["ai_impact_level"], taxonomy: new TaskTaxonomy() });
  // @ts-expect-error topN is a number
  new TaskStats({ topN: "5" });
  // @ts-expect-error the summary has no field of that name
  void new TaskStats().summary().averageHours;
  // @ts-expect-error merge takes another TaskStats
  new TaskStats().merge({});
}

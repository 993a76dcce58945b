// A Cloudflare Worker that serves a tenant's task profiles, streamed from TechWolf's export:
//   GET /export.csv     one row per employee and task (text/csv), streamed page by page
//   GET /export.ndjson  one record per line, streamed page by page
//   GET /stats          the statistics summary, aggregated in wasm (Export.stats())
// Query parameters: include (comma-separated, or "all"), limit (1..100), format (list|hierarchy),
// active (true|false: only active or only inactive employees).
// Credentials come from the worker's environment (see wrangler.toml and README.md).
import { TaskProfilesClient, TaskProfilesError, clientCredentials } from "task-profiles";

const ALL_INCLUDES = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];

// One client per environment: the token function caches its access token across requests.
const clients = new WeakMap();

/** A configuration problem of the deployment (not of the request). */
class ConfigError extends Error {}

function clientFor(env) {
  let client = clients.get(env);
  if (client) return client;
  try {
    client = newClient(env);
  } catch (e) {
    // The library names the offending option (never its value, so never the secret).
    if (e instanceof TaskProfilesError) throw new ConfigError(`invalid configuration: ${e.message}`);
    throw e;
  }
  clients.set(env, client);
  return client;
}

function newClient(env) {
  const where = env.TASK_PROFILES_BASE_URL
    ? { baseUrl: env.TASK_PROFILES_BASE_URL }
    : { tenant: env.TECHWOLF_TENANT, region: env.TECHWOLF_REGION };
  if (!where.baseUrl && !(where.tenant && where.region)) {
    throw new ConfigError("set TASK_PROFILES_BASE_URL, or TECHWOLF_TENANT and TECHWOLF_REGION");
  }
  let token;
  if (env.TASK_PROFILES_TOKEN) {
    token = env.TASK_PROFILES_TOKEN;
  } else if (env.TECHWOLF_CLIENT_ID && env.TECHWOLF_CLIENT_SECRET) {
    token = clientCredentials({
      clientId: env.TECHWOLF_CLIENT_ID,
      clientSecret: env.TECHWOLF_CLIENT_SECRET,
      tenant: env.TECHWOLF_TENANT,
      ...(env.TECHWOLF_TOKEN_URL
        ? { tokenUrl: env.TECHWOLF_TOKEN_URL, audience: env.TECHWOLF_AUDIENCE }
        : { region: env.TECHWOLF_REGION, ...(env.TECHWOLF_AUDIENCE ? { audience: env.TECHWOLF_AUDIENCE } : {}) }),
    });
  } else {
    throw new ConfigError("set TASK_PROFILES_TOKEN, or TECHWOLF_CLIENT_ID and TECHWOLF_CLIENT_SECRET");
  }
  return new TaskProfilesClient({ ...where, token });
}

/** Export params from the query string; the library validates them (kind invalid_params). */
function paramsFrom(url) {
  const q = url.searchParams;
  const params = {};
  if (q.has("include")) {
    const include = q.get("include");
    params.include = include === "all" ? ALL_INCLUDES : include.split(",").filter(Boolean);
  }
  if (q.has("limit")) params.limit = Number(q.get("limit"));
  if (q.has("format")) params.responseFormat = q.get("format");
  if (q.has("active")) params.filters = [{ filter: "is_active", is_active: q.get("active") !== "false" }];
  return params;
}

/**
 * Reads the stream's first `chunks` chunks before answering, so that an error on the first page
 * (a refused token, an unreachable endpoint) becomes an error status rather than a 200 with a
 * cut body. The rest is pulled as the client reads: one page in memory at a time.
 */
async function started(stream, chunks) {
  const reader = stream.getReader();
  const head = [];
  let done = false;
  while (head.length < chunks && !done) {
    const next = await reader.read();
    if (next.done) done = true;
    else head.push(next.value);
  }
  return new ReadableStream({
    async pull(controller) {
      if (head.length) return controller.enqueue(head.shift());
      if (done) return controller.close();
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

// A bad request is the caller's; anything else went wrong upstream (the token endpoint or the
// export endpoint refused, timed out or broke the contract).
const STATUS = { invalid_params: 400, rate_limited: 503, timeout: 504 };

function errorResponse(e) {
  if (e instanceof TaskProfilesError) {
    // The library's messages never hold the token or the client secret.
    const headers = e.retryAfterMs ? { "retry-after": String(Math.ceil(e.retryAfterMs / 1000)) } : {};
    const body = { error: e.kind, message: e.message, ...(e.status ? { upstreamStatus: e.status } : {}) };
    return Response.json(body, { status: STATUS[e.kind] ?? 502, headers });
  }
  if (e instanceof ConfigError) return Response.json({ error: "config", message: e.message }, { status: 500 });
  return Response.json({ error: "internal", message: "unexpected error" }, { status: 500 });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "GET") return Response.json({ error: "method", message: "only GET" }, { status: 405 });
    try {
      const route = url.pathname;
      if (!["/export.csv", "/export.ndjson", "/stats"].includes(route)) {
        return Response.json({ error: "not_found", message: "try /export.csv, /export.ndjson or /stats" }, { status: 404 });
      }
      const exp = clientFor(env).exportTaskProfiles(paramsFrom(url));
      switch (route) {
        case "/export.csv":
          // The header row, then the first page.
          return new Response(await started(exp.toCsvStream(), 2), { headers: { "content-type": "text/csv; charset=utf-8" } });
        case "/export.ndjson":
          return new Response(await started(exp.toNdjsonStream(), 1), { headers: { "content-type": "application/x-ndjson; charset=utf-8" } });
        case "/stats": {
          return Response.json(await exp.stats());
        }
      }
    } catch (e) {
      if (!(e instanceof TaskProfilesError || e instanceof ConfigError)) console.error(e);
      return errorResponse(e);
    }
  },
};

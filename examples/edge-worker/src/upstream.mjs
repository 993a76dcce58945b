// Everything about reaching TechWolf's export from a worker: the configured client, the access
// token it uses (for routes that call the endpoint themselves), and errors as JSON responses.
// No route logic here: other workers in examples/ import this module for their own routes.
import { TaskProfilesClient, TaskProfilesError, clientCredentials } from "task-profiles";

/** A configuration problem of the deployment (not of the request); its message names the variable. */
export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

// One upstream per environment: { client, token (a string or the client's token function), refused
// (a token the endpoint answered 401 to) }. The token function caches its access token across requests.
const upstreams = new WeakMap();

function upstreamFor(env) {
  let upstream = upstreams.get(env);
  if (upstream) return upstream;
  try {
    upstream = newUpstream(env);
  } catch (e) {
    // The library names the offending option (never its value, so never the secret).
    if (e instanceof TaskProfilesError) throw new ConfigError(`invalid configuration: ${e.message}`);
    throw e;
  }
  upstreams.set(env, upstream);
  return upstream;
}

function newUpstream(env) {
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
  const client = new TaskProfilesClient({ ...where, token, ...maxRetriesFrom(env) });
  return { client, token, refused: undefined };
}

/** `TASK_PROFILES_MAX_RETRIES` as the client's `maxRetries`, when set. */
function maxRetriesFrom(env) {
  const raw = env.TASK_PROFILES_MAX_RETRIES;
  if (raw === undefined || raw === "") return {};
  const value = typeof raw === "number" ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError("TASK_PROFILES_MAX_RETRIES must be a non-negative integer");
  }
  return { maxRetries: value };
}

/** The environment's `TaskProfilesClient` (one per env, so its token is cached across requests). */
export function clientFor(env) {
  return upstreamFor(env).client;
}

/** The export endpoint's base URL (from `TASK_PROFILES_BASE_URL`, or the tenant and region). */
export function upstreamBaseUrl(env) {
  return clientFor(env).baseUrl;
}

/**
 * The access token the client sends (fetched with the client credentials when there is no fixed
 * token); a token reported refused by `dropUpstreamToken` is replaced by a fresh one.
 */
export async function upstreamToken(env) {
  const upstream = upstreamFor(env);
  if (typeof upstream.token === "string") return upstream.token;
  let token = await upstream.token({ refresh: false });
  // Compare rather than flag: concurrent requests refused with the same token renew it once.
  if (upstream.refused !== undefined && token === upstream.refused) token = await upstream.token({ refresh: true });
  upstream.refused = undefined;
  return token;
}

/** Records that the endpoint answered 401 to `token`, so the next `upstreamToken` fetches a new one. */
export function dropUpstreamToken(env, token) {
  const upstream = upstreams.get(env);
  if (upstream && typeof upstream.token !== "string") upstream.refused = token;
}

// A bad request is the caller's; anything else went wrong upstream (the token endpoint or the
// export endpoint refused, timed out or broke the contract).
const STATUS = { invalid_params: 400, rate_limited: 503, timeout: 504 };

/**
 * An error as a JSON `{ error: kind, message }` response with a fitting status; `headers` (e.g.
 * CORS) are added. Library and configuration messages never hold the token or the client secret.
 */
export function errorResponse(e, headers = {}) {
  if (e instanceof TaskProfilesError) {
    const retry = e.retryAfterMs ? { "retry-after": String(Math.ceil(e.retryAfterMs / 1000)) } : {};
    const body = { error: e.kind, message: e.message, ...(e.status ? { upstreamStatus: e.status } : {}) };
    return Response.json(body, { status: STATUS[e.kind] ?? 502, headers: { ...headers, ...retry } });
  }
  if (e instanceof ConfigError) return Response.json({ error: "config", message: e.message }, { status: 500, headers });
  // Unexpected: logged for the operator (no request data in it), not shown to the caller.
  console.error(e);
  return Response.json({ error: "internal", message: "unexpected error" }, { status: 500, headers });
}

// The pass-through export route for browser dashboards: a browser cannot hold the client
// credentials, so its TaskProfilesClient points at `https://<worker>/api` and this route forwards
// the one export request to TechWolf with the worker's own access token.
import { dropUpstreamToken, upstreamBaseUrl, upstreamToken } from "./upstream.mjs";

/** The only proxied path: the vendor's export path under /api (no open proxy). */
export const PROXY_PATH = "/api/export/employees/task_profiles";
const UPSTREAM_PATH = "/export/employees/task_profiles";
/** An export request body is a few hundred bytes; this is far above any legitimate one. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Error bodies are read whole (to redact them); a longer one is cut here. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Until the endpoint's answer starts (the package's own default per request). */
const UPSTREAM_TIMEOUT_MS = 60_000;
/** Caller headers forwarded; everything else (the caller's Authorization above all) stays here. */
const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"];
const FORWARDED_RESPONSE_HEADERS = ["content-type", "retry-after"];

/**
 * POST /api/export/employees/task_profiles?<query>: forwards the query, the JSON body and its
 * content-type/accept with `Authorization: Bearer <the worker's token>`, and streams the answer
 * back (status, body, content-type, retry-after) with `headers` (CORS) added.
 */
export async function proxyExport(request, env, headers) {
  const body = await boundedBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    return Response.json({ error: "too_large", message: `the request body is over ${MAX_BODY_BYTES} bytes` }, { status: 413, headers });
  }
  const target = `${upstreamBaseUrl(env)}${UPSTREAM_PATH}${new URL(request.url).search}`;
  const token = await upstreamToken(env);
  const forwarded = { authorization: `Bearer ${token}` };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) forwarded[name] = value;
  }

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), UPSTREAM_TIMEOUT_MS);
  let upstream;
  try {
    // No redirects: following one could carry the token to another host.
    upstream = await fetch(target, { method: "POST", headers: forwarded, body, redirect: "manual", signal: abort.signal });
  } catch {
    const timedOut = abort.signal.aborted;
    return Response.json(
      { error: timedOut ? "timeout" : "network", message: timedOut ? "the export endpoint did not answer in time" : "the export endpoint could not be reached" },
      { status: timedOut ? 504 : 502, headers });
  } finally {
    clearTimeout(timer);
  }
  // The next request fetches a new token; this one's caller gets the 401 and (as the package does) retries.
  if (upstream.status === 401) dropUpstreamToken(env, token);

  const answer = { ...headers };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) answer[name] = value;
  }
  const answerBody = upstream.status >= 200 && upstream.status < 300 ? upstream.body : await redacted(upstream, token);
  return new Response(answerBody, { status: upstream.status, headers: answer });
}

/** The request body as bytes (`null` when there is none), or `undefined` when it exceeds `max`. */
async function boundedBody(request, max) {
  const declared = Number(request.headers.get("content-length"));
  if (declared > max) return undefined;
  if (request.body === null) return null;
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** An error answer's body with the worker's token blanked: a server that echoes the request must not leak it. */
async function redacted(response, token) {
  if (response.body === null) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (size > MAX_ERROR_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  text += decoder.decode();
  return text.replaceAll(token, "[token]");
}

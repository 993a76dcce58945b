// The worker's own export routes: the tenant's task profiles as CSV, NDJSON or a statistics
// summary, streamed page by page from the export through the package.
import { clientFor } from "./upstream.mjs";

const ALL_INCLUDES = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];

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

const exportOf = (request, env) => clientFor(env).exportTaskProfiles(paramsFrom(new URL(request.url)));

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

/** GET /export.csv: one row per employee and task; the header row and the first page before answering. */
export async function exportCsv(request, env, headers) {
  const body = await started(exportOf(request, env).toCsvStream(), 2);
  return new Response(body, { headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });
}

/** GET /export.ndjson: one record per line. */
export async function exportNdjson(request, env, headers) {
  const body = await started(exportOf(request, env).toNdjsonStream(), 1);
  return new Response(body, { headers: { ...headers, "content-type": "application/x-ndjson; charset=utf-8" } });
}

/** GET /stats: the statistics summary, aggregated from the page bytes in wasm. */
export async function exportStats(request, env, headers) {
  return Response.json(await exportOf(request, env).stats(), { headers });
}

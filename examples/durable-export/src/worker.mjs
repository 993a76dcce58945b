// A Cloudflare Worker that exports a whole tenant's task profiles durably, on Cloudflare Workflows
// (one step per batch of pages, retried on failure) with the results in R2:
//   POST   /exports                     start an export (export params as JSON); answers its id
//   GET    /exports/:id                 status and progress (records, pages, parts, cursor, retries)
//   DELETE /exports/:id                 terminate it; POST /exports { "continues": id } finishes it later
//   GET    /exports/:id/summary         the statistics summary (TaskStats.summary()), once complete
//   GET    /exports/:id/tree            the statistics tree (TaskStats.tree())
//   GET    /exports/:id/export.csv      every row, one header: the parts concatenated
//   GET    /exports/:id/export.ndjson   every record, one per line
// Authentication, CORS and upstream credentials are the edge worker's (../../edge-worker/src/).
import { admit, corsHeaders } from "../../edge-worker/src/auth.mjs";
import { errorResponse } from "../../edge-worker/src/upstream.mjs";
import { EXPORT_ID } from "./jobs.mjs";
import { RequestError } from "./request-error.mjs";
import { createExport, exportFile, showExport, summaryFile, terminateExport, treeFile } from "./routes.mjs";

export { DurableExport } from "./workflow.mjs";

/** [path pattern, { method: handler(request, env, corsHeaders, id) }]; `id` is the pattern's group. */
const ROUTES = [
  [/^\/exports$/, { POST: createExport }],
  [/^\/exports\/([^/]+)$/, { GET: showExport, DELETE: terminateExport }],
  [/^\/exports\/([^/]+)\/summary$/, { GET: summaryFile }],
  [/^\/exports\/([^/]+)\/tree$/, { GET: treeFile }],
  [/^\/exports\/([^/]+)\/export\.csv$/, { GET: exportFile("csv") }],
  [/^\/exports\/([^/]+)\/export\.ndjson$/, { GET: exportFile("ndjson") }],
];

export default {
  async fetch(request, env) {
    const cors = corsHeaders(request, env);
    try {
      const stopped = await admit(request, env);
      if (stopped) return stopped;

      const { pathname } = new URL(request.url);
      const found = ROUTES.map(([pattern, methods]) => [pattern.exec(pathname), methods]).find(([match]) => match);
      if (!found) throw new RequestError(404, "not_found", "try POST /exports, then GET /exports/:id");
      const [[, id], methods] = found;
      if (id !== undefined && !EXPORT_ID.test(id)) throw new RequestError(404, "not_found", "there is no such export");
      // hasOwn: a method named like an Object.prototype member must not find one.
      const handler = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
      if (!handler) {
        const allowed = Object.keys(methods).join(", ");
        return Response.json({ error: "method", message: `only ${allowed}` }, { status: 405, headers: { ...cors, allow: allowed } });
      }
      return await handler(request, env, cors, id);
    } catch (e) {
      if (e instanceof RequestError) return e.toResponse(cors);
      return errorResponse(e, cors);
    }
  },
};

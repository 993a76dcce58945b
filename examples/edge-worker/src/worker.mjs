// A Cloudflare Worker that serves a tenant's task profiles, streamed from TechWolf's export:
//   GET  /export.csv     one row per employee and task (text/csv), streamed page by page
//   GET  /export.ndjson  one record per line, streamed page by page
//   GET  /stats          the statistics summary, aggregated in wasm (Export.stats())
//   POST /api/export/employees/task_profiles   the export endpoint itself, for browser dashboards
// Every route authenticates its caller first (auth.mjs); upstream credentials come from the
// worker's environment (upstream.mjs, wrangler.toml and README.md).
import { admit, corsHeaders } from "./auth.mjs";
import { exportCsv, exportNdjson, exportStats } from "./export-routes.mjs";
import { PROXY_PATH, proxyExport } from "./proxy.mjs";
import { errorResponse } from "./upstream.mjs";

/** path -> { method: handler(request, env, corsHeaders) → Response } */
const ROUTES = {
  "/export.csv": { GET: exportCsv },
  "/export.ndjson": { GET: exportNdjson },
  "/stats": { GET: exportStats },
  [PROXY_PATH]: { POST: proxyExport },
};

export default {
  async fetch(request, env) {
    const cors = corsHeaders(request, env);
    try {
      const stopped = await admit(request, env);
      if (stopped) return stopped;

      const { pathname } = new URL(request.url);
      const route = Object.hasOwn(ROUTES, pathname) ? ROUTES[pathname] : undefined;
      if (!route) {
        const message = pathname.startsWith("/api/")
          ? `only POST ${PROXY_PATH} is passed through`
          : "try /export.csv, /export.ndjson or /stats";
        return Response.json({ error: "not_found", message }, { status: 404, headers: cors });
      }
      // hasOwn: a method named like an Object.prototype member must not find one.
      const handler = Object.hasOwn(route, request.method) ? route[request.method] : undefined;
      if (!handler) {
        const allowed = Object.keys(route).join(", ");
        return Response.json({ error: "method", message: `only ${allowed}` }, { status: 405, headers: { ...cors, allow: allowed } });
      }
      return await handler(request, env, cors);
    } catch (e) {
      return errorResponse(e, cors);
    }
  },
};

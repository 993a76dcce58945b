// Serves GET /dashboard-config.json from Vite's dev and preview servers: the sandbox that
// `make dashboard` started, so that the Connect panel is prefilled. The token travels in this
// same-origin response body, never in a URL, and nothing is served unless the variables are set.
import type { Connect, Plugin } from "vite";

/** The route the page asks (see src/panels/connect-config.ts). */
export const CONFIG_PATH = "/dashboard-config.json";

/** What the page receives: the sandbox's base URL, its token and how many employees it serves. */
export interface DashboardConfig {
  sandbox: { baseUrl: string; token: string; employees: number | null };
}

/** The config from DASHBOARD_SANDBOX_URL, DASHBOARD_SANDBOX_TOKEN and DASHBOARD_SANDBOX_EMPLOYEES, or null. */
export function configFromEnv(env: NodeJS.ProcessEnv): DashboardConfig | null {
  const baseUrl = env.DASHBOARD_SANDBOX_URL;
  if (!baseUrl) return null;
  const employees = Number(env.DASHBOARD_SANDBOX_EMPLOYEES);
  return {
    sandbox: {
      baseUrl,
      token: env.DASHBOARD_SANDBOX_TOKEN ?? "sandbox-token",
      employees: Number.isInteger(employees) && employees > 0 ? employees : null,
    },
  };
}

function middleware(config: DashboardConfig | null): Connect.NextHandleFunction {
  return (req, res, next) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== CONFIG_PATH) return next();
    res.setHeader("cache-control", "no-store");
    if (!config) {
      res.statusCode = 204;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(config));
  };
}

/** The Vite plugin: the same endpoint on `vite` (dev) and `vite preview`. */
export function dashboardConfig(config = configFromEnv(process.env)): Plugin {
  return {
    name: "task-profiles-dashboard-config",
    configureServer(server) {
      server.middlewares.use(middleware(config));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(config));
    },
  };
}

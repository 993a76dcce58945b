// OAuth 2.0 client credentials: a token function for `TaskProfilesClient`'s `token` option.
// JavaScript, because it is a small fetch-and-cache around the caller's secret that needs nothing
// from the core, and keeping it here keeps secrets out of wasm memory altogether.
import { TaskProfilesError, invalid } from "./errors.js";

const TOKEN_ENDPOINTS = {
  eu: { tokenUrl: "https://techwolf.eu.auth0.com/oauth/token", audience: "eu3.techwolf.ai" },
  us: { tokenUrl: "https://techwolf-us.us.auth0.com/oauth/token", audience: "us3.techwolf.ai" },
};
// A token is replaced this long before it expires, so no request goes out with a token about to lapse.
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials: returns a token function for `TaskProfilesClient`'s `token`.
 * It caches the token until 60 s before it expires, shares one request among concurrent callers,
 * fetches a new one when asked to refresh (after a 401), and never puts the secret or the token
 * into an error.
 */
export function clientCredentials(options) {
  if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
  const { clientId, clientSecret, tenant, region, tokenUrl, audience, scopes, fetch, dangerouslyAllowBrowser, ...unknown } = options;
  const extra = Object.keys(unknown);
  if (extra.length) throw invalid(extra[0], "unknown option of clientCredentials");
  if (typeof window !== "undefined" && typeof document !== "undefined" && dangerouslyAllowBrowser !== true) {
    throw invalid("clientSecret", "client credentials in a browser page expose the secret to every visitor: get tokens on a server or an edge worker (or pass dangerouslyAllowBrowser: true if this page is not public)");
  }
  for (const [name, value] of [["clientId", clientId], ["clientSecret", clientSecret], ["tenant", tenant]]) {
    if (typeof value !== "string" || value.length === 0) throw invalid(name, "expected a non-empty string");
  }
  if (region !== undefined && !(region in TOKEN_ENDPOINTS)) throw invalid("region", `expected "eu" or "us", got ${JSON.stringify(region)}`);
  if (tokenUrl !== undefined) checkTokenUrl(tokenUrl);
  if (region === undefined && tokenUrl === undefined) throw invalid("region", "give region (\"eu\" or \"us\") or tokenUrl");
  const endpoint = { ...TOKEN_ENDPOINTS[region], ...(tokenUrl ? { tokenUrl } : {}), ...(audience ? { audience } : {}) };
  if (typeof endpoint.audience !== "string") throw invalid("audience", "required with tokenUrl");
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((x) => typeof x === "string"))) throw invalid("scopes", "expected an array of strings");
  if (fetch !== undefined && typeof fetch !== "function") throw invalid("fetch", "expected a fetch function");

  let cached; // { token, expiresAt }
  let inFlight;

  async function request() {
    const f = fetch ?? globalThis.fetch;
    let response;
    let text;
    try {
      response = await f(endpoint.tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          client_id: clientId, client_secret: clientSecret, audience: endpoint.audience,
          grant_type: "client_credentials", tenant, ...(scopes ? { scopes } : {}),
        }),
      });
      text = await response.text();
    } catch (e) {
      throw new TaskProfilesError({ kind: "network", message: `the token endpoint could not be reached: ${describeCause(e).replaceAll(clientSecret, "[secret]")}` });
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      // A token endpoint that echoes the request must not put the secret into an error.
      const redacted = (v) => (typeof v === "string" ? v.replaceAll(clientSecret, "[secret]") : undefined);
      const title = redacted(body?.error);
      const description = redacted(body?.error_description);
      throw new TaskProfilesError({
        kind: response.status === 429 ? "rate_limited" : response.status >= 500 ? "http" : "auth",
        status: response.status, title, description,
        message: `the token endpoint refused the client credentials: HTTP ${response.status}${title ? ` ${title}` : ""}${description ? `: ${description}` : ""}`,
      });
    }
    if (typeof body?.access_token !== "string" || body.access_token.length === 0 || !(Number(body.expires_in) > 0)) {
      throw new TaskProfilesError({ kind: "protocol", status: response.status, message: "the token endpoint's answer has no access_token with a positive expires_in" });
    }
    return { token: body.access_token, expiresAt: Date.now() + Number(body.expires_in) * 1000 - TOKEN_EXPIRY_MARGIN_MS };
  }

  return async function token({ refresh = false } = {}) {
    if (refresh) cached = undefined;
    if (cached && Date.now() < cached.expiresAt) return cached.token;
    inFlight ??= request().then(
      (fresh) => { cached = fresh; inFlight = undefined; return fresh.token; },
      (error) => { inFlight = undefined; throw error; },
    );
    return inFlight;
  };
}

/** A fetch failure as text: its message and the code of its cause (`ECONNREFUSED`). */
function describeCause(e) {
  if (e === null || typeof e !== "object") return String(e);
  const inner = e.cause && typeof e.cause === "object" && e.cause.message ? ` (${e.cause.code ?? e.cause.message})` : "";
  return `${e.message ?? String(e)}${inner}`;
}

/**
 * `tokenUrl` must be one a client secret may be sent to, as the Rust client checks `baseUrl`
 * (`core/src/export/client_config.rs`): https, or http to a loopback host only, no user info.
 */
function checkTokenUrl(url) {
  const m = typeof url === "string" ? /^(https?):\/\/([^/?#\s]+)[^\s]*$/.exec(url) : null;
  if (!m) throw invalid("tokenUrl", "expected an https:// URL");
  const [, scheme, authority] = m;
  if (authority.includes("@")) throw invalid("tokenUrl", "user:password@ in a URL is refused: it would go, and be logged, with every request");
  const host = authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.replace(/:\d*$/, "");
  const loopback = host.toLowerCase() === "localhost" || host === "[::1]" || /^127\.(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){2}$/.test(host);
  if (scheme === "http" && !loopback) {
    throw invalid("tokenUrl", "http:// sends the client secret in clear text: use https:// (http:// only for localhost, 127.0.0.0/8, [::1])");
  }
}

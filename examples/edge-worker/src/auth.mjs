// Who may call the worker, and from which browser origins. Every route runs `authorize` first:
// a Cloudflare Access JWT (people, through Access) or an API key (machines), else nobody; only
// with neither configured and ALLOW_ANONYMOUS_DEV="true" is everyone let in (local development).
// No route logic here: other workers in examples/ import this module for their own routes.
import { AccessKeysUnavailable, verifyAccessJwt } from "./access.mjs";

const ACCESS_HEADER = "cf-access-jwt-assertion";
const ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS"; // DELETE: terminating a durable export
const ALLOWED_HEADERS = "authorization, content-type, cf-access-jwt-assertion";
/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * `null` when the request may proceed, else the JSON response refusing it: 401 when it carries no
 * credential, 403 when none it carries is valid (the same answer whatever was wrong), 500 when
 * the worker's authentication is not configured, 503 when Access's signing keys are unreachable.
 * Responses carry the CORS headers of an allowed origin, so a browser can read them.
 */
export async function authorize(request, env) {
  const cors = corsHeaders(request, env);
  let config;
  try {
    config = authConfig(env);
  } catch (e) {
    return Response.json({ error: "config", message: e.message }, { status: 500, headers: cors });
  }
  if (!config.access && !config.apiKey) return null; // ALLOW_ANONYMOUS_DEV, checked by authConfig

  const jwt = config.access ? request.headers.get(ACCESS_HEADER) : null;
  const bearer = config.apiKey ? request.headers.get("authorization") : null;
  if (jwt === null && bearer === null) {
    const expected = [
      ...(config.access ? ["Cf-Access-Jwt-Assertion (sign in through Cloudflare Access)"] : []),
      ...(config.apiKey ? ["Authorization: Bearer <API key>"] : []),
    ].join(" or ");
    const challenge = config.apiKey ? { "www-authenticate": 'Bearer realm="task-profiles"' } : {};
    return Response.json({ error: "unauthenticated", message: `send ${expected}` }, { status: 401, headers: { ...cors, ...challenge } });
  }
  // Either credential suffices: behind Access a dashboard sends a valid JWT and any bearer token.
  if (bearer !== null && (await apiKeyMatches(bearer, config.apiKey))) return null;
  if (jwt !== null) {
    try {
      if (await verifyAccessJwt(jwt, config.access)) return null;
    } catch (e) {
      if (!(e instanceof AccessKeysUnavailable)) throw e;
      console.error(e.message); // the certs URL and what failed; nothing of the request
      return Response.json({ error: "auth_unavailable", message: "Cloudflare Access's signing keys could not be fetched; try again shortly" },
        { status: 503, headers: { ...cors, "retry-after": "30" } });
    }
  }
  return Response.json({ error: "forbidden", message: "the credential presented is not accepted" }, { status: 403, headers: cors });
}

/**
 * `{ access: { teamDomain, audience } | undefined, apiKey: string | undefined }` from the env;
 * throws (message naming the variables) when it is incomplete, or empty without ALLOW_ANONYMOUS_DEV.
 */
function authConfig(env) {
  const { ACCESS_TEAM_DOMAIN: domain, ACCESS_AUD: audience, API_KEY: apiKey } = env;
  if (Boolean(domain) !== Boolean(audience)) {
    throw new Error(`${domain ? "ACCESS_TEAM_DOMAIN is set but ACCESS_AUD is not" : "ACCESS_AUD is set but ACCESS_TEAM_DOMAIN is not"}: set both for Cloudflare Access`);
  }
  if (apiKey !== undefined && (typeof apiKey !== "string" || apiKey.length === 0)) throw new Error("API_KEY must be a non-empty string");
  if (!domain && !apiKey && env.ALLOW_ANONYMOUS_DEV !== "true") {
    throw new Error("the worker refuses every request until callers can be authenticated: set ACCESS_TEAM_DOMAIN and ACCESS_AUD (Cloudflare Access), or API_KEY (a secret), or ALLOW_ANONYMOUS_DEV=\"true\" for local development only");
  }
  return { access: domain ? { teamDomain: teamDomainUrl(domain), audience } : undefined, apiKey: apiKey || undefined };
}

/** `https://<team>.cloudflareaccess.com` (the JWT's `iss`) from the variable, with or without scheme. */
function teamDomainUrl(value) {
  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error("ACCESS_TEAM_DOMAIN must be a URL such as https://<team>.cloudflareaccess.com");
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  // The signing keys are fetched from there: over http a network attacker could swap them.
  if (!(url.protocol === "https:" || (url.protocol === "http:" && loopback)) || url.username || url.search || url.hash || url.pathname !== "/") {
    throw new Error("ACCESS_TEAM_DOMAIN must be https://<team>.cloudflareaccess.com (an origin, https only)");
  }
  return url.origin;
}

// A random HMAC key per isolate (made on first use: workerd forbids randomness at module load).
let hmacKey;

/**
 * Whether the bearer token of `authorization` equals `apiKey`, in time independent of where they
 * differ and of their lengths: both are HMAC'd with a random key and the fixed-size digests compared.
 */
async function apiKeyMatches(authorization, apiKey) {
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  const presented = match ? match[1] : "";
  hmacKey ??= crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const key = await hmacKey;
  const encode = (text) => new TextEncoder().encode(text);
  const [a, b] = await Promise.all([presented, apiKey].map(async (text) => new Uint8Array(await crypto.subtle.sign("HMAC", key, encode(text)))));
  const equal = typeof crypto.subtle.timingSafeEqual === "function" ? crypto.subtle.timingSafeEqual(a, b) : a.every((byte, i) => byte === b[i]);
  return equal && match !== null;
}

/** The configured browser origins (`CORS_ORIGINS`, comma-separated, exact `scheme://host[:port]`). */
function allowedOrigins(env) {
  return String(env.CORS_ORIGINS ?? "").split(",").map((origin) => origin.trim()).filter((origin) => origin && origin !== "*" && origin !== "null");
}

/**
 * CORS headers for the request's `Origin`: that origin echoed (never `*`) with `Vary: Origin`
 * when it is listed in `CORS_ORIGINS`, else none. Add them to every response, errors included.
 */
export function corsHeaders(request, env) {
  const origin = request.headers.get("origin");
  if (origin === null || !allowedOrigins(env).includes(origin)) return {};
  // retry-after is not a CORS-safelisted response header: exposed so a browser client can back off.
  return { "access-control-allow-origin": origin, vary: "Origin", "access-control-expose-headers": "retry-after" };
}

/**
 * What every route runs first: the answer to a request that goes no further (a CORS preflight,
 * or a caller `authorize` refuses), else `null`.
 */
export async function admit(request, env) {
  return preflight(request, env) ?? (await authorize(request, env));
}

/**
 * The answer to an `OPTIONS` request (a CORS preflight), else `null`: 204 with the allowed methods
 * and headers for an origin in `CORS_ORIGINS`, 403 otherwise. Preflights carry no credentials.
 */
export function preflight(request, env) {
  if (request.method !== "OPTIONS") return null;
  const cors = corsHeaders(request, env);
  if (!cors["access-control-allow-origin"]) {
    return Response.json({ error: "cors", message: "this origin is not allowed to call the worker" }, { status: 403 });
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": String(PREFLIGHT_MAX_AGE_S),
    },
  });
}

// Cloudflare Access: verifies the `Cf-Access-Jwt-Assertion` JWT (RS256) against the team's
// signing keys, fetched from `${teamDomain}/cdn-cgi/access/certs` and cached in module scope.

/** How long fetched signing keys are trusted before they are fetched again. */
const JWKS_TTL_MS = 10 * 60_000;
/**
 * An unknown `kid` refetches the keys (Access rotates them), but at most this often: otherwise
 * every forged token with a made-up `kid` would make the worker hit the certs endpoint.
 */
const UNKNOWN_KID_REFETCH_MS = 30_000;
const JWKS_TIMEOUT_MS = 5_000;
/** Tolerated clock difference between Access and the worker for `exp` and `nbf`. */
const CLOCK_SKEW_S = 60;
/** Access tokens are around 1 KiB; anything far larger is refused before parsing. */
const MAX_JWT_LENGTH = 16 * 1024;

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

/** The certs endpoint could not be reached or answered nonsense: no decision about the token is possible. */
export class AccessKeysUnavailable extends Error {}

// certs URL -> { keys: Map<kid, CryptoKey>, fetchedAt, unknownKidRefetchAt, pending }
const jwksCache = new Map();

/**
 * Whether `jwt` is a valid Access token for `audience` issued by `teamDomain` (a normalised
 * `https://<team>.cloudflareaccess.com`). Says only yes or no: why a token failed is no business
 * of the caller's. Throws AccessKeysUnavailable when the signing keys cannot be fetched.
 */
export async function verifyAccessJwt(jwt, { teamDomain, audience }) {
  const parts = typeof jwt === "string" && jwt.length <= MAX_JWT_LENGTH ? jwt.split(".") : [];
  if (parts.length !== 3) return false;
  const [header, claims] = [decodeJson(parts[0]), decodeJson(parts[1])];
  const signature = decodeBase64Url(parts[2]);
  // Only RS256: `none`, HS256 (the public key as an HMAC secret) and anything else are refused.
  if (!header || !claims || !signature || header.alg !== "RS256" || typeof header.kid !== "string") return false;
  const key = await signingKey(`${teamDomain}/cdn-cgi/access/certs`, header.kid);
  if (!key) return false;
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  if (!(await crypto.subtle.verify(RS256, key, signature, signed))) return false;
  return claimsValid(claims, { teamDomain, audience });
}

function claimsValid(claims, { teamDomain, audience }) {
  const now = Date.now() / 1000;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== teamDomain || !audiences.includes(audience)) return false;
  if (typeof claims.exp !== "number" || now > claims.exp + CLOCK_SKEW_S) return false;
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || now < claims.nbf - CLOCK_SKEW_S)) return false;
  return true;
}

/** The key `kid` from the cached keys, refetched when stale or (rate-limited) when `kid` is unknown. */
async function signingKey(certsUrl, kid) {
  let entry = jwksCache.get(certsUrl);
  if (!entry) {
    entry = { keys: new Map(), fetchedAt: -Infinity, unknownKidRefetchAt: -Infinity, pending: undefined };
    jwksCache.set(certsUrl, entry);
  }
  const stale = Date.now() - entry.fetchedAt > JWKS_TTL_MS;
  if (stale) await refresh(certsUrl, entry);
  if (!stale && !entry.keys.has(kid) && Date.now() - entry.unknownKidRefetchAt > UNKNOWN_KID_REFETCH_MS) {
    entry.unknownKidRefetchAt = Date.now();
    await refresh(certsUrl, entry);
  }
  return entry.keys.get(kid);
}

/** Refetches the keys once for all concurrent callers; on failure keeps keys fetched before, if any. */
async function refresh(certsUrl, entry) {
  entry.pending ??= fetchKeys(certsUrl).then(
    (keys) => { entry.keys = keys; entry.fetchedAt = Date.now(); },
    (error) => {
      if (entry.keys.size === 0) throw error;
      // Access briefly unreachable: keep verifying with the keys we have rather than lock everyone
      // out, and try again in a while rather than on every request.
      entry.fetchedAt = Date.now() - JWKS_TTL_MS + UNKNOWN_KID_REFETCH_MS;
      console.warn(`Cloudflare Access keys not refreshed, using the cached ones: ${error.message}`);
    },
  ).finally(() => { entry.pending = undefined; });
  return entry.pending;
}

async function fetchKeys(certsUrl) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), JWKS_TIMEOUT_MS);
  let body;
  try {
    const response = await fetch(certsUrl, { headers: { accept: "application/json" }, signal: abort.signal });
    if (!response.ok) throw new AccessKeysUnavailable(`${certsUrl} answered HTTP ${response.status}`);
    body = await response.json();
  } catch (e) {
    if (e instanceof AccessKeysUnavailable) throw e;
    throw new AccessKeysUnavailable(`${certsUrl} could not be fetched: ${e.message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!Array.isArray(body?.keys)) throw new AccessKeysUnavailable(`${certsUrl} answered without a "keys" array`);
  const keys = new Map();
  for (const jwk of body.keys) {
    if (jwk?.kty !== "RSA" || typeof jwk.kid !== "string" || (jwk.alg !== undefined && jwk.alg !== "RS256")) continue;
    try {
      const key = await crypto.subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true }, RS256, false, ["verify"]);
      keys.set(jwk.kid, key);
    } catch {
      // A malformed key cannot verify anything; the others still can.
    }
  }
  if (keys.size === 0) throw new AccessKeysUnavailable(`${certsUrl} holds no RS256 key`);
  return keys;
}

function decodeBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function decodeJson(text) {
  const bytes = decodeBase64Url(text);
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

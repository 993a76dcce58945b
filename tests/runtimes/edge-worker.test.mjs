// examples/edge-worker under workerd (Miniflare), with the packed package installed as a user
// installs it and bundled as wrangler bundles it, against sandboxes: its three routes with client
// credentials from the sandbox's token endpoint, its errors, its callers' authentication (a
// Cloudflare Access JWT or an API key), CORS, the pass-through export route used by a Node
// TaskProfilesClient, and a 10,000-employee CSV streamed with flat memory in the workerd process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile, readdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "csv-parse/sync";
import { parse as parseStream } from "csv-parse";
import { TaskProfilesClient } from "task-profiles";
import { digestIds } from "./scenario.mjs";
import {
  ROOT, SANDBOX_TOKEN, bundleWorker, cleanup, localServer, makeProject, mib, onCleanup, packPackage, rssBytes,
  startMiniflare, startSandbox, walkSandbox, workerdChildren,
} from "./helpers.mjs";

const WORKER_DIR = path.join(ROOT, "examples/edge-worker/src");
const ALL = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];
const SECRET = "sandbox-secret";
const BIG = 10_000;
const API_KEY = "edge-test-api-key-5d0c8e1f7a93";
const AUTH = { authorization: `Bearer ${API_KEY}` };
const DASHBOARD = "https://dashboard.example";
const ACCESS_AUD = "4714d5d3c2a1b0e9f8a7d6c5b4a3f2e1";
const PROXY = "/api/export/employees/task_profiles";
const MAX_BODY = 64 * 1024;

let sandbox;
let modules;
let mf;
let recorder;
let jwks;
let limited;

/** The worker's environment with client credentials for the sandbox at `url`. */
const credentialsEnv = (url, extra = {}) => ({
  TASK_PROFILES_BASE_URL: url,
  TECHWOLF_TENANT: "acme",
  TECHWOLF_CLIENT_ID: "sandbox-client",
  TECHWOLF_CLIENT_SECRET: SECRET,
  TECHWOLF_TOKEN_URL: `${url}/oauth/token`,
  TECHWOLF_AUDIENCE: "sandbox.techwolf.ai",
  ...extra,
});
const serverStats = async (url) => (await fetch(`${url}/stats`)).json();

/**
 * A stand-in for TechWolf in front of `target` (a sandbox): records every request that reaches it,
 * and answers 401 to revoked tokens with a body that echoes the token, as a careless server might.
 */
async function recordingUpstream(target) {
  const requests = [];
  const revoked = new Set();
  const url = await localServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (req.url.startsWith("/export/") && revoked.has(token)) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ title: "Unauthorized", description: `the token ${token} was revoked` }));
        return;
      }
      const headers = Object.fromEntries(["authorization", "content-type", "accept"].filter((n) => req.headers[n]).map((n) => [n, req.headers[n]]));
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === "POST" ? body : undefined });
      res.writeHead(answer.status, Object.fromEntries(["content-type", "retry-after"].filter((n) => answer.headers.has(n)).map((n) => [n, answer.headers.get(n)])));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (e) {
      res.writeHead(599).end(String(e));
    }
  });
  return {
    url,
    requests,
    revoke: (token) => revoked.add(token),
    /** Requests for export pages (not for tokens). */
    exportRequests: () => requests.filter((r) => r.url.startsWith("/export/")),
    /** The bearer tokens export requests carried. */
    exportTokens: () => new Set(requests.filter((r) => r.url.startsWith("/export/")).map((r) => r.headers.authorization?.replace(/^Bearer /, ""))),
  };
}

/** Cloudflare Access's certs endpoint: serves `keys` (public JWKs) and counts fetches. */
async function accessCerts() {
  const state = { keys: [], hits: 0 };
  state.url = await localServer((req, res) => {
    if (req.url !== "/cdn-cgi/access/certs") return res.writeHead(404).end();
    state.hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: state.keys, public_cert: {}, public_certs: [] }));
  });
  return state;
}

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const b64url = (data) => Buffer.from(typeof data === "string" ? data : new Uint8Array(data)).toString("base64url");

/** An RSA signing key pair and its public JWK under `kid`, as Access publishes it. */
async function accessKey(kid) {
  const pair = await crypto.subtle.generateKey({ ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { kid, privateKey: pair.privateKey, jwk: { kid, kty: "RSA", alg: "RS256", use: "sig", e: jwk.e, n: jwk.n } };
}

/** A JWT over `claims` signed RS256 by `key` (the header may be overridden, e.g. another kid). */
async function signJwt(key, claims, header = {}) {
  const signed = `${b64url(JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT", ...header }))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${b64url(await crypto.subtle.sign(RS256, key.privateKey, new TextEncoder().encode(signed)))}`;
}

/** Claims of a valid Access token for the test's team and audience, with `overrides`. */
function accessClaims(overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { aud: [ACCESS_AUD], email: "analyst@acme.example", exp: now + 600, iat: now - 5, nbf: now - 5, iss: jwks.url, sub: "7f3e", type: "app", ...overrides };
}

before(async () => {
  const { tarball } = await packPackage();
  sandbox = await startSandbox(["--employees", "640", "--seed", "5"]);
  onCleanup(sandbox.stop);
  limited = await startSandbox(["--employees", "20", "--fail-429", "1", "--retry-after-secs", "7"]);
  onCleanup(limited.stop);
  recorder = await recordingUpstream(sandbox.url);
  jwks = await accessCerts();

  // Every module of the worker, as wrangler would bundle them from src/.
  const sources = {};
  for (const name of await readdir(WORKER_DIR)) sources[`src/${name}`] = await readFile(path.join(WORKER_DIR, name), "utf8");
  const dir = await makeProject("edge-worker", tarball, sources);
  const bundle = await bundleWorker(path.join(dir, "src/worker.mjs"));
  assert.ok(bundle.inputs.includes("../node_modules/task-profiles/index.workerd.mjs"), `the workerd entry: ${bundle.inputs.join(", ")}`);
  modules = bundle.modules;
  const apiKey = { API_KEY: API_KEY };
  // Each worker answers on `http://<name>.example` through mf.dispatchFetch (getWorker(…).fetch
  // goes through Miniflare's /cdn-cgi/ proxy, which refuses an Origin other than localhost).
  const named = (workers) => workers.map((worker) => ({ ...worker, routes: [`${worker.name}.example/*`] }));
  mf = await startMiniflare({
    workers: named([
      // The first worker answers on Miniflare's URL: the Node client of the proxy test calls it over HTTP.
      { name: "edge", modules, bindings: credentialsEnv(recorder.url, { ...apiKey, CORS_ORIGINS: `https://other.example, ${DASHBOARD}` }) },
      // Both methods configured; the development flag must not open a configured worker.
      { name: "access", modules, bindings: credentialsEnv(sandbox.url, { ...apiKey, ACCESS_TEAM_DOMAIN: jwks.url, ACCESS_AUD, ALLOW_ANONYMOUS_DEV: "true" }) },
      { name: "wrong-secret", modules, bindings: credentialsEnv(sandbox.url, { ...apiKey, TECHWOLF_CLIENT_SECRET: "not-the-secret-4711" }) },
      { name: "no-credentials", modules, bindings: { ...apiKey, TASK_PROFILES_BASE_URL: sandbox.url } },
      { name: "unconfigured", modules, bindings: credentialsEnv(sandbox.url, { CORS_ORIGINS: DASHBOARD }) },
      { name: "half-access", modules, bindings: credentialsEnv(sandbox.url, { ACCESS_AUD }) },
      { name: "almost-anonymous", modules, bindings: credentialsEnv(sandbox.url, { ALLOW_ANONYMOUS_DEV: "1" }) },
      { name: "anonymous-dev", modules, bindings: credentialsEnv(sandbox.url, { ALLOW_ANONYMOUS_DEV: "true" }) },
      { name: "rate-limited", modules, bindings: credentialsEnv(limited.url, apiKey) },
      { name: "no-retries", modules, bindings: credentialsEnv(limited.url, { ...apiKey, TASK_PROFILES_MAX_RETRIES: "0" }) },
      { name: "bad-retries", modules, bindings: credentialsEnv(sandbox.url, { ...apiKey, TASK_PROFILES_MAX_RETRIES: "two" }) },
      { name: "http-access", modules, bindings: credentialsEnv(sandbox.url, { ACCESS_TEAM_DOMAIN: "http://acme.cloudflareaccess.com", ACCESS_AUD }) },
      // Nothing listens on port 9 of 127.0.0.1 (discard): the certs cannot be fetched.
      { name: "access-down", modules, bindings: credentialsEnv(sandbox.url, { ACCESS_TEAM_DOMAIN: "http://127.0.0.1:9", ACCESS_AUD }) },
    ]),
  });
});

after(cleanup);

/** A request to a worker (with the API key unless `headers` say otherwise); no answer may allow origin `*`. */
async function call(worker, route, { method = "GET", headers = AUTH, body } = {}) {
  const response = await mf.dispatchFetch(`http://${worker}.example${route}`, { method, headers, body });
  const text = await response.text();
  assert.notEqual(response.headers.get("access-control-allow-origin"), "*", `${worker} ${method} ${route}: ACAO must never be *`);
  return { status: response.status, headers: response.headers, type: response.headers.get("content-type"), text, json: () => JSON.parse(text) };
}
const get = (route, worker = "edge") => call(worker, route);
/** The cheapest authorised round trip: one proxied page of one employee. */
const onePage = (worker, headers) => call(worker, PROXY, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"limit":1}' });

test("GET /export.csv, /export.ndjson and /stats with client credentials: the whole export, one token", async () => {
  const expected = await walkSandbox(sandbox.url, { include: ALL });
  const before = await serverStats(sandbox.url);

  const csv = await get("/export.csv?include=all");
  assert.equal(csv.status, 200, csv.text);
  assert.equal(csv.type, "text/csv; charset=utf-8");
  const rows = parse(csv.text, { columns: true, record_delimiter: "\r\n" });
  assert.equal(rows.length, expected.csvRows, "one row per employee and non-rejected task, or one for an employee without");
  assert.equal(new Set(rows.map((r) => r.external_id)).size, expected.ids.length, "every employee");
  assert.equal(rows[0].external_id, expected.ids[0]);

  const ndjson = await get("/export.ndjson?format=hierarchy&limit=37");
  assert.equal(ndjson.status, 200, ndjson.text);
  assert.equal(ndjson.type, "application/x-ndjson; charset=utf-8");
  const records = ndjson.text.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.equal(digestIds(records.map((r) => r.external_id)), digestIds(expected.ids), "every employee once, in order");
  assert.ok(records.every((r) => Array.isArray(r.hierarchy)), "the hierarchy format");

  const stats = await get("/stats");
  assert.equal(stats.status, 200, stats.text);
  const plain = await walkSandbox(sandbox.url);
  const summary = JSON.parse(stats.text);
  assert.equal(summary.employees, plain.ids.length);
  assert.equal(summary.tasks, plain.tasks);
  assert.ok(summary.topTasks.length > 0 && summary.aiImpact, stats.text.slice(0, 300));

  const after = await serverStats(sandbox.url);
  assert.equal(after.tokens_issued - before.tokens_issued, 1, `the worker fetched one token and reused it: ${JSON.stringify({ before, after })}`);
});

test("errors are JSON { error, message } with a fitting status, never holding the secret", async () => {
  const invalid = await get("/export.csv?limit=0");
  assert.equal(invalid.status, 400, invalid.text);
  assert.equal(JSON.parse(invalid.text).error, "invalid_params");
  assert.match(JSON.parse(invalid.text).message, /limit/);

  const unknownInclude = await get("/export.ndjson?include=salaries");
  assert.equal(unknownInclude.status, 400, unknownInclude.text);
  assert.equal(JSON.parse(unknownInclude.text).error, "invalid_params");

  for (const route of ["/export.csv", "/export.ndjson", "/stats"]) {
    const refused = await get(route, "wrong-secret");
    assert.equal(refused.status, 502, `${route}: ${refused.text}`);
    const body = JSON.parse(refused.text);
    assert.equal(body.error, "auth", refused.text);
    assert.equal(typeof body.message, "string");
    assert.ok(!refused.text.includes("not-the-secret-4711"), `${route}: the secret leaked: ${refused.text}`);
  }

  const unconfigured = await get("/stats", "no-credentials");
  assert.equal(unconfigured.status, 500, unconfigured.text);
  assert.equal(JSON.parse(unconfigured.text).error, "config");

  const notFound = await get("/export.xlsx");
  assert.equal(notFound.status, 404);
  const wrongMethod = await call("edge", "/stats", { method: "POST" });
  assert.equal(wrongMethod.status, 405, wrongMethod.text);
  assert.equal(wrongMethod.headers.get("allow"), "GET");
});

test("Cloudflare Access: only a valid RS256 JWT from the team's keys, for the audience, in its lifetime", async () => {
  const key = await accessKey("key-2025");
  const impostor = await accessKey("key-2025"); // the same kid, another key
  jwks.keys = [key.jwk];
  const jwt = (token) => ({ "cf-access-jwt-assertion": token });

  const valid = await signJwt(key, accessClaims());
  const first = await onePage("access", jwt(valid));
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json().records.length, 1);
  // Many requests, some concurrent: the keys were fetched once.
  const many = await Promise.all(Array.from({ length: 8 }, () => onePage("access", jwt(valid))));
  assert.deepEqual(many.map((r) => r.status), Array(8).fill(200));
  for (const route of ["/stats", "/export.ndjson?limit=100"]) assert.equal((await call("access", route, { headers: jwt(valid) })).status, 200, route);
  assert.equal(jwks.hits, 1, "the certs endpoint was fetched once for all of them");

  const now = Math.floor(Date.now() / 1000);
  const withinSkew = await onePage("access", jwt(await signJwt(key, accessClaims({ exp: now - 20 }))));
  assert.equal(withinSkew.status, 200, `expired 20 s ago is within the clock skew: ${withinSkew.text}`);

  const none = `${b64url(JSON.stringify({ alg: "none", kid: key.kid }))}.${b64url(JSON.stringify(accessClaims()))}.`;
  const hmacKey = await crypto.subtle.importKey("raw", new TextEncoder().encode(JSON.stringify(key.jwk)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const hs256Signed = `${b64url(JSON.stringify({ alg: "HS256", kid: key.kid }))}.${b64url(JSON.stringify(accessClaims()))}`;
  const hs256 = `${hs256Signed}.${b64url(await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(hs256Signed)))}`;
  const [header, claims, signature] = valid.split(".");
  const refused = {
    expired: await signJwt(key, accessClaims({ exp: now - 3600, iat: now - 7200, nbf: now - 7200 })),
    "not yet valid": await signJwt(key, accessClaims({ nbf: now + 3600 })),
    "no exp": await signJwt(key, accessClaims({ exp: undefined })),
    "wrong aud": await signJwt(key, accessClaims({ aud: ["another-application"] })),
    "wrong iss": await signJwt(key, accessClaims({ iss: "https://another-team.cloudflareaccess.com" })),
    "another key, same kid": await signJwt(impostor, accessClaims()),
    "alg none": none,
    "alg HS256 keyed with the public key": hs256,
    "claims swapped under a valid signature": `${header}.${b64url(JSON.stringify(accessClaims({ email: "admin@acme.example" })))}.${signature}`,
    "not a JWT": "not-a-jwt",
    "empty signature": `${header}.${claims}.`,
  };
  const bodies = new Set();
  for (const [what, token] of Object.entries(refused)) {
    const answer = await onePage("access", jwt(token));
    assert.equal(answer.status, 403, `${what}: ${answer.text}`);
    bodies.add(answer.text);
  }
  assert.equal(bodies.size, 1, `one answer whatever was wrong (no oracle): ${[...bodies].join(" | ")}`);
  assert.doesNotMatch([...bodies][0], /expired|signature|aud|iss|alg|kid/i);
  assert.equal(jwks.hits, 1, "known kids: no refetch");

  const missing = await onePage("access", {});
  assert.equal(missing.status, 401, missing.text);
  assert.match(missing.json().message, /Cf-Access-Jwt-Assertion/, "names the header expected (ALLOW_ANONYMOUS_DEV does not open a configured worker)");

  // Behind Access a dashboard's client sends any bearer token along with the JWT Access adds.
  assert.equal((await onePage("access", { ...jwt(valid), authorization: "Bearer anything" })).status, 200);
  assert.equal((await onePage("access", AUTH)).status, 200, "the API key, configured too, is the alternative");

  // Access rotated its keys: an unknown kid refetches them once, then verifies.
  const rotated = await accessKey("key-2026");
  jwks.keys = [key.jwk, rotated.jwk];
  assert.equal((await onePage("access", jwt(await signJwt(rotated, accessClaims())))).status, 200);
  assert.equal(jwks.hits, 2, "one refetch for the new kid");
  // Made-up kids right after do not make the worker hammer the certs endpoint.
  for (const kid of ["made-up-1", "made-up-2", "made-up-3"]) {
    assert.equal((await onePage("access", jwt(await signJwt({ ...rotated, kid }, accessClaims())))).status, 403, kid);
  }
  assert.equal(jwks.hits, 2, "unknown kids within the cool-down: no refetch");
});

test("API key: 401 without, the same 403 for any wrong key or scheme, 200 with the right one", async () => {
  const missing = await onePage("edge", {});
  assert.equal(missing.status, 401, missing.text);
  assert.equal(missing.json().error, "unauthenticated");
  assert.match(missing.json().message, /Authorization: Bearer/);
  assert.match(missing.headers.get("www-authenticate"), /^Bearer/);
  // Access is not configured on this worker: its header is no credential here.
  assert.equal((await onePage("edge", { "cf-access-jwt-assertion": "x.y.z" })).status, 401);

  const sameLength = API_KEY.slice(0, -1) + (API_KEY.endsWith("x") ? "y" : "x");
  const wrong = {
    "same length": `Bearer ${sameLength}`,
    "a prefix": `Bearer ${API_KEY.slice(0, 8)}`,
    "longer": `Bearer ${API_KEY}${API_KEY}`,
    "one character": "Bearer x",
    "empty": "Bearer ",
    "another scheme": `Basic ${Buffer.from(`user:${API_KEY}`).toString("base64")}`,
    "the key without scheme": API_KEY,
  };
  const bodies = new Set();
  for (const [what, authorization] of Object.entries(wrong)) {
    const answer = await onePage("edge", { authorization });
    assert.equal(answer.status, 403, `${what}: ${answer.text}`);
    assert.ok(!answer.text.includes(API_KEY.slice(0, 8)), `${what}: the answer quotes the key`);
    bodies.add(answer.text);
  }
  assert.equal(bodies.size, 1, `one answer for every wrong key, whatever its length: ${[...bodies].join(" | ")}`);

  const right = await onePage("edge", AUTH);
  assert.equal(right.status, 200, right.text);
  assert.equal((await onePage("edge", { authorization: `bearer ${API_KEY}` })).status, 200, "the scheme is case-insensitive");
});

test("unconfigured authentication refuses every route with 500 config; ALLOW_ANONYMOUS_DEV=true lets everyone in", async () => {
  const before = await serverStats(sandbox.url);
  const routes = [["GET", "/export.csv"], ["GET", "/export.ndjson"], ["GET", "/stats"], ["POST", PROXY], ["GET", "/nowhere"], ["DELETE", "/stats"]];
  for (const worker of ["unconfigured", "almost-anonymous"]) {
    for (const [method, route] of routes) {
      for (const headers of [{}, AUTH]) {
        const answer = await call(worker, route, { method, headers, body: method === "POST" ? "{}" : undefined });
        assert.equal(answer.status, 500, `${worker} ${method} ${route}: ${answer.text}`);
        assert.equal(answer.json().error, "config");
        assert.match(answer.json().message, /ACCESS_TEAM_DOMAIN and ACCESS_AUD.*API_KEY/);
      }
    }
  }
  const corsError = await call("unconfigured", "/stats", { headers: { origin: DASHBOARD } });
  assert.equal(corsError.headers.get("access-control-allow-origin"), DASHBOARD, "a browser can read the error");
  const half = await get("/stats", "half-access");
  assert.equal(half.status, 500, half.text);
  assert.match(half.json().message, /ACCESS_TEAM_DOMAIN/, "names what is missing");
  const after = await serverStats(sandbox.url);
  assert.equal(after.export_requests, before.export_requests, "nothing reached the export");
  assert.equal(after.tokens_issued, before.tokens_issued, "nor the token endpoint");

  const anonymous = await call("anonymous-dev", "/stats", { headers: {} });
  assert.equal(anonymous.status, 200, anonymous.text);
  assert.equal(anonymous.json().employees, 640);
  assert.equal((await onePage("anonymous-dev", {})).status, 200);
});

test("configuration mistakes are 500 config naming the variable; unreachable Access keys are a 503", async () => {
  for (const [worker, variable] of [["bad-retries", /TASK_PROFILES_MAX_RETRIES/], ["http-access", /ACCESS_TEAM_DOMAIN.*https/]]) {
    const answer = await call(worker, "/stats", { headers: { ...AUTH, "cf-access-jwt-assertion": "x.y.z" } });
    assert.equal(answer.status, 500, `${worker}: ${answer.text}`);
    assert.equal(answer.json().error, "config");
    assert.match(answer.json().message, variable);
  }

  // TASK_PROFILES_MAX_RETRIES=0: the first 429 fails the export (the default would retry it 4 times).
  const before = (await serverStats(limited.url)).export_requests;
  const throttled = await call("no-retries", "/stats");
  assert.equal(throttled.status, 503, throttled.text);
  assert.equal(throttled.json().error, "rate_limited");
  assert.equal((await serverStats(limited.url)).export_requests - before, 1, "no retry");

  const key = await accessKey("key-down");
  const down = await onePage("access-down", { "cf-access-jwt-assertion": await signJwt(key, accessClaims({ iss: "http://127.0.0.1:9" })) });
  assert.equal(down.status, 503, down.text);
  assert.equal(down.json().error, "auth_unavailable");
  assert.equal(down.headers.get("retry-after"), "30");
});

test("CORS: a configured origin is echoed with Vary: Origin, on errors too; others get none; preflights", async () => {
  const fromDashboard = { ...AUTH, origin: DASHBOARD };
  for (const [what, answer, status] of [
    ["stats", await call("edge", "/stats", { headers: fromDashboard }), 200],
    ["proxy", await onePage("edge", fromDashboard), 200],
    ["invalid params", await call("edge", "/export.csv?limit=0", { headers: fromDashboard }), 400],
    ["not found", await call("edge", "/api/elsewhere", { headers: fromDashboard }), 404],
    ["no credential", await onePage("edge", { origin: DASHBOARD }), 401],
    ["wrong key", await onePage("edge", { origin: DASHBOARD, authorization: "Bearer nope" }), 403],
  ]) {
    assert.equal(answer.status, status, `${what}: ${answer.text}`);
    assert.equal(answer.headers.get("access-control-allow-origin"), DASHBOARD, what);
    assert.match(answer.headers.get("vary") ?? "", /\bOrigin\b/, what);
    assert.match(answer.headers.get("access-control-expose-headers") ?? "", /retry-after/, `${what}: a browser client can read Retry-After`);
  }
  for (const origin of ["https://evil.example", `${DASHBOARD}.evil.example`, "http://dashboard.example", "null"]) {
    const answer = await call("edge", "/stats", { headers: { ...AUTH, origin } });
    assert.equal(answer.status, 200, "CORS is the browser's guard, not authentication");
    assert.equal(answer.headers.get("access-control-allow-origin"), null, origin);
  }

  const preflight = (origin) => call("edge", PROXY, {
    method: "OPTIONS",
    headers: { ...(origin ? { origin } : {}), "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
  });
  const allowed = await preflight(DASHBOARD);
  assert.equal(allowed.status, 204, allowed.text);
  assert.equal(allowed.headers.get("access-control-allow-origin"), DASHBOARD);
  assert.match(allowed.headers.get("vary"), /Origin/);
  assert.equal(allowed.headers.get("access-control-allow-methods"), "GET, POST, DELETE, OPTIONS");
  assert.equal(allowed.headers.get("access-control-allow-headers"), "authorization, content-type, cf-access-jwt-assertion");
  for (const origin of ["https://evil.example", undefined]) {
    const refused = await preflight(origin);
    assert.equal(refused.status, 403, `${origin}: ${refused.text}`);
    assert.equal(refused.headers.get("access-control-allow-origin"), null);
  }
});

test("POST /api/export/employees/task_profiles: a Node TaskProfilesClient exports through the worker with the worker's token", async () => {
  const expected = await walkSandbox(sandbox.url, { include: ALL });
  // The premise: the sandbox accepts only its own tokens, so the worker's API key would be refused.
  const direct = await fetch(`${sandbox.url}/export/employees/task_profiles`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: "{}" });
  assert.equal(direct.status, 401);

  const mfUrl = await mf.ready;
  const seenByCaller = [];
  const client = new TaskProfilesClient({
    baseUrl: new URL("api", mfUrl).href,
    token: API_KEY,
    // Global fetch over HTTP to the worker, keeping a copy of every answer the caller gets.
    fetch: async (request) => {
      const response = await fetch(request);
      seenByCaller.push({ status: response.status, headers: [...response.headers].join("\n"), body: await response.clone().text() });
      return response;
    },
  });
  const pagesBefore = recorder.exportRequests().length;
  const ids = [];
  for await (const record of client.exportTaskProfiles({ limit: 50, include: ALL, responseFormat: "hierarchy" })) {
    assert.ok(Array.isArray(record.hierarchy), "the query string (response_format) was passed on");
    ids.push(record.external_id);
  }
  assert.deepEqual(ids, expected.ids, "every sandbox employee exactly once, in order");
  assert.ok(seenByCaller.every((r) => r.status === 200), seenByCaller.map((r) => r.status).join(","));
  assert.equal(seenByCaller.length, Math.ceil(expected.ids.length / 50));

  const upstream = recorder.exportRequests().slice(pagesBefore);
  assert.equal(upstream.length, seenByCaller.length, "one upstream request per page");
  for (const request of upstream) {
    assert.equal(request.method, "POST");
    assert.match(request.url, /^\/export\/employees\/task_profiles\?.*response_format=hierarchy/);
    assert.equal(JSON.parse(request.body).limit, 50, "the body was passed on");
    assert.equal(request.headers["content-type"], "application/json");
  }
  assert.ok(recorder.requests.every((r) => !JSON.stringify(r).includes(API_KEY)), "the worker's API key never reached the upstream");
  const tokens = recorder.exportTokens();
  assert.ok(tokens.size > 0 && !tokens.has(API_KEY) && !tokens.has(SANDBOX_TOKEN), [...tokens].join(","));
  for (const token of tokens) {
    assert.ok(seenByCaller.every((r) => !r.headers.includes(token) && !r.body.includes(token)), "the upstream token never reached the caller");
  }
});

test("the proxy passes only its one path, caps the body, passes a 429 on and renews a refused token", async () => {
  const seen = recorder.requests.length;
  for (const [method, route] of [["POST", "/api/export/employees"], ["POST", "/api/oauth/token"], ["POST", `${PROXY}/extra`],
    ["POST", "/api/stats"], ["GET", "/api/"], ["POST", `${PROXY}/../../../oauth/token`], ["POST", "/api//export/employees/task_profiles"]]) {
    const answer = await call("edge", route, { method, headers: { ...AUTH, "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
    assert.equal(answer.status, 404, `${method} ${route}: ${answer.text}`);
  }
  const get = await call("edge", PROXY);
  assert.equal(get.status, 405, get.text);
  assert.equal(get.headers.get("allow"), "POST");

  const pad = (size) => { const head = '{"limit":1,"pad":"'; return `${head}${"x".repeat(size - head.length - 2)}"}`; };
  const tooLarge = await call("edge", PROXY, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: pad(MAX_BODY + 1) });
  assert.equal(tooLarge.status, 413, tooLarge.text);
  assert.match(tooLarge.json().message, /65536 bytes/);
  // Without a content-length (chunked), over real HTTP.
  const chunks = [new TextEncoder().encode(pad(MAX_BODY + 1))];
  const streamed = await fetch(new URL(PROXY, await mf.ready), {
    method: "POST", headers: { ...AUTH, "content-type": "application/json" }, duplex: "half",
    body: new ReadableStream({ pull(controller) { if (chunks.length) controller.enqueue(chunks.shift()); else controller.close(); } }),
  });
  assert.equal(streamed.status, 413, await streamed.text());
  const requestsBefore = recorder.requests.length;
  // A body of exactly the cap is passed on (the sandbox refuses the unknown field, as it should).
  const atCap = await call("edge", PROXY, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: pad(MAX_BODY) });
  assert.equal(atCap.status, 400, atCap.text);
  assert.equal(recorder.requests.length, requestsBefore + 1);
  assert.equal(recorder.requests.filter((r) => r.body.length > MAX_BODY).length, 0, "no oversized body reached the upstream");
  assert.ok(recorder.requests.slice(seen).every((r) => r.url.startsWith("/export/employees/task_profiles")), "nothing else was requested upstream");

  // 429 from upstream: status, body, content-type and retry-after unchanged.
  const direct = await fetch(`${limited.url}/export/employees/task_profiles`, { method: "POST", headers: { authorization: `Bearer ${SANDBOX_TOKEN}`, "content-type": "application/json" }, body: '{"limit":1}' });
  const directBody = await direct.text();
  assert.equal(direct.status, 429);
  const throttled = await onePage("rate-limited", AUTH);
  assert.equal(throttled.status, 429, throttled.text);
  assert.equal(throttled.headers.get("retry-after"), "7");
  assert.equal(throttled.type, direct.headers.get("content-type"));
  assert.equal(throttled.text, directBody);

  // The upstream refuses the worker's token: the 401 passes (without the token, which the upstream
  // echoed), and the next request goes with a new token.
  const [current] = [...recorder.exportTokens()].slice(-1);
  const tokensBefore = (await serverStats(sandbox.url)).tokens_issued;
  recorder.revoke(current);
  const refused = await onePage("edge", AUTH);
  assert.equal(refused.status, 401, refused.text);
  assert.match(refused.text, /revoked/);
  assert.ok(!refused.text.includes(current), `the token echoed by the upstream reached the caller: ${refused.text}`);
  const renewed = await onePage("edge", AUTH);
  assert.equal(renewed.status, 200, renewed.text);
  const last = recorder.exportRequests().at(-1).headers.authorization;
  assert.notEqual(last, `Bearer ${current}`, "a new token");
  assert.equal((await serverStats(sandbox.url)).tokens_issued - tokensBefore, 1, "fetched once, then reused");
  assert.equal((await onePage("edge", AUTH)).status, 200);
  assert.equal((await serverStats(sandbox.url)).tokens_issued - tokensBefore, 1);
});

// A worker with no package at all that moves the same pages the same way (fetch → ArrayBuffer →
// a copy enqueued on a pull stream): what workerd itself keeps in memory for that traffic. V8 in
// workerd lets ArrayBuffer garbage pile up to tens of MiB before collecting it, whatever the
// code, so the package worker's growth is judged against this control's.
const CONTROL_WORKER = `
export default {
  async fetch(request, env) {
    let after;
    let more = true;
    const include = ${JSON.stringify(ALL)};
    return new Response(new ReadableStream({
      async pull(controller) {
        if (!more) return controller.close();
        const response = await fetch(env.BASE + "/export/employees/task_profiles", {
          method: "POST",
          headers: { authorization: "Bearer sandbox-token", "content-type": "application/json" },
          body: JSON.stringify({ limit: 100, include, ...(after ? { starting_after: after } : {}) }),
        });
        const body = new Uint8Array(await response.arrayBuffer());
        const head = new TextDecoder().decode(body.subarray(0, 200));
        const m = /"has_next":(true|false)(?:,"next_starting_after":"([^"]+)")?/.exec(head);
        more = m[1] === "true";
        after = m[2];
        controller.enqueue(body.slice(0, body.length >> 1));
      },
    }, { highWaterMark: 0 }));
  },
};
`;

/**
 * Streams `url` (requested with `init`) from a fresh Miniflare (after `warmUp`), reading slow-ish
 * in chunks while sampling the RSS of its workerd process; `onChunk` sees every chunk.
 */
async function streamMeasured(options, url, { init, warmUp, onChunk = () => {}, onCheckpoint = async () => {} }) {
  const known = new Set(await workerdChildren());
  const mf = await startMiniflare(options);
  const pids = (await workerdChildren()).filter((pid) => !known.has(pid));
  assert.ok(pids.length > 0, "found the new workerd process under /proc");
  const rss = async () => (await Promise.all(pids.map(rssBytes))).reduce((a, b) => a + b, 0);
  if (warmUp) await warmUp(mf);
  await sleep(200);
  const baseline = await rss();
  let peak = baseline;
  const sample = async () => { peak = Math.max(peak, await rss()); };
  const sampler = setInterval(sample, 25);
  onCleanup(() => clearInterval(sampler));
  const started = Date.now();
  let bytes = 0;
  try {
    const response = await mf.dispatchFetch(url, init);
    assert.equal(response.status, 200, response.status === 200 ? "" : await response.text());
    const reader = response.body.getReader();
    let sinceNap = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      sinceNap += value.length;
      await onChunk(value);
      // A slow-ish reader: the worker must wait for it, not buffer ahead.
      if (sinceNap >= 512 * 1024) {
        sinceNap = 0;
        await onCheckpoint();
        await sample();
        await sleep(10);
      }
    }
  } finally {
    clearInterval(sampler);
  }
  await sample();
  return { bytes, baseline, peak, growth: peak - baseline, seconds: (Date.now() - started) / 1000 };
}

test("a 10,000-employee CSV with every include streams through workerd with flat memory", async (t) => {
  const big = await startSandbox(["--employees", String(BIG), "--seed", "3"]);
  onCleanup(big.stop);
  const expected = await walkSandbox(big.url, { include: ALL });

  let rows = 0;
  const employees = new Set();
  const parser = parseStream({ columns: true, record_delimiter: "\r\n" });
  parser.on("readable", () => {
    for (let row; (row = parser.read()) !== null;) {
      rows++;
      employees.add(row.external_id);
    }
  });
  const parsed = new Promise((resolve, reject) => parser.on("end", resolve).on("error", reject));
  let requestsBefore;
  let lookahead = 0; // most pages the worker had requested beyond those the reader had received
  const csv = await streamMeasured({ modules, bindings: credentialsEnv(big.url, { API_KEY }) }, "http://edge.example/export.csv?include=all", {
    init: { headers: AUTH },
    // The isolate, the wasm instance and the token, on a small export.
    warmUp: async (mf) => {
      const warm = await mf.dispatchFetch("http://edge.example/export.csv?include=all&limit=3&active=false", { headers: AUTH });
      const reader = warm.body.getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
      assert.equal(warm.status, 200);
      requestsBefore = (await serverStats(big.url)).export_requests;
    },
    onChunk: async (chunk) => {
      if (!parser.write(chunk)) await new Promise((resolve) => parser.once("drain", resolve));
    },
    onCheckpoint: async () => {
      const requested = (await serverStats(big.url)).export_requests - requestsBefore;
      lookahead = Math.max(lookahead, requested - Math.ceil(employees.size / 100));
    },
  });
  parser.end();
  await parsed;

  const control = await streamMeasured({ modules: [{ type: "ESModule", path: "control.mjs", contents: CONTROL_WORKER }], bindings: { BASE: big.url } }, "http://control.example/", {});

  const report = `10,000-employee CSV: ${mib(csv.bytes)} in ${csv.seconds.toFixed(1)} s, ${rows} rows; ` +
    `workerd RSS ${mib(csv.baseline)} → peak ${mib(csv.peak)} (growth ${mib(csv.growth)}); ` +
    `a package-free worker moving the same pages: ${mib(control.baseline)} → ${mib(control.peak)} (growth ${mib(control.growth)}); ` +
    `the worker was at most ${lookahead} pages ahead of its reader`;
  t.diagnostic(report);
  assert.equal(rows, expected.csvRows, report);
  assert.equal(employees.size, BIG, report);
  assert.ok(csv.bytes > 20 * (1 << 20), `the CSV is large enough to tell streaming from buffering: ${report}`);
  // Back-pressure: a page is fetched only when the reader has taken the previous ones (a few
  // MiB of socket buffers between them); buffering the export would request all 100 at once.
  assert.ok(lookahead <= 30, `the worker ran ahead of its reader: ${report}`);
  // Beyond what workerd keeps for the same page traffic, the package holds well under the CSV.
  assert.ok(csv.growth - control.growth < csv.bytes / 3, `workerd's memory grew with the CSV: ${report}`);
});

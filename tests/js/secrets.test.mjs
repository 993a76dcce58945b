// The token and the client secret never show: every error path is run with recognisable secrets,
// against servers that echo what they were sent, and everything a caller can observe is searched:
// messages, titles, descriptions, causes, stacks, JSON of errors, progress events, console lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskProfilesError, clientCredentials } from "task-profiles";
import { pagedFetch, makePages, collect } from "./helpers.mjs";

const TOKEN = "tok-SWEEP-7f3a9c";
const SECRET = "sec-SWEEP-b81e22";
const SECRETS = [TOKEN, SECRET];

/** Everything observable of `e`, as text. */
function observable(e) {
  const parts = [String(e), e?.message, e?.stack, e?.title, e?.description, JSON.stringify(e), JSON.stringify(Object.entries(e ?? {}))];
  for (let c = e?.cause; c; c = c.cause) parts.push(String(c), c.message, c.stack);
  return parts.filter((p) => p !== undefined).join("\n");
}

/** Runs `fn` with console captured; returns [what it threw, the console text]. */
async function capture(fn) {
  const lines = [];
  const saved = {};
  for (const k of ["log", "info", "warn", "error", "debug"]) {
    saved[k] = console[k];
    console[k] = (...args) => lines.push(args.map(String).join(" "));
  }
  try {
    await fn();
    return [undefined, lines.join("\n")];
  } catch (e) {
    return [e, lines.join("\n")];
  } finally {
    Object.assign(console, saved);
  }
}

const echoBody = async (request) => `${request.method} ${request.url} ${[...request.headers].join(" ")} ${await request.text()}`;
const json = (body, status, headers = {}) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

// Each answers page 2 (after one good page) in a way that fails the export.
const failures = {
  "500 echoing the request": async (call) => json([{ title: "500 Internal Server Error", description: await echoBody(call.request) }], 500),
  "401 echoing the request": async (call) => json([{ title: "401 Unauthorized", description: await echoBody(call.request) }], 401),
  "429 echoing, Retry-After too long": async (call) => json([{ title: "429", description: await echoBody(call.request) }], 429, { "retry-after": "3600" }),
  "a page that is not JSON, echoing": async (call) => new Response(await echoBody(call.request), { status: 200 }),
  "a network error naming the request": async (call) => Promise.reject(new TypeError(`fetch failed for ${[...call.request.headers].join(" ")}`)),
  "a timeout": (call) => new Promise((_, reject) => call.request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))),
};

for (const [name, fail] of Object.entries(failures)) {
  test(`the token shows nowhere: ${name}`, async () => {
    const progress = [];
    const fetch = pagedFetch(makePages(20, 10).pages, (call) => (call.index >= 1 ? fail(call) : undefined));
    const client = new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: async () => TOKEN, fetch, maxRetries: 0, timeoutMs: 200, maxRetryAfterMs: 1000 });
    const [e, consoleText] = await capture(() => collect(client.exportTaskProfiles({ limit: 10, onProgress: (p) => progress.push(p) })));
    assert.ok(e instanceof TaskProfilesError, String(e));
    assert.ok(fetch.calls.length >= 2 && progress.length === 1, "the failure came after a page");
    const seen = [observable(e), consoleText, JSON.stringify(progress), JSON.stringify(client)].join("\n");
    for (const secret of SECRETS) assert.ok(!seen.includes(secret), `${secret} leaked: ${seen.slice(0, 600)}`);
  });
}

test("the client secret shows nowhere: a token endpoint that echoes, refuses or cannot be reached", async () => {
  const echoing = async (url, init) => json({ error: "access_denied", error_description: `got ${init.body}` }, 401);
  const unreachable = async (url, init) => Promise.reject(new TypeError(`connect failed sending ${init.body}`));
  for (const fetch of [echoing, unreachable]) {
    const token = clientCredentials({ clientId: "id", clientSecret: SECRET, tenant: "acme", tokenUrl: "https://auth.example.com/oauth/token", audience: "a", fetch });
    const client = new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token, fetch: pagedFetch(makePages(1, 1).pages) });
    const [e, consoleText] = await capture(() => collect(client.exportTaskProfiles()));
    assert.ok(e instanceof TaskProfilesError, String(e));
    const seen = `${observable(e)}\n${consoleText}`;
    assert.ok(!seen.includes(SECRET), `the secret leaked: ${seen.slice(0, 600)}`);
  }
});

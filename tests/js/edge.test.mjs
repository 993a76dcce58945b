// What edge workers use: client-credential tokens, and the export streamed as CSV and NDJSON.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { TaskProfilesClient, TaskProfilesError, clientCredentials } from "task-profiles";
import { startSandbox, SANDBOX_TOKEN } from "./helpers.mjs";

let sandbox;
const INCLUDE = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];

before(async () => {
  sandbox = await startSandbox(["--employees", "640", "--seed", "5", "--token-ttl-secs", "61"]);
});
after(() => sandbox?.stop());

const client = () => new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
const serverStats = async () => (await fetch(`${sandbox.url}/stats`)).json();
const credentials = (extra = {}) => ({ clientId: "sandbox-client", clientSecret: "sandbox-secret", tenant: "acme", tokenUrl: `${sandbox.url}/oauth/token`, audience: "sandbox.techwolf.ai", ...extra });

test("CSV: one row per employee and non-rejected task, an empty-task row for employees without tasks", async () => {
  const records = await client().exportTaskProfiles({ include: INCLUDE }).toArray();
  const text = await new Response(client().exportTaskProfiles({ include: INCLUDE }).toCsvStream()).text();
  const rows = parse(text, { columns: true, record_delimiter: "\r\n" });
  const expected = [];
  for (const r of records) {
    const tasks = r.tasks.filter((t) => t.validation_state !== "rejected");
    if (tasks.length === 0) expected.push({ external_id: r.external_id, task_id: "", task: "", validation_state: "", weekly_hours: "", ai_impact_level: "", ai_impact_rationale: "", skill_ids: "", skills: "", source_event_types: "" });
    for (const t of tasks) {
      expected.push({
        external_id: r.external_id, task_id: t.task_id, task: t.task, validation_state: t.validation_state,
        weekly_hours: t.weekly_hours === undefined ? "" : String(t.weekly_hours),
        ai_impact_level: t.ai_impact?.level ?? "", ai_impact_rationale: t.ai_impact?.rationale ?? "",
        skill_ids: (t.linked_skills ?? []).map((s) => s.skill_id).join(";"),
        skills: (t.linked_skills ?? []).map((s) => s.skill).join(";"),
        source_event_types: (t.source_events ?? []).map((e) => e.event_type).join(";"),
      });
    }
  }
  assert.ok(records.some((r) => r.tasks.length === 0), "the sandbox has employees without tasks");
  assert.ok(records.some((r) => r.tasks.some((t) => t.validation_state === "rejected")));
  assert.equal(rows.length, expected.length);
  rows.forEach((row, i) => assert.deepEqual(row, expected[i], `row ${i + 1}`));
  assert.equal(new Set(rows.map((r) => r.external_id)).size, records.length, "no employee lost");
});

test("CSV from the hierarchy shape equals CSV from the list shape", async () => {
  const list = await new Response(client().exportTaskProfiles({ include: INCLUDE }).toCsvStream()).text();
  const hierarchy = await new Response(client().exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).toCsvStream()).text();
  assert.equal(hierarchy, list);
});

test("NDJSON: one record per line, equal to the records", async () => {
  const records = await client().exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).toArray();
  const text = await new Response(client().exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).toNdjsonStream()).text();
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, records.length);
  lines.forEach((line, i) => assert.deepEqual(JSON.parse(line), records[i]));
});

test("streams fetch a page only when read, and cancelling stops the export", async () => {
  const start = (await serverStats()).export_requests;
  const exp = client().exportTaskProfiles({ limit: 50 });
  const reader = exp.toNdjsonStream().getReader();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await serverStats()).export_requests - start, 0, "nothing fetched before the first read");
  await reader.read();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await serverStats()).export_requests - start, 1, "one page per read, no prefetch");
  await reader.read();
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await serverStats()).export_requests - start, 2);
  assert.equal(exp.cursor, (await client().exportTaskProfiles({ limit: 100 }).toArray())[99].external_id);
});

test("clientCredentials: cached, shared by concurrent callers, renewed after refresh", async () => {
  const token = clientCredentials(credentials());
  const before = (await serverStats()).token_requests;
  const tokens = await Promise.all([token({ refresh: false }), token({ refresh: false }), token({ refresh: false })]);
  assert.equal(new Set(tokens).size, 1);
  assert.equal((await serverStats()).token_requests - before, 1, "one request for concurrent callers");
  const records = await new TaskProfilesClient({ baseUrl: sandbox.url, token }).exportTaskProfiles({ limit: 100 }).toArray();
  assert.equal(records.length, 640);
  assert.equal((await serverStats()).token_requests - before, 1, "cached across the whole export");
  const renewed = await token({ refresh: true });
  assert.notEqual(renewed, tokens[0]);
  assert.equal((await serverStats()).token_requests - before, 2);
});

test("clientCredentials: a token within 60 s of expiry is renewed", async () => {
  // The sandbox issues tokens for 61 s here: usable for one more second, then renewed.
  const token = clientCredentials(credentials());
  const first = await token({ refresh: false });
  assert.equal(await token({ refresh: false }), first);
  await new Promise((r) => setTimeout(r, 1100));
  assert.notEqual(await token({ refresh: false }), first);
});

test("clientCredentials: a wrong secret is kind auth and names neither secret nor token", async () => {
  const secret = "wrong-secret-never-shown";
  const token = clientCredentials(credentials({ clientSecret: secret }));
  await assert.rejects(token({ refresh: false }), (e) => {
    assert.ok(e instanceof TaskProfilesError);
    assert.equal(e.kind, "auth");
    assert.equal(e.status, 401);
    assert.equal(e.title, "access_denied");
    assert.ok(!`${e.message}${e.stack}${JSON.stringify(e)}`.includes(secret));
    return true;
  });
  // Through the client, the failure surfaces as the export's error.
  await assert.rejects(new TaskProfilesClient({ baseUrl: sandbox.url, token }).exportTaskProfiles({}).toArray(), (e) => e.kind === "auth");
});

test("clientCredentials: options are checked, and a browser page is refused without the explicit opt-in", () => {
  assert.throws(() => clientCredentials({ ...credentials(), clientSecret: "" }), /clientSecret/);
  assert.throws(() => clientCredentials({ clientId: "a", clientSecret: "b", tenant: "t" }), /region/);
  assert.throws(() => clientCredentials({ ...credentials(), region: "ap" }), /region/);
  assert.throws(() => clientCredentials({ ...credentials(), scope: ["read"] }), /scope: unknown option/);
  // The client secret never goes out in clear text, nor credentials in the URL.
  assert.throws(() => clientCredentials({ ...credentials(), tokenUrl: "http://auth.example.com/oauth/token" }), (e) => e.kind === "invalid_params" && /^tokenUrl: http:\/\/ sends the client secret in clear text/.test(e.message));
  assert.throws(() => clientCredentials({ ...credentials(), tokenUrl: "https://u:p@auth.example.com/oauth/token" }), /tokenUrl: user:password@ in a URL is refused/);
  assert.throws(() => clientCredentials({ ...credentials(), tokenUrl: "http://127.0.0.1.evil.com/oauth/token" }), /clear text/);
  for (const ok of ["https://auth.example.com/oauth/token", "http://localhost:8787/oauth/token", "http://127.0.0.1:9/t", "http://[::1]:80/t"]) {
    assert.equal(typeof clientCredentials({ ...credentials(), tokenUrl: ok }), "function", ok);
  }
  globalThis.window = {};
  globalThis.document = {};
  try {
    assert.throws(() => clientCredentials(credentials()), (e) => e.kind === "invalid_params" && /browser/.test(e.message));
    assert.equal(typeof clientCredentials({ ...credentials(), dangerouslyAllowBrowser: true }), "function");
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
});

test("the EU region uses the vendor's token endpoint and audience", async () => {
  const calls = [];
  const token = clientCredentials({ clientId: "id", clientSecret: "s", tenant: "acme", region: "eu", scopes: ["read"],
    fetch: async (url, init) => { calls.push({ url, body: JSON.parse(init.body) }); return Response.json({ access_token: "at", expires_in: 3600, token_type: "Bearer", scope: "read" }); } });
  assert.equal(await token({ refresh: false }), "at");
  assert.deepEqual(calls, [{ url: "https://techwolf.eu.auth0.com/oauth/token", body: { client_id: "id", client_secret: "s", audience: "eu3.techwolf.ai", grant_type: "client_credentials", tenant: "acme", scopes: ["read"] } }]);
});

test("CSV: cells a spreadsheet would run as formulas are neutralised, unless escapeFormulas: false", async () => {
  const { TaskProfilesClient } = await import("task-profiles");
  const { pagedFetch } = await import("./helpers.mjs");
  const page = {
    has_next: false,
    records: [{ external_id: "@e1", tasks: [{ task_id: "t1", task: '=HYPERLINK("http://evil","x")', validation_state: "validated", weekly_hours: 2.5, ai_impact: { level: "H1", rationale: "-1 risk" } }] }],
  };
  const exp = () => new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: "t", fetch: pagedFetch([page]) }).exportTaskProfiles();
  const text = async (stream) => new Response(stream).text();
  const rows = (await text(exp().toCsvStream())).split("\r\n");
  assert.equal(rows.length, 3);
  assert.equal(rows[1], `'@e1,t1,"'=HYPERLINK(""http://evil"",""x"")",validated,2.5,H1,'-1 risk,,,`);
  const raw = (await text(exp().toCsvStream({ escapeFormulas: false }))).split("\r\n");
  assert.equal(raw[1], `@e1,t1,"=HYPERLINK(""http://evil"",""x"")",validated,2.5,H1,-1 risk,,,`);
  assert.throws(() => exp().toCsvStream({ escapeFormula: false }), (e) => e.kind === "invalid_params" && /^escapeFormula: unknown option/.test(e.message));
  assert.throws(() => exp().toCsvStream({ escapeFormulas: "no" }), (e) => e.kind === "invalid_params" && /^escapeFormulas: expected a boolean/.test(e.message));
});

test("formatPage: each page formatted once, the first with its header, is the streams' output byte for byte", async () => {
  const { formatPage } = await import("task-profiles");
  for (const responseFormat of ["list", "hierarchy"]) {
    const params = { include: INCLUDE, responseFormat, limit: 37 };
    const pages = [];
    for await (const bytes of client().exportTaskProfiles(params).rawPages()) pages.push(bytes);
    assert.ok(pages.length > 10);
    const bytes = async (stream) => new Uint8Array(await new Response(stream).arrayBuffer());
    const concat = (parts) => new Uint8Array(Buffer.concat(parts));
    const csv = concat(pages.map((p, i) => formatPage(p, { as: "csv", header: i === 0 })));
    assert.deepEqual(csv, await bytes(client().exportTaskProfiles(params).toCsvStream()));
    const raw = concat(pages.map((p, i) => formatPage(p, { as: "csv", header: i === 0, escapeFormulas: false })));
    assert.deepEqual(raw, await bytes(client().exportTaskProfiles(params).toCsvStream({ escapeFormulas: false })));
    const ndjson = concat(pages.map((p) => formatPage(p, { as: "ndjson" })));
    assert.deepEqual(ndjson, await bytes(client().exportTaskProfiles(params).toNdjsonStream()));
    // Text and ArrayBuffer bodies too.
    assert.deepEqual(formatPage(new TextDecoder().decode(pages[1]), { as: "ndjson" }), formatPage(pages[1].buffer.slice(pages[1].byteOffset, pages[1].byteOffset + pages[1].byteLength), { as: "ndjson" }));
  }
});

test("formatPage: options and bodies are checked, naming what is wrong", async () => {
  const { formatPage } = await import("task-profiles");
  const page = JSON.stringify({ has_next: false, records: [{ external_id: "e", tasks: [] }] });
  const invalidParams = (pattern) => (e) => e instanceof TaskProfilesError && e.kind === "invalid_params" && pattern.test(e.message);
  assert.throws(() => formatPage(page), invalidParams(/^options: expected an object/));
  assert.throws(() => formatPage(page, {}), invalidParams(/^as: expected "csv" or "ndjson"/));
  assert.throws(() => formatPage(page, { as: "tsv" }), invalidParams(/^as: expected "csv" or "ndjson"/));
  assert.throws(() => formatPage(page, { as: "csv", headers: true }), invalidParams(/^headers: unknown option of formatPage/));
  assert.throws(() => formatPage(page, { as: "csv", header: 1 }), invalidParams(/^header: expected a boolean/));
  assert.throws(() => formatPage(page, { as: "ndjson", header: true }), invalidParams(/^header: applies to as: "csv" only/));
  assert.throws(() => formatPage(page, { as: "ndjson", escapeFormulas: false }), invalidParams(/^escapeFormulas: applies to as: "csv" only/));
  assert.equal(new TextDecoder().decode(formatPage(page, { as: "csv" })), "e,,,,,,,,,\r\n");
  for (const [body, message] of [
    ["{", /^page: invalid JSON/],
    ['{"has_next":false}', /records/],
    ['{"has_next":false,"records":[{"tasks":[]}]}', /external_id/],
    [new Uint8Array([0xff, 0xfe]), /UTF-8|invalid JSON/],
  ]) {
    assert.throws(() => formatPage(body, { as: "csv" }), (e) => e instanceof TaskProfilesError && e.kind === "invalid_input" && message.test(e.message), String(body));
  }
  assert.throws(() => formatPage(42, { as: "csv" }), (e) => e instanceof TaskProfilesError && /^body: /.test(e.message));
});

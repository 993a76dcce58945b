// The export's behaviour with a fake fetch: every rule of the client, deterministically.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { TaskProfilesClient, TaskProfilesError } from "task-profiles";
import { makePages, pagedFetch, hangingFetch, jsonResponse, collect } from "./helpers.mjs";

const TOKEN = "tok-super-secret-123";
const client = (fetch, options = {}) => new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: TOKEN, fetch, ...options });

async function rejects(promise, check) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof TaskProfilesError, `expected a TaskProfilesError, got ${e?.stack ?? e}`);
    check(e);
    return e;
  }
  assert.fail("expected a rejection");
}

function assertNoSecret(e) {
  const seen = [e.message, e.stack, JSON.stringify(e), JSON.stringify(Object.entries(e)), String(e.cause?.message ?? "")].join("\n");
  assert.ok(!seen.includes(TOKEN), `the token leaked into ${seen}`);
}

describe("requests", () => {
  test("sends the contract's request: POST, bearer token, query and body from the params", async () => {
    const { pages } = makePages(13, 10);
    const fetch = pagedFetch(pages);
    await collect(client(fetch).exportTaskProfiles({
      limit: 10, include: ["ai_impact", "weekly_hours"], externalVendor: "workday", responseFormat: "hierarchy",
      filters: [{ filter: "is_active", is_active: true }],
    }));
    assert.equal(fetch.calls.length, 2);
    const call = fetch.calls[1];
    assert.equal(call.url, "https://acme.eu.techwolf.ai/export/employees/task_profiles?response_format=hierarchy&external_vendor=workday");
    assert.equal(call.request.method, "POST");
    assert.equal(call.headers.get("Authorization"), `Bearer ${TOKEN}`);
    assert.equal(call.headers.get("Content-Type"), "application/json");
    assert.deepEqual(fetch.calls[0].body.starting_after, undefined);
    assert.deepEqual(call.body, { limit: 10, starting_after: "e0010", include: ["ai_impact", "weekly_hours"], filters: [{ filter: "is_active", is_active: true }] });
  });

  test("tenant and region give the vendor's base URL", () => {
    assert.equal(new TaskProfilesClient({ tenant: "acme", region: "us", token: "t" }).baseUrl, "https://acme.us.techwolf.ai");
  });

  test("the token function is called before each request", async () => {
    const { pages, records } = makePages(25, 10);
    let calls = 0;
    const fetch = pagedFetch(pages);
    const got = await collect(new TaskProfilesClient({ baseUrl: "https://x.test", fetch, token: async () => `t${++calls}` }).exportTaskProfiles({ limit: 10 }));
    assert.equal(got.length, records.length);
    assert.equal(calls, 3);
    assert.deepEqual(fetch.calls.map((c) => c.headers.get("Authorization")), ["Bearer t1", "Bearer t2", "Bearer t3"]);
  });
});

describe("invalid params throw before any request", () => {
  const cases = [
    [{ limit: 0 }, /^limit:/],
    [{ limit: 101 }, /^limit:/],
    [{ limit: 2.5 }, /^limit:/],
    [{ include: ["ai_impact", "skills"] }, /^include\[1\]:/],
    [{ include: "ai_impact" }, /^include:/],
    [{ externalVendor: "oracle" }, /^externalVendor:/],
    [{ responseFormat: "tree" }, /^responseFormat:/],
    [{ filters: { filter: "is_active" } }, /^filters:/],
    [{ filters: [{ is_active: true }] }, /^filters\[0\]:/],
    [{ startingAfter: 42 }, /^startingAfter:/],
    [{ signal: "stop" }, /^signal:/],
    [{ onProgress: 5 }, /^onProgress:/],
    [{ limt: 5 }, /^limt: unknown parameter/],
  ];
  for (const [params, message] of cases) {
    test(JSON.stringify(params), () => {
      const fetch = pagedFetch(makePages(1, 1).pages);
      assert.throws(() => client(fetch).exportTaskProfiles(params), (e) => {
        assert.ok(e instanceof TaskProfilesError);
        assert.equal(e.kind, "invalid_params");
        assert.match(e.message, message);
        return true;
      });
      assert.equal(fetch.calls.length, 0);
    });
  }

  test("valid params send nothing until the export is read", async () => {
    const fetch = pagedFetch(makePages(3, 2).pages);
    const exp = client(fetch).exportTaskProfiles({
      limit: 2, include: ["ai_impact", "weekly_hours"], responseFormat: "list", externalVendor: "workday",
      filters: [{ filter: "is_active", value: true }], startingAfter: "e0001", onProgress: () => {},
    });
    exp.toCsvStream();
    exp.toNdjsonStream();
    exp.pages();
    exp[Symbol.asyncIterator]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(fetch.calls.length, 0, "nothing was sent");
    assert.equal((await collect(exp)).length, 2);
    assert.ok(fetch.calls.length > 0);
  });

  test("invalid client options name the option", () => {
    const bad = [
      [{ token: "t" }, /^baseUrl: required/],
      [{ baseUrl: "acme.techwolf.ai", token: "t" }, /^baseUrl:/],
      [{ tenant: "acme", region: "ap", token: "t" }, /^region:/],
      [{ baseUrl: "https://x", token: "" }, /^token:/],
      [{ baseUrl: "https://x", token: "t", maxRetries: -1 }, /^maxRetries:/],
      [{ baseUrl: "https://x", token: "t", timeoutMs: 0 }, /^timeoutMs:/],
      [{ baseUrl: "https://x", token: "t", fetch: "no" }, /^fetch:/],
      // The bearer token never goes out in clear text, nor credentials in the URL.
      [{ baseUrl: "http://api.example.com", token: "t" }, /^baseUrl: http:\/\/ sends the bearer token in clear text/],
      [{ baseUrl: "https://user:pass@acme.eu.techwolf.ai", token: "t" }, /^baseUrl: user:password@ in a URL is refused/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => new TaskProfilesClient(options), (e) => e instanceof TaskProfilesError && e.kind === "invalid_params" && message.test(e.message));
    }
  });
});

describe("pagination", () => {
  test("yields every record in order across pages, following empty pages with has_next", async () => {
    const { pages, records } = makePages(35, 10);
    pages.splice(2, 0, { has_next: true, next_starting_after: "gap", records: [] });
    pages[3] = { ...pages[3] };
    // Re-key: page 2 (empty) continues at "gap", page 3 is served for "gap".
    const fetch = pagedFetch(pages);
    const exp = client(fetch).exportTaskProfiles({ limit: 10 });
    assert.equal(exp.cursor, undefined);
    const got = await collect(exp);
    assert.deepEqual(got.map((r) => r.external_id), records.map((r) => r.external_id));
    assert.equal(fetch.calls.length, 5);
    assert.equal(exp.cursor, undefined);
    assert.equal(exp.done, true);
  });

  test("pages() yields pages; toArray collects, refusing more than max", async () => {
    const { pages, records } = makePages(25, 10);
    const got = await collect(client(pagedFetch(pages)).exportTaskProfiles({ limit: 10 }).pages());
    assert.deepEqual(got.map((p) => [p.records.length, p.hasNext, p.nextStartingAfter]), [[10, true, "e0010"], [10, true, "e0020"], [5, false, undefined]]);
    assert.equal((await client(pagedFetch(pages)).exportTaskProfiles({ limit: 10 }).toArray()).length, records.length);
    const fetch = pagedFetch(pages);
    const exp = client(fetch).exportTaskProfiles({ limit: 10 });
    await rejects(exp.toArray({ max: 15 }), (e) => {
      assert.equal(e.kind, "invalid_params");
      assert.match(e.message, /more than 15 records/);
      // toArray hands out nothing when it fails: resume from where it started.
      assert.equal(e.cursor, undefined);
      assert.equal(e.records, 0);
    });
    assert.equal(exp.cursor, undefined);
  });

  test("toArray() refuses more than 10,000 records unless max says otherwise", async () => {
    const { pages } = makePages(10_001, 100);
    await rejects(client(pagedFetch(pages)).exportTaskProfiles({ limit: 100 }).toArray(), (e) => {
      assert.equal(e.kind, "invalid_params");
      assert.match(e.message, /more than 10000 records/);
    });
    const exactly = makePages(10_000, 100).pages;
    assert.equal((await client(pagedFetch(exactly)).exportTaskProfiles({ limit: 100 }).toArray()).length, 10_000);
    assert.equal((await client(pagedFetch(pages)).exportTaskProfiles({ limit: 100 }).toArray({ max: 10_001 })).length, 10_001);
  });

  test("onProgress follows each page handed out", async () => {
    const { pages } = makePages(25, 10);
    const seen = [];
    await collect(client(pagedFetch(pages)).exportTaskProfiles({ limit: 10, onProgress: (p) => seen.push(p) }));
    assert.deepEqual(seen, [
      { pages: 1, records: 10, cursor: "e0010", hasNext: true },
      { pages: 2, records: 20, cursor: "e0020", hasNext: true },
      { pages: 3, records: 25, cursor: undefined, hasNext: false },
    ]);
  });

  test("fetches one page ahead of the consumer, never more", async () => {
    const { pages } = makePages(50, 10);
    const fetch = pagedFetch(pages);
    const exp = client(fetch).exportTaskProfiles({ limit: 10 });
    let page = 0;
    for await (const p of exp.pages()) {
      page++;
      // Let the prefetch start (and anything more, if it were wrongly scheduled).
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(fetch.calls.length, Math.min(page + 1, 5), `while the consumer holds page ${page}`);
    }
  });

  test("concurrent next() calls are served one after another", async () => {
    const { pages, records } = makePages(30, 7);
    const fetch = pagedFetch(pages);
    const it = client(fetch).exportTaskProfiles({ limit: 7 })[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 32 }, () => it.next()));
    assert.deepEqual(results.slice(0, 30).map((r) => r.value.external_id), records.map((r) => r.external_id));
    assert.equal(results.length, 32);
    assert.ok(results.slice(30).every((r) => r.done));
    assert.equal(fetch.calls.length, pages.length, "no page fetched twice");
  });

  test("an export iterates once; a second pass says how to continue", async () => {
    const exp = client(pagedFetch(makePages(3, 10).pages)).exportTaskProfiles({});
    await collect(exp);
    await rejects(collect(exp), (e) => assert.match(e.message, /already iterated/));
  });
});

describe("resuming from cursor", () => {
  test("breaking mid-page and resuming from cursor loses and repeats nothing", async () => {
    const { pages, records } = makePages(47, 10);
    for (const stopAt of [1, 9, 10, 11, 23, 46]) {
      const first = client(pagedFetch(pages)).exportTaskProfiles({ limit: 10 });
      const got = [];
      for await (const r of first) {
        got.push(r.external_id);
        if (got.length === stopAt) break;
      }
      const rest = await collect(client(pagedFetch(pages)).exportTaskProfiles({ limit: 10, startingAfter: first.cursor }));
      assert.deepEqual([...got, ...rest.map((r) => r.external_id)], records.map((r) => r.external_id), `stopping at ${stopAt}`);
    }
  });

  test("an error carries cursor and records, and resuming from it completes the export", async () => {
    const { pages, records } = makePages(45, 10);
    const failing = pagedFetch(pages, (call) => call.body.starting_after === "e0030"
      ? jsonResponse([{ title: "400 Bad Request", description: "nope" }], { status: 400 }) : undefined);
    const exp = client(failing, { maxRetries: 0 }).exportTaskProfiles({ limit: 10 });
    const got = [];
    const error = await rejects((async () => { for await (const r of exp) got.push(r.external_id); })(), (e) => {
      assert.equal(e.kind, "http");
      assert.equal(e.status, 400);
      assert.equal(e.title, "400 Bad Request");
      assert.equal(e.description, "nope");
    });
    assert.equal(error.cursor, "e0030");
    assert.equal(error.records, 30);
    const rest = await collect(client(pagedFetch(pages)).exportTaskProfiles({ limit: 10, startingAfter: error.cursor }));
    assert.deepEqual([...got, ...rest.map((r) => r.external_id)], records.map((r) => r.external_id));
  });
});

describe("retries", () => {
  const fast = { maxRetries: 3 };

  test("429, 408 and 5xx are retried, then the page is served", async () => {
    for (const status of [429, 408, 500, 502, 503, 504]) {
      const { pages, records } = makePages(5, 10);
      const fetch = pagedFetch(pages, (call) => call.index < 2 ? jsonResponse({}, { status, headers: { "retry-after": "0" } }) : undefined);
      const got = await collect(client(fetch, fast).exportTaskProfiles({ limit: 10 }));
      assert.equal(got.length, records.length);
      assert.equal(fetch.calls.length, 3, `status ${status}`);
    }
  });

  test("retries stop after maxRetries with the status and kind", async () => {
    const fetch = pagedFetch([], () => jsonResponse({}, { status: 503, headers: { "retry-after": "0" } }));
    await rejects(collect(client(fetch, { maxRetries: 2 }).exportTaskProfiles({})), (e) => {
      assert.equal(e.kind, "http");
      assert.equal(e.status, 503);
      assert.match(e.message, /after 3 attempts/);
    });
    assert.equal(fetch.calls.length, 3);
    const limited = pagedFetch([], () => jsonResponse({}, { status: 429, headers: { "retry-after": "0" } }));
    await rejects(collect(client(limited, { maxRetries: 1 }).exportTaskProfiles({})), (e) => assert.equal(e.kind, "rate_limited"));
  });

  test("400, 403, 404 and 422 are not retried", async () => {
    for (const status of [400, 403, 404, 422]) {
      const fetch = pagedFetch([], () => jsonResponse([{ title: `${status}`, description: "d" }], { status }));
      await rejects(collect(client(fetch).exportTaskProfiles({})), (e) => {
        assert.equal(e.status, status);
        assert.equal(e.kind, status === 403 ? "auth" : "http");
      });
      assert.equal(fetch.calls.length, 1);
    }
  });

  test("backoff waits are the jitter's share of an exponential ceiling: 500, 1000, 2000 ms", async () => {
    // The jitter comes from Math.random: pinned, the waits are exact, so that a retry made too
    // early fails the test as surely as one made too late.
    const random = Math.random;
    Math.random = () => 0.5;
    try {
      const times = [];
      const fetch = pagedFetch(makePages(1, 1).pages, (call) => { times.push(performance.now()); return call.index < 3 ? jsonResponse({}, { status: 500 }) : undefined; });
      await collect(client(fetch).exportTaskProfiles({}));
      assert.equal(times.length, 4);
      const waits = times.slice(1).map((t, i) => t - times[i]);
      waits.forEach((w, i) => {
        const expected = 0.5 * 500 * 2 ** i;
        assert.ok(w >= expected - 5, `wait ${i} was ${w} ms, less than ${expected}`);
        assert.ok(w < expected + 150, `wait ${i} was ${w} ms, more than ${expected} (plus slack)`);
      });
    } finally {
      Math.random = random;
    }
  });

  test("Retry-After in seconds and as an HTTP date is honoured", async () => {
    for (const makeHeader of [() => "1", () => new Date(Date.now() + 1500).toUTCString()]) {
      const header = makeHeader();
      const fetch = pagedFetch(makePages(1, 1).pages, (call) => call.index === 0 ? jsonResponse({}, { status: 429, headers: { "retry-after": header } }) : undefined);
      const start = performance.now();
      await collect(client(fetch).exportTaskProfiles({}));
      const elapsed = performance.now() - start;
      assert.ok(elapsed >= 450, `waited only ${elapsed} ms for Retry-After: ${header}`);
      assert.equal(fetch.calls.length, 2);
    }
  });

  test("a Retry-After longer than maxRetryAfterMs fails at once with retryAfterMs", async () => {
    const { pages } = makePages(20, 10);
    const fetch = pagedFetch(pages, (call) => call.index === 1 ? jsonResponse({}, { status: 429, headers: { "retry-after": "120" } }) : undefined);
    const start = performance.now();
    const exp = client(fetch, { maxRetryAfterMs: 5000 }).exportTaskProfiles({ limit: 10 });
    await rejects(collect(exp), (e) => {
      assert.equal(e.kind, "rate_limited");
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterMs, 120_000);
      assert.equal(e.cursor, "e0010");
      assert.equal(e.records, 10);
    });
    assert.ok(performance.now() - start < 1000);
  });

  test("a network failure is retried, then reported as kind network", async () => {
    let n = 0;
    const flaky = pagedFetch(makePages(3, 10).pages, () => { if (n++ === 0) throw new TypeError("fetch failed", { cause: { code: "ECONNRESET", message: "reset" } }); });
    assert.equal((await collect(client(flaky).exportTaskProfiles({}))).length, 3);
    const dead = pagedFetch([], () => { throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED", message: "refused" } }); });
    await rejects(collect(client(dead, { maxRetries: 1 }).exportTaskProfiles({})), (e) => {
      assert.equal(e.kind, "network");
      assert.match(e.message, /ECONNREFUSED/);
    });
    assert.equal(dead.calls.length, 2);
  });

  test("a body cut short while reading is a network failure and is retried", async () => {
    const { pages } = makePages(3, 10);
    const fetch = pagedFetch(pages, (call) => {
      if (call.index > 0) return undefined;
      const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"has_next": fal')); c.error(new TypeError("terminated")); } });
      return new Response(stream, { status: 200 });
    });
    assert.equal((await collect(client(fetch).exportTaskProfiles({}))).length, 3);
    assert.equal(fetch.calls.length, 2);
  });

  test("a request slower than timeoutMs times out", async () => {
    const fetch = hangingFetch();
    await rejects(collect(client(fetch, { timeoutMs: 50, maxRetries: 1 }).exportTaskProfiles({})), (e) => {
      assert.equal(e.kind, "timeout");
      assert.match(e.message, /50 ms/);
    });
    assert.equal(fetch.calls.length, 2);
  });
});

describe("auth", () => {
  test("a 401 asks the token function for a fresh token once, then succeeds", async () => {
    const asked = [];
    const { pages } = makePages(3, 10);
    const fetch = pagedFetch(pages, (call) => call.headers.get("Authorization") === "Bearer stale" ? jsonResponse([{ title: "401 Unauthorized", description: "expired" }], { status: 401 }) : undefined);
    const token = ({ refresh }) => { asked.push(refresh); return refresh ? "fresh" : "stale"; };
    const got = await collect(new TaskProfilesClient({ baseUrl: "https://x.test", token, fetch }).exportTaskProfiles({}));
    assert.equal(got.length, 3);
    assert.deepEqual(asked, [false, true]);
  });

  test("a second 401 fails with kind auth and never shows the token", async () => {
    const fetch = pagedFetch([], () => jsonResponse([{ title: "401 Unauthorized", description: "bad token" }], { status: 401 }));
    const e = await rejects(collect(client(fetch).exportTaskProfiles({})), (e) => {
      assert.equal(e.kind, "auth");
      assert.equal(e.status, 401);
      assert.equal(e.title, "401 Unauthorized");
    });
    assert.equal(fetch.calls.length, 2);
    assertNoSecret(e);
  });

  test("a failing or empty token function is an auth error", async () => {
    const fetch = pagedFetch(makePages(1, 1).pages);
    await rejects(collect(new TaskProfilesClient({ baseUrl: "https://x", fetch, token: () => { throw new Error("vault down"); } }).exportTaskProfiles({})),
      (e) => { assert.equal(e.kind, "auth"); assert.equal(e.cause.message, "vault down"); });
    await rejects(collect(new TaskProfilesClient({ baseUrl: "https://x", fetch, token: async () => "" }).exportTaskProfiles({})),
      (e) => assert.equal(e.kind, "auth"));
    assert.equal(fetch.calls.length, 0);
  });
});

describe("abort", () => {
  test("an already aborted signal stops before any request", async () => {
    const fetch = pagedFetch(makePages(1, 1).pages);
    await rejects(collect(client(fetch).exportTaskProfiles({ signal: AbortSignal.abort() })), (e) => assert.equal(e.kind, "aborted"));
    assert.equal(fetch.calls.length, 0);
  });

  test("aborting during a request stops at once", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const start = performance.now();
    await rejects(collect(client(hangingFetch()).exportTaskProfiles({ signal: controller.signal })), (e) => assert.equal(e.kind, "aborted"));
    assert.ok(performance.now() - start < 1000);
  });

  test("aborting during a backoff wait stops at once", async () => {
    const controller = new AbortController();
    const fetch = pagedFetch([], () => jsonResponse({}, { status: 503, headers: { "retry-after": "30" } }));
    setTimeout(() => controller.abort(), 50);
    const start = performance.now();
    await rejects(collect(client(fetch).exportTaskProfiles({ signal: controller.signal })), (e) => assert.equal(e.kind, "aborted"));
    assert.ok(performance.now() - start < 1000);
    assert.equal(fetch.calls.length, 1);
  });

  test("aborting between records stops before the next record", async () => {
    const controller = new AbortController();
    const got = [];
    const exp = client(pagedFetch(makePages(30, 10).pages)).exportTaskProfiles({ limit: 10, signal: controller.signal });
    await rejects((async () => { for await (const r of exp) { got.push(r); if (got.length === 5) controller.abort(); } })(), (e) => {
      assert.equal(e.kind, "aborted");
      assert.equal(e.cursor, "e0005");
      assert.equal(e.records, 5);
    });
  });

  test("aborting while the token function hangs stops at once", async () => {
    const controller = new AbortController();
    const fetch = pagedFetch(makePages(1, 1).pages);
    setTimeout(() => controller.abort(), 30);
    const exp = new TaskProfilesClient({ baseUrl: "https://x.test", fetch, token: () => new Promise(() => {}) }).exportTaskProfiles({ signal: controller.signal });
    await rejects(collect(exp), (e) => assert.equal(e.kind, "aborted"));
    assert.equal(fetch.calls.length, 0);
  });

  test("stopping early cancels the prefetch in flight", async () => {
    const fetch = hangingFetch();
    const { pages } = makePages(30, 10);
    let n = 0;
    const mixed = (request) => (n++ === 0 ? pagedFetch(pages)(request) : fetch(request));
    for await (const _ of client(mixed).exportTaskProfiles({ limit: 10 })) break;
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(fetch.calls.length, 1);
    assert.equal(fetch.calls[0].request.signal.aborted, true);
  });
});

describe("protocol violations", () => {
  const cases = [
    ["has_next without a cursor", [{ has_next: true, records: [{ external_id: "a" }] }], /no "next_starting_after"/],
    ["a repeating cursor", [{ has_next: true, next_starting_after: "a", records: [{ external_id: "a" }] }, { has_next: true, next_starting_after: "a", records: [] }], /loop forever/],
    ["no records", [{ has_next: false }], /page: missing "records"/],
    ["records not an array", [{ has_next: false, records: {} }], /records: expected an array, found an object/],
    ["has_next not a boolean", [{ has_next: "yes", records: [] }], /has_next: expected a boolean, found a string/],
    ["a body that is not an object", [[1, 2]], /page: expected an object, found an array/],
  ];
  for (const [name, bodies, message] of cases) {
    test(name, async () => {
      let i = 0;
      const fetch = async () => jsonResponse(bodies[Math.min(i++, bodies.length - 1)]);
      await rejects(collect(client(fetch).exportTaskProfiles({})), (e) => {
        assert.equal(e.kind, "protocol");
        assert.match(e.message, message);
      });
    });
  }

  test("a body that is not valid JSON", async () => {
    const fetch = async () => new Response("<html>gateway</html>", { status: 200 });
    await rejects(collect(client(fetch).exportTaskProfiles({})), (e) => {
      assert.equal(e.kind, "protocol");
      assert.match(e.message, /page: invalid JSON: expected a value at line 1 column 1/);
    });
  });
});

describe("bodies that are not UTF-8", () => {
  // Records are read with `text()`, which makes U+FFFD of bytes that are not UTF-8; a page whose
  // text shows one is asked for again and read as bytes, where only a real U+FFFD passes.
  const bytesOf = (page) => new TextEncoder().encode(JSON.stringify(page));

  test("a page with a real U+FFFD is read again and handed out intact; other pages once", async () => {
    const { pages } = makePages(6, 3);
    pages[1].records[0].tasks[0].task = "Caf\uFFFD \u00e9";
    const fetch = pagedFetch(pages);
    const records = await collect(client(fetch).exportTaskProfiles());
    assert.equal(records.length, 6);
    assert.equal(records[3].tasks[0].task, "Caf\uFFFD \u00e9");
    assert.deepEqual(fetch.calls.map((c) => c.body.starting_after ?? null), [null, "e0003", "e0003"]);
    const pageObjects = await collect(client(pagedFetch(pages)).exportTaskProfiles().pages());
    assert.deepEqual(pageObjects.flatMap((p) => p.records), records);
  });

  test("bytes that are not UTF-8 are a protocol error, on the records path as on every other", async () => {
    const { pages } = makePages(2, 2);
    const good = bytesOf(pages[0]);
    const at = new TextDecoder().decode(good).indexOf("Task 0") + 4;
    const bad = Uint8Array.from(good);
    bad[at] = 0xff; // "Task\xff0": not UTF-8
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response(bad, { status: 200, headers: { "content-type": "application/json" } });
    };
    await rejects(collect(client(fetch, { maxRetries: 0 }).exportTaskProfiles()), (e) => {
      assert.equal(e.kind, "protocol");
      assert.match(e.message, /invalid UTF-8/);
      assert.equal(e.records, 0);
    });
    assert.equal(calls, 2, "read as text, then as bytes");
  });
});

describe("every kind of error says where to resume", () => {
  // Page 1 is served; page 2 fails as each kind fails. Every error carries the cursor after the
  // last record handed out and how many were, whatever its kind.
  const failures = {
    http: () => jsonResponse([{ title: "500 Internal Server Error" }], { status: 500 }),
    rate_limited: () => jsonResponse({}, { status: 429, headers: { "retry-after": "600" } }),
    auth: () => jsonResponse([{ title: "403 Forbidden", description: "no access" }], { status: 403 }),
    protocol: () => new Response("<html>gateway</html>", { status: 200, headers: { "content-type": "text/html" } }),
    network: () => Promise.reject(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) })),
    timeout: (call) => new Promise((_, reject) => call.request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))),
  };
  for (const [kind, fail] of Object.entries(failures)) {
    test(kind, async () => {
      const fetch = pagedFetch(makePages(30, 10).pages, (call) => (call.index >= 1 ? fail(call) : undefined));
      const got = [];
      const exp = client(fetch, { maxRetries: 0, timeoutMs: 200, maxRetryAfterMs: 1000 }).exportTaskProfiles({ limit: 10 });
      await rejects((async () => { for await (const r of exp) got.push(r); })(), (e) => {
        assert.equal(e.kind, kind, e.message);
        assert.equal(got.length, 10);
        assert.equal(e.cursor, "e0010");
        assert.equal(e.records, 10);
        assertNoSecret(e);
      });
    });
  }
});

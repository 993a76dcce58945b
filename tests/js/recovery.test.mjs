// A panic inside the package traps its wasm instance (release builds abort on panic). The build
// with the `test-panic` feature (`make test-recovery-build`, into target/pkg-test-panic) panics
// in `addPage` on one magic body, so that these tests can show what a user sees then: a
// TaskProfilesError of kind "internal", later calls working on a fresh instance, and objects of
// the dead instance refused with the same kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as published from "task-profiles";

const recovering = await import("../../target/pkg-test-panic/index.node.mjs");
const { TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, convertPage, formatPage } = recovering;

const PAGE = readFileSync(new URL("../fixtures/page-list.json", import.meta.url));
const PANIC = "panic for tests";

const isInternal = (pattern) => (e) => {
  assert.ok(e instanceof TaskProfilesError, `a TaskProfilesError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.kind, "internal");
  assert.match(e.message, pattern);
  return true;
};

test("a trap is a TaskProfilesError of kind internal, and the package goes on with a fresh instance", () => {
  const expected = new TaskStats().addPage(PAGE).summary();
  const before = new TaskStats().addPage(PAGE);
  const client = new TaskProfilesClient({ baseUrl: "http://127.0.0.1:9", token: "t" });
  const taxonomy = new TaskTaxonomy();

  const trapped = new TaskStats();
  assert.throws(() => trapped.addPage(PANIC), isInternal(/internal error in task-profiles .*report this/));

  // Everything works again, on objects made now.
  assert.deepEqual(new TaskStats().addPage(PAGE).summary(), expected);
  assert.ok(convertPage(PAGE, { to: "hierarchy" }).length > 0);
  assert.ok(formatPage(PAGE, { as: "csv", header: true }).length > 0);
  assert.equal(new TaskProfilesClient({ baseUrl: "http://127.0.0.1:9", token: "t" }).baseUrl, "http://127.0.0.1:9");
  // Errors are still the package's, with their kinds, on the fresh instance.
  assert.throws(() => new TaskStats().addPage("{"), (e) => e instanceof TaskProfilesError && e.kind === "invalid_input");

  // Objects made on the dead instance say so, whichever of their methods or getters is used.
  const stale = isInternal(/made before task-profiles restarted .* make a new one/);
  assert.throws(() => before.summary(), stale);
  assert.throws(() => trapped.addPage(PAGE), stale);
  assert.throws(() => client.exportTaskProfiles(), stale);
  assert.throws(() => client.baseUrl, stale);
  assert.throws(() => taxonomy.size, stale);
  assert.throws(() => convertPage(PAGE, { to: "hierarchy", taxonomy }), stale);
});

test("a second trap is recovered from as the first", () => {
  for (let i = 0; i < 2; i++) {
    assert.throws(() => new TaskStats().addPage(PANIC), isInternal(/internal error/));
    const stats = new TaskStats().addPage(PAGE);
    assert.ok(stats.summary().employees > 0);
  }
});

test("classes keep working as classes through the guard: instanceof, statics, subclasses", () => {
  const stats = new TaskStats().addPage(PAGE);
  assert.ok(stats instanceof TaskStats);
  const copy = TaskStats.fromJSON(stats.toJSON());
  assert.ok(copy instanceof TaskStats);
  assert.deepEqual(copy.summary(), stats.summary());
  class Mine extends TaskStats {}
  const mine = new Mine().addPage(PAGE);
  assert.ok(mine instanceof Mine && mine instanceof TaskStats);
  assert.deepEqual(mine.summary(), stats.summary());
});

test("the published package has no panicking entry: the magic body is just not JSON", () => {
  assert.throws(() => new published.TaskStats().addPage(PANIC), (e) => e instanceof published.TaskProfilesError && e.kind === "invalid_input");
});

test("a trap in the export's async loop fails that export with kind internal, instead of hanging or ending the process", async () => {
  const pages = (body) => async () => new Response(body, { headers: { "content-type": "application/json" } });
  const good = JSON.stringify({ has_next: false, records: [{ external_id: "e1", tasks: [] }] });
  const client = (body) => new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: "t", fetch: pages(body) });
  const waiting = client(good).exportTaskProfiles();

  for (const consume of [
    async (exp) => { for await (const _ of exp); },
    (exp) => exp.toArray(),
    (exp) => exp.stats(),
  ]) {
    const outcome = await Promise.race([
      consume(client(PANIC).exportTaskProfiles()).then(() => "resolved", (e) => e),
      new Promise((resolve) => setTimeout(resolve, 5000, "hung")),
    ]);
    assert.ok(outcome instanceof TaskProfilesError, `an error, not ${outcome}`);
    assert.equal(outcome.kind, "internal");
    // And then an export works again, on a client made now.
    assert.deepEqual(await client(good).exportTaskProfiles().toArray(), [{ external_id: "e1", tasks: [] }]);
  }
  // An export made before the trap says so.
  await assert.rejects(waiting.toArray(), isInternal(/made before task-profiles restarted/));
});

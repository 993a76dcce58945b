// Shapes and statistics through the built package, on the fixtures and on the sandbox's export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage } from "task-profiles";
import { startSandbox, SANDBOX_TOKEN, collect } from "./helpers.mjs";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const LIST = JSON.parse(fixture("page-list.json"));
const HIER = JSON.parse(fixture("page-hierarchy.json"));
const INCLUDE = ["ai_impact", "weekly_hours", "linked_skills", "source_events", "rejected_tasks"];
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

let sandbox;
let listPages; // raw page bodies, as fetch delivers them
let hierPages;
before(async () => {
  sandbox = await startSandbox(["--employees", "850", "--seed", "9"]);
  const client = new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
  listPages = await collect(client.exportTaskProfiles({ include: INCLUDE }).rawPages());
  hierPages = await collect(client.exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).rawPages());
});
after(() => sandbox?.stop());

const client = () => new TaskProfilesClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
const records = (pages) => pages.flatMap((p) => decode(p).records);

test("fixtures: the list and hierarchy pages convert into each other", () => {
  assert.deepEqual(toList(HIER.records), LIST.records);
  const taxonomy = new TaskTaxonomy().learn(HIER.records);
  assert.equal(taxonomy.size, 3);
  assert.deepEqual(toHierarchy(LIST.records, { taxonomy }), HIER.records);
  assert.deepEqual(toHierarchy(toList(HIER.records, { keepPath: true })), HIER.records);
  assert.deepEqual(toList(HIER.records[0]), LIST.records[0], "one record in, one record out");
  assert.deepEqual(decode(convertPage(fixture("page-hierarchy.json"), { to: "list" })), LIST);
  assert.deepEqual(decode(convertPage(fixture("page-list.json").toString("utf8"), { to: "hierarchy", taxonomy })), HIER);
});

test("keepPath gives each task its ancestor groups", () => {
  const [first] = toList(HIER.records, { keepPath: true });
  assert.deepEqual(first.tasks[0].path, [{ node_id: "finance-operations", name: "Finance operations" }, { node_id: "accounts-payable", name: "Accounts payable" }]);
});

test("sandbox: hierarchy → list → hierarchy (path, and learned taxonomy) gives back every record", () => {
  const hier = records(hierPages);
  const list = records(listPages);
  assert.deepEqual(toList(hier), list);
  assert.deepEqual(toHierarchy(toList(hier, { keepPath: true })), hier);
  const taxonomy = new TaskTaxonomy().learn(hier);
  assert.ok(taxonomy.size > 300);
  assert.equal(taxonomy.conflicts, 0);
  assert.deepEqual(toHierarchy(list, { taxonomy }), hier);
  const restored = TaskTaxonomy.fromJSON(JSON.stringify(taxonomy));
  assert.equal(restored.size, taxonomy.size);
  assert.deepEqual(toHierarchy(list, { taxonomy: restored }), hier);
});

test("groupBy makes groups from task values, and converting back keeps every task", () => {
  const list = records(listPages).slice(0, 120);
  const grouped = toHierarchy(list, { groupBy: ["ai_impact_level", "validation_state"] });
  const levels = new Set(grouped.flatMap((r) => r.hierarchy.map((g) => g.node_id)));
  assert.ok(levels.size >= 3, [...levels].join());
  assert.ok([...levels].every((l) => /^H[1-5]$/.test(l)), [...levels].join());
  const back = toList(grouped);
  const key = (t) => JSON.stringify(t);
  back.forEach((r, i) => assert.deepEqual(r.tasks.map(key).sort(), list[i].tasks.map(key).sort()));
});

test("unknown fields and large numbers survive every conversion", () => {
  const record = {
    external_id: "e1", extra: { deep: [1, 2.5] },
    hierarchy: [{ node_id: "g", name: "G", colour: "red", children: [{ task_id: "t", task: "T", validation_state: "validated", score: 0.1, when: "2026-11-29" }] }],
  };
  const list = toList(record, { keepPath: true });
  assert.equal(list.extra.deep[1], 2.5);
  assert.deepEqual(list.tasks[0].path, [{ node_id: "g", name: "G", colour: "red" }]);
  assert.equal(list.tasks[0].score, 0.1);
  assert.deepEqual(toHierarchy(list), record);
  const big = '{"has_next":false,"records":[{"external_id":"e","n":12345678901234567890,"hierarchy":[{"task_id":"t","task":"T","validation_state":"validated","x":1e-7}]}]}';
  assert.equal(new TextDecoder().decode(convertPage(big, { to: "list" })), '{"has_next":false,"records":[{"external_id":"e","n":12345678901234567890,"tasks":[{"task_id":"t","task":"T","validation_state":"validated","x":1e-7}]}]}');
});

test("bad input is a TaskProfilesError of kind invalid_input that says where", () => {
  const bad = [
    [[{ external_id: "a", hierarchy: [] }, { external_id: "b", hierarchy: [{ node_id: "g", name: "G", children: [{}, { nope: 1 }] }] }], /^records\[1\]\.hierarchy\[0\]\.children\[0\]/],
    [[{ tasks: [] }], /^records\[0\].*external_id/],
    [{ external_id: "a", hierarchy: [{ node_id: "g", name: "G", children: 5 }] }, /^record\.hierarchy\[0\]\.children/],
  ];
  for (const [input, where] of bad) {
    assert.throws(() => toList(input), (e) => e instanceof TaskProfilesError && e.kind === "invalid_input" && where.test(e.message));
  }
  assert.throws(() => toHierarchy(LIST.records, { groupBy: ["colour"] }), (e) => e.kind === "invalid_params" && /groupBy/.test(e.message));
  assert.throws(() => convertPage(new Uint8Array([1, 2, 3]), { to: "list" }), (e) => e.kind === "invalid_input");
  assert.throws(() => new TaskStats().add([{ external_id: "x", tasks: [{ task: "no id", validation_state: "validated" }] }]), (e) => e.kind === "invalid_input" && /records\[0\]\.tasks\[0\]/.test(e.message));
});

test("stats: addPage on bytes equals add on objects, in either shape", () => {
  const fromBytes = new TaskStats();
  for (const page of listPages) fromBytes.addPage(page);
  const fromObjects = new TaskStats().add(records(listPages));
  const fromHierarchy = new TaskStats();
  for (const page of hierPages) fromHierarchy.addPage(page);
  assert.deepEqual(fromObjects.summary(), fromBytes.summary());
  assert.deepEqual(fromHierarchy.summary(), fromBytes.summary());
  const s = fromBytes.summary();
  assert.equal(s.employees, 850);
  assert.equal(Object.keys(s).join(), "employees,employeesWithoutTasks,tasks,rejectedTasks,distinctTasks,distinctSkills,tasksPerEmployee,validationStates,aiImpact,weeklyHours,topTasks,topSkills,sourceEventTypes");
  assert.equal(s.topTasks.length, 20);
});

test("stats: the summary matches a hand computation over the records", () => {
  const recs = records(listPages);
  const s = new TaskStats({ topN: 5 }).add(recs).summary();
  const kept = recs.map((r) => r.tasks.filter((t) => t.validation_state !== "rejected"));
  assert.equal(s.tasks, kept.flat().length);
  assert.equal(s.rejectedTasks, recs.flatMap((r) => r.tasks).length - s.tasks);
  assert.equal(s.employeesWithoutTasks, kept.filter((t) => t.length === 0).length);
  assert.equal(s.distinctTasks, new Set(kept.flat().map((t) => t.task_id)).size);
  const hours = kept.flat().reduce((sum, t) => sum + (t.weekly_hours ?? 0), 0);
  assert.ok(Math.abs(s.weeklyHours.total - hours) < 1e-6);
  const perTask = new Map();
  for (const tasks of kept) for (const id of new Set(tasks.map((t) => t.task_id))) perTask.set(id, (perTask.get(id) ?? 0) + 1);
  const top = [...perTask].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
  assert.deepEqual(s.topTasks.map((t) => [t.taskId, t.employees]), top);
  const counts = kept.map((t) => t.length).sort((a, b) => a - b);
  assert.equal(s.tasksPerEmployee.max, counts.at(-1));
  assert.equal(s.tasksPerEmployee.p50, counts[Math.ceil(0.5 * counts.length) - 1]);
  assert.equal(s.tasksPerEmployee.p90, counts[Math.ceil(0.9 * counts.length) - 1]);
});

test("stats: shards merged through toJSON/fromJSON equal one pass", () => {
  const one = new TaskStats();
  for (const page of listPages) one.addPage(page);
  const shards = [new TaskStats(), new TaskStats(), new TaskStats()];
  listPages.forEach((page, i) => shards[i % 3].addPage(page));
  const merged = new TaskStats();
  for (const shard of shards.reverse()) merged.merge(TaskStats.fromJSON(JSON.parse(JSON.stringify(shard))));
  assert.deepEqual(merged.summary(), one.summary());
  assert.deepEqual(merged.tree({ by: ["validation_state", "ai_impact_level"] }), one.tree({ by: ["validation_state", "ai_impact_level"] }));
  assert.throws(() => TaskStats.fromJSON({ format: "something else" }), (e) => e.kind === "invalid_input");
});

test("stats: tree by dimensions and by taxonomy, ready for d3.hierarchy", () => {
  const stats = new TaskStats();
  for (const page of listPages) stats.addPage(page);
  const byLevel = stats.tree({ by: ["ai_impact_level"] });
  assert.equal(byLevel.name, "All tasks");
  const leaves = byLevel.children.flatMap((g) => g.children);
  assert.ok(leaves.length > 50, `${leaves.length} leaves`);
  assert.ok(leaves.every((l) => typeof l.taskId === "string" && l.value > 0 && typeof l.weeklyHours === "number"));
  const taxonomy = new TaskTaxonomy().learn(records(hierPages));
  const tree = stats.tree({ taxonomy });
  const domains = tree.children.map((c) => c.name);
  assert.ok(domains.includes("Software development"), domains.join());
  const sum = (n) => (n.children ? n.children.reduce((s, c) => s + sum(c), 0) : n.value);
  const perTask = stats.summary().distinctTasks;
  const countLeaves = (n) => (n.children ? n.children.reduce((s, c) => s + countLeaves(c), 0) : 1);
  assert.equal(countLeaves(tree), perTask);
  assert.equal(sum(tree), sum({ children: leaves }));
  assert.throws(() => stats.tree({ by: ["colour"] }), (e) => e.kind === "invalid_params");
});

test("Export.stats() aggregates the export's bytes in wasm and equals TaskStats over its pages", async () => {
  const expected = new TaskStats({ topN: 7 });
  for (const page of listPages) expected.addPage(page);
  const progress = [];
  const summary = await client().exportTaskProfiles({ include: INCLUDE, limit: 100, onProgress: (p) => progress.push(p.records) }).stats({ topN: 7 });
  assert.deepEqual(summary, expected.summary());
  assert.equal(progress.at(-1), 850);
  assert.deepEqual(await client().exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).stats({ topN: 7 }), summary);
});

test("rawPages converts on the way, equal to convertPage of each page", async () => {
  const taxonomy = new TaskTaxonomy().learn(records(hierPages));
  const asHierarchy = await collect(client().exportTaskProfiles({ include: INCLUDE }).rawPages({ convertTo: "hierarchy", taxonomy }));
  assert.equal(asHierarchy.length, hierPages.length);
  asHierarchy.forEach((bytes, i) => assert.deepEqual(decode(bytes), decode(hierPages[i])));
  const asList = await collect(client().exportTaskProfiles({ include: INCLUDE, responseFormat: "hierarchy" }).rawPages({ convertTo: "list" }));
  asList.forEach((bytes, i) => assert.deepEqual(decode(bytes), decode(convertPage(hierPages[i], { to: "list" }))));
  asList.forEach((bytes, i) => assert.deepEqual(decode(bytes).records, decode(listPages[i]).records));
});

test("strings are read right whatever the offset of a quote, escape, non-ASCII or control byte", () => {
  // The lexer scans strings a chunk at a time (16 bytes with wasm simd128): put each kind of
  // stop at every offset of a chunk, past its end and at the end of the page.
  const stops = ['"', "\\", "é", "\n", "\u0001", "😀"];
  const tasks = [];
  for (let k = 0; k < 40; k++) {
    for (const [j, stop] of stops.entries()) {
      tasks.push({ task_id: `t${k}-${j}`, task: "x".repeat(k) + stop + "y".repeat(k % 17), validation_state: "validated" });
    }
  }
  const page = JSON.stringify({ has_next: false, records: [{ external_id: "e", tasks }] });
  const stats = new TaskStats({ topN: tasks.length });
  stats.addPage(new TextEncoder().encode(page));
  const names = new Map(stats.summary().topTasks.map((t) => [t.taskId, t.task]));
  assert.equal(names.size, tasks.length);
  for (const t of tasks) assert.equal(names.get(t.task_id), t.task, t.task_id);
  // The same page converted and back is the same records.
  const there = convertPage(page, { to: "hierarchy" });
  assert.deepEqual(decode(convertPage(there, { to: "list" })).records, JSON.parse(page).records);

  // A raw control byte in a string is not JSON, wherever it is.
  for (let k = 0; k < 40; k++) {
    const bad = `{"has_next":false,"records":[{"external_id":"${"x".repeat(k)}\u0001","tasks":[]}]}`;
    assert.throws(() => new TaskStats().addPage(new TextEncoder().encode(bad)), (e) => e instanceof TaskProfilesError && e.kind === "invalid_input", `offset ${k}`);
  }
});

test("one task_id under several names: the summary shows the smallest by code point, in any order and split", () => {
  // By code point U+FF5E < U+1F600, though JS's default sort (UTF-16 units) puts the emoji first;
  // "Zebra" < "apple" < "Äpfel" by code point.
  const names = ["\uFF5E wave", "\u{1F600} smile", "Äpfel", "apple", "Zebra", "\uFF5E"];
  const record = (i, name) => ({ external_id: `e${i}`, tasks: [{ task_id: "t", task: name, validation_state: "validated" }] });
  const shown = (records) => {
    const s = new TaskStats();
    s.add(records);
    return s.summary().topTasks[0].task;
  };
  const records = names.map((n, i) => record(i, n));
  assert.equal(shown(records), "Zebra");
  const nonAscii = records.filter((r) => r.tasks[0].task.codePointAt(0) > 0xff);
  assert.equal(nonAscii.length, 3);
  assert.equal(shown(nonAscii), "\uFF5E");
  assert.equal(shown([...nonAscii].reverse()), "\uFF5E");
  // Split into shards and merged either way round.
  const a = new TaskStats();
  a.add(nonAscii.slice(0, 2));
  const b = new TaskStats();
  b.add(nonAscii.slice(2));
  const ab = TaskStats.fromJSON(a.toJSON());
  ab.merge(b);
  b.merge(a);
  assert.equal(ab.summary().topTasks[0].task, "\uFF5E");
  assert.equal(b.summary().topTasks[0].task, "\uFF5E");
});

test("nesting past the documented 128 levels is refused as such, not as invalid JSON", () => {
  const deep = (groups) => {
    let node = { task_id: "t", task: "T", validation_state: "validated" };
    for (let i = 0; i < groups; i++) node = { node_id: `g${i}`, name: "G", children: [node] };
    return { external_id: "e", hierarchy: [node] };
  };
  // 2 levels a group (the node and its children array), 3 for the record: 60 groups fit.
  assert.equal(toList(deep(60)).tasks[0].task_id, "t");
  for (const run of [() => toList(deep(63)), () => new TaskStats().add(deep(63)), () => convertPage(JSON.stringify({ has_next: false, records: [deep(63)] }), { to: "list" })]) {
    assert.throws(run, (e) => {
      assert.equal(e.kind, "invalid_input");
      assert.match(e.message, /: JSON nested deeper than the 128 levels allowed at line 1 column \d+$/);
      assert.doesNotMatch(e.message, /invalid JSON/);
      return true;
    });
  }
});

// toList / toHierarchy on JS objects (the object path of pkg-templates/shapes.js): the same records
// as convertPage makes from the same records' JSON, key order included; the conversion laws; and
// malformed input refused exactly as the exact path (JSON text through wasm) refuses it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { TaskProfilesError, TaskTaxonomy, toList, toHierarchy, convertPage } from "task-profiles";

// The package's wasm-bindgen module (the same instance the package uses): its `toList` and
// `toHierarchy` are the exact path, JSON.stringify → convert in wasm → JSON.parse.
const wasm = createRequire(import.meta.url)(fileURLToPath(new URL("./node/task_profiles.js", import.meta.resolve("task-profiles"))));

const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
/** The records convertPage makes of `records` put in a page. */
const viaPage = (records, options) => decode(convertPage(JSON.stringify({ has_next: false, records }), options)).records;

/** Deep-equal, and equal as JSON text: the same members in the same order. */
function same(actual, expected, message) {
  assert.deepStrictEqual(actual, expected, message);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), message);
}

// ---------------------------------------------------------------------------------------------
// A seeded generator of records.

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["extra", "confidence", "meta", "ünïcødé 𝄞", 'quo"te', "t\tab", "10", "2", "__proto__", "weekly_hours"];
const VALUES = [0, -0.5, 1e-7, 12345678, "plain", "üñí©ødé 𝄞", 'esc " \\ \n é 😀', { a: [1, 2.5, { b: null }], c: true }, [], {}, null, false, [1e-7, "x", { deep: { deeper: [1] } }]];
const LEVELS = [undefined, { level: "H1", rationale: "r" }, { level: "H2" }, { level: 3 }, {}, null, "H1", [], { level: null }, { rationale: "no level" }];
const STATES = [undefined, "validated", "suggested", "rejected", null, 7];

class Gen {
  constructor(seed, { lawful = false } = {}) {
    this.r = rng(seed);
    // Laws need what a round trip can give back: unique task ids, groups holding a task, no empty `children`.
    this.lawful = lawful;
    this.task = 0;
  }
  int(n) {
    return Math.floor(this.r() * n);
  }
  pick(xs) {
    return xs[this.int(xs.length)];
  }
  /** Unknown members, as [key, value] (keys distinct). */
  extras(max = 3) {
    const out = new Map();
    for (let i = this.int(max + 1); i > 0; i--) out.set(this.pick(NAMES), structuredClone(this.pick(VALUES)));
    return [...out];
  }
  taskId() {
    const n = this.lawful || this.r() < 0.8 ? this.task++ : this.int(Math.max(this.task, 1));
    return this.r() < 0.1 ? `t${n} ✓` : `t${n}`;
  }
  /** An object from [key, value] pairs in order (an own `__proto__` member defined, as JSON.parse does). */
  obj(pairs) {
    const o = {};
    for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }
  taskMembers() {
    const pairs = [["task_id", this.taskId()], ["task", `Task ${this.task}`]];
    const ai = this.pick(LEVELS);
    if (ai !== undefined) pairs.push(["ai_impact", structuredClone(ai)]);
    const state = this.pick(STATES);
    if (state !== undefined) pairs.push(["validation_state", state]);
    pairs.push(...this.extras());
    // Shuffled: the members keep their order, whatever it is.
    for (let i = pairs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
    }
    return pairs.filter(([k], i) => pairs.findIndex(([k2]) => k2 === k) === i);
  }
  /** Hierarchy nodes, depth 0 to `depth`. */
  nodes(depth, min = 0) {
    const out = [];
    const n = min + this.int(4 - min);
    let groups = 0;
    for (let i = 0; i < n; i++) {
      if (depth > 0 && this.r() < 0.4) {
        const children = this.nodes(depth - 1, this.lawful ? 1 : 0);
        if (this.lawful && !children.some((c) => c.task_id !== undefined || c.children)) children.push(this.obj(this.taskMembers()));
        const pairs = [["node_id", `g${groups++}`], ["name", `Group ${groups}`], ...this.extras(2)];
        pairs.splice(this.int(pairs.length + 1), 0, ["children", children]);
        out.push(this.obj(pairs));
      } else {
        const pairs = this.taskMembers();
        if (depth > 0 && this.r() < 0.3) {
          const children = this.nodes(depth - 1, this.lawful ? 1 : 0);
          if (children.length > 0 || !this.lawful) pairs.splice(this.int(pairs.length + 1), 0, ["children", children]);
        }
        out.push(this.obj(pairs));
      }
    }
    return out;
  }
  hierarchyRecord(i) {
    return this.obj([...this.extras(2), ["external_id", `e${i}`], ["hierarchy", this.nodes(this.int(7))], ...this.extras(2)].filter(([k], j, all) => all.findIndex(([k2]) => k2 === k) === j));
  }
  /** A list record whose tasks may carry a path (groups and parent tasks, possibly unknown ones). */
  listRecord(i) {
    const tasks = [];
    const ids = [];
    for (let j = this.int(6); j > 0; j--) {
      const pairs = this.taskMembers();
      if (this.r() < 0.6) {
        const path = [];
        for (let k = this.int(4); k > 0; k--) {
          if (ids.length > 0 && this.r() < 0.3) path.push({ task_id: this.pick(ids) });
          else path.push(this.obj([["node_id", `g${this.int(3)}`], ["name", "G"], ...this.extras(1)]));
        }
        pairs.push(["path", path]);
      }
      const task = this.obj(pairs);
      ids.push(task.task_id);
      tasks.push(task);
    }
    return this.obj([["external_id", `e${i}`], ...this.extras(1), ["tasks", tasks]].filter(([k], j, all) => all.findIndex(([k2]) => k2 === k) === j));
  }
  records(n, shape) {
    return Array.from({ length: n }, (_, i) => (shape === "list" || (shape === "mixed" && this.r() < 0.5) ? this.listRecord(i) : this.hierarchyRecord(i)));
  }
}

/** Every object or array reachable from `value`. */
function objectsIn(value, out = new Set()) {
  if (typeof value === "object" && value !== null && !out.has(value)) {
    out.add(value);
    for (const v of Object.values(value)) objectsIn(v, out);
  }
  return out;
}

/**
 * Whether the object path made `output`: the values of unknown members (objects here) are the
 * input's own, where the exact path makes new ones through JSON.
 */
function sharesValues(input, output) {
  const inputs = objectsIn(input);
  let shared = 0;
  const walk = (v) => {
    if (typeof v !== "object" || v === null) return;
    if (inputs.has(v) && !Array.isArray(v) && (v.a !== undefined || v.level !== undefined || v.rationale !== undefined)) shared++;
    else for (const x of Object.values(v)) walk(x);
  };
  walk(output);
  return shared > 0;
}

const GROUPINGS = [["ai_impact_level"], ["validation_state"], ["ai_impact_level", "validation_state"], ["validation_state", "ai_impact_level"]];

// ---------------------------------------------------------------------------------------------

test("the object path builds what convertPage builds, key order included, for every conversion", () => {
  let fast = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const g = new Gen(seed);
    const shape = ["hierarchy", "list", "mixed"][seed % 3];
    const records = g.records(1 + g.int(4), shape);
    const snapshot = JSON.stringify(records);
    const taxonomy = new TaskTaxonomy().learn(g.records(3, "hierarchy"));
    const conversions = [
      [toList, {}, { to: "list" }],
      [toList, { keepPath: true }, { to: "list", keepPath: true }],
      [toHierarchy, {}, { to: "hierarchy" }],
      [toHierarchy, { taxonomy }, { to: "hierarchy", taxonomy }],
      ...GROUPINGS.map((groupBy) => [toHierarchy, { groupBy, taxonomy }, { to: "hierarchy", groupBy }]),
    ];
    for (const [convert, options, pageOptions] of conversions) {
      const where = `seed ${seed} (${shape}), ${convert.name}(${JSON.stringify({ ...options, taxonomy: undefined })})`;
      const out = convert(records, options);
      same(out, viaPage(records, pageOptions), where);
      if (sharesValues(records, out)) fast++;
      // One record in, one record out.
      same(convert(records[0], options), viaPage([records[0]], pageOptions)[0], `${where}, one record`);
    }
    assert.equal(JSON.stringify(records), snapshot, "the input is left as it was");
  }
  assert.ok(fast > 300, `the object path was taken (${fast} conversions)`);
});

test("the sandbox-like case: tasks copied, nested values shared, records and arrays new", () => {
  const input = [{ external_id: "e", hierarchy: [{ node_id: "g", name: "G", children: [{ task_id: "t", ai_impact: { level: "H1" }, linked_skills: [{ skill_id: "s" }] }] }] }];
  const [list] = toList(input);
  const task = input[0].hierarchy[0].children[0];
  assert.notEqual(list.tasks[0], task, "a task is a copy");
  assert.equal(list.tasks[0].ai_impact, task.ai_impact, "its values are the caller's");
  assert.equal(list.tasks[0].linked_skills, task.linked_skills);
  const [tree] = toHierarchy(toList(input, { keepPath: true }));
  assert.deepStrictEqual(tree, input[0]);
  assert.equal(tree.hierarchy[0].children[0].ai_impact, task.ai_impact);
  // A record already in the target shape: a new record object, its members the caller's.
  const passed = toList(list);
  assert.notEqual(passed, list);
  assert.equal(passed.tasks, list.tasks);
});

test("law: toHierarchy(toList(H, { keepPath: true })) is H, and so is placing by a taxonomy learned from H", () => {
  for (let seed = 100; seed < 160; seed++) {
    const g = new Gen(seed, { lawful: true });
    const h = g.records(1 + g.int(3), "hierarchy");
    const back = toHierarchy(toList(h, { keepPath: true }));
    assert.deepStrictEqual(back, h, `seed ${seed}`);
    const nested = [...objectsIn(h)].some((o) => !Array.isArray(o) && (o.a !== undefined || o.level !== undefined || o.rationale !== undefined));
    if (nested) assert.ok(sharesValues(h, back), `seed ${seed}: the object path`);
    const taxonomy = new TaskTaxonomy().learn(h);
    assert.equal(taxonomy.conflicts, 0);
    assert.deepStrictEqual(toHierarchy(toList(h), { taxonomy }), h, `seed ${seed}, taxonomy`);
    // A hierarchy passes through.
    assert.deepStrictEqual(toHierarchy(h, { taxonomy }), h);
    // Grouped, every task is kept.
    for (const groupBy of GROUPINGS) {
      const tasks = (records) => records.map((r) => r.tasks.map((t) => JSON.stringify(t)).sort());
      assert.deepStrictEqual(tasks(toList(toHierarchy(toList(h), { groupBy }))), tasks(toList(h)), `seed ${seed}, ${groupBy}`);
    }
  }
});

test("odd but valid input converts as the exact path converts it", () => {
  const nullProto = Object.assign(Object.create(null), { external_id: "n", tasks: [{ task_id: "t" }] });
  class Rec {
    constructor() {
      this.external_id = "c";
      this.hierarchy = [{ task_id: "t" }];
    }
  }
  const cases = [
    // Members JSON leaves out, where the conversion reads.
    [toList, { external_id: "a", tasks: [{ task_id: "t" }], hierarchy: undefined }],
    [toHierarchy, { external_id: "a", hierarchy: [{ task_id: "t" }], tasks: undefined }],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: [{ node_id: "g", children: undefined }] }] }],
    // Values JSON writes otherwise than they look.
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", validation_state: new String("validated") }] }, { groupBy: ["validation_state"] }],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", ai_impact: { level: { toJSON: () => "H9" } } }] }, { groupBy: ["ai_impact_level"] }],
    [toList, nullProto],
    [toList, new Rec()],
    // Ids that are the same or not only in UTF-16.
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "p\ud800" }, { task_id: "c", path: [{ task_id: "p\udc00" }] }, { task_id: "d", path: [{ task_id: "p\ud800" }] }] }],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: [{ node_id: "é" }] }, { task_id: "u", path: [{ node_id: "e\u0301" }] }, { task_id: "v", path: [{ node_id: "é" }] }] }],
    // A `__proto__` member, as JSON.parse makes one.
    [toHierarchy, JSON.parse('{"external_id":"a","__proto__":{"x":1},"tasks":[{"task_id":"t","__proto__":[1],"path":[{"node_id":"g","__proto__":2}]}]}')],
    [toList, JSON.parse('{"external_id":"a","hierarchy":[{"node_id":"g","__proto__":2,"children":[{"task_id":"t"}]}]}'), { keepPath: true }],
    // Integer-like keys come first in JS objects, and so in JSON.stringify's text.
    [toList, { b: 1, 10: 2, external_id: "a", 2: 3, hierarchy: [{ z: 1, 3: 2, task_id: "t" }] }],
  ];
  for (const [convert, input, options] of cases) {
    const exact = convert === toList ? wasm.toList(input, options) : wasm.toHierarchy(input, options, new TaskTaxonomy());
    same(convert(input, options), exact, `${convert.name} ${JSON.stringify(input)}`);
  }
});

test("values the conversion does not look into are the caller's, as they are", () => {
  // Where the exact path goes through JSON text, the object path copies members as they are: a
  // Date stays a Date, a member set to `undefined` stays (JSON text is the same either way).
  const when = new Date(0);
  const input = { external_id: "a", when, hierarchy: [{ task_id: "t", note: undefined, meta: { n: 1 } }] };
  const out = toList(input);
  assert.equal(out.when, when);
  assert.ok(Object.hasOwn(out.tasks[0], "note"));
  assert.equal(out.tasks[0].meta, input.hierarchy[0].meta);
  assert.equal(JSON.stringify(out), JSON.stringify(wasm.toList(input)));
});

test("malformed input: the same error, kind and message, as the exact path", () => {
  const long = Array.from({ length: 129 }, (_, i) => ({ node_id: `g${i}` }));
  const throwing = { external_id: "a", hierarchy: [{ task_id: "t" }] };
  Object.defineProperty(throwing, "boom", { enumerable: true, get: () => { throw new Error("no value"); } });
  const table = [
    [toList, 5, "records: expected a record object or an array of records, found a number"],
    [toList, [{ external_id: "a", hierarchy: [] }, 7], "records[1]: expected an object, found a number"],
    [toList, [{ hierarchy: [] }], 'records[0]: record has no "external_id"'],
    [toList, { external_id: 1, tasks: [] }, "record.external_id: expected a string, found a number"],
    [toHierarchy, { external_id: "a", tasks: [], hierarchy: [] }, 'record: record has both "tasks" and "hierarchy"'],
    [toList, { external_id: "a" }, 'record: record has neither "tasks" nor "hierarchy"'],
    [toList, { records: [] }, "record: expected a record, found a page (pages go to convertPage)"],
    [toList, { external_id: "a", hierarchy: {} }, "record.hierarchy: expected an array, found an object"],
    [toList, { external_id: "a", hierarchy: [{ name: "x" }] }, 'record.hierarchy[0]: a task node needs "task_id" or "children"'],
    [toList, { external_id: "a", hierarchy: [{ children: [] }] }, 'record.hierarchy[0]: a group node needs "node_id"'],
    [toList, { external_id: "a", hierarchy: [{ node_id: "g", children: [{ task_id: 5 }] }] }, "record.hierarchy[0].children[0].task_id: expected a string, found a number"],
    [toHierarchy, { external_id: "a", hierarchy: [{ node_id: "g", children: 3 }] }, "record.hierarchy[0].children: expected an array, found a number"],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", children: [{ task_id: "u" }] }] }, 'record.tasks[0]: a list task\'s "children" can only be empty (only hierarchy nodes have children)'],
    [toList, { external_id: "a", tasks: [{ task: "x" }] }, 'record.tasks[0]: a task needs "task_id"'],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: {} }] }, "record.tasks[0].path: expected an array, found an object"],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: [{ name: "g" }] }] }, 'record.tasks[0].path[0]: a path entry needs "node_id" or "task_id"'],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: [{ node_id: "g", children: [] }] }] }, 'record.tasks[0].path[0]: a path entry has no "children"'],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: [5] }] }, "record.tasks[0].path[0]: expected an object, found a number"],
    [toHierarchy, { external_id: "a", tasks: [{ task_id: "t", path: long }] }, "record.tasks[0].path: longer than 128 entries"],
    [toList, { external_id: "a", hierarchy: [null] }, "record.hierarchy[0]: expected an object, found null"],
    [toList, throwing, "records: cannot be serialised as JSON (no value)"],
    [toList, [{ external_id: "a", tasks: [] }], "keepPath: expected a boolean, found a string", { keepPath: "yes" }],
    [toList, [{ external_id: "a", tasks: [] }], "nope: unknown option of toList (known: keepPath)", { nope: 1 }],
    [toHierarchy, [{ external_id: "a", tasks: [] }], 'groupBy: "validation_state" is given twice', { groupBy: ["validation_state", "validation_state"] }],
    [toHierarchy, [{ external_id: "a", tasks: [] }], 'groupBy: expected "ai_impact_level" or "validation_state", got "colour"', { groupBy: ["colour"] }],
    [toHierarchy, { external_id: "a", tasks: [] }, "options: expected an object, found a string", "x"],
  ];
  assert.ok(table.length >= 10);
  for (const [convert, input, message, options] of table) {
    const exact = capture(() => (convert === toList ? wasm.toList(input, options) : wasm.toHierarchy(input, options, new TaskTaxonomy())));
    const got = capture(() => convert(input, options));
    assert.ok(got instanceof TaskProfilesError, `${message}: ${got}`);
    assert.equal(got.kind, exact.kind, message);
    assert.equal(got.message, exact.message);
    assert.ok(got.message.startsWith(message), `${got.message} / ${message}`);
    assert.ok(["invalid_input", "invalid_params"].includes(got.kind));
  }
});

function capture(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("no error");
}

test("an empty children on a task survives the round trip; groups with no task are the one exception", () => {
  const task = (id, extra = {}) => ({ task_id: id, task: `Task ${id}`, validation_state: "validated", ...extra });
  const H = {
    external_id: "e",
    hierarchy: [
      { node_id: "g", name: "Gröup", children: [task("t1", { children: [] }), { node_id: "empty", name: "E", children: [] }] },
      { node_id: "only-empty", name: "O", children: [{ node_id: "inner", name: "I", children: [] }] },
      task("t2", { children: [{ node_id: "nothing", name: "N", children: [] }] }),
    ],
  };
  // What comes back: the groups that hold no task are gone, and so is t2's `children`, which
  // held only such a group; t1's empty `children` is data and stays.
  const expected = {
    external_id: "e",
    hierarchy: [{ node_id: "g", name: "Gröup", children: [task("t1", { children: [] })] }, task("t2")],
  };
  const flat = toList(H, { keepPath: true });
  assert.deepEqual(flat.tasks.map((t) => t.task_id), ["t1", "t2"]);
  assert.deepEqual(flat.tasks[0].children, []);
  same(toHierarchy(flat), expected);
  const taxonomy = new TaskTaxonomy().learn([H]);
  assert.deepEqual(toHierarchy(toList(H), { taxonomy }), expected);
  // The byte converter agrees.
  const page = JSON.stringify({ has_next: false, records: [H] });
  const back = decode(convertPage(convertPage(page, { to: "list", keepPath: true }), { to: "hierarchy" }));
  assert.deepEqual(back.records, [expected]);
  // Only an empty `children` is allowed on a list task.
  assert.throws(() => toHierarchy({ external_id: "e", tasks: [task("t", { children: [task("u")] })] }), /can only be empty/);
});

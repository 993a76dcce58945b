// The skeleton of records held as JS objects, as `task_profiles_core::shape::plan` defines it:
// how their nodes nest, task ids, paths and grouping values, as numbers and one table of strings.
// Rust plans the conversion from it; assemble.js builds what the plan says. What the walk does
// not recognise as well-formed makes it give up (`null`): those records take the exact path.
import { EXACT, plain, array, member, level, scalar } from "./json-view.js";

// Skeleton words, as `task_profiles_core::shape::plan` defines them.
const LIST = 0;
const HIERARCHY = 1;
const MAX_PATH_LEN = 128;
// Nesting of hierarchy nodes the walk follows; deeper trees take the exact path, whose reader
// allows 128 levels of JSON in all (values nested inside the nodes included).
const MAX_NODE_DEPTH = 32;
// Members the walk reads. Inherited from a polluted Object.prototype, they would be read where
// JSON sees nothing: every call then takes the exact path.
const READ = ["task_id", "node_id", "children", "path", "tasks", "hierarchy", "external_id", "ai_impact",
  "validation_state", "level", "toJSON", "groupBy"];
const OBJECT = Object.prototype;

/**
 * The skeleton of `records` (one record, or an array) for the conversion to list (`dims` null)
 * or to hierarchy grouped by `dims`; `null` when they take the exact path.
 */
export function walk(records, dims) {
  for (const key of READ) if (key in OBJECT) return null;
  const sk = {
    words: [dims === null ? 0 : dims.length], // the header: the number of grouping dimensions
    strings: [],
    index: new Map(), // string → its index in `strings`: each once (a page holds few distinct ids)
    records: [],
    bodies: [], // per record: the member the conversion replaces
    items: [],
    entries: [],
    one: false,
  };
  try {
    if (array(records)) {
      for (let i = 0; i < records.length; i++) record(sk, records[i], dims);
    } else if (plain(records)) {
      sk.one = true;
      record(sk, records, dims);
    } else {
      return null;
    }
  } catch {
    // EXACT, or what the records threw (a getter, a proxy, a stack overflow): the exact path
    // meets it again and says what it is.
    return null;
  }
  return sk;
}

function record(sk, r, dims) {
  if (!plain(r) || typeof r.external_id !== "string") throw EXACT;
  const tasks = member(r, "tasks");
  const nodes = member(r, "hierarchy");
  if ((tasks === undefined) === (nodes === undefined)) throw EXACT;
  const { words } = sk;
  sk.records.push(r);
  if (tasks !== undefined) {
    if (!array(tasks)) throw EXACT;
    sk.bodies.push("tasks");
    if (dims === null) {
      // To list, a list record passes through: its tasks are checked only.
      words.push(LIST);
      for (let j = 0; j < tasks.length; j++) listTask(tasks[j]);
      return;
    }
    words.push(LIST, tasks.length);
    for (let j = 0; j < tasks.length; j++) {
      const t = listTask(tasks[j]);
      sk.items.push(t);
      if (dims.length > 0) values(sk, t, dims);
      else placement(sk, t);
    }
  } else {
    if (!array(nodes)) throw EXACT;
    sk.bodies.push("hierarchy");
    if (dims !== null && dims.length === 0) {
      // To hierarchy without grouping, a hierarchy record passes through: its nodes are checked only.
      words.push(HIERARCHY);
      walkNodes(null, nodes, 0, null);
      return;
    }
    words.push(HIERARCHY, nodes.length);
    walkNodes(sk, nodes, 0, dims);
  }
}

// Below, members are read with a plain `o[key]` rather than `member`: one present with the value
// `undefined` reads as absent, as JSON has it, and the copies are still right: `children` is left
// out of every task copy, and any other such member stays where it is (see the top).

/** A list task: an object with a string `task_id` and no `children` but an empty one. */
function listTask(t) {
  if (!plain(t) || typeof t.task_id !== "string") throw EXACT;
  if (t.children !== undefined && !(array(t.children) && t.children.length === 0)) throw EXACT;
  return t;
}

/** The index of `s` in the string table. */
function string(sk, s) {
  let i = sk.index.get(s);
  if (i === undefined) {
    i = sk.strings.push(s) - 1;
    sk.index.set(s, i);
  }
  return i;
}

/** A list task's id and `path` (to hierarchy without grouping). */
function placement(sk, t) {
  const { words, entries } = sk;
  words.push(string(sk, t.task_id));
  const path = t.path;
  if (path === undefined) {
    words.push(0);
    return;
  }
  if (!array(path) || path.length > MAX_PATH_LEN) throw EXACT;
  words.push(path.length + 1);
  for (let k = 0; k < path.length; k++) {
    const e = path[k];
    // A group node is the entry and `children` last: the entry has no `children` member at all.
    if (!plain(e) || member(e, "children") !== undefined) throw EXACT;
    const task = e.task_id;
    if (task !== undefined) {
      if (typeof task !== "string") throw EXACT;
      words.push(string(sk, task) * 2 + 1);
    } else {
      const node = e.node_id;
      if (typeof node !== "string") throw EXACT;
      words.push(string(sk, node) * 2);
    }
    entries.push(e);
  }
}

/** A task's grouping values: one more than the string's index, 0 for the unknown value. */
function values(sk, t, dims) {
  for (let d = 0; d < dims.length; d++) {
    const v = dims[d] === "validation_state" ? scalar(t.validation_state) : level(t.ai_impact);
    sk.words.push(v === undefined ? 0 : string(sk, v) + 1);
  }
}


/**
 * Checks hierarchy nodes (a task node has a string `task_id`, a group a `children` array and a
 * string `node_id`) and, unless `sk` is null, lists them pre-order: a node word, a task node's
 * grouping values (with `dims`), its children.
 */
function walkNodes(sk, nodes, depth, dims) {
  if (depth > MAX_NODE_DEPTH) throw EXACT;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (!plain(n)) throw EXACT;
    const children = n.children;
    if (children !== undefined && !array(children)) throw EXACT;
    const id = n.task_id;
    const task = id !== undefined;
    if (task ? typeof id !== "string" : children === undefined || typeof n.node_id !== "string") throw EXACT;
    const c = children === undefined ? 0 : children.length;
    if (sk !== null) {
      sk.words.push(c * 2 + (task ? 1 : 0));
      sk.items.push(n);
      if (task && dims !== null) values(sk, n, dims);
    }
    if (c > 0) walkNodes(sk, children, depth + 1, dims);
  }
}


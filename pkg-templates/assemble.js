// Builds converted records from the plan Rust made of their skeleton (see skeleton.js), out of
// shallow copies of the caller's objects. Where anything goes is the plan's; this only copies.

// Plan instructions, as `task_profiles_core::shape::plan::op` defines them.
const REC = 1, PASS = 2, END = 3, TASK = 4, TASK_STRIP = 5, TASK_PATH = 6, ENTER_GROUP = 7, ENTER_TASK = 8,
  LEAVE = 9, OPEN = 10, OPEN_STRIP = 11, GROUP_ENTRY = 12, GROUP = 13, CLOSE = 14;

const { hasOwn, keys, defineProperty } = Object;

/**
 * Builds what the plan (`[ops, groups]`) says; `key` names the array a conversion builds.
 * `undefined` when the records threw while being copied (a getter): the exact path meets it
 * again and says what it is.
 */
export function assemble(sk, plan, key) {
  try {
    return build(sk, plan, key);
  } catch {
    return undefined;
  }
}

function build(sk, [ops, groups], key) {
  const { records, bodies, items, entries } = sk;
  const out = [];
  const open = []; // the arrays of the nodes opened and not yet closed
  const path = []; // the entries entered and not yet left
  let list;
  let r;
  // Two words an instruction: the instruction and its argument.
  for (let i = 0; i < ops.length; i += 2) {
    const code = ops[i];
    const arg = ops[i + 1];
    switch (code) {
      case REC:
        r = arg;
        list = [];
        break;
      case PASS:
        out.push(copyRecord(records[arg]));
        break;
      case END:
        out.push(copyRecord(records[r], bodies[r], key, list));
        break;
      case TASK:
        list.push(emptyChildren(items[arg]) ? keepingChildren(items[arg], false) : without(items[arg]));
        break;
      case TASK_STRIP:
        list.push(emptyChildren(items[arg]) ? keepingChildren(items[arg], true) : withoutPath(items[arg]));
        break;
      case TASK_PATH: {
        let task;
        if (emptyChildren(items[arg])) {
          task = keepingChildren(items[arg], true);
        } else {
          const { children, path: _, ...rest } = items[arg];
          task = rest;
        }
        task.path = path.map(copy);
        list.push(task);
        break;
      }
      case ENTER_GROUP:
        path.push(without(items[arg]));
        break;
      case ENTER_TASK:
        path.push({ task_id: items[arg].task_id });
        break;
      case LEAVE:
        path.pop();
        break;
      case OPEN: {
        const { children, ...node } = items[arg];
        list.push(node);
        open.push(list);
        list = node.children = [];
        break;
      }
      case OPEN_STRIP: {
        const { children, path: _, ...node } = items[arg];
        list.push(node);
        open.push(list);
        list = node.children = [];
        break;
      }
      case GROUP_ENTRY: {
        const node = withMembers(entries[arg]);
        list.push(node);
        open.push(list);
        list = node.children = [];
        break;
      }
      case GROUP: {
        // The group's object ends with `children: null`: its clone only fills it in.
        const node = { ...groups[arg] };
        list.push(node);
        open.push(list);
        list = node.children = [];
        break;
      }
      case CLOSE:
        list = open.pop();
        break;
      default:
        throw new Error(`task-profiles: unknown plan instruction ${code}`);
    }
  }
  return sk.one ? out[0] : out;
}

// Copies: a spread copy is V8's fastest, but a member added to it afterwards is slow (about
// 1 µs, and 5-10 times slower than either); a copy that gets a member (`path`, `children`) is made
// by rest destructuring or Object.assign, whose objects take the member at the usual cost.

const copy = (o) => ({ ...o });

/** A copy of a path entry, to which `children` is added. */
function withMembers(o) {
  // Object.assign sets an own `__proto__` member as the prototype; a spread copy defines it.
  return hasOwn(o, "__proto__") ? { ...o } : Object.assign({}, o);
}

/** A copy of `o` without `children`. */
function without(o) {
  if (!hasOwn(o, "children")) return { ...o };
  const { children, ...rest } = o;
  return rest;
}

/** A copy of `o` without `children` and `path`. */
function withoutPath(o) {
  if (!hasOwn(o, "children") && !hasOwn(o, "path")) return { ...o };
  const { children, path, ...rest } = o;
  return rest;
}

/** Whether a task has an empty `children`, which is data: the list shape carries it as it is. */
const emptyChildren = (t) => Array.isArray(t.children) && t.children.length === 0;

/** A copy of a task with an empty `children` (a new array, in its place), without `path` to `strip`. */
function keepingChildren(t, strip) {
  const out = copyRecord(t, "children", "children", []);
  if (strip) delete out.path;
  return out;
}

/** A copy of a record's members in order, `from` (if given) replaced in its place by `to: value`. */
function copyRecord(rec, from, to, value) {
  const out = {};
  for (const k of keys(rec)) {
    if (k === from) out[to] = value;
    // An own `__proto__` member, as JSON.parse makes it (assigning it would set the prototype).
    else if (k === "__proto__") defineProperty(out, k, { value: rec[k], enumerable: true, writable: true, configurable: true });
    else out[k] = rec[k];
  }
  return out;
}

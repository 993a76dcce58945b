// Recovery from a trapped wasm instance. Release builds abort on a Rust panic, which traps the
// instance mid-call and leaves its memory in any state. Every call the package makes into wasm
// goes through the module `guarded` returns: a trap becomes a TaskProfilesError of kind
// "internal", and the instance is replaced by a fresh one from the same compiled module
// (wasm-bindgen's `__wbg_reset_state`, see scripts/build.sh), so the page or worker goes on.
// Objects made on the dead instance are refused, with the same kind, when used.
import { TaskProfilesError } from "./errors.js";

// wasm-bindgen's message when an object of an earlier instance is used.
const STALE = "Invalid stale object from previous Wasm instance";

/**
 * The wasm-bindgen module with every function, method, getter and constructor guarded.
 * `onFresh(wasm)` runs once now and again on each fresh instance (to register what the Rust
 * side keeps per instance).
 */
export function guarded(wasm, onFresh) {
  onFresh(wasm);
  // Rejecters of the promises wasm handed out and has not settled: a trap in async code means
  // they never will, so they are rejected with the trap's error.
  const pending = new Set();
  /** The error to throw for `e`, replacing the instance when `e` is a trap. */
  function recover(e) {
    if (e instanceof WebAssembly.RuntimeError) {
      wasm.__wbg_reset_state();
      onFresh(wasm);
      const error = new TaskProfilesError({
        kind: "internal",
        message: `internal error in task-profiles (${e.message}): the package restarted its WebAssembly, and objects made before cannot be used again. Please report this, with the input that caused it if you can`,
        cause: e,
      });
      for (const reject of pending) reject(error);
      pending.clear();
      return error;
    }
    if (e instanceof Error && e.message === STALE) {
      return new TaskProfilesError({
        kind: "internal",
        message: "this object was made before task-profiles restarted after an internal error: make a new one",
      });
    }
    return e;
  }
  /** `promise`, or the trap's error should the instance trap before it settles. */
  const settledOrTrapped = (promise) =>
    new Promise((resolve, reject) => {
      pending.add(reject);
      const settle = (then) => (value) => {
        pending.delete(reject);
        then(value);
      };
      promise.then(settle(resolve), settle(reject));
    });
  const guard = (f) =>
    function (...args) {
      let result;
      try {
        result = f.apply(this, args);
      } catch (e) {
        throw recover(e);
      }
      return result instanceof Promise ? settledOrTrapped(result) : result;
    };
  // The export's async loop runs in microtasks (scripts/guard-microtasks.mjs): a trap there is
  // recovered from here, and the export waiting on it fails instead of hanging.
  wasm.__setMicrotaskGuard((task) => () => {
    try {
      task();
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      recover(e);
    }
  });
  const out = {};
  for (const [name, value] of Object.entries(wasm)) {
    if (typeof value !== "function" || name.startsWith("__")) out[name] = value;
    else if (isClass(value)) out[name] = guardClass(value, guard);
    else out[name] = guard(value);
  }
  // Stopping an export of a dead instance has nothing to stop: it must not hide the error that
  // ended the export (it runs in the iterators' `finally`).
  out.exportStop = (exp) => {
    try {
      wasm.exportStop(exp);
    } catch (e) {
      if (!(e instanceof Error && e.message === STALE)) throw recover(e);
    }
  };
  return out;
}

const isClass = (f) => /^class\b/.test(Function.prototype.toString.call(f));

/** Guards a class's methods and getters in place (objects wasm-bindgen makes use them too). */
function guardClass(cls, guard) {
  for (const target of [cls.prototype, cls]) {
    for (const key of Reflect.ownKeys(target)) {
      if (key === "constructor" || key === "prototype" || key === "length" || key === "name") continue;
      const d = Object.getOwnPropertyDescriptor(target, key);
      if (typeof d.value === "function") d.value = guard(d.value);
      else if (d.get) d.get = guard(d.get);
      else continue;
      Object.defineProperty(target, key, d);
    }
  }
  // `new` through the guard too; `instanceof`, statics and the prototype pass through.
  const proxy = new Proxy(cls, {
    construct(target, args, newTarget) {
      return guard(() => Reflect.construct(target, args, newTarget === proxy ? target : newTarget))();
    },
  });
  return proxy;
}

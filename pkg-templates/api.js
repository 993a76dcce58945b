// The package's API, assembled from the wasm module a runtime entry loaded: the Rust classes and
// functions as they are, plus the little JavaScript expresses better (`return this`, class
// checks, async iteration). The names are live bindings, set once by `useWasm`.
import { TaskProfilesError, invalid } from "./errors.js";
import { exportMethods } from "./iteration.js";
import { objectShapes } from "./shapes.js";

export { TaskProfilesError } from "./errors.js";
export { clientCredentials } from "./oauth.js";

export let TaskProfilesClient;
export let TaskStats;
export let TaskTaxonomy;
export let toList;
export let toHierarchy;
export let convertPage;

/** Called once by each runtime entry with the wasm-bindgen module it loaded. */
export function useWasm(wasm) {
  wasm.registerErrorClass(TaskProfilesError);
  ({ TaskProfilesClient, TaskStats, TaskTaxonomy } = wasm);

  let none; // An empty taxonomy places nothing, exactly as none.
  /** `options.taxonomy`, checked; `undefined` when not given. */
  function taxonomyOption(options) {
    const taxonomy = options !== null && typeof options === "object" ? options.taxonomy : undefined;
    if (taxonomy !== undefined && !(taxonomy instanceof TaskTaxonomy)) throw invalid("taxonomy", "expected a TaskTaxonomy");
    return taxonomy;
  }
  const taxonomyOrNone = (options) => taxonomyOption(options) ?? (none ??= new TaskTaxonomy());

  ({ toList, toHierarchy } = objectShapes(wasm, taxonomyOrNone));
  convertPage = (body, options) => wasm.convertPage(body, options, taxonomyOrNone(options));

  const { add, addPage, merge, tree } = TaskStats.prototype;
  define(TaskStats.prototype, {
    add(records) {
      add.call(this, records);
      return this;
    },
    addPage(body) {
      addPage.call(this, body);
      return this;
    },
    merge(other) {
      if (!(other instanceof TaskStats)) throw invalid("other", "expected a TaskStats");
      merge.call(this, other);
      return this;
    },
    tree(options) {
      const taxonomy = taxonomyOption(options);
      return taxonomy === undefined ? tree.call(this, options) : wasm.statsTreeByTaxonomy(this, options, taxonomy);
    },
  });
  const { learn } = TaskTaxonomy.prototype;
  define(TaskTaxonomy.prototype, {
    learn(records) {
      learn.call(this, records);
      return this;
    },
  });
  define(wasm.Export.prototype, exportMethods(wasm, taxonomyOrNone));
}

/** Sets methods on a class prototype as class syntax would (not enumerable). */
function define(prototype, methods) {
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(prototype, key, { value: methods[key], writable: true, configurable: true });
  }
}

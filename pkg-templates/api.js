// The package's API, assembled from the wasm module a runtime entry loaded: the Rust classes and
// functions as they are, plus the little JavaScript expresses better (`return this`, class
// checks, async iteration). The names are live bindings, set once by `useWasm`.
import { TaskProfilesError, invalid } from "./errors.js";
import { exportMethods } from "./iteration.js";
import { objectShapes } from "./shapes.js";
import { guarded } from "./recovery.js";

export { TaskProfilesError } from "./errors.js";
export { clientCredentials } from "./oauth.js";

export let TaskProfilesClient;
export let TaskStats;
export let TaskTaxonomy;
export let toList;
export let toHierarchy;
export let convertPage;
export let formatPage;

/** Called once by each runtime entry with the wasm-bindgen module it loaded. */
export function useWasm(loaded) {
  // Every call below goes through the guard: a trap is reported and the instance replaced.
  const wasm = guarded(loaded, (fresh) => fresh.registerErrorClass(TaskProfilesError));
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
  formatPage = (body, options) => pageFormatted(wasm, body, options);

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

const FORMATS = ["csv", "ndjson"];

/** `formatPage`: its options read here, as `toCsvStream`'s are; the page formatted in wasm. */
function pageFormatted(wasm, body, options) {
  if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
  const { as: format, header = false, escapeFormulas = true, ...unknown } = options;
  const [extra] = Object.keys(unknown);
  if (extra !== undefined) throw invalid(extra, "unknown option of formatPage (known: as, header, escapeFormulas)");
  if (!FORMATS.includes(format)) throw invalid("as", 'expected "csv" or "ndjson"');
  if (typeof header !== "boolean") throw invalid("header", "expected a boolean");
  if (typeof escapeFormulas !== "boolean") throw invalid("escapeFormulas", "expected a boolean");
  if (format === "ndjson" && (header || !escapeFormulas)) {
    throw invalid(header ? "header" : "escapeFormulas", 'applies to as: "csv" only');
  }
  const rows = wasm.formatPage(body, format === "ndjson" ? "ndjson" : escapeFormulas ? "csv" : "csv-formulas");
  if (!header) return rows;
  const head = new TextEncoder().encode(wasm.csvHeader());
  const out = new Uint8Array(head.length + rows.length);
  out.set(head);
  out.set(rows, head.length);
  return out;
}

/** Sets methods on a class prototype as class syntax would (not enumerable). */
function define(prototype, methods) {
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(prototype, key, { value: methods[key], writable: true, configurable: true });
  }
}

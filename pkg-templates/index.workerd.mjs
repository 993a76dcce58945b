// Cloudflare Workers (workerd) entry: workerd refuses to compile wasm at run time, so the .wasm is
// imported as a module (compiled at deploy time) and instantiated synchronously.
import wasmModule from "./web/task_profiles_bg.wasm";
import { initSync } from "./web/task_profiles.js";
import * as wasm from "./web/task_profiles.js";
import { createApi } from "./core.js";

initSync({ module: wasmModule });

export const {
  TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, clientCredentials,
} = createApi(wasm);

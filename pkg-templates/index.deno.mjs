// Deno entry: a source-phase import hands over the compiled module with no file-read permission.
import source wasmModule from "./web/task_profiles_bg.wasm";
import { initSync } from "./web/task_profiles.js";
import * as wasm from "./web/task_profiles.js";
import { createApi } from "./core.js";

initSync({ module: wasmModule });

export const {
  TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, clientCredentials,
} = createApi(wasm);

// Browser and bundler entry: the wasm is fetched and compiled before the module finishes loading
// (top-level await), so importing the package is all the set-up there is. `init` is exported for
// pages that host the .wasm elsewhere: call it before the first import of the API is used.
import initWasm, * as wasm from "./web/task_profiles.js";
import { createApi } from "./core.js";

await initWasm({ module_or_path: new URL("./web/task_profiles_bg.wasm", import.meta.url) });

export const {
  TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, clientCredentials,
} = createApi(wasm);

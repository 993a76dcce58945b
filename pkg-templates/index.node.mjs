// Node entry: the wasm-bindgen nodejs build loads its .wasm synchronously, so no init call is needed.
import { createRequire } from "node:module";
import { createApi } from "./core.js";

const wasm = createRequire(import.meta.url)("./node/task_profiles.js");

export const {
  TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, clientCredentials,
} = createApi(wasm);

// Node entry: the wasm-bindgen nodejs build loads its .wasm synchronously, so no init call is needed.
import { createRequire } from "node:module";
import { useWasm } from "./api.js";

useWasm(createRequire(import.meta.url)("./node/task_profiles.js"));

export * from "./exports.js";

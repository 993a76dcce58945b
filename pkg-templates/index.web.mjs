// Browser and bundler entry: the wasm is fetched and compiled before the module finishes loading
// (top-level await), so importing the package is all the set-up there is.
import initWasm, * as wasm from "./web/task_profiles.js";
import { useWasm } from "./api.js";

await initWasm({ module_or_path: new URL("./web/task_profiles_bg.wasm", import.meta.url) });
useWasm(wasm);

export * from "./exports.js";

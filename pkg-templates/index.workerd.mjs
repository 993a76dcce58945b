// Cloudflare Workers (workerd) entry: workerd refuses to compile wasm at run time, so the .wasm is
// imported as a module (compiled at deploy time) and instantiated synchronously.
import wasmModule from "./web/task_profiles_bg.wasm";
import * as wasm from "./web/task_profiles.js";
import { useWasm } from "./api.js";

wasm.initSync({ module: wasmModule });
useWasm(wasm);

export * from "./exports.js";

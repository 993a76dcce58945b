// Deno entry: a source-phase import hands over the compiled module with no file-read permission.
import source wasmModule from "./web/task_profiles_bg.wasm";
import * as wasm from "./web/task_profiles.js";
import { useWasm } from "./api.js";

wasm.initSync({ module: wasmModule });
useWasm(wasm);

export * from "./exports.js";

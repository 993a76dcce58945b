// Source of the Node CommonJS entry (`pkg/index.node.cjs`): scripts/build.sh bundles it, with the
// modules it imports, into one CommonJS file; the nodejs wasm-bindgen build stays external.
import * as wasm from "./node/task_profiles.js";
import { useWasm } from "./api.js";

useWasm(wasm);

export * from "./exports.js";

// Lets the package see a trap in the wasm's async code (scripts/build.sh runs this on both
// wasm-bindgen glue files). The export's async loop is polled from a `queueMicrotask` callback;
// a Rust panic there traps the instance inside that callback, where nothing of the package's
// would see it: Node would end the process on the uncaught exception, and the export's promise
// would never settle. The glue gets a hook, `__setMicrotaskGuard`, through which
// pkg-templates/recovery.js wraps each such callback. The glue is wasm-bindgen's (pinned with
// `=` in Cargo.toml): if its code changes, this refuses to build rather than leave traps unseen.
import { readFileSync, writeFileSync } from "node:fs";

const [file, moduleKind] = process.argv.slice(2);
const CALL = "queueMicrotask(arg0);";
const source = readFileSync(file, "utf8");
const calls = source.split(CALL).length - 1;
if (calls !== 1) {
  console.error(`guard-microtasks: expected one "${CALL}" in ${file}, found ${calls}: wasm-bindgen's glue changed`);
  process.exit(1);
}
const exported = moduleKind === "cjs"
  ? "exports.__setMicrotaskGuard = (guard) => { guardMicrotask = guard; };"
  : "export function __setMicrotaskGuard(guard) { guardMicrotask = guard; }";
const [first, ...rest] = source.split("\n");
const hook = `let guardMicrotask = (task) => task;\n${exported}\n`;
writeFileSync(file, [first, hook + rest.join("\n").replace(CALL, "queueMicrotask(guardMicrotask(arg0));")].join("\n"));

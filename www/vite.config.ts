// The dashboard's build: plain TypeScript, the package imported by name (its `browser` export
// condition picks the web entry, whose .wasm Vite emits as an asset), and a module Web Worker,
// since the package's web entry loads its wasm with top-level await.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";
import { dashboardConfig } from "./server/config-endpoint";

export default defineConfig({
  base: "./",
  plugins: [dashboardConfig()],
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    reportCompressedSize: true,
  },
  worker: { format: "es" },
  // The package is a symlink to ../pkg (a file: dependency): pre-bundling would move the module
  // away from its .wasm, and the dev server must be allowed to serve files from there.
  optimizeDeps: { exclude: ["task-profiles"] },
  server: { fs: { allow: [fileURLToPath(new URL(".", import.meta.url)), fileURLToPath(new URL("../pkg", import.meta.url))] } },
});

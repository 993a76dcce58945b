#!/usr/bin/env bash
# Builds the npm package into pkg/: one wasm-bindgen build per target (nodejs, web), optimised
# with the npm binaryen wasm-opt, plus the hand-written glue, entries and types from pkg-templates/.
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf pkg
for target in nodejs web; do
  dir=pkg/${target/nodejs/node}
  wasm-pack --quiet build --release --target "$target" --out-dir "$dir" --out-name task_profiles --no-pack
  rm -f "$dir/.gitignore" "$dir/package.json" "$dir/README.md"
done
# The nodejs build is CommonJS inside an ESM package.
echo '{ "type": "commonjs" }' > pkg/node/package.json

# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must know them to keep them.
features=(--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue)
# simd128 is enabled in .cargo/config.toml, not by default.
features+=(--enable-simd)
node_modules/.bin/wasm-opt -O3 "${features[@]}" --strip-debug --strip-producers \
  pkg/web/task_profiles_bg.wasm -o pkg/web/task_profiles_bg.wasm
# Both builds share one module: the bindings differ, the wasm does not.
cp pkg/web/task_profiles_bg.wasm pkg/node/task_profiles_bg.wasm

# The JS modules and runtime entries as they are; the CommonJS entry bundled from its ESM source.
cp pkg-templates/*.js pkg-templates/index.*.mjs pkg-templates/index.d.ts pkg-templates/package.json \
   pkg-templates/README.md LICENSE pkg/
rm pkg/index.node.cjs.mjs
cp pkg-templates/index.d.ts pkg/index.d.cts
node_modules/.bin/esbuild pkg-templates/index.node.cjs.mjs --bundle --format=cjs --platform=node \
  --external:./node/task_profiles.js --outfile=pkg/index.node.cjs --log-level=warning

# Let the repository's own tests and examples import "task-profiles" the way a user would.
mkdir -p node_modules
ln -sfn ../pkg node_modules/task-profiles

wasm=pkg/web/task_profiles_bg.wasm
printf 'built pkg/: %s bytes of wasm, %s gzipped\n' "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"

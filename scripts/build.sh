#!/usr/bin/env bash
# Builds the npm package into pkg/: the wasm module per target, optimised, plus the hand-written glue.
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf pkg
wasm-pack --quiet build --release --target nodejs --out-dir pkg/node --out-name task_profiles --no-pack
rm -f pkg/node/.gitignore
# The nodejs build is CommonJS inside an ESM package.
echo '{ "type": "commonjs" }' > pkg/node/package.json

# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must know them to keep them.
features=(--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue)
for wasm in pkg/*/task_profiles_bg.wasm; do
  node_modules/.bin/wasm-opt -O3 "${features[@]}" --strip-debug --strip-producers "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
done

cp pkg-templates/core.js pkg-templates/index.node.mjs pkg-templates/index.d.ts \
   pkg-templates/package.json pkg-templates/README.md LICENSE pkg/

# Let the repository's own tests and examples import "task-profiles" the way a user would.
mkdir -p node_modules
ln -sfn ../pkg node_modules/task-profiles

wasm=pkg/node/task_profiles_bg.wasm
printf 'built pkg/: %s bytes of wasm, %s gzipped\n' "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"

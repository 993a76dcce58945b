#!/usr/bin/env bash
# Builds the npm package into pkg/: one wasm-bindgen build per target (nodejs, web), optimised
# with the npm binaryen wasm-opt, plus the hand-written glue, entries and types from pkg-templates/.
#
# PKG_DIR (default pkg) and CARGO_FEATURES (default none) build a variant elsewhere: the tests
# build the package with the `test-panic` feature into target/pkg-test-panic.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${PKG_DIR:-pkg}
features=${CARGO_FEATURES:+--features "$CARGO_FEATURES"}

# cargo and the wasm-bindgen CLI as wasm-pack runs them, because wasm-pack cannot pass
# --experimental-reset-state-function: it makes the glue able to replace an instance a panic
# has trapped (pkg-templates/recovery.js) and refuse objects of the dead one.
# shellcheck disable=SC2086
cargo build --quiet --release --target wasm32-unknown-unknown --lib $features
rm -rf "$out"
for target in nodejs web; do
  wasm-bindgen --target "$target" --out-dir "$out/${target/nodejs/node}" --out-name task_profiles \
    --experimental-reset-state-function target/wasm32-unknown-unknown/release/task_profiles.wasm
done
# The nodejs build is CommonJS inside an ESM package.
echo '{ "type": "commonjs" }' > "$out/node/package.json"
# A hook for seeing traps in the async code (see the script).
node scripts/guard-microtasks.mjs "$out/node/task_profiles.js" cjs
node scripts/guard-microtasks.mjs "$out/web/task_profiles.js" esm

# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must know them to keep them.
wasm_features=(--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue)
# simd128 is enabled in .cargo/config.toml, not by default.
wasm_features+=(--enable-simd)
node_modules/.bin/wasm-opt -O3 "${wasm_features[@]}" --strip-debug --strip-producers \
  "$out/web/task_profiles_bg.wasm" -o "$out/web/task_profiles_bg.wasm"
# Both builds share one module: the bindings differ, the wasm does not.
cp "$out/web/task_profiles_bg.wasm" "$out/node/task_profiles_bg.wasm"

# The JS modules and runtime entries as they are; the CommonJS entry bundled from its ESM source.
cp pkg-templates/*.js pkg-templates/index.*.mjs pkg-templates/index.d.ts pkg-templates/package.json \
   pkg-templates/README.md LICENSE "$out/"
rm "$out/index.node.cjs.mjs"
cp pkg-templates/index.d.ts "$out/index.d.cts"
node_modules/.bin/esbuild pkg-templates/index.node.cjs.mjs --bundle --format=cjs --platform=node \
  --external:./node/task_profiles.js --outfile="$out/index.node.cjs" --log-level=warning

# Let the repository's own tests and examples import "task-profiles" the way a user would.
if [[ $out == pkg ]]; then
  mkdir -p node_modules
  ln -sfn ../pkg node_modules/task-profiles
fi

wasm=$out/web/task_profiles_bg.wasm
printf 'built %s/: %s bytes of wasm, %s gzipped\n' "$out" "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"

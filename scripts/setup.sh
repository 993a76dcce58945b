#!/usr/bin/env bash
# Installs what building and testing need, idempotently: fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[2m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must match the library version pinned in Cargo.toml / Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
  log "installing wasm-bindgen-cli $want (have: ${have:-none}; takes about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (takes about 1.5 minutes)"
  cargo install wasm-pack
fi

# JS tooling (wasm-opt from the npm binaryen package, test dependencies) from package-lock.json.
if [[ ! -x node_modules/.bin/wasm-opt || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! node_modules/.bin/wasm-opt --version >/dev/null 2>&1; then
  echo "setup: node_modules/.bin/wasm-opt does not run; remove node_modules and retry" >&2
  exit 1
fi

# The dashboard's own dependencies (www/package-lock.json): Vite, TypeScript, Observable Plot,
# d3-hierarchy, and task-profiles as a file: link to pkg/ (which build.sh fills).
if [[ ! -d www/node_modules || www/package-lock.json -nt www/node_modules/.package-lock.json ]]; then
  log "installing the dashboard's npm dependencies (www/)"
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
fi

#!/usr/bin/env bash
# `make dashboard`: the sandbox with synthetic employees, and the dashboard (www/) built and
# served by Vite with the sandbox prefilled: its URL and token reach the page through the
# preview server's same-origin config endpoint (www/server/config-endpoint.ts), never in a URL.
# Prints one URL to open; Ctrl-C stops both.
#   DASHBOARD_EMPLOYEES (20000), DASHBOARD_SEED (42), DASHBOARD_PORT (4173)
set -euo pipefail
cd "$(dirname "$0")/.."

employees=${DASHBOARD_EMPLOYEES:-20000}
seed=${DASHBOARD_SEED:-42}
port=${DASHBOARD_PORT:-4173}
sandbox=target/sandbox/task-profiles-sandbox

log() { printf '\033[2m[dashboard]\033[0m %s\n' "$*" >&2; }
fail() { printf 'dashboard: %s\n' "$*" >&2; exit 1; }

[[ -x $sandbox ]] || fail "$sandbox is missing: run make sandbox (make dashboard does)"
[[ -f pkg/package.json ]] || fail "pkg/ is missing: run make build (make dashboard does)"
[[ -x www/node_modules/.bin/vite ]] || fail "www/node_modules is missing: run scripts/setup.sh (make build does)"

pids=()
sandbox_out=$(mktemp)
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$sandbox_out"
}
trap stop EXIT
trap 'exit 130' INT TERM

"$sandbox" --port 0 --employees "$employees" --seed "$seed" >"$sandbox_out" &
pids+=($!)
sandbox_url=""
for _ in $(seq 100); do
  sandbox_url=$(grep -o 'http://[^ ]*' "$sandbox_out" | head -n 1 || true)
  [[ -n $sandbox_url ]] && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "the sandbox exited: $(cat "$sandbox_out")"
  sleep 0.1
done
[[ -n $sandbox_url ]] || fail "the sandbox did not say where it listens within 10 s"
log "sandbox: $sandbox_url ($employees synthetic employees, seed $seed)"

log "building the dashboard"
(cd www && node_modules/.bin/vite build --logLevel warn)

(cd www && DASHBOARD_SANDBOX_URL=$sandbox_url DASHBOARD_SANDBOX_TOKEN=sandbox-token DASHBOARD_SANDBOX_EMPLOYEES=$employees \
  exec node_modules/.bin/vite preview --host 127.0.0.1 --port "$port" --strictPort --logLevel warn) &
pids+=($!)
url="http://127.0.0.1:$port/"
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$url" 2>/dev/null && break
  kill -0 "${pids[1]}" 2>/dev/null || fail "the dashboard server stopped (is port $port taken? set DASHBOARD_PORT)"
  sleep 0.1
done

printf '\nOpen the dashboard: %s\n(Ctrl-C stops the dashboard and the sandbox)\n' "$url"
wait -n "${pids[@]}"
fail "the sandbox or the dashboard server stopped"

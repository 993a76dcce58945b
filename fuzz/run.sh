#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target for FUZZ_SECONDS (default 60) with cargo fuzz on nightly,
# one after the other, and fails if any target crashes (a panic, including a broken oracle, an
# overflow, a timeout of 10 s or an out-of-memory). Installs cargo-fuzz when it is missing.
#
# The stored corpus (fuzz/corpus/<target>/) is read, never written: what a run finds goes to
# fuzz/work/corpus/<target>/, its log to fuzz/work/logs/<target>.log and a crash to
# fuzz/artifacts/<target>/. FUZZ_TARGETS="a b" runs only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
log() { printf '\033[2m[fuzz]\033[0m %s\n' "$*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz (takes about 2 minutes)"
  cargo install cargo-fuzz
fi

# No sanitizer: the core is safe Rust (its one `unsafe` block is wasm32-only SIMD), so address
# sanitizing would halve the executions and find nothing; overflow checks and debug assertions
# are on (cargo fuzz builds with them).
flags=(--sanitizer none)
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
log "building the targets"
cargo +nightly fuzz build "${flags[@]}"

failed=()
for t in $targets; do
  mkdir -p "fuzz/work/corpus/$t" fuzz/work/logs
  out="fuzz/work/logs/$t.log"
  log "$t: ${seconds} s"
  if cargo +nightly fuzz run "${flags[@]}" "$t" "fuzz/work/corpus/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$out" 2>&1; then
    status=ok
  else
    status=CRASH
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)
  found=$(find "fuzz/work/corpus/$t" -type f | wc -l)
  printf '%-20s %-6s %12s executions  %6s new inputs  %s\n' "$t" "$status" "${execs:-?}" "$found" "$out"
done

if ((${#failed[@]})); then
  echo "fuzz: crashes in ${failed[*]}; the inputs are in fuzz/artifacts/<target>/, the reports in fuzz/work/logs/" >&2
  exit 1
fi

# The two commands a fresh clone needs: `make demo` and `make test`. Both install what is missing.
SANDBOX := target/sandbox/task-profiles-sandbox

.PHONY: setup setup-browser test-recovery-build build sandbox demo test test-rust test-wasm test-js test-runtimes lint bench

setup:
	@scripts/setup.sh

# Only the tests need a browser; this is the one step that may install a system package (and says so).
setup-browser:
	@scripts/setup-browser.sh

build: setup
	@scripts/build.sh

sandbox:
	@cargo build --quiet --profile sandbox -p task-profiles-sandbox

demo: build sandbox
	@node examples/demo.mjs

test: build sandbox setup-browser test-rust test-fuzz-corpus test-wasm test-js test-soak test-runtimes test-browser

test-rust:
	cargo test --workspace

test-wasm:
	wasm-pack test --node --release -- --test wasm

# The package built with an entry that panics on purpose, for tests/js/recovery.test.mjs.
test-recovery-build: build
	@PKG_DIR=target/pkg-test-panic CARGO_FEATURES=test-panic scripts/build.sh

test-js: test-recovery-build
	node --test --test-reporter=spec tests/js/

# The packed package in every runtime (Node ESM/CJS, Chromium, Vite, Deno, workerd), types, package checks.
test-runtimes:
	node --test --test-reporter=spec tests/runtimes/ tests/types/

# The fault soak and the flat-memory check against the sandbox (issue 9 §3; tests/soak/README.md):
# a short run here, a long one in `make soak`.
.PHONY: test-soak soak
test-soak:
	SOAK_EMPLOYEES=5000 SOAK_RUNS=10 SOAK_MEMORY_EMPLOYEES=20000 node --expose-gc --test --test-reporter=spec tests/soak/

soak: build sandbox
	SOAK_EMPLOYEES=20000 SOAK_RUNS=40 SOAK_MEMORY_EMPLOYEES=100000 node --expose-gc --test --test-reporter=spec tests/soak/

# The fuzz targets of the core (fuzz/README.md): each over its stored corpus as a regression test
# (stable Rust, seconds), and each for FUZZ_SECONDS (default 60) with cargo fuzz on nightly.
.PHONY: test-fuzz-corpus fuzz
FUZZ_SECONDS ?= 60
test-fuzz-corpus:
	cargo test --manifest-path fuzz/Cargo.toml --no-default-features

fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

bench: build sandbox
	@node bench/bench.mjs

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

# The reference dashboard (www/, issue 7): builds the package, starts the sandbox (20,000
# employees) and serves the dashboard, printing one URL; Ctrl-C stops both.
.PHONY: dashboard test-browser
dashboard: build sandbox
	@scripts/dashboard.sh

# The dashboard in Chromium against the sandbox (tests/browser/): types and bundle, exports,
# faults, saved files offline, URL and privacy, accessibility, screenshots, long tasks. One file at
# a time: each runs a browser and a sandbox, and the long-task measurement wants the cores.
test-browser: build sandbox setup-browser
	node --test --test-reporter=spec --test-concurrency=1 tests/browser/

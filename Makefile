# The two commands a fresh clone needs: `make demo` and `make test`. Both install what is missing.
SANDBOX := target/sandbox/task-profiles-sandbox

.PHONY: setup setup-browser build sandbox demo test test-rust test-wasm test-js test-runtimes lint bench

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

test: build sandbox setup-browser test-rust test-wasm test-js test-runtimes

test-rust:
	cargo test --workspace

test-wasm:
	wasm-pack test --node --release -- --test wasm

test-js:
	node --test --test-reporter=spec tests/js/

# The packed package in every runtime (Node ESM/CJS, Chromium, Vite, Deno, workerd), types, package checks.
test-runtimes:
	node --test --test-reporter=spec tests/runtimes/ tests/types/

bench: build sandbox
	@node bench/bench.mjs

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

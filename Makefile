# Pocket CRM. `make serve` and `make test` install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
export PATH := $(CURDIR)/scripts/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
PORT ?= 8080

.PHONY: setup serve build lint test test-native test-browser test-e2e bench

setup:
	@scripts/setup.sh

## Build the release app and serve it on http://127.0.0.1:$(PORT)/
serve: setup
	trunk serve --release --port $(PORT)

build: setup
	trunk build --release

## The house style: rustfmt (width 120) and clippy with warnings as errors, native and wasm.
lint: setup
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings
	cargo clippy --locked --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --locked --target wasm32-unknown-unknown --features split --bin pocket-crm -- -D warnings

## Every test layer: native, browser (wasm-bindgen-test in headless Chromium), end-to-end.
test: setup test-native test-browser build test-e2e

test-native:
	cargo test --locked

test-browser:
	cargo test --locked --target wasm32-unknown-unknown --test browser_store --test browser_ui

test-e2e:
	cd tests/e2e && node --test --test-concurrency=1 app.test.mjs tabs.test.mjs offline.test.mjs forecast.test.mjs quota.test.mjs team.test.mjs folder.test.mjs couch.test.mjs

## Figures, not tests: sizes, load, save, edit and search times at 10k and 100k customers.
bench: build
	cd tests/e2e && node bench.mjs

#!/usr/bin/env bash
# Installs whatever Pocket CRM needs to build, serve and test, and skips what is already there.
# Safe to run again; quick when everything is installed. See README.md ("Set-up").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Rust target for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# rustfmt and clippy (`make lint`, run by CI).
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# Chromium and its driver (browser and end-to-end tests), CJK fonts so Chinese renders.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
# (grep without -q: with pipefail, -q stopping early makes fc-list die of SIGPIPE and the check fail)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# trunk 0.21 (0.22 needs a newer rustc than this machine has).
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "building trunk 0.21 (about 10 minutes, once)"
  cargo install --locked trunk --version '^0.21'
fi

# wasm-bindgen CLI equal to the library version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
  say "building wasm-bindgen-cli $want (about 5 minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# The splitter that cuts the page's module into chunks (scripts/split.mjs).
if ! wasm-split-cli --help >/dev/null 2>&1; then
  say "building wasm-split-cli 0.2.4 (about 2 minutes, once)"
  cargo install --locked wasm_split_cli_support --version 0.2.4 --features build-binary
fi

# Node tools: binaryen's wasm-opt for release builds, playwright-core for end-to-end tests,
# pouchdb-server and PouchDB for the team sync tests (pure JavaScript: optional native parts left
# out).
for dir in scripts tests/e2e tests/couch; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm install in $dir"
    (cd "$dir" && npm ci --omit=optional --no-audit --no-fund --loglevel=error)
  fi
done

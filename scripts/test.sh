#!/usr/bin/env bash
# Runs every test: the Swift suites (store suite on SQLite and PostgreSQL), then the end-to-end
# tests with the official openai client against running `gateway serve` processes (OTLP decoded
# with the official opentelemetry-proto classes), of the debug build and of the release build.
set -euo pipefail
cd "$(dirname "$0")/.."

# A throwaway PostgreSQL (Debian's package) on a loopback port: the store suite and the
# multi-process end-to-end test run against it as well as against SQLite.
postgres=$(scripts/postgres.sh start gateway_swift gateway_e2e gateway_e2e_budget)
postgres_dir=$(echo "$postgres" | sed -n 1p)
postgres_url=$(echo "$postgres" | sed -n 2p)
trap 'scripts/postgres.sh stop "$postgres_dir"' EXIT
export GATEWAY_TEST_POSTGRES_URL="${postgres_url}gateway_swift?sslmode=disable"
export GATEWAY_E2E_POSTGRES_URL="${postgres_url}gateway_e2e?sslmode=disable"

# openssl makes the self-signed certificate of the HTTPS upstream test.
if ! command -v openssl >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi

# Module boundaries: every import declared, and only the arrows of DESIGN.md section 3.
scripts/check-imports.py
scripts/check-docs.py

swift build
swift test

# libFuzzer on the request parser and the body rewriting, for a bounded time.
scripts/fuzz.sh "${GATEWAY_FUZZ_SECONDS:-30}"

# promtool (Debian's prometheus package) checks the /metrics exposition in the end-to-end tests.
if ! command -v promtool >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# A failed install stops the run with pip's own message (only its note about running as root is dropped).
pip_log="$(mktemp)"
if ! python3 -m pip install --quiet --disable-pip-version-check 'openai>=1.40,<4' 'pytest>=7' 'opentelemetry-proto>=1.20' 'mcp>=1.20,<2' 'anthropic>=0.40,<1' >"$pip_log" 2>&1; then
  cat "$pip_log" >&2
  rm -f "$pip_log"
  echo "test.sh: pip could not install the end-to-end test dependencies" >&2
  exit 1
fi
grep -v "Running pip as the 'root' user" "$pip_log" || true
rm -f "$pip_log"
# The end-to-end tests run against the debug build (every runtime check on) and against the
# release build as deployed (scripts/build.sh), so the optimised binary answers the same.
GATEWAY_BIN="$PWD/.build/debug/gateway" python3 -m pytest -q Tests/EndToEnd
build_log="$(mktemp)"
if ! scripts/build.sh >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "test.sh: the release build failed" >&2
  exit 1
fi
tail -n 1 "$build_log"
rm -f "$build_log"
GATEWAY_BIN="$PWD/.build/release/gateway" python3 -m pytest -q Tests/EndToEnd

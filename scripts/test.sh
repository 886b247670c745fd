#!/usr/bin/env bash
# Runs every test: the Swift suites, then the end-to-end tests with the official openai client
# against a running `gateway serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build
swift test

# promtool (Debian's prometheus package) checks the /metrics exposition in the end-to-end tests.
if ! command -v promtool >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check 'openai>=1.40,<4' 'pytest>=7' 2>&1 | grep -v "Running pip as the 'root' user" || true
GATEWAY_BIN="$PWD/.build/debug/gateway" python3 -m pytest -q Tests/EndToEnd

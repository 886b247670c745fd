#!/usr/bin/env bash
# Builds the gateway as it is deployed and benchmarked: `.build/release/gateway`.
#
# Release mode, with Swift's dynamic exclusivity checks off in every module
# (`-enforce-exclusivity=unchecked`). Those checks catch a programming error, two overlapping
# accesses to one class property or global, not anything a client or provider sends; the debug
# build that `swift test` runs keeps them, and the end-to-end tests run against both builds.
# They cost 134 runtime calls per request (94 of them inside SwiftNIO) and 4 to 6 % of the
# gateway's CPU per request, in pairs (bench/README.md). `swift build -c release` gives the same binary
# with the checks on.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product gateway -Xswiftc -enforce-exclusivity=unchecked "$@"

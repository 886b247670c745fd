#!/usr/bin/env bash
# Builds the gateway as it is deployed and benchmarked: `.build/release/gateway`.
#
# Release mode, with two settings that `swift build -c release` alone does not make:
#
# - Swift's dynamic exclusivity checks off in every module (`-enforce-exclusivity=unchecked`).
#   Those checks catch a programming error, two overlapping accesses to one class property or
#   global, not anything a client or provider sends; the debug build that `swift test` runs keeps
#   them, and the end-to-end tests run against both builds. They cost 134 runtime calls per
#   request (94 of them inside SwiftNIO) and 4 to 6 % of the gateway's CPU per request, in pairs.
# - The Swift runtime, standard library and Foundation linked in (`--static-swift-stdlib`): calls
#   into the runtime (about 800 retains and releases per request) no longer go through the dynamic
#   linker's tables, the runtime's code sits in one binary with its callers, and the binary runs
#   on a machine without a Swift toolchain (it needs only glibc, libstdc++, libgcc and zlib). In
#   pairs, 0.93 to 0.98 of the CPU per request at 32 connections and 0.925 at one.
#
# The figures and how they were measured are in bench/README.md. Extra arguments are passed on
# to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product gateway --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked "$@"

#!/usr/bin/env bash
# Builds the gateway as it is deployed and benchmarked: `.build/release/gateway`.
#
# Release mode, with three settings that `swift build -c release` alone does not make:
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
# - Optimised with an execution profile (scripts/gateway.profdata, made by scripts/profile.sh):
#   LLVM lays out each function's likely path straight and its rare branches apart, and inlines
#   and unrolls where the bench's loads spend their time. 0.93 of the instructions per request;
#   in pairs, 0.90 of the CPU per request at 32 connections and 0.84 at one. Local functions
#   are named by their object file without its folders (`static-func-full-module-prefix`), so the
#   profile matches a build in any folder.
#
# The figures and how they were measured are in bench/README.md. Extra arguments are passed on
# to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
if [[ -f scripts/gateway.profdata ]]; then
    profile=(-Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$(pwd)/scripts/gateway.profdata" -Xswiftc -Xllvm -Xswiftc -static-func-full-module-prefix=false)
fi
# SwiftPM rebuilds nothing when only the profile, or these arguments, change: a release build made
# with another profile (or none) is deleted first. The stamp names the profile it was made with.
stamp=.build/release-profile
used=$(sha256sum scripts/gateway.profdata 2>/dev/null | cut -d" " -f1 || true)
if [[ -e .build/release && "$(cat "$stamp" 2>/dev/null || true)" != "profile ${used:-none}" ]]; then
    rm -rf "$(readlink -f .build/release)"
fi
swift build -c release --product gateway --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked "${profile[@]}" "$@"
echo "profile ${used:-none}" >"$stamp"

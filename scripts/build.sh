#!/usr/bin/env bash
# Builds the gateway as it is deployed and benchmarked: `.build/release/gateway`.
#
# Release mode, with four settings that `swift build -c release` alone does not make:
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
# - Laid out in the order of scripts/gateway.order (made by scripts/order.py): every function in
#   a section of its own (`-function-sections`; the Swift runtime's and standard library's are
#   already), and the linker (gold) puts the functions a request runs side by side, hottest
#   first, rather than spread over the binary's 34 MB of code.
#
# The figures and how they were measured are in bench/README.md. Extra arguments are passed on
# to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
settings=(-Xswiftc -enforce-exclusivity=unchecked -Xswiftc -Xfrontend -Xswiftc -function-sections)
if [[ -f scripts/gateway.profdata ]]; then
    settings+=(-Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$(pwd)/scripts/gateway.profdata" -Xswiftc -Xllvm -Xswiftc -static-func-full-module-prefix=false)
fi
if [[ -f scripts/gateway.order ]]; then
    settings+=(-Xlinker "--section-ordering-file=$(pwd)/scripts/gateway.order")
fi
# SwiftPM rebuilds nothing when only the profile, or these arguments, change (and the compiler
# keeps an object whose code is unchanged, however it is now to be emitted): a release build
# made with another profile (or none) is deleted first, and one linked in another order is linked
# again. The stamp names the profile and the order it was made with.
stamp=.build/release-profile
profile=$(sha256sum scripts/gateway.profdata 2>/dev/null | cut -d" " -f1 || true)
order=$(sha256sum scripts/gateway.order 2>/dev/null | cut -d" " -f1 || true)
made=$(cat "$stamp" 2>/dev/null || true)
if [[ -e .build/release && "$(head -n1 <<<"$made")" != "profile ${profile:-none} function-sections" ]]; then
    rm -rf "$(readlink -f .build/release)"
elif [[ "$(sed -n 2p <<<"$made")" != "order ${order:-none}" ]]; then
    rm -f .build/release/gateway
fi
swift build -c release --product gateway --static-swift-stdlib "${settings[@]}" "$@"
printf 'profile %s function-sections\norder %s\n' "${profile:-none}" "${order:-none}" >"$stamp"

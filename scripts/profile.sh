#!/usr/bin/env bash
# Makes the execution profile that scripts/build.sh optimises the release build with
# (scripts/gateway.profdata): builds the gateway instrumented to count what it executes (LLVM's
# IR-level instrumentation, in every module and package), runs it under the bench's loads
# (bench/train.py: each variant of bench/run.sh, at 32 connections and at one), and merges the
# counts. Then it builds the release with the new profile and makes the section order that
# the release is laid out in (scripts/gateway.order, scripts/order.py) from that build.
#
# Rerun it after a change to the request path and commit the profile and the order with the
# change: a function whose code changed no longer matches its counts and is optimised without them,
# as every function is without a profile. scripts/build.sh sees a new profile and builds the
# release from scratch, and a new order and links it again.
#
# Needs nginx, wrk and valgrind (Debian's packages); takes about 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain=$(dirname "$(readlink -f "$(command -v swift)")")
profiles=$(mktemp -d)
trap 'rm -rf "$profiles"' EXIT
# Local functions are named by their object file without its folders (see scripts/build.sh), so
# the profile holds no path of this build.
swift build -c release --product gateway --static-swift-stdlib --scratch-path .build-profile \
    -Xswiftc -enforce-exclusivity=unchecked \
    -Xswiftc -Xfrontend -Xswiftc -ir-profile-generate \
    -Xswiftc -Xllvm -Xswiftc -static-func-full-module-prefix=false \
    -Xlinker -u__llvm_profile_runtime \
    -Xlinker "$(dirname "$toolchain")/lib/clang/"*/lib/linux/libclang_rt.profile-x86_64.a
python3 bench/train.py .build-profile/release/gateway "$profiles"
"$toolchain/llvm-profdata" merge --sparse -o scripts/gateway.profdata "$profiles"/*.profraw
"$toolchain/llvm-profdata" show scripts/gateway.profdata | grep -E "Total functions|Total count"
scripts/build.sh
python3 scripts/order.py

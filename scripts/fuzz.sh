#!/usr/bin/env bash
# Fuzzes the request parser and the body rewriting with libFuzzer for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]   (default 60) builds Fuzz/ with -sanitize=fuzzer,address and runs it
#                               from the seeds in Fuzz/corpus; a crash leaves its input in
#                               .build-fuzz/crashes/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
binary=.build-fuzz/release/RequestFieldsFuzz
[ -x "$binary" ] || { echo "fuzz: the fuzz target did not build" >&2; exit 1; }
work="$(mktemp -d /tmp/gateway-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus"
mkdir -p "$corpus" .build-fuzz/crashes
cp Fuzz/corpus/* "$corpus/"

log="$work/fuzz.log"
status=0
"$binary" -max_total_time="$seconds" -dict=Fuzz/json.dict -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=.build-fuzz/crashes/ "$corpus" >"$log" 2>&1 </dev/null || status=$?
grep -E '^(Done|stat::number_of_executed_units|SUMMARY)|Fatal error|deadly signal' "$log" || true
if [ "$status" -ne 0 ] || ls .build-fuzz/crashes/* >/dev/null 2>&1; then
  tail -n 40 "$log" >&2
  echo "fuzz: a finding is in .build-fuzz/crashes/ (exit status $status)" >&2
  exit 1
fi
echo "fuzz: no finding in ${seconds} s"

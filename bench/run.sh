#!/usr/bin/env bash
# Runs the whole benchmark: release build, nginx as the upstream, wrk as the load, then the
# microbenchmarks. Results go to bench/RESULTS.md. Loopback only; bounded in time.
#   bench/run.sh                  # default: 5 rounds of 6 s per run
#   DURATION=5 ROUNDS=1 bench/run.sh
#   SOAK=600 bench/run.sh         # also a soak of 600 s at moderate load
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null
fi

scripts/build.sh
python3 bench/load.py "$@"
if [ "${MICRO:-1}" = 1 ]; then
  (cd Benchmarks && swift package --disable-sandbox benchmark --format markdown --no-progress) | tee bench/.micro.md
  python3 bench/load.py --append-micro bench/.micro.md
fi

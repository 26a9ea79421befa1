#!/usr/bin/env bash
# The full-size crash run: zohosync reconcile and the daemon SIGKILLed at
# (by default) 100 moments each, spread over every phase of a cycle, on a
# population of 3,000 people; prints the kills per phase and the wall time.
# The CI size of the same harness runs with the suite (zohosync_crash_tests).
#
#   scripts/crash.sh [BUILD_DIR]     (default build/release, configured as Release)
#   ZOHOSYNC_CRASH_PEOPLE=3000 ZOHOSYNC_CRASH_KILLS=100 ZOHOSYNC_CRASH_SEED=1
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-build/release}
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$dir" --target zohosync zoho-sandbox zohosync_crash_tests -j "${ZOHOSYNC_JOBS:-2}"

export ZOHOSYNC_CRASH_PEOPLE=${ZOHOSYNC_CRASH_PEOPLE:-3000}
export ZOHOSYNC_CRASH_KILLS=${ZOHOSYNC_CRASH_KILLS:-100}
export ZOHOSYNC_CRASH_SEED=${ZOHOSYNC_CRASH_SEED:-1}
echo "== crash run: $ZOHOSYNC_CRASH_PEOPLE people, $ZOHOSYNC_CRASH_KILLS kills per mode, seed $ZOHOSYNC_CRASH_SEED"
start=$SECONDS
"$dir/tests/crash/zohosync_crash_tests"
echo "== crash run passed in $((SECONDS - start)) s"

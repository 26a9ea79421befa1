#!/usr/bin/env bash
# Soak: the daemon against zoho-sandbox (rate limits on) for MINUTES (default 10) while random
# UI edits land in every product; prints the daemon's RSS and open file descriptors as it goes,
# then stops the edits, waits (bounded) for every product to agree, checks that a `zohosync
# reconcile` plans nothing and exits non-zero on any failure.
#   ./scripts/soak.sh            # 10 minutes
#   ./scripts/soak.sh 480        # a working day; see README "Soak"
# Environment: SOAK_BUILD_DIR (default build/release, built Release if needed), SOAK_POLL (daemon
# poll interval, default 5s), SOAK_SAMPLE (seconds between samples, default 30), SOAK_PEOPLE
# (default 200), SOAK_EDIT_EVERY (seconds between edits, default 2), SOAK_SETTLE (seconds allowed
# to converge after the edits stop, default 600), SOAK_SEED (default 7), SOAK_COOLDOWN (seconds
# before a person is edited again, default 60), SOAK_NO_LIMITS=1 (sandbox and daemon without rate
# limits), SOAK_FAULTS=1 (random 500s, resets, torn and garbage bodies, slow and hung answers on
# every path while the edits run), SOAK_FLIP_LIMIT (sync.flip_limit, default 1000: the editor
# changes a person's last name more often than the loop guard's 4 an hour), SOAK_LOG_LEVEL (the daemon's, default info), SOAK_KEEP=1 keeps
# the work dir (logs, state) for a look afterwards; a run that does not converge keeps it with
# dump.json, what every product held then.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
build=${SOAK_BUILD_DIR:-build/release}
if [ -z "${SOAK_BUILD_DIR:-}" ] || [ ! -x "$build/daemon/zohosync" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "${ZOHOSYNC_JOBS:-2}" --target zohosync zoho-sandbox
fi
command -v python3 >/dev/null || { echo "soak.sh needs python3" >&2; exit 2; }

exec python3 scripts/soak_driver.py \
  --zohosync "$build/daemon/zohosync" \
  --sandbox "$build/tests/sandbox/zoho-sandbox" \
  --minutes "$minutes"

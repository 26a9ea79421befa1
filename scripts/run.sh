#!/usr/bin/env bash
# The main job on an embedded default: installs what is missing, builds
# zohosync, validates the shipped example config and shows the status of a
# fresh state directory. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "${ZOHOSYNC_JOBS:-$(nproc)}" --target zohosync

state_dir=$(mktemp -d "${TMPDIR:-/tmp}/zohosync-state.XXXXXX")
trap 'rm -rf "$state_dir"' EXIT

echo "== zohosync check-config --config config/zohosync.example.toml"
./build/release/daemon/zohosync check-config --config config/zohosync.example.toml
echo "== zohosync status --state-dir $state_dir"
./build/release/daemon/zohosync status --config config/zohosync.example.toml --state-dir "$state_dir"

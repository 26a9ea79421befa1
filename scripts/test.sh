#!/usr/bin/env bash
# Installs what is missing, builds the release and the sanitizer (ASan+UBSan)
# configurations and runs every test in both. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=${ZOHOSYNC_JOBS:-$(nproc)}

run_config() {
  local dir=$1; shift
  echo "== configure $dir"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  echo "== build $dir"
  local start=$SECONDS
  cmake --build "$dir" -j "$jobs"
  echo "== build $dir took $((SECONDS - start)) s"
  echo "== test $dir"
  start=$SECONDS
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs"
  echo "== tests $dir took $((SECONDS - start)) s"
}

run_config build/release -DCMAKE_BUILD_TYPE=Release
run_config build/asan -DCMAKE_BUILD_TYPE=Debug -DZOHOSYNC_SANITIZE=ON
echo "== all tests passed in both configurations"
./scripts/fuzz.sh 10  # libFuzzer targets, 10 s each (fuzz/)

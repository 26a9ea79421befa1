#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, fuzz/) in build/fuzz and
# runs each for a bounded time on a copy of its seed corpus (fuzz/corpus/), so
# the repository is never modified. Fails if any target crashes; the crashing
# input is kept under build/fuzz/artifacts/ (reproduce with
# build/fuzz/fuzz/fuzz_<target> <file>).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-15}
jobs=${ZOHOSYNC_JOBS:-$(nproc)}
dir=build/fuzz
targets=(crm_json inventory_json projects_json contracts_json token_response wire_time config state)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (libFuzzer needs clang: apt-get install clang)" >&2
  exit 1
fi

echo "== configure $dir (clang, libFuzzer, ASan+UBSan)"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DZOHOSYNC_FUZZ=ON -DZOHOSYNC_BUILD_TESTS=OFF >/dev/null
echo "== build $dir"
start=$SECONDS
cmake --build "$dir" --target fuzz_all -j "$jobs"
echo "== build $dir took $((SECONDS - start)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir/artifacts"

dict_for() {
  case $1 in
    config) echo fuzz/toml.dict ;;
    state) echo "" ;;
    wire_time) echo fuzz/wire_time.dict ;;
    *) echo fuzz/json.dict ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  cp -r "fuzz/corpus/$target" "$work/$target"
  args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/$target-")
  dict=$(dict_for "$target")
  [[ -n $dict ]] && args+=(-dict="$dict")
  log=$work/$target.log
  if "$dir/fuzz/fuzz_$target" "${args[@]}" "$work/$target" >"$log" 2>&1; then
    status=ok
  else
    status=CRASHED
    failed+=("$target")
    grep -E -A40 '^==[0-9]+==ERROR|runtime error|deadly signal|uncaught exception' "$log" | head -60 || tail -40 "$log"
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "fuzz_$target: $status, ${execs:-?} executions in ${seconds} s"
done

if ((${#failed[@]})); then
  echo "== fuzzing found crashes in: ${failed[*]} (inputs in $dir/artifacts/)"
  exit 1
fi
echo "== no fuzz target crashed"

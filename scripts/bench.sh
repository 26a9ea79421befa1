#!/usr/bin/env bash
# The default benchmark set: builds Release, then runs zohosync-bench engine
# (10k, 100k and 1M people), api + http (one 10k run) and latency (a 2 s poll
# and the default 5-minute poll, a few edits: about 10 minutes on its own),
# prints a compact table and writes every figure to one JSON file
# (default bench-results.json; BENCH_OUT=path to change it).
#   ./scripts/bench.sh            # the full set (about 20 minutes on 2 cores)
#   BENCH_QUICK=1 ./scripts/bench.sh   # engine 10k only, api/http 2k, fewer latency samples,
#                                      # no run at the default poll interval
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
build=${BENCH_BUILD_DIR:-build/release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "${ZOHOSYNC_JOBS:-$(nproc)}" --target zohosync-bench
bench=$build/bench/zohosync-bench
out=${BENCH_OUT:-bench-results.json}

if [ -n "${BENCH_QUICK:-}" ]; then
  engine_sizes=(10000); people=2000; samples=4
else
  engine_sizes=(10000 100000 1000000); people=10000; samples=12
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/zohosync-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
machine="$(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"

for n in "${engine_sizes[@]}"; do
  echo "== engine, $n people" >&2
  "$bench" engine --people "$n" --json >"$work/engine-$n.json"
done
# One sandbox run gives both the API calls and the cycle wall times (`zohosync-bench http`
# prints the wall times of the same run on its own).
echo "== api + http, $people people" >&2
"$bench" api --people "$people" --json >"$work/api.json"
echo "== latency, 2 s poll" >&2
"$bench" latency --poll-ms 2000 --samples "$samples" --json >"$work/latency.json"
if [ -z "${BENCH_QUICK:-}" ]; then
  # The default poll interval (5 minutes): each edit waits for the next poll,
  # so a few samples (each bounded by the bench at 4 polls + 20 s).
  echo "== latency, default 5 min poll" >&2
  "$bench" latency --poll-ms 300000 --samples 3 --json >"$work/latency-default.json"
fi

python3 - "$work" "$out" "$machine" <<'PY'
import json, os, sys
work, out, machine = sys.argv[1:]
engine = [json.load(open(os.path.join(work, f))) for f in sorted(os.listdir(work)) if f.startswith("engine-")]
engine.sort(key=lambda e: e["people"])
api = json.load(open(os.path.join(work, "api.json")))
http = api["http"]
latency = json.load(open(os.path.join(work, "latency.json")))
default_poll = os.path.join(work, "latency-default.json")
if os.path.exists(default_poll):
    latency["runs"] += json.load(open(default_poll))["runs"]
print(f"machine: {machine}")
print("engine (in-memory products, 5 collections)")
print(f"  {'people':>9} {'phase':<8} {'seconds':>9} {'cpu s':>9} {'records/s':>12} {'rec/cpu s':>12}")
for e in engine:
    for p in e["phases"]:
        print(f"  {e['people']:>9} {p['name']:<8} {p['seconds']:>9.3f} {p['cpu_seconds']:>9.3f} "
              f"{p['records_per_s']:>12.0f} {p['records_per_cpu_s']:>12.0f}")
    print(f"  {e['people']:>9} LMDB {e['lmdb_bytes_per_person']:.0f} B/person, peak RSS {e['peak_rss_bytes']/2**20:.0f} MiB")
print(f"http ({http['people']} people, sandbox on loopback)")
for c in http["cycles"]:
    print(f"  {c['name']:<16} {c['seconds']:>8.2f} s  (cpu {c['client_cpu_s']:.2f} s, sandbox cpu "
          f"{c['sandbox_cpu_s']:.2f} s)  {c['confirmed']:>6} writes")
print(f"api ({api['people']} people): calls made / minimum")
for s in api["scenarios"]:
    print(f"  {s['name']:<8} {s['made']:>7} / {s['minimum']:<7} {s['ratio']:.3f}")
cw = api["churn_writes"]
print(f"  ratio_made_to_minimum {api['ratio_made_to_minimum']:.3f}; churn: {cw['edits']} edits -> "
      f"{cw['update_actions']} updates, {cw['echo_writes']} echoes, next cycle planned {cw['settle_cycle_planned_writes']}")
print("latency (zohosync daemon)")
for r in latency["runs"]:
    print(f"  poll {r['poll_interval_s']:.0f} s: median {r['median_s']:.2f} s, p95 {r['p95_s']:.2f} s, "
          f"{r['missed']} of {r['seen'] + r['missed']} not seen")
json.dump({"machine": machine, "engine": engine, "api": api, "http": http, "latency": latency},
          open(out, "w"), indent=1)
print(f"all figures: {out}")
PY

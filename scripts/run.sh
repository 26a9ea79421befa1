#!/usr/bin/env bash
# The demo on a fresh machine: installs what is missing, builds zohosync and
# the sandbox (a local fake of Zoho Inventory, Projects, CRM and Contracts),
# starts the sandbox with an overlapping population, makes a conflicting edit,
# runs a dry run, a real run and a second run that plans nothing, then stops
# the sandbox. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "${ZOHOSYNC_JOBS:-$(nproc)}" --target zohosync zoho-sandbox
build_s=$((SECONDS - start))

zohosync=build/release/daemon/zohosync
sandbox=build/release/tests/sandbox/zoho-sandbox
tool="python3 scripts/demo/sandbox_tool.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/zohosync-demo.XXXXXX")
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

demo_start=$SECONDS
echo
echo "== starting zoho-sandbox: 40 people spread over the four products (half in all four),"
echo "   some emails in another case, some people without an email"
"$sandbox" --port 0 --seed 7 --people 40 --overlap 0.5 --email-variants 0.1 --no-email 0.05 \
  >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^zoho-sandbox listening on //p' "$work/sandbox.out")
  [ -n "$url" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "zoho-sandbox did not start" >&2; exit 1; }
echo "   listening on $url"
$tool population "$url"

zs() {
  "$zohosync" "$@" --config config/sandbox.toml --base-url "$url" --state-dir "$work/state"
}

echo
echo "== a conflicting edit: one person's phone changed in Inventory, a minute later differently in CRM"
email=$($tool conflicting-edit "$url")
echo "   $email"
$tool phones "$url" "$email"

echo
echo "== zohosync reconcile --dry-run (plans, writes nothing, leaves no state behind)"
status=0
zs reconcile --dry-run --log-level warn || status=$?
echo "   exit code $status"
$tool counters "$url"
[ -e "$work/state" ] && { echo "a dry run created the state dir" >&2; exit 1; }

echo
echo "== zohosync reconcile"
status=0
zs reconcile --log-level warn || status=$?
echo "   exit code $status (0: everything applied; 1: some records need attention, listed above)"
$tool counters "$url"
echo "   after the sync (conflict_policy = \"newest\": the CRM edit wins everywhere):"
$tool phones "$url" "$email"

echo
echo "== zohosync reconcile again: nothing changed, so nothing is planned"
second=$(zs reconcile --json --log-level warn || true)
planned=$(printf '%s' "$second" | $tool planned-writes "$url")
echo "   planned writes: $planned"

echo
echo "== zohosync status"
zs status

echo
echo "== zohosync journal --limit 3"
zs journal --limit 3

echo
echo "demo took $((SECONDS - demo_start)) s after a $build_s s build; the sandbox is stopped"
[ "$planned" = "0" ] || { echo "the second run planned writes" >&2; exit 1; }

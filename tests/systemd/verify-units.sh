#!/usr/bin/env bash
# Checks every unit we ship: `systemd-analyze verify` must print nothing (it
# only warns on unknown keys, so any output is a failure), and the services'
# exposure score from `systemd-analyze security --offline` must stay <= 2.0,
# and none may leave a core dump.
set -euo pipefail
units_dir=$1
max_exposure=${2:-2.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$units_dir"/* "$work"/
# A template is verified through an instance of it.
cp "$work/zohosync@.service" "$work/zohosync@example.service"
cd "$work"
status=0
for unit in zohosync.service zohosync@example.service zohosync-reconcile.service \
            zohosync-reconcile.timer; do
  output=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "./$unit" 2>&1 || echo "exit status $?")
  if [[ -n "$output" ]]; then
    echo "FAIL verify $unit:"; echo "$output"; status=1
  else
    echo "ok   verify $unit"
  fi
done
for unit in zohosync.service zohosync@example.service zohosync-reconcile.service; do
  if ! report=$(systemd-analyze security --offline=true --no-pager "./$unit" 2>&1); then
    echo "FAIL security $unit:"; echo "$report"; status=1; continue
  fi
  score=$(grep -oE 'Overall exposure level for .*: [0-9]+\.[0-9]+' <<<"$report" | grep -oE '[0-9]+\.[0-9]+$')
  if [[ -z "$score" ]]; then
    echo "FAIL security $unit: no exposure score in:"; echo "$report"; status=1
  elif awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s > m) }'; then
    echo "FAIL security $unit: exposure $score > $max_exposure"
    grep -E '^✗' <<<"$report" || true
    status=1
  else
    echo "ok   security $unit: exposure $score"
  fi
done
# expect UNIT REGEX WHAT: a line of UNIT matches REGEX (grep -E), or fail saying WHAT.
expect() {
  if grep -qE "$2" "$1"; then
    echo "ok   $1: $3"
  else
    echo "FAIL $1: not $3"; status=1
  fi
}
services="zohosync.service zohosync@example.service zohosync-reconcile.service"
for unit in $services; do
  # No core dump: it would hold the client secret and the tokens (the
  # process also marks itself non-dumpable).
  expect "$unit" '^LimitCORE=0$' "without core dumps (LimitCORE=0)"
  # One user for every unit: they share the state directory.
  expect "$unit" '^User=zohosync$' "running as the one user zohosync"
done
# No restart into the same wrong configuration forever.
for unit in zohosync.service zohosync@example.service; do
  expect "$unit" '^RestartPreventExitStatus=.*\b78\b' "left stopped after a configuration error"
done
# Persistent= acts only on OnCalendar= timers.
if grep -q '^Persistent=yes' zohosync-reconcile.timer && ! grep -q '^OnCalendar=' zohosync-reconcile.timer; then
  echo "FAIL zohosync-reconcile.timer: Persistent=yes without OnCalendar= does nothing"; status=1
else
  echo "ok   zohosync-reconcile.timer: Persistent= with OnCalendar="
fi
exit $status

#!/usr/bin/env bash
# `cmake --install` of this build tree into a scratch DESTDIR, twice: with
# prefix /usr (the tree the .deb ships) and with another prefix, which must
# reach the units' ExecStart=. Usage: install-tree.sh BUILD_DIR SOURCE_DIR VERSION
set -uo pipefail
build=$1 source=$2 version=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

root=$scratch/usr-root
if ! log=$(DESTDIR=$root cmake --install "$build" --prefix /usr 2>&1); then
  echo "$log"; echo "FAIL cmake --install"; exit 1
fi
check_files "$root"
check_units "$root" /usr/bin
check_man_pages "$root" "$version"
check_binary "$root" /usr/bin "$version"

# The installed units are the ones tests/systemd verifies, but for the bindir.
for unit in zohosync.service zohosync@.service zohosync-reconcile.service zohosync-reconcile.timer; do
  if diff <(sed "s|$build/daemon/|/usr/bin/|g" "$build/systemd/verify/$unit") \
          "$root/usr/lib/systemd/system/$unit" >"$scratch/unit.diff"; then
    ok "$unit: same as the verified unit"
  else
    fail "$unit differs from the verified unit:"; cat "$scratch/unit.diff"
  fi
done

example=$root/usr/share/doc/zohosync/examples/zohosync.toml
if cmp -s "$example" "$source/config/zohosync.example.toml"; then
  ok "example config installed unchanged"
else
  fail "example config differs from config/zohosync.example.toml"
fi
# The example is what users copy: the installed binary must accept it.
if out=$(env -u LD_LIBRARY_PATH "$root/usr/bin/zohosync" check-config --config "$example" 2>&1); then
  ok "installed zohosync accepts the installed example config"
else
  fail "check-config of the installed example:"; echo "$out"
fi

other=$scratch/opt-root
if ! log=$(DESTDIR=$other cmake --install "$build" --prefix /opt/zohosync 2>&1); then
  echo "$log"; echo "FAIL cmake --install --prefix /opt/zohosync"; exit 1
fi
exec_line=$(grep '^ExecStart=' "$other/opt/zohosync/lib/systemd/system/zohosync.service")
if [[ "$exec_line" == "ExecStart=/opt/zohosync/bin/zohosync "* ]]; then
  ok "--prefix /opt/zohosync reaches the units: $exec_line"
else
  fail "--prefix /opt/zohosync: $exec_line"
fi

[[ $failures -eq 0 ]] || { echo "$failures check(s) failed"; exit 1; }

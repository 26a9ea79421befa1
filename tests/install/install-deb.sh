#!/usr/bin/env bash
# `cpack -G DEB` of this build tree in a scratch dir, then the package as
# dpkg sees it: control fields, declared dependencies against the libraries
# the binary needs, maintainer scripts, and the tree `dpkg-deb -x` unpacks.
# Usage: install-deb.sh BUILD_DIR SOURCE_DIR VERSION
set -uo pipefail
build=$1 version=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

start=$SECONDS
if ! log=$(cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" 2>&1); then
  echo "$log"; echo "FAIL cpack -G DEB"; exit 1
fi
debs=("$scratch"/out/*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f ${debs[0]} ]]; then
  echo "FAIL expected one .deb, got: ${debs[*]}"; exit 1
fi
deb=${debs[0]}
ok "cpack built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start)) s"

field() { dpkg-deb -f "$deb" "$1"; }
arch=$(dpkg --print-architecture)
[[ $(field Package) == zohosync ]] && ok "Package: zohosync" || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] && ok "Version: $version" || fail "Version: $(field Version)"
[[ $(field Architecture) == "$arch" ]] && ok "Architecture: $arch" ||
  fail "Architecture: $(field Architecture), expected $arch"
for name in Maintainer Description Section Priority; do
  [[ -n $(field $name) ]] && ok "$name: $(field $name | head -1)" || fail "no $name field"
done
[[ $(basename "$deb") == "zohosync_${version}_${arch}.deb" ]] ||
  fail "file name $(basename "$deb") is not zohosync_${version}_${arch}.deb"

dpkg-deb -x "$deb" "$scratch/root"
dpkg-deb -e "$deb" "$scratch/control"
check_files "$scratch/root"
check_units "$scratch/root" /usr/bin
check_man_pages "$scratch/root" "$version"
check_binary "$scratch/root" /usr/bin "$version"

# Every shared library the binary needs comes from a package in Depends.
depends=$(field Depends)
declared=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/ //g' | grep -v '^$' | sort -u)
needed=$(objdump -p "$scratch/root/usr/bin/zohosync" | awk '$1 == "NEEDED" { print $2 }')
for soname in $needed; do
  packages=$(dpkg -S "*/$soname" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/ //g' | sort -u)
  # A package counts under its own name and the virtual names it Provides
  # (libspdlog1.10 provides libspdlog1.10-fmt9).
  providers=$(for p in $packages; do
    echo "$p"; dpkg-query -W -f='${Provides}\n' "$p" 2>/dev/null | tr ',' '\n' | sed 's/(.*)//; s/ //g'
  done | grep -v '^$' | sort -u)
  if [[ -z "$packages" ]]; then
    fail "$soname: no installed package provides it"
  elif comm -12 <(echo "$providers") <(echo "$declared") | grep -q .; then
    ok "$soname: provided by $(comm -12 <(echo "$providers") <(echo "$declared") | head -1)"
  else
    fail "$soname: provided by $(echo $providers), none of them in Depends: $depends"
  fi
done

# No user is created and no configuration shipped at install time.
if [[ -e "$scratch/control/conffiles" ]]; then
  fail "conffiles: $(cat "$scratch/control/conffiles")"
fi
for script in preinst postinst prerm postrm; do
  [[ -e "$scratch/control/$script" ]] || continue
  if grep -qE 'useradd|adduser|groupadd|addgroup|systemd-sysusers' "$scratch/control/$script"; then
    fail "$script creates users or groups"
  elif ! sh -n "$scratch/control/$script"; then
    fail "$script is not valid sh"
  else
    ok "$script: valid sh, creates no user"
  fi
  [[ -x "$scratch/control/$script" ]] || fail "$script is not executable"
done
# Debian's conventions for the units, by deb-systemd-helper and
# deb-systemd-invoke: nothing enabled or started on a first install, running
# units restarted on an upgrade, stopped on removal, forgotten on purge.
script_has() {  # SCRIPT PATTERN WHAT
  if grep -qE "$2" "$scratch/control/$1"; then ok "$1: $3"; else fail "$1: does not $3"; fi
}
script_has postinst 'install -d -m 0700 /etc/zohosync' "make /etc/zohosync mode 0700"
script_has postinst 'deb-systemd-invoke try-restart zohosync.service' "restart running units on upgrade"
script_has postinst 'deb-systemd-helper (--quiet )?was-enabled' "keep what the administrator enabled"
script_has prerm 'deb-systemd-invoke stop zohosync.service' "stop the units on removal"
script_has postrm 'deb-systemd-helper purge' "let deb-systemd-helper forget the units on purge"
script_has postrm 'rm -rf /etc/zohosync /var/lib/zohosync /var/lib/private/zohosync' \
  "remove configuration and state on purge"
if grep -qE 'deb-systemd-invoke (start|restart) |deb-systemd-helper enable [^"]' "$scratch/control/postinst" ||
  grep -qE 'systemctl (start|restart|enable|stop)' "$scratch/control/"{postinst,prerm,postrm}; then
  fail "a maintainer script starts, enables or stops units outside the conventions"
else
  ok "no unit started or enabled on a first install"
fi
[[ $(zcat "$scratch/root/usr/share/doc/zohosync/changelog.gz" | head -1) == "zohosync ($version)"* ]] &&
  ok "changelog.gz names version $version" || fail "changelog.gz does not start with zohosync ($version)"

# lintian, Debian's package checker: no error and no warning.
if ! command -v lintian >/dev/null; then
  fail "lintian is not installed (scripts/install-deps.sh installs it)"
else
  lintian_out=$(lintian --fail-on error,warning "$deb" 2>&1)
  lintian_status=$?
  lintian_out=$(grep -v '^running with root privileges' <<<"$lintian_out" || true)
  if [[ $lintian_status -eq 0 ]]; then
    ok "lintian: no error or warning${lintian_out:+ ($lintian_out)}"
  else
    fail "lintian (exit $lintian_status):"; echo "$lintian_out"
  fi
fi

# Files are root's, whoever built the package.
owners=$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)
[[ "$owners" == "root/root" ]] && ok "every file owned by root/root" || fail "owners: $owners"

echo "install-deb: $((SECONDS - start)) s"
[[ $failures -eq 0 ]] || { echo "$failures check(s) failed"; exit 1; }

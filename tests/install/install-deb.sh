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
# Files are root's, whoever built the package.
owners=$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)
[[ "$owners" == "root/root" ]] && ok "every file owned by root/root" || fail "owners: $owners"

echo "install-deb: $((SECONDS - start)) s"
[[ $failures -eq 0 ]] || { echo "$failures check(s) failed"; exit 1; }

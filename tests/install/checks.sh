# Checks shared by install-tree.sh and install-deb.sh on an installed tree
# ROOT (a DESTDIR or an extracted .deb) with prefix /usr. Sourced; each check
# prints "ok ..." or "FAIL ..." and sets failures.
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# check_files ROOT: every file we ship is there, and nothing else is.
check_files() {
  local root=$1
  local expected actual
  expected=$(printf '%s\n' \
    usr/bin/zohosync \
    usr/lib/systemd/system/zohosync-reconcile.service \
    usr/lib/systemd/system/zohosync-reconcile.timer \
    usr/lib/systemd/system/zohosync.service \
    usr/lib/systemd/system/zohosync@.service \
    usr/share/doc/zohosync/README.md \
    usr/share/doc/zohosync/changelog.gz \
    usr/share/doc/zohosync/copyright \
    usr/share/doc/zohosync/contrib/grafana/zohosync-dashboard.json \
    usr/share/doc/zohosync/contrib/prometheus/alerts.yml \
    usr/share/doc/zohosync/contrib/prometheus/alerts_test.yml \
    usr/share/doc/zohosync/examples/zohosync.toml \
    usr/share/man/man1/zohosync.1.gz \
    usr/share/man/man5/zohosync.toml.5.gz | LC_ALL=C sort)
  actual=$(cd "$root" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
  if [[ "$actual" == "$expected" ]]; then
    ok "files: $(wc -l <<<"$actual") as expected"
  else
    fail "files differ (< expected, > installed):"
    diff <(echo "$expected") <(echo "$actual") || true
  fi
  # The user's configuration is never installed or overwritten.
  if [[ -e "$root/etc" ]]; then
    fail "installs under /etc:"; find "$root/etc"
  else
    ok "nothing under /etc"
  fi
}

# check_units ROOT BINDIR: each service runs the installed binary.
check_units() {
  local root=$1 bindir=$2 unit exec
  for unit in zohosync.service zohosync@.service zohosync-reconcile.service; do
    exec=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root/usr/lib/systemd/system/$unit")
    if [[ "$exec" != "$bindir/zohosync" ]]; then
      fail "$unit: ExecStart=$exec, expected $bindir/zohosync"
    elif [[ ! -x "$root$exec" ]]; then
      fail "$unit: ExecStart=$exec is not an executable in the tree"
    else
      ok "$unit: ExecStart=$exec"
    fi
    if grep -q '@[A-Z_]*@' "$root/usr/lib/systemd/system/$unit"; then
      fail "$unit: unreplaced placeholder: $(grep -o '@[A-Z_]*@' "$root/usr/lib/systemd/system/$unit")"
    fi
    # No user is created at install time: the units bring their own.
    if ! grep -qE '^(DynamicUser=yes|User=)' "$root/usr/lib/systemd/system/$unit"; then
      fail "$unit: neither DynamicUser=yes nor User="
    fi
  done
}

# check_man_pages ROOT VERSION: both pages render without warnings and carry
# the version; with man(1) when present, else with groff, else by shape.
check_man_pages() {
  local root=$1 version=$2 page warnings text
  for page in usr/share/man/man1/zohosync.1.gz usr/share/man/man5/zohosync.toml.5.gz; do
    if ! zcat "$root/$page" | head -c 4096 | grep -q "^\.TH ZOHOSYNC[.A-Z]* [15] \"\" \"zohosync $version\""; then
      fail "$page: no .TH line with version $version"
      continue
    fi
    if command -v man >/dev/null; then
      text=$(MANWIDTH=80 man --warnings -l "$root/$page" 2>"$root.warnings") || true
      warnings=$(cat "$root.warnings"); rm -f "$root.warnings"
    elif command -v groff >/dev/null; then
      text=$(zcat "$root/$page" | groff -man -Tutf8 -ww 2>"$root.warnings") || true
      warnings=$(cat "$root.warnings"); rm -f "$root.warnings"
    else
      text=$(zcat "$root/$page" | grep -c '^\.SH'); warnings=""
    fi
    if [[ -n "$warnings" ]]; then
      fail "$page: formatter warnings:"; echo "$warnings"
    elif ! grep -q 'NAME' <<<"$text" || ! grep -q 'SEE ALSO' <<<"$text"; then
      fail "$page: rendered page lacks NAME or SEE ALSO"
    else
      ok "$page renders cleanly ($(wc -l <<<"$text") lines)"
    fi
  done
}

# check_binary ROOT BINDIR VERSION: the installed binary runs on its own.
check_binary() {
  local root=$1 bindir=$2 version=$3 out
  if out=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$root$bindir/zohosync" --version 2>&1) &&
     [[ "$out" == "zohosync $version (commit "*", "*")" ]]; then
    ok "zohosync --version: $out"
  else
    fail "zohosync --version printed: $out"
  fi
}

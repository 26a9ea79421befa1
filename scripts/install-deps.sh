#!/usr/bin/env bash
# Installs the Debian 12 packages zohosync builds and tests with. Idempotent:
# packages already present are left alone and apt is not touched at all when
# nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libspdlog-dev libfmt-dev liblmdb-dev doctest-dev
  libtomlplusplus-dev libsystemd-dev libcli11-dev zlib1g-dev
  systemd lmdb-utils ca-certificates openssl
  # libFuzzer targets (scripts/fuzz.sh): clang and its fuzzer runtime
  clang libclang-rt-14-dev
  # cpack -G DEB and tests/install: dpkg-shlibdeps, man -l, ELF detection
  dpkg-dev man-db file
  # tests/daemon/status_process_test: the daemon's status page in a real browser, headless
  chromium
  # tests/install: Debian's package checker on the built .deb
  lintian
  # tests/contrib: promtool checks the Prometheus alerting rules
  prometheus
  # scripts/soak.sh and its CI-sized CTest variant drive the sandbox from Python
  python3
  # tests/hostile/environment_test: a small tmpfs in a private namespace
  # (unshare) whose shell script adds people to the sandbox (curl)
  util-linux curl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Debian's default Boost (1.74) has no Boost.JSON and its dev packages conflict
# with the 1.81 ones; refuse to build against a mix.
if dpkg-query -W -f='${Status}' libboost-dev 2>/dev/null | grep -q 'install ok installed'; then
  echo "install-deps: libboost-dev (Boost 1.74) is installed and conflicts with Boost 1.81; remove it first" >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

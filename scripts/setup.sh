#!/usr/bin/env bash
# setup.sh: make sure the Debian packages fslaw builds and tests with are here.
# As root, installs what is missing; otherwise prints the apt-get line and fails.
# Usage: scripts/setup.sh [build|check]   (check adds clang/libFuzzer, xmllint and
# localedef's sources, for the decimal-comma test)
set -euo pipefail
need=(gcc make cmake pkg-config libcjson-dev libnlopt-dev liblapacke-dev libprotobuf-c-dev
      protobuf-c-compiler libsqlite3-dev zlib1g-dev)
if [ "${1:-build}" = check ]; then
  need+=(clang libclang-rt-dev libomp-dev libxml2-utils locales)
fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "setup: missing Debian packages; run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

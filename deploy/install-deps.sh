#!/usr/bin/env bash
# Installs exactly the Debian 12 packages ocoptrace needs to build, test and
# run. Idempotent: installs only what is missing. Nothing is downloaded from
# anywhere but Debian's package archive.
#
#   deploy/install-deps.sh            # build + run + test dependencies
#   deploy/install-deps.sh --runtime  # only what `traced` needs at run time
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libssl-dev libabsl-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  librocksdb-dev
  libqrencode-dev libpng-dev libcairo2-dev fonts-dejavu-core
  libzbar-dev libjpeg-dev
  nlohmann-json3-dev libcli11-dev libboost-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  zbar-tools poppler-utils python3 python3-jsonschema
  chromium chromium-driver
  wrk nginx-light curl git
  clang  # tests/fuzz/run.sh (libFuzzer; not part of tests/run.sh)
)

packages=("${build_packages[@]}" "${test_packages[@]}")
if [[ "${1:-}" == "--runtime" ]]; then
  packages=(libssl3 libprotobuf32 libgrpc++1.51 librocksdb7.8 libqrencode4
            libpng16-16 libcairo2 fonts-dejavu-core libzbar0 libjpeg62-turbo)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' -e '^auxfiles$')" ]]; then
  $SUDO apt-get update -qq
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  # The package lists may be stale: refresh once and retry.
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Installs the Debian 12 packages hetgrid needs, only those missing. Root, or sudo where present.
set -euo pipefail
# python3: the fuzz suite of hetgrid-inspect (tests/fuzz), standard library only.
# iproute2 and bc: the test bed across hosts (tests/hosts/hostbed.sh: `ip netns`, veths, a bridge;
# bc for its timings); unshare comes with util-linux, which Debian always has.
# clang-19: the compile-fail suite's second run (tests/compile_fail), the one compiler here that
# prints computed static_assert messages (C++26, -std=c++2c), so the rules' values are checked.
packages=(cmake g++ libboost-dev libboost-mpi-dev libopenmpi-dev openmpi-bin doctest-dev
          nlohmann-json3-dev python3 iproute2 bc clang-19)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo=sudo
echo "hetgrid: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

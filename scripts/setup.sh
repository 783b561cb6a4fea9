#!/usr/bin/env bash
# Installs what compindex needs from Debian (Eigen, COIN-OR CLP, Boost.Test, a C++ compiler and CMake; clang and
# its libFuzzer runtime for the tests) when it is missing. Everything else comes from PyPI through
# `pip install .`. Sourced by demo.sh and test.sh.
set -euo pipefail

need=()
[ -f /usr/include/eigen3/Eigen/Core ] || need+=(libeigen3-dev)
# COIN-OR CLP: the linear-programming solver of the Benefit of the Doubt aggregation.
[ -f /usr/include/coin/ClpSimplex.hpp ] || need+=(coinor-libclp-dev)
[ -f /usr/include/boost/test/unit_test.hpp ] || need+=(libboost-test-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # headless browser of tests/python/test_report_browser.py
# clang with its sanitizer and libFuzzer runtimes: test.sh's sanitizer and fuzzing build.
command -v clang++ >/dev/null 2>&1 || need+=(clang)
compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null || need+=(libclang-rt-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "compindex: installing Debian packages: ${need[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi
PYTHON=${PYTHON:-python3}
export PYTHON

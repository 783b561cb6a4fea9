#!/usr/bin/env bash
# Installs what compindex needs from Debian (Eigen, COIN-OR CLP, a C++ compiler and CMake) when it
# is missing. Everything else comes from PyPI through `pip install .`. Sourced by demo.sh and test.sh.
#
# Set before sourcing:
#   COMPINDEX_TEST_TOOLS=0   skip the test toolchain (Boost.Test; clang and its sanitizer and
#                            libFuzzer runtimes for test.sh's sanitizer and fuzzing build).
#                            Default 1: test.sh (and CI) get everything; demo.sh sets 0.
#   COMPINDEX_DOCS_TOOLS=1   Doxygen and MathJax (libjs-mathjax), for the documentation site (docs.sh;
#                            test.sh gets it with the test toolchain).
#   COMPINDEX_VENV=1         the Python must be able to create a virtual environment (demo.sh):
#                            install Debian's python3-venv when `python3 -m venv` cannot.
# A busy package manager (another apt-get, unattended upgrades) is waited for, up to 10 minutes.
set -euo pipefail

PYTHON=${PYTHON:-python3}
export PYTHON

need=()
[ -f /usr/include/eigen3/Eigen/Core ] || need+=(libeigen3-dev)
# COIN-OR CLP: the linear-programming solver of the Benefit of the Doubt aggregation.
[ -f /usr/include/coin/ClpSimplex.hpp ] || need+=(coinor-libclp-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
if [ "${COMPINDEX_TEST_TOOLS:-1}" != 0 ]; then
  [ -f /usr/include/boost/test/unit_test.hpp ] || need+=(libboost-test-dev)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)  # headless browser of tests/python/test_report_browser.py
  # clang with its sanitizer and libFuzzer runtimes: test.sh's sanitizer and fuzzing build.
  command -v clang++ >/dev/null 2>&1 || need+=(clang)
  compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null || need+=(libclang-rt-14-dev)
fi
if [ "${COMPINDEX_TEST_TOOLS:-1}" != 0 ] || [ "${COMPINDEX_DOCS_TOOLS:-0}" = 1 ]; then
  command -v doxygen >/dev/null 2>&1 || need+=(doxygen)  # the C++ API pages of scripts/docs.sh
  [ -f /usr/share/javascript/mathjax/MathJax.js ] || need+=(libjs-mathjax)  # the site's formulas, served locally
fi
if [ "${COMPINDEX_VENV:-0}" = 1 ]; then
  # Debian's Python leaves ensurepip (which venv needs) to the python3-venv package.
  "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "compindex: installing Debian packages: ${need[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  # Wait for a busy dpkg/apt lock instead of failing (apt >= 1.9).
  apt_wait=(-o DPkg::Lock::Timeout=600)
  "${sudo_cmd[@]}" apt-get "${apt_wait[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get "${apt_wait[@]}" install -y -qq "${need[@]}" >/dev/null
fi

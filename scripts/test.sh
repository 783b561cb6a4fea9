#!/usr/bin/env bash
# Installs compindex and runs every test: the C++ suites (Boost.Test, ODR and header checks,
# CMake consumer projects) through ctest, then the Python suite (pytest) against the installed
# package.   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== installing compindex with its test dependencies"
"$PYTHON" -m pip install --quiet --disable-pip-version-check ".[test,distributed]"

echo "== C++ tests"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DCOMPINDEX_WERROR=ON -DCOMPINDEX_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"

echo "== Python tests"
# Run from outside the source tree so `import compindex` is the installed package.
cd "${TMPDIR:-/tmp}"
"$PYTHON" -m pytest "$root/tests/python" -q -p no:cacheprovider --rootdir "$root"

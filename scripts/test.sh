#!/usr/bin/env bash
# Installs compindex and runs every test: the C++ suites (Boost.Test, ODR and header checks,
# CMake consumer projects) through ctest, the C++ suites again under ASan+UBSan with a short libFuzzer
# run of the CSV reader (clang), the concurrency suite under ThreadSanitizer (clang), the
# documentation site (scripts/docs.sh: Sphinx with warnings as errors, the tutorial notebooks
# executed), then the Python suite (pytest) against the installed
# package.   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== installing compindex with its test dependencies"
"$PYTHON" -m pip install --quiet --disable-pip-version-check ".[test,distributed,docs]"

echo "== C++ tests"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DCOMPINDEX_WERROR=ON -DCOMPINDEX_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"

echo "== C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer, and a short fuzz run (clang)"
# A second build of everything (library and tests) with the sanitizers, at -O0 (a third of the
# compile time of -O1; the sanitizers check the same) and only the two
# targets it runs; see docs/robustness.md.
cmake -S . -B build/sanitize -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
      "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -gline-tables-only" \
      "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
      -DCOMPINDEX_SANITIZE=ON -DCOMPINDEX_BUILD_FUZZERS=ON >/dev/null
cmake --build build/sanitize -j"$jobs" --target sanitize_checks  # compindex_tests and fuzz_csv
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/sanitize --output-on-failure -j"$jobs" -R '^(cpp|fuzz)\.' -E '^cpp\.header_only_odr$'

echo "== C++ concurrency tests under ThreadSanitizer (clang)"
# One translation unit: the concurrency suite, header-only, built with -fsanitize=thread
# (COMPINDEX_TSAN, target compindex_tsan): eight threads on a shared framework, dataset and engine.
cmake -S . -B build/tsan -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" \
      -DCOMPINDEX_WERROR=ON -DCOMPINDEX_TSAN=ON >/dev/null
cmake --build build/tsan -j"$jobs" --target compindex_tsan
ctest --test-dir build/tsan --output-on-failure -R '^tsan\.'

echo "== documentation site (build/docs/html; a Sphinx warning or a failing notebook fails the run)"
bash scripts/docs.sh
# tests/python/test_docs_browser.py renders its pages in headless Chromium.
export COMPINDEX_DOCS_HTML="$root/build/docs/html"

echo "== Python tests"
# Run from outside the source tree so `import compindex` is the installed package.
cd "${TMPDIR:-/tmp}"
"$PYTHON" -m pytest "$root/tests/python" -q -p no:cacheprovider --rootdir "$root"

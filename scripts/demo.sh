#!/usr/bin/env bash
# The main job: install compindex and run it on the embedded PII demonstration (SIMULATED data):
# the national ranking, the Mekong Delta table, the profile of Can Tho with its weakest
# indicators and what would lift it, and an HTML report (default: ./pii_demo_report.html).
#   bash scripts/demo.sh [--out report.html] [--unit 92] [--year 2024]
# compindex goes into the project's virtual environment .venv (created on the first run; the
# system's Python is left alone); `.venv/bin/python -m compindex ...` runs it afterwards.
# PYTHON=python3.12 picks the Python the environment is made from.
set -euo pipefail
here=$(pwd)
cd "$(dirname "$0")/.."
root=$(pwd)
# The demo needs no test toolchain (Boost.Test, clang, libFuzzer), but a Python that makes venvs.
COMPINDEX_TEST_TOOLS=0 COMPINDEX_VENV=1 source scripts/setup.sh

venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "compindex: creating the virtual environment $venv"
  "$PYTHON" -m venv "$venv"
fi
py="$venv/bin/python"

echo "compindex: installing compindex into $venv (compiling the C++ extension takes a few minutes)"
log="$venv/compindex-install.log"
# pip -v shows scikit-build-core's CMake build ("[ 40%] ..." from make, "[7/20] ..." from Ninja):
# show the lines that move (downloads, compile steps) and keep the whole log in $log for a failure.
if ! "$py" -m pip install -v --disable-pip-version-check . 2>&1 | tee "$log" |
     { grep --line-buffered -E '^\s*\[ *[0-9]+(%|/[0-9]+)\]|^\*\*\* |Collecting |Successfully installed|ERROR' || true; }; then
  echo "compindex: the installation failed; the last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
cd "$here"
"$py" -m compindex demo "$@"

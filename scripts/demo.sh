#!/usr/bin/env bash
# The main job: install compindex and run it on the embedded PII demonstration (SIMULATED data):
# the national ranking, the Mekong Delta table, the profile of Can Tho with its weakest
# indicators and what would lift it, and an HTML report (default: ./pii_demo_report.html).
#   bash scripts/demo.sh [--out report.html] [--unit 92] [--year 2024]
set -euo pipefail
here=$(pwd)
cd "$(dirname "$0")/.."
source scripts/setup.sh
"$PYTHON" -m pip install --quiet --disable-pip-version-check .
cd "$here"
"$PYTHON" -m compindex demo "$@"

#!/usr/bin/env bash
# The main job: install compindex and run it on the embedded PII demonstration (simulated data).
#   bash scripts/demo.sh [--out report.html] [--unit 92]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
"$PYTHON" -m pip install --quiet --disable-pip-version-check .
cd "${TMPDIR:-/tmp}"
"$PYTHON" -m compindex demo "$@"

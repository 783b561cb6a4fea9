#!/usr/bin/env bash
# The long run of the random specifications (tests/python/test_random_specs.py): many more random
# frameworks, methods, parameters, data and uncertainty factors than the test command's fixed,
# deterministic examples, from a fresh random seed each run (a failure prints the seed and the
# smallest failing specification to reproduce it).
#
#   bash scripts/fuzz_specs.sh                # 5000 examples of each test (about 10 minutes)
#   EXAMPLES=50000 bash scripts/fuzz_specs.sh # longer
#   PYTHONPATH=build/dev/python bash scripts/fuzz_specs.sh   # against a development build
#
# Needs compindex importable (installed, or PYTHONPATH) and hypothesis.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
COMPINDEX_FUZZ=long COMPINDEX_FUZZ_EXAMPLES=${EXAMPLES:-5000} \
  "$PYTHON" -m pytest tests/python/test_random_specs.py -q -p no:cacheprovider --hypothesis-show-statistics "$@"

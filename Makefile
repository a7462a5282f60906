# The two commands the README leads with: `make demo` and `make test`.
# Everything they need is installed here, so both work on a fresh machine from a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell python3 -c 'import sys; print(sys.executable)')
OLDEST_PYTHON ?= $(shell ls -d "$$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 2>/dev/null | tail -1)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=

.PHONY: demo test test-fast env env-oldest lint typecheck pytest pytest-oldest browser-deps gettext-deps bench chaos clean
OLDEST := .venv-oldest
# The oldest supported stack (Python 3.10, IPython 8.12, ipykernel 6.29, pandas 2.2): the kernel tests run there too.
OLDEST_PINS := "ipykernel==6.29.*" "pandas==2.2.*" "ipython==8.12.*" "ipywidgets==8.1.*" "numpy<2.3"

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv

# The development env: the package (editable, with the sandbox extra), JupyterLab and the dev group.
env: $(UV)
	[ -x $(PY) ] || $(UV) venv -q $(VENV) --python $(PYTHON)
	VIRTUAL_ENV=$(VENV) $(UV) pip install -q -e ".[sandbox,datasets,dask]" --group dev

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium; }

# gettext's msgfmt: tests/catalogs check every written .po with `msgfmt --check`.
gettext-deps:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends gettext; }

env-oldest: $(UV)
	@[ -n "$(OLDEST_PYTHON)" ] || { echo "Python 3.10 not found (set OLDEST_PYTHON=/path/to/python3.10)"; exit 1; }
	[ -x $(OLDEST)/bin/python ] || $(UV) venv -q $(OLDEST) --python $(OLDEST_PYTHON)
	VIRTUAL_ENV=$(OLDEST) $(UV) pip install -q -e ".[sandbox,datasets,dask]" --group dev $(OLDEST_PINS)

demo: env
	@echo "JupyterLab on notebooks/quickstart.ipynb against the embedded sandbox; stop it with Ctrl-C."
	CAMB_SANDBOX=shared $(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/quickstart.ipynb

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: env
	$(VENV)/bin/mypy

# The browser tests run in their own pytest process: Playwright's sync API keeps an event loop running on the
# main thread while its fixtures live, which would break every asyncio test collected after them.
# The non-browser tests run in two pytest processes, one per core (as in test-fast; the first group's report
# is printed after the second's), then the browser tests.
SLOW_A := tests/reliability tests/jobs tests/datasets tests/notebooks
pytest: env browser-deps gettext-deps
	@log=$$(mktemp); \
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(SLOW_A) $(PYTEST_ARGS) >$$log 2>&1 & first=$$!; \
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser" tests $(addprefix --ignore=,$(SLOW_A)) $(PYTEST_ARGS); \
	second=$$?; wait $$first; first=$$?; echo "--- $(SLOW_A)"; cat $$log; rm -f $$log; \
	[ $$first = 0 ] && [ $$second = 0 ]
	$(PY) -m pytest -q -p no:cacheprovider -m browser $(PYTEST_ARGS)

pytest-oldest: env-oldest
	$(OLDEST)/bin/python -m pytest -q -p no:cacheprovider -m kernel

test: lint typecheck pytest pytest-oldest

# The fast tier (under a minute): lint, then every test not marked `slow` (real kernels, browser, the chaos
# batch and the other tests over ~2 s: tests/conftest.py) in two pytest processes, one per core.
# `make test` still runs everything. The first group's report is printed after the second's.
FAST := -q -p no:cacheprovider -m "not slow and not browser"
FAST_A := tests/reliability tests/jobs
test-fast: lint gettext-deps
	@log=$$(mktemp); \
	$(PY) -m pytest $(FAST) $(FAST_A) >$$log 2>&1 & first=$$!; \
	$(PY) -m pytest $(FAST) tests $(addprefix --ignore=,$(FAST_A)); second=$$?; \
	wait $$first; first=$$?; echo "--- $(FAST_A)"; cat $$log; rm -f $$log; \
	exit $$(( first || second ))

bench: env
	$(PY) bench/run.py
	$(PY) bench/eta.py
	$(PY) bench/matrix.py --full

# The chaos batch alone, verbose (it also runs inside `make test`).
chaos: env
	$(PY) -m pytest -q -s -p no:cacheprovider tests/reliability/test_chaos.py

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache

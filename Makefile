# The two commands the README leads with: `make demo` and `make test`.
# Everything they need is installed here, so both work on a fresh machine from a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell python3 -c 'import sys; print(sys.executable)')
OLDEST_PYTHON ?= $(shell ls -d /root/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | head -1)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=

.PHONY: demo test env lint typecheck pytest browser-deps bench chaos clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv

# The development env: the package (editable, with the sandbox extra), JupyterLab and the dev group.
env: $(UV)
	[ -x $(PY) ] || $(UV) venv -q $(VENV) --python $(PYTHON)
	VIRTUAL_ENV=$(VENV) $(UV) pip install -q -e ".[sandbox]" --group dev

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium; }

demo: env
	@echo "JupyterLab on notebooks/quickstart.ipynb against the embedded sandbox; stop it with Ctrl-C."
	CAMB_SANDBOX=1 $(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/quickstart.ipynb

lint: env
	$(VENV)/bin/ruff check camb_notebook tests bench
	$(VENV)/bin/ruff format --check camb_notebook tests bench

typecheck: env
	$(VENV)/bin/mypy

pytest: env browser-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test: lint typecheck pytest

bench: env
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache

# accordgen — two commands on a fresh machine: `make demo` and `make test`.
# Only python3 (3.11+) and make are assumed; everything else goes into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.accordgen-installed
DOSSIER ?= examples/seine-et-marne-orange-2022

.PHONY: venv demo test bench lint reference clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 ou plus est nécessaire ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77"
	$(BIN)/python -m pip install --quiet -e ".[dev,dask]"
	mkdir -p $(VENV)/share/jupyter/lab/settings  # an editable install skips the wheel's data files
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/python -m ipykernel install --sys-prefix --name accordgen --display-name "Python (accordgen)" >/dev/null
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with the package (editable, Dask extra), its Jupyter kernel and the test tools

demo: $(STAMP)  ## generate the example dossier into outputs/<dossier>/ through the notebooks
	$(BIN)/accordgen demo $(DOSSIER)

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## benchmark (not a test): figures and ratios in outputs/bench/
	$(BIN)/python benchmarks/bench.py

lint: $(STAMP)  ## code style and template lint
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/accordgen lint

reference: $(STAMP)  ## regenerate docs/parametres.md from the models
	$(BIN)/accordgen reference -o docs/parametres.md

clean:
	rm -rf outputs/* .pytest_cache

# The README's two commands: `make demo` and `make test`. Both create .venv/ and install into it
# from constraints.txt (exact pins), so a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/schemeops demo

lint: $(STAMP)
	$(BIN)/ruff check .

# pytest exits 5 when it collected no test; that is not a failure of the build.
test: $(STAMP) lint
	$(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

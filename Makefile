# The README's two commands: `make demo` and `make test`. Both create .venv/ and install into it
# from constraints.txt (exact pins), so a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The browser's chart library, pinned by package-lock.json; `npm ci` installs it into the
# git-ignored node_modules/, which the app serves from (nothing vendored in git, no CDN).
CHARTS := node_modules/plotly.js-basic-dist-min/plotly-basic.min.js
PYTEST_ARGS ?= -n 2
# psycopg (extra `postgres`) is optional for users, never for the tests.
EXTRAS := dev,spark,postgres
# Playwright drives Debian's /usr/bin/chromium; it must never try to download browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: demo test lint install system-deps clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[$(EXTRAS)]'
	touch $(STAMP)

$(CHARTS): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(CHARTS)

install: $(STAMP) $(CHARTS)

demo: install
	$(BIN)/schemeops demo

lint: $(STAMP)
	$(BIN)/ruff check .

# pytest exits 5 when it collected no test; that is not a failure of the build.
test: install lint
	$(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Debian packages the browser and load tests need, and npm for the chart library (CI runs
# this as root through .ci/run).
# Installs only what is missing; waits for another apt/dpkg run instead of failing on its lock.
APT := DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=900
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "missing Debian packages:$$missing (run: sudo make system-deps)" >&2; exit 1; \
	  fi; \
	  echo "apt-get install$$missing"; \
	  $(APT) update && $(APT) install -y $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache build *.egg-info test-artifacts

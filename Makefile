# Sahifa: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=1 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-a-secret DJANGO_ALLOWED_HOSTS=testserver,127.0.0.1,localhost
# `make serve`: production settings behind a TLS-terminating proxy (docs/deploy.md). The secret
# key and host names come from the caller's environment; these defaults can be overridden too.
SERVE_ENV := DJANGO_HTTPS=$${DJANGO_HTTPS:-1} DJANGO_BEHIND_PROXY=$${DJANGO_BEHIND_PROXY:-1} DJANGO_SERVE_MEDIA=$${DJANGO_SERVE_MEDIA:-1}

.PHONY: run serve test install install-dev lint migrate demo messages clean bench bench-renditions bench-lighthouse

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

# axe-core and the Nu Html Checker for the browser tests, exactly as package-lock.json pins them.
# Install scripts are skipped: vnu-jar's would fetch a Java runtime; the machine's Java runs vnu.jar.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is required for the accessibility checks (apt-get install -y npm)."; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "Sahifa is running on http://$(HOST):$(PORT)/"
	@echo "  English:   http://$(HOST):$(PORT)/en/"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/  (demo accounts printed above)"
	@echo ""
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve uses production settings: set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (docs/deploy.md)."; exit 1; }
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) exec $(BIN)/gunicorn --config gunicorn.conf.py newsroom.wsgi:application

test: install-dev
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Reader-page throughput against a bare Django view (30 KB, no middleware) in the same run, twice,
# on an archive of 1,000 stories: about seven minutes (needs wrk: apt-get install wrk). Results in
# bench/results/. Both archive sizes, 1,000 and 100,000 stories:
# make bench BENCH_ARGS="--runs 2 --keep /tmp/sahifa-archives".
BENCH_ARGS ?= --runs 2 --quick
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

bench-renditions: install-dev
	$(BIN)/python bench/renditions.py

# Lighthouse (mobile defaults, median of 3 runs) on a story in Arabic and English and on the home
# page, served by gunicorn with production settings; fails when the story page scores under 95.
# Lighthouse is pinned in its own lockfile, apart from the test suite's tools; it drives Debian's
# Chromium (CHROME_PATH), and nothing downloads a browser. Results in bench/results/.
bench-lighthouse: install
	@command -v npm >/dev/null 2>&1 || { echo "npm is required for Lighthouse (apt-get install -y npm)."; exit 1; }
	@test -x "$${CHROME_PATH:-/usr/bin/chromium}" || { echo "Chromium is needed: apt-get install -y chromium"; exit 1; }
	test bench/lighthouse/node_modules/.package-lock.json -nt bench/lighthouse/package-lock.json \
		|| npm ci --ignore-scripts --no-audit --no-fund --prefix bench/lighthouse
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/lighthouse.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install-dev
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l ar --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

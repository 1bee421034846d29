# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app hotline
PO := hotline/translations/zh_Hans_CN/LC_MESSAGES/messages.po
MO := $(PO:.po=.mo)

.PHONY: run test lint format translations extract services browser nginx oidc bench audit clean fonts screenshots

run: $(VENV)/.installed $(MO)
	$(FLASK) setup
	@echo "Notifications and webhooks are sent by their workers: run '$(FLASK) notify --loop'"
	@echo "and '$(FLASK) deliver --loop' in other terminals (in production: deploy/hotline-worker@.service)."
	$(PY) wsgi.py

test: $(VENV)/.test-installed $(MO) services browser nginx oidc
	$(PY) -m ruff check .
	$(PY) scripts/audit_deps.py
	$(PY) -m pytest

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[scale]'
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[scale,test]'
	touch $@

$(MO): $(PO) $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d hotline/translations -D messages

# Re-extract the strings after changing templates or code, then translate the new ones in $(PO).
extract: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o hotline/translations/messages.pot .
	$(VENV)/bin/pybabel update -i hotline/translations/messages.pot -d hotline/translations -l zh_Hans_CN --no-fuzzy-matching

# PostgreSQL and Redis for the scale-out tests; Chromium for the browser tests,
# with a CJK font (the poster's PDF test checks its Chinese text).
services:
	bash scripts/ensure-services.sh

browser:
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-fonts.sh

# Known vulnerabilities in the installed packages (skipped with the reason when
# the advisory database cannot be reached; HOTLINE_AUDIT_STRICT=1 makes that fail).
audit: $(VENV)/.test-installed
	$(PY) scripts/audit_deps.py

# The README's screenshots (docs/*.png) from the demo data, in headless Chromium.
screenshots: $(VENV)/.test-installed $(MO) browser fonts
	$(PY) scripts/screenshots.py

fonts:
	bash scripts/ensure-fonts.sh

# nginx and its nchan module for the deploy and edge tests (deploy/nginx.conf run for real).
nginx:
	bash scripts/ensure-nginx.sh

# Node.js and the OpenID Connect provider the single sign-on tests sign in with.
oidc:
	bash scripts/ensure-oidc.sh

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.test-installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Every benchmark at full size, app beside the bare relay; writes bench/RESULTS.md.
bench: $(VENV)/.test-installed $(MO) services
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

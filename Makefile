# Two commands for a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PORT ?= 8000
DATA_DIR ?= $(CURDIR)/var
PY := .venv/bin/python
export PORT DATA_DIR

.PHONY: run test install install-test bench check-deploy messages lint

install:
	@scripts/bootstrap.sh run

install-test:
	@scripts/bootstrap.sh test

## make run: migrate, seed the demo case, serve web + worker on the embedded default
run: install
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py seed_demo
	@scripts/serve.sh

## make test: the whole suite against real PostgreSQL and Redis
test: install-test
	@scripts/services.sh $(PY) -m pytest $(PYTEST_ARGS)

## make bench: upload (its own server), import of a 100k-message sms.xml, rules over 100k events
bench: install-test
	@$(PY) bench/upload.py
	@$(PY) bench/imports.py
	@$(PY) bench/analysis.py

## make messages: refresh and compile the zh-Hans translations
messages: install
	@cd evidence && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

lint: install-test
	@.venv/bin/ruff check evidence config tests bench

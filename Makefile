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

## make run: install what is missing, migrate, seed the demo case, serve web + worker on the
## embedded default (scripts/run.sh: one line per step, details in $(DATA_DIR)/logs/make-run.log)
run:
	@scripts/run.sh

## make test: the whole suite against real PostgreSQL and Redis
test: install-test
	@scripts/services.sh $(PY) -m pytest $(PYTEST_ARGS)

## make bench: upload (its own server), import of a 100k-message sms.xml, rules over 100k events,
## text recognition of 50 chat screenshots, search over 100k events and 500 screenshots, the report
## and packet of 200 phone pictures with 100k messages against img2pdf + zip
bench: install-test
	@$(PY) bench/upload.py
	@$(PY) bench/imports.py
	@$(PY) bench/analysis.py
	@$(PY) bench/ocr.py
	@$(PY) bench/search.py
	@$(PY) bench/bundle.py

## make messages: refresh and compile the zh-Hans translations
messages: install
	@cd evidence && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

lint: install-test
	@.venv/bin/ruff check evidence config tests bench

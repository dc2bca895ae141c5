# Farun (法润) — one command to run the bot, one to test it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
FARUN := $(VENV)/bin/farun
MODEL := models/farun.tar.gz
RASA_ARGS := --domain bot/domain --data bot/data --config config.yml
BOT_SOURCES := config.yml $(shell find bot/domain bot/data bot/components bot/jieba_dict -type f 2>/dev/null)

# Python 3.10 for Rasa: pyenv's 3.10.13 by full path (the bare python3.10 shim can fail), else any python3.10.
PY310 ?= $(shell (PYENV_VERSION=3.10.13 pyenv which python 2>/dev/null || \
	ls "$$(pyenv root 2>/dev/null)"/versions/3.10.*/bin/python 2>/dev/null | tail -n1 || \
	command -v python3.10) | head -n1)
PY311 ?= $(shell (PYENV_VERSION=3.11.7 pyenv which python 2>/dev/null || command -v python3.11) | head -n1)

.PHONY: help setup validate train index run test test-unit test-stories test-e2e fit-ranker eval bench clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -n "$(PY311)" || { echo "Python 3.11 not found: install it (pyenv install 3.11) or set PY311=/path/to/python3.11" >&2; exit 1; }
	test -x $(PY) || $(PY311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@test -n "$(PY310)" && "$(PY310)" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null || { \
	  echo "Rasa 3.6 needs Python 3.10, which was not found. Install it with 'pyenv install 3.10.13'" >&2; \
	  echo "(or your system's python3.10 package), or point PY310=/path/to/python3.10." >&2; exit 1; }
	test -x $(RASA_VENV)/bin/python || "$(PY310)" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade pip
	$(RASA_VENV)/bin/python -m pip install -q -r requirements-rasa.txt
	touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed ## create both virtual environments from the pinned requirements

validate: setup ## lint (ruff), the import contracts (import-linter), the Rasa data and every citation
	$(VENV)/bin/ruff check actions api knowledge_base bot tests
	$(VENV)/bin/ruff format --check actions api knowledge_base bot tests
	$(VENV)/bin/lint-imports
	$(RASA) data validate $(RASA_ARGS) --fail-on-warnings
	$(FARUN) kb validate

$(MODEL): $(BOT_SOURCES) | setup
	$(RASA) data validate $(RASA_ARGS) --fail-on-warnings
	$(RASA) train $(RASA_ARGS) --out models --fixed-model-name farun

train: $(MODEL) ## train the Rasa model when its data changed

index: setup ## build the FAISS index (reused while the entries are unchanged)
	$(FARUN) index build

run: validate train index ## set up everything and run the bot on http://127.0.0.1:8000 (Ctrl-C stops it)
	$(FARUN) run

test-unit: setup ## unit and integration tests (no Rasa; tests/unit, tests/integration)
	$(PY) -m pytest -m "not e2e" -q

test-stories: train ## Rasa story tests on tests/test_conversations.yml
	$(RASA) test core --model $(MODEL) --stories tests/test_conversations.yml \
	  --fail-on-prediction-errors --out reports/rasa-test

test-e2e: train index ## end-to-end and browser: real Rasa, action server and API on loopback (tests/e2e, tests/browser)
	$(PY) -m pytest -m e2e -q

test: validate test-unit test-stories test-e2e ## everything CI runs

fit-ranker: train index ## refit the learned ranker (knowledge_base/retrieval/ranker.json) on the project's own questions
	$(FARUN) fit-ranker

eval: train index ## routing and retrieval quality report under reports/ (+ served answers when the dev set is there)
	$(FARUN) eval
	if [ -f ../shared/eval/real_questions_dev.jsonl ]; then $(FARUN) eval --real --dev ../shared/eval/real_questions_dev.jsonl; fi

bench: train index ## latency, throughput and memory report under reports/
	$(FARUN) bench

clean: ## remove the trained model, index, logs and reports (keeps the environments)
	rm -rf models var reports .pytest_cache

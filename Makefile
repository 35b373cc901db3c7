# narrator: make demo | make test | make lint | make test-coqui | make bench
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUM := $(shell cksum < pyproject.toml | cut -d' ' -f1)
INSTALLED := $(VENV)/.installed-$(SUM)
INSTALLED_TEST := $(VENV)/.installed-test-$(SUM)

.PHONY: demo test lint format bench test-coqui clean browser

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11+ is needed; set PYTHON=...)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes: narrator alone for the demo, with the
# test extras (pytest, hypothesis, feedparser, onnx, piper-tts, ruff, mypy, ...) for the rest.
$(INSTALLED): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@rm -f $(VENV)/.installed-[0-9]* && touch $@

$(INSTALLED_TEST): $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-test-* && touch $@

demo: $(INSTALLED)
	$(BIN)/narrator speak examples/seed-article.txt -o output/seed-article.mp3 --station examples/station.toml
	$(BIN)/narrator check output/seed-article.mp3 --station examples/station.toml

test: $(INSTALLED_TEST) browser
	$(BIN)/python -m pytest -m "not coqui"

# The web page's tests drive Debian's Chromium through chromium-driver (needs root).
browser:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver </dev/null; }

lint: $(INSTALLED_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED_TEST)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(INSTALLED_TEST)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The Coqui TTS extra is heavy (torch + torchaudio, about 5.5 GB): its own environment.
test-coqui:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11+ is needed; set PYTHON=...)" >&2; exit 1; }
	test -x .venv-coqui/bin/python || $(PYTHON) -m venv .venv-coqui
	@# torch, torchaudio and coqui-tts: minutes and about 5.5 GB the first time, then a stamp skips them.
	test -f .venv-coqui/.coqui-installed || { \
		.venv-coqui/bin/python -m pip install --quiet --upgrade pip && \
		.venv-coqui/bin/python -m pip install --quiet torch==2.11.0 torchaudio==2.11.0 "coqui-tts[codec]==0.28.0" six && \
		touch .venv-coqui/.coqui-installed; }
	.venv-coqui/bin/python -m pip install --quiet -e '.[test]'
	.venv-coqui/bin/python -m pytest -m coqui

clean:
	rm -rf $(VENV) .venv-coqui output/*.mp3 .pytest_cache

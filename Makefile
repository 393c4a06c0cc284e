# USRG Desktop — `make run` and `make test` are the two set-up commands (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := demo/usrg-demo.sqlite3
BENCH_DB := bench/large-demo.sqlite3

.PHONY: run test bench lint format screenshots installer deb dist clean-demo help

help:
	@echo "make run          create .venv if missing, install, start the program on a demo database"
	@echo "make test         install the test extras and run the whole suite headless"
	@echo "make bench        benchmarks on the large demo database (writes bench/results.json)"
	@echo "make lint         ruff check and format check, mypy on the files pyproject.toml lists"
	@echo "make screenshots  regenerate docs/*.png offscreen"
	@echo "make installer    freeze both programs into dist/usrg-desktop (PyInstaller), smoke-test it,"
	@echo "                  and on Debian/Ubuntu build and check dist/usrg-desktop_VERSION_ARCH.deb"
	@echo "make dist         build the sdist and the wheel into dist/ (pip or pipx install the wheel)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	@touch $@ $(VENV)/.installed-run

$(DEMO_DB): | $(VENV)/.installed-run
	@mkdir -p $(dir $@)
	$(BIN)/usrg demo --database $@ --scale small

run: $(VENV)/.installed-run $(DEMO_DB)
	$(BIN)/usrg-desktop --database $(DEMO_DB)

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

$(BENCH_DB): | $(VENV)/.installed-test
	$(BIN)/usrg demo --database $@ --scale large --today 2026-11-25

bench: $(VENV)/.installed-test $(BENCH_DB)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench --database $(BENCH_DB)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

screenshots: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py

installer: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e ".[installer]"
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
		installer/usrg-desktop.spec
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/smoke_test.py dist/usrg-desktop
	@if command -v dpkg-deb >/dev/null 2>&1; then $(MAKE) --no-print-directory deb; \
	else echo "make installer: no dpkg-deb here, so no Debian package"; fi

# The Debian package of the frozen folder (after `make installer`), checked: dpkg-deb --info and
# --contents, then installed in a throw-away root (dpkg --root) and smoke-tested from there.
deb: | $(BIN)/python
	deb=$$($(BIN)/python installer/linux/build_deb.py dist/usrg-desktop --out dist) && \
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/linux/check_deb.py "$$deb"

dist: $(VENV)/.installed-test
	$(BIN)/python -m build --outdir dist .

clean-demo:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

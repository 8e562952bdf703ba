# Two commands on a fresh Debian machine (root, Python 3.11): `make run` and `make test`.
# Each step is guarded by a stamp file so that a second run installs nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
# Every Debian package that `make run` and `make test` need (tests/fresh_machine.sh checks the list):
#   python3-venv                 `python3 -m venv` (ensurepip) for .venv
#   tesseract-ocr, -vie, -script-viet, poppler-utils (pdftoppm)   OCR of scans
#   qpdf                         tests: split and encrypt PDFs
#   fonts-liberation2            tests: /usr/share/fonts/truetype/liberation2 (Vietnamese glyphs; 1.x lacks them)
#   fonts-liberation, fonts-dejavu-core   tests and samples: /usr/share/fonts/truetype/{liberation,dejavu}
#   postgresql                   tests: a throwaway server (initdb, pg_ctl)
#   chromium                     tests: the HTML report in a headless browser
#   libreoffice-writer-nogui     legacy .doc conversion (soffice)
#   libreoffice-calc-nogui       tests: the XLSX export rendered to PDF
# iconv (libc-bin), mount/umount and runuser (mount, util-linux) are part of every Debian install.
APT_PACKAGES := python3-venv tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils qpdf \
	fonts-liberation fonts-liberation2 fonts-dejavu-core postgresql chromium libreoffice-writer-nogui \
	libreoffice-calc-nogui
SAMPLES := samples
DB ?= out/registry.sqlite

.PHONY: run test install apt venv lint samples bench accuracy clean

run: install
	$(VENV)/bin/theodoi ingest $(SAMPLES) --recursive --db $(DB)
	$(VENV)/bin/theodoi export --format json --db $(DB) -o out/tasks.json
	$(VENV)/bin/theodoi export --format csv --db $(DB) -o out/tasks.csv
	$(VENV)/bin/theodoi export --format xlsx --db $(DB) -o out/tasks.xlsx
	$(VENV)/bin/theodoi report --db $(DB) -o out/report.html
	$(VENV)/bin/theodoi documents --db $(DB)

test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

# The whole fault suite (issue 14): hostile files, bombs, killed processes, a failing registry. `make test`
# runs its fast part; this adds the heavy part (THEODOI_FAULTS=full) and prints the README's figures.
.PHONY: test-faults
test-faults: install
	THEODOI_FAULTS=full $(PY) -m pytest -q -s -rs tests/faults tests/ingest/test_faults.py

install: $(STAMPS)/apt $(STAMPS)/venv

apt: $(STAMPS)/apt
# Depends on the Makefile so that a package added to APT_PACKAGES is installed on machines set up before.
$(STAMPS)/apt: Makefile
	@mkdir -p $(STAMPS)
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != "0" ]; then \
			echo "theodoi: these Debian packages are missing:$$missing"; \
			echo "theodoi: run 'sudo make install' once (or install them with apt-get), then retry."; exit 1; \
		fi; \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

venv: $(STAMPS)/venv
$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

lint: install
	$(VENV)/bin/ruff check .

samples: install
	$(PY) samples/make_samples.py
	$(PY) samples/make_v2.py
	$(PY) samples/make_scans.py
	$(PY) samples/legacy/make_legacy.py

accuracy: install
	$(PY) bench/accuracy.py

bench: install
	$(PY) bench/bench_digital.py
	$(PY) bench/bench_ocr.py
	$(PY) bench/bench_batch.py
	$(PY) bench/bench_diff.py

clean:
	rm -rf $(STAMPS) out/*.sqlite out/*.json out/*.csv out/*.xlsx out/*.html

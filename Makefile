# tal-harness: every target wraps one `python -m harness ...` call.
# On a fresh machine `make test` and `make table1` need no other step: the
# virtual environment is created and the project installed on first use.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The pinned torch wheel is installed first so that the project's own `torch>=2.1`
# is already satisfied (a bare requirement would pull several GB of CUDA packages
# on a CPU machine). GPU users elsewhere get the CUDA build of the same version.
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=
PIP_TORCH_ARGS := $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),)

# make data: empty DATA = make-data's default folder (results/data/synthetic/<preset>-<quality>)
DATA ?=
PRESET ?= thumos-like
QUALITY ?= mid
SEED ?= 0
# Experiments: SCALE=synthetic (the embedded default) or SCALE=real with DATA_ROOT=...
SCALE ?= synthetic
# SEEDS, JOBS, BOOTSTRAP: empty = the commands' defaults (harness/defaults.py: seeds 0-2,
# 2 trainings at a time, 300 bootstrap replicates); e.g. make table1 SEEDS=0-4 BOOTSTRAP=1000
SEEDS ?=
JOBS ?=
BOOTSTRAP ?=
EXP ?= table1
CFG ?= harness/configs/actionformer/synthetic_thumos_like.py
DATA_ROOT ?=
DATA_ROOT_ARG = $(if $(DATA_ROOT),--data-root $(DATA_ROOT),)
SEEDS_ARG = $(if $(SEEDS),--seeds $(SEEDS),)
# SCHEDULE=smoke: the real configs unchanged but one epoch of a few iterations, then the real
# test (harness/schedule.py); runs, tables and reports in separate *-smoke folders, with a banner
SCHEDULE ?= official
SCHED_ARG = $(if $(filter smoke,$(SCHEDULE)),--schedule smoke,)
SWEEP_ARGS = --scale $(SCALE) $(SEEDS_ARG) $(DATA_ROOT_ARG) $(SCHED_ARG)
JOBS_ARG = $(if $(JOBS),--jobs $(JOBS),)
BOOTSTRAP_ARG = $(if $(BOOTSTRAP),--bootstrap $(BOOTSTRAP),)

TABLES := table1 table2 table3 table4 table5

.PHONY: test-compile drift-portable drift-portable-update setup .venv system-deps test lint bench data check-data train sweep aggregate report rehearse \
	$(TABLES) ablations tables diagnose drift drift-update clean distclean help

help:
	@echo "make table1        Table 1: sweep (resumable) + aggregate + HTML/LaTeX report, SCALE=$(SCALE) SEEDS=$(or $(SEEDS),0-2)"
	@echo "make table2..5     the other main tables, the same way"
	@echo "make ablations     Tables 6-11 (CLTDR-GMG ablations) the same way"
	@echo "make tables        all eleven tables"
	@echo "make report        render EXP=$(EXP) from its aggregate (reports/build/...)"
	@echo "make diagnose      DETAD error analysis of EXP=$(EXP) over seeds (table1-5 include it)"
	@echo "make drift         CI check: mAP of the three methods on a small synthetic run vs results/baselines/ci.json"
	@echo "make drift-portable  machine-independent drift layers (evaluator, inference, training steps; < 1 min)"
	@echo "make test          run the test suite (creates .venv and installs pdflatex/chromium on first use)"
	@echo "make train         one run: CFG=... SEED=..."
	@echo "make sweep         every (config, seed) of EXP=$(EXP); make aggregate for its tables"
	@echo "make data          write the synthetic benchmark (PRESET=$(PRESET) QUALITY=$(QUALITY)) under $(or $(DATA),results/data)/synthetic"
	@echo "make check-data    check a data root before a long run (CFG=...)"
	@echo "make bench         benchmarks (evaluator speed, CLI start-up and evaluate on files; models when present)"
	@echo "make lint          ruff"

setup: $(STAMP)
.venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(PIP_TORCH_ARGS) torch==$(TORCH_VERSION)
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

# pdflatex, pdftotext and chromium for the report tests (apt, when missing; see the script)
system-deps:
	@bash .ci/system-deps.sh

test: $(STAMP) system-deps
	$(PY) -m pytest -q

# the inductor parity check of the torch_compile switch (minutes on a CPU; not in `make test`)
test-compile: $(STAMP)
	$(PY) -m pytest -q --run-compile -m compile

lint: $(STAMP)
	$(PY) -m ruff check harness models baselines datasets reports tests

data: $(STAMP)
	$(PY) -m harness make-data synthetic --preset $(PRESET) --quality $(QUALITY) --seed $(SEED) $(if $(DATA),--out $(DATA)/synthetic/$(PRESET)-$(QUALITY),)

check-data: $(STAMP)
	$(PY) -m harness check-data $(CFG) $(DATA_ROOT_ARG)

train: $(STAMP)
	$(PY) -m harness train $(CFG) --seed $(SEED) $(DATA_ROOT_ARG) $(SCHED_ARG)

sweep: $(STAMP)
	$(PY) -m harness sweep $(EXP) $(SWEEP_ARGS) $(JOBS_ARG)

aggregate: $(STAMP)
	$(PY) -m harness aggregate $(EXP) --scale $(SCALE) $(DATA_ROOT_ARG) $(SCHED_ARG) $(BOOTSTRAP_ARG)

# one experiment end to end: sweep (resumable: finished runs are kept), aggregate, render
# ($(2) = diagnose: also DETAD's error analysis of every run, linked from the report index)
run-experiment = \
	$(PY) -m harness sweep $(1) $(SWEEP_ARGS) $(JOBS_ARG) && \
	$(PY) -m harness aggregate $(1) --scale $(SCALE) $(DATA_ROOT_ARG) $(SCHED_ARG) $(BOOTSTRAP_ARG) && \
	$(if $(2),$(PY) -m harness diagnose $(1) --scale $(SCALE) $(SEEDS_ARG) $(DATA_ROOT_ARG) $(SCHED_ARG) && ,)\
	$(PY) -m harness report $(1) --scale $(SCALE) $(SCHED_ARG) --aggregate never

# Tables 1-5 (at synthetic scale each dataset x feature set is a preset x quality stand-in),
# `ablations` (Tables 6-11) and `tables` (all: experiment `paper`), rendered under
# reports/build/<experiment>-<scale>/. The last line printed is the index page.
$(TABLES): $(STAMP)
	$(call run-experiment,$@,diagnose)

ablations: $(STAMP)
	$(call run-experiment,$@)

tables: $(STAMP)
	$(call run-experiment,paper)

report: $(STAMP)
	$(PY) -m harness report $(EXP) --scale $(SCALE) $(DATA_ROOT_ARG) $(SCHED_ARG)

# DETAD's error analysis of every run of EXP over seeds (reports/build/<EXP>-<SCALE>/diagnosis/)
diagnose: $(STAMP)
	$(PY) -m harness diagnose $(EXP) --scale $(SCALE) $(SEEDS_ARG) $(DATA_ROOT_ARG) $(SCHED_ARG)

# CI regression check on mAP drift (results/baselines/ci.json); METHODS=actionformer,tridet for a subset
METHODS ?=
drift: $(STAMP)
	$(PY) -m harness drift $(if $(METHODS),--methods $(METHODS),)

drift-portable: $(STAMP)
	$(PY) -m harness drift --portable

drift-portable-update: $(STAMP)
	$(PY) -m harness drift --portable --update

drift-update: $(STAMP)
	$(PY) -m harness drift --update $(if $(METHODS),--methods $(METHODS),)

bench: $(STAMP)
	$(PY) -m harness bench

# a rehearsal data root (real annotations, synthetic features of the real shape):
# make rehearse DATASET=thumos14 OUT=/tmp/rehearsal [VIDEOS=4]
DATASET ?= thumos14
OUT ?= results/data/rehearsal
VIDEOS ?=
rehearse: $(STAMP)
	$(PY) -m harness rehearse $(DATASET) --out $(OUT) $(if $(VIDEOS),--videos $(VIDEOS),)

clean:
	rm -rf reports/build .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) results/runs results/data

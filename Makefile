# GenOps on Composer: every developer and CI entry point. `make` (or `make help`) lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the venvs are built from: Python 3.11, as in Composer's images (make setup PYTHON=python3.11).
PYTHON ?= python3
AIRFLOW3 := 3.2.2
AIRFLOW2 := 2.11.1
VENV := .venv
VENV_AF2 := .venv-airflow2
# The date the pinned Composer images' packages are resolved at (docs/contributing.md#pinned-versions).
LOCK_DATE := 2026-07-15

# pytest-xdist workers per suite (auto: one per core). Each worker has its own Airflow home and metadata DB
# (tests/conftest.py); a test file stays on one worker, so its module fixtures are built once.
PYTEST_WORKERS ?= auto
PYTEST := -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15
# Checks what a target needs (scripts/dev/prerequisites.sh) and times each suite (scripts/dev/timed.sh).
NEEDS := bash scripts/dev/prerequisites.sh
TIMED := bash scripts/dev/timed.sh

# venv DIR REQUIREMENTS: create DIR and install exactly REQUIREMENTS into it with the pinned uv.
define venv
	$(NEEDS) python platform
	rm -rf $(1)
	$(PYTHON) -m venv $(1)
	$(1)/bin/pip install --quiet --disable-pip-version-check -r requirements/bootstrap.txt
	$(1)/bin/uv pip install --quiet --python $(1)/bin/python -r $(2)
	touch $(1)/.installed
endef

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements/airflow-$(AIRFLOW3).txt requirements/bootstrap.txt
	$(call venv,$(VENV),requirements/airflow-$(AIRFLOW3).txt)

$(VENV_AF2)/.installed: requirements/airflow-$(AIRFLOW2).txt requirements/bootstrap.txt
	$(call venv,$(VENV_AF2),requirements/airflow-$(AIRFLOW2).txt)

.PHONY: setup setup-airflow2
setup: $(VENV)/.installed ## Create .venv with the pinned Airflow 3 (primary) environment and dev tools
setup-airflow2: $(VENV_AF2)/.installed ## Create .venv-airflow2 with the pinned Airflow 2 environment

.PHONY: test test-dags test-platform test-terraform
# The Cloud Build steps (cloudbuild.yaml) run these same targets. Each suite prints its time; make test ends
# with the table of them and every skipped test.
test: lint test-dags test-platform test-terraform ## Run the whole suite on Airflow 3: lint, DAG and Terraform tests, Terraform checks; print each suite's time
	@$(TIMED) --report $^

test-dags: setup ## DAG integrity and behaviour tests (tests/dags)
	$(TIMED) $@ $(VENV)/bin/python $(PYTEST) tests/dags

test-platform: setup ## Every other pytest suite but the e2e: contract, delivery, README, Terraform policy, local stand-ins
	@$(NEEDS) gcloud
	$(TIMED) $@ $(VENV)/bin/python $(PYTEST) --ignore=tests/dags --ignore=tests/e2e

test-terraform: ## Terraform fmt, validate, test, environment plans and checkov (scripts/terraform/check_terraform.sh)
	@$(NEEDS) terraform
	$(TIMED) $@ bash scripts/terraform/check_terraform.sh

.PHONY: checkov-venv
checkov-venv: ## Build .venv-checkov from requirements/checkov.txt (make test-terraform builds it when missing or stale)
	bash scripts/terraform/check_terraform.sh --checkov-venv

.PHONY: local test-e2e
local: setup ## Run Airflow 3 locally with every DAG; Google Cloud emulated on 127.0.0.1 unless you have credentials and a project; settings in local.env; Ctrl-C stops it
	$(VENV)/bin/python scripts/local/airflow_local.py

test-e2e: setup ## Start `make local`'s emulated stack on free ports, run every lab DAG and six samples through the REST API, check their outputs, stop it
	@$(NEEDS) postgresql gcloud
	$(TIMED) $@ $(VENV)/bin/python -m pytest tests/e2e

.PHONY: test-airflow2
test-airflow2: setup-airflow2 ## Run the DAG tests on the Airflow 2 matrix environment
	$(TIMED) $@ $(VENV_AF2)/bin/python $(PYTEST) tests/dags

.PHONY: lint
lint: setup ## Ruff lint and format check
	$(TIMED) $@ bash -c '$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .'

.PHONY: fmt
fmt: setup ## Format Python (ruff) and Terraform (terraform fmt)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	terraform fmt -recursive terraform

.PHONY: docs
docs: setup ## Regenerate the generated tables: Terraform Inputs/Outputs (scripts/terraform/tfdoc.py), docs/configuration.md's settings (scripts/docs/configdoc.py), the model tables (scripts/docs/models_doc.py)
	$(VENV)/bin/python scripts/terraform/tfdoc.py
	$(VENV)/bin/python scripts/docs/configdoc.py
	$(VENV)/bin/python scripts/docs/models_doc.py

.PHONY: benchmark
benchmark: setup setup-airflow2 ## Run Airflow's own DAG processor over dags/ on both pinned Airflows; print the parse table, check the targets
	$(VENV)/bin/python scripts/benchmarks/benchmark_parse.py --check --venv $(VENV) --venv $(VENV_AF2)

.PHONY: lock
lock: setup ## Re-resolve requirements/*.txt from requirements/*.in as of LOCK_DATE
	for v in $(AIRFLOW3) $(AIRFLOW2); do \
	  $(VENV)/bin/uv pip compile --quiet --python-version 3.11 --exclude-newer $(LOCK_DATE) --no-header \
	    requirements/airflow-$$v.in -o requirements/airflow-$$v.txt.tmp && \
	  { echo "# Fully resolved pins for requirements/airflow-$$v.in (Python 3.11), as of the Composer image's date."; \
	    echo "# Regenerate with: make lock   (uv pip compile --exclude-newer $(LOCK_DATE))"; \
	    cat requirements/airflow-$$v.txt.tmp; } > requirements/airflow-$$v.txt && rm requirements/airflow-$$v.txt.tmp; \
	done

.PHONY: clean
clean: ## Remove the venvs (.venv, .venv-airflow2, .venv-checkov), caches and make local's state (.airflow-local)
	rm -rf $(VENV) $(VENV_AF2) .venv-checkov .pytest_cache .ruff_cache .airflow*

# Platform workflow: Terraform per environment, DAG deployment, hooks. See terraform/README.md#deploy and docs/cicd.md.
ENV ?=
DAGS_PREFIX ?=
DRY_RUN ?=

.PHONY: tf-init tf-plan tf-apply
tf-init: ## terraform init with terraform/backends/<ENV>.gcs.tfbackend: make tf-init ENV=dev
	bash scripts/terraform/terraform_env.sh init "$(ENV)"
tf-plan: ## Plan terraform/environments/<ENV>.tfvars into terraform/<ENV>.tfplan: make tf-plan ENV=dev [PROJECT_ID=...]
	bash scripts/terraform/terraform_env.sh plan "$(ENV)"
tf-apply: ## Apply the plan tf-plan saved: make tf-apply ENV=dev
	bash scripts/terraform/terraform_env.sh apply "$(ENV)"

.PHONY: dag-ids deploy-dags verify-dags
dag-ids: setup ## List dags/ DAG ids as the DAG processor parses them, into .build/dag_ids.json (the deploy's input)
	$(VENV)/bin/python scripts/deploy/list_dag_ids.py dags -o .build/dag_ids.json
deploy-dags: $(if $(filter 1 true yes,$(DRY_RUN)),,dag-ids) ## Deploy dags/ (lock, sync, release marker): make deploy-dags DAGS_PREFIX=gs://<bucket>/dags [DRY_RUN=1]
	python3 scripts/deploy/deploy_dags.py $(if $(filter 1 true yes,$(DRY_RUN)),--dry-run,--dag-ids .build/dag_ids.json) "$(DAGS_PREFIX)"
verify-dags: ## Wait until Airflow reports the deployed release on every DAG: make verify-dags COMPOSER_ENV=<name> COMPOSER_REGION=<region>
	python3 scripts/deploy/verify_dags.py --environment "$(COMPOSER_ENV)" --location "$(COMPOSER_REGION)"

.PHONY: pre-commit
# The offline Terraform kit the hooks use (docs/contributing.md#pre-commit-hooks): next to the checkout unless given.
TERRAFORM_OFFLINE_KIT ?= $(abspath $(CURDIR)/../shared/terraform-offline)
pre-commit: setup ## Install the git hook and run every hook on all files, offline (project venv + offline Terraform kit)
	@test -x "$(TERRAFORM_OFFLINE_KIT)/activate" || { echo "make pre-commit: no offline Terraform kit at $(TERRAFORM_OFFLINE_KIT): pass TERRAFORM_OFFLINE_KIT=<dir> (see docs/contributing.md#pre-commit-hooks)" >&2; exit 2; }
	$(VENV)/bin/pre-commit install
	TERRAFORM_OFFLINE_KIT="$(TERRAFORM_OFFLINE_KIT)" $(VENV)/bin/pre-commit run --all-files

.PHONY: benchmark-batch
benchmark-batch: setup ## Evaluation answers for 2,000 examples x 6 configurations: batch prediction vs online, on the emulated stack
	$(VENV)/bin/python scripts/benchmarks/batch_evaluation.py --check $(BENCHMARK_BATCH_ARGS)

"""One contract between the Terraform, the DAGs and the Cloud Build pipeline.

Each `*_problems(root)` reads one agreement from a repository tree (python-hcl2 for Terraform, the DAG
config module and DAG sources, cloudbuild.yaml, scripts/deploy/deploy_dags.py) and lists every disagreement.
The real tree must have none; the second half of this file breaks each agreement in one place, in a
scratch copy, and shows the contract notices.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from genops.evaluation import results
from tests.delivery.support import BUILTIN_SUBSTITUTIONS, REPO, substitutions_used
from tests.terraform import hcl_tree
from tests.terraform.hcl_tree import blocks, file_reference, locals_of, variable_default

# The shape of a Composer environment's dag_gcs_prefix (config[0].dag_gcs_prefix), and that bucket's other prefixes.
COMPOSER_DAG_PREFIX = "gs://us-central1-genops-dev-1a2b3c4d-bucket/dags"
OTHER_PREFIXES = [COMPOSER_DAG_PREFIX.removesuffix("/dags") + p for p in ("", "/data", "/plugins", "/logs", "/dags/x")]


def _terraform(root: Path, module: str = "") -> Path:
    return root / "terraform" / module if module else root / "terraform"


def _block(root: Path, kind: str, labels: tuple[str, ...], module: str = ""):
    (found,) = [b for b in blocks(kind, _terraform(root, module)) if b.labels == labels]
    return found.body


CONFIG_MODULE = "dags/genops/core/config.py"


def load_config(root: Path) -> ModuleType:
    """dags/genops/core/config.py of that tree (standard library only, so it imports on its own)."""
    spec = importlib.util.spec_from_file_location(f"genops_config_{abs(hash(root))}", root / CONFIG_MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def dag_reads(root: Path) -> set[str]:
    """GENOPS_ names the code under dags/ uses as names: every such string constant except the declarations
    (`Setting("GENOPS_...", ...)` in config.py), so config.py's readers (e.g. eval_thresholds) count."""
    names = set()
    for path in (root / "dags").rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declarations = {
            id(node.args[0])
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Setting" and node.args
        }
        names.update(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"GENOPS_[A-Z][A-Z0-9_]*", node.value)  # a name, not a message mentioning one
            and id(node) not in declarations
        )
    return names


# --- GENOPS_ settings: declared in config.py, read by DAG code, set on Composer ---------------------------------


def genops_problems(root: Path) -> list[str]:
    declared = set(load_config(root).SETTINGS)
    on_composer = set(locals_of(_terraform(root, "modules/composer"))["env_variables"])
    read = dag_reads(root)
    composer = "terraform/modules/composer (env_variables)"
    return [
        *(f"DAG code reads {n}, which {CONFIG_MODULE} does not declare" for n in sorted(read - declared)),
        *(f"DAG code reads {n}, which {composer} does not set" for n in sorted(read - on_composer)),
        *(f"{composer} sets {n}, which {CONFIG_MODULE} does not declare" for n in sorted(on_composer - declared)),
        *(f"{CONFIG_MODULE} declares {n}, which {composer} does not set" for n in sorted(declared - on_composer)),
        *(f"{composer} sets {n}, which no DAG code reads" for n in sorted(on_composer - read)),
    ]


# --- Cloud Build substitutions: used by cloudbuild.yaml, passed by the triggers or defaulted in the file ----------


def substitution_problems(root: Path) -> list[str]:
    config_file = variable_default("cloudbuild_config_file", _terraform(root))
    path = root / config_file
    if not path.is_file():
        return [f"the triggers run {config_file} (var.cloudbuild_config_file), which does not exist"]
    build = yaml.safe_load(path.read_text())
    defaults = set(build.get("substitutions") or {})
    trigger = _block(root, "resource", ("google_cloudbuild_trigger", "this"), "modules/cloudbuild")
    passed = set(trigger["substitutions"])
    used = substitutions_used(build)
    user = {n for n in used if n.startswith("_") and n not in BUILTIN_SUBSTITUTIONS}
    return [
        *(
            f"{config_file} uses ${n}, which neither the triggers (terraform/modules/cloudbuild) nor its "
            "substitutions: declare"
            for n in sorted(user - passed - defaults)
        ),
        *(
            f"{config_file} uses ${n}, which is not a Cloud Build substitution (a shell variable is written $${n})"
            for n in sorted(used - user - BUILTIN_SUBSTITUTIONS)
        ),
        *(f"the triggers pass {n} but {config_file} never uses it" for n in sorted(passed - used)),
        *(f"{config_file} declares {n} in substitutions: but never uses it" for n in sorted(defaults - used)),
        *(f"user-defined substitution {n} must start with _" for n in sorted(defaults | passed) if n[0] != "_"),
    ]


# What the triggers pass and the deploy-guard step reads: the deploy trigger's ref pattern,
# the environment label and the branch a release tag must be on.
TRIGGER_SUBSTITUTIONS = (
    "_DEPLOY",
    "_DEPLOY_REF",
    "_ENVIRONMENT",
    "_RELEASE_BRANCH",
    "_DAGS_PREFIX",
    "_COMPOSER_ENV",
    "_COMPOSER_REGION",
)
GUARD_READS = {
    "DEPLOY": "$_DEPLOY",
    "DEPLOY_REF": "$_DEPLOY_REF",
    "RELEASE_BRANCH": "$_RELEASE_BRANCH",
    "TRIGGER_NAME": "$TRIGGER_NAME",
    "BRANCH_NAME": "$BRANCH_NAME",
    "TAG_NAME": "$TAG_NAME",
    "COMMIT_SHA": "$COMMIT_SHA",
}


def _trigger_passes(root: Path) -> set[str]:
    return set(_block(root, "resource", ("google_cloudbuild_trigger", "this"), "modules/cloudbuild")["substitutions"])


def deploy_branch_problems(root: Path) -> list[str]:
    """Only the deploy trigger (pushes, as the deploy account) sets _DEPLOY=true; it passes cloudbuild.yaml the
    very branch or tag regex it fires on as _DEPLOY_REF, with _ENVIRONMENT and _RELEASE_BRANCH; pull requests run
    as the test account; and the build's first step (deploy-guard) decides from exactly those and the ref that
    started it."""
    problems = []
    module = _terraform(root, "modules/cloudbuild")
    triggers = locals_of(module)["triggers"]
    deploying = {name: t for name, t in triggers.items() if t["deploy"] is True}
    if len(deploying) != 1 or any(t["pull_request"] for t in deploying.values()):
        problems.append(f"exactly one trigger, on pushes only, may set _DEPLOY=true; got {sorted(deploying)}")
    accounts = {name: t["service_account"] for name, t in triggers.items()}
    if accounts != {"test": "${var.service_accounts.test}", "deploy": "${var.service_accounts.deploy}"}:
        problems.append(f"pull requests must run as the test account and deploys as the deploy account; got {accounts}")
    push = [t["push"] for t in deploying.values()]
    if push != [[{"branch": "${var.deploy.branch}", "tag": "${var.deploy.tag}"}]]:
        problems.append(f"the deploy trigger must fire on var.deploy's branch or tag; it pushes on {push}")
    passed = _block(root, "resource", ("google_cloudbuild_trigger", "this"), "modules/cloudbuild")["substitutions"]
    deploy_ref = locals_of(module).get("deploy_ref")
    if (
        passed.get("_DEPLOY_REF") != "${local.deploy_ref}"
        or deploy_ref != "${coalesce(var.deploy.branch, var.deploy.tag)}"
    ):
        problems.append(
            f"the triggers pass _DEPLOY_REF={passed.get('_DEPLOY_REF')!r} (local.deploy_ref={deploy_ref!r}); "
            "it must be the branch or tag regex the deploy trigger fires on"
        )
    default = (variable_default("cloudbuild_deploy", _terraform(root)) or {}).get("branch")
    guard = (yaml.safe_load((root / "cloudbuild.yaml").read_text()).get("substitutions") or {}).get("_DEPLOY_REF")
    if guard is not None and str(guard) != default:
        problems.append(
            f"cloudbuild.yaml defaults _DEPLOY_REF to {guard!r} but the deploy trigger fires on {default!r} "
            "(cloudbuild_deploy default)"
        )
    missing = [name for name in TRIGGER_SUBSTITUTIONS if name not in _trigger_passes(root)]
    if missing:
        problems.append(f"terraform/modules/cloudbuild triggers do not pass {', '.join(missing)}")
    build = yaml.safe_load((root / "cloudbuild.yaml").read_text())
    guard_step = next((s for s in build["steps"] if s.get("id") == "deploy-guard"), None)
    env = dict(entry.split("=", 1) for entry in (guard_step or {}).get("env", []))
    for name, value in GUARD_READS.items():
        if env.get(name) != value:
            problems.append(f"the deploy-guard step must pass {name}={value} (has {env.get(name)!r})")
    if "_DEPLOY_BRANCH" in (root / "cloudbuild.yaml").read_text():
        problems.append("cloudbuild.yaml still uses _DEPLOY_BRANCH (replaced by _DEPLOY_REF)")
    return problems


# --- The evaluations table and the rows the DAGs write: one schema file -----------------------------------------


def schema_problems(root: Path, dag_schema_file: Path) -> list[str]:
    problems = []
    table_schema = file_reference(locals_of(_terraform(root))["evaluations_schema"], _terraform(root))
    if table_schema != dag_schema_file.resolve():
        problems.append(
            f"the BigQuery table is defined by {table_schema.relative_to(root)} but the DAGs validate rows "
            f"against {dag_schema_file.resolve().relative_to(root)}"
        )
    table = variable_default("bigquery_table_id", _terraform(root))
    setting = load_config(root).SETTINGS["GENOPS_BQ_TABLE"].default
    if not table == setting == dag_schema_file.stem:
        problems.append(
            f"table names disagree: bigquery_table_id default {table!r}, GENOPS_BQ_TABLE default {setting!r}, "
            f"schema file {dag_schema_file.name!r}"
        )
    return problems


# --- Bucket prefixes: the DAG folder the build deploys to, and the data bucket's lifecycle ------------------------


def deploy_accepts(root: Path, prefix: str, scratch: Path) -> bool:
    """Whether scripts/deploy/deploy_dags.py (dry run) accepts that prefix: it checks the target before it looks for
    gcloud, so without gcloud on PATH an accepted target ends in "gcloud is not on PATH"."""
    empty = scratch / "empty"
    empty.mkdir(parents=True)
    result = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "deploy" / "deploy_dags.py"),
            "--dry-run",
            "--source",
            str(empty),
            prefix,
        ],
        env={"PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode == 1 and "gcloud is not on PATH" in result.stderr


def dag_prefix_problems(root: Path, scratch: Path) -> list[str]:
    problems = []
    substitutions = _block(root, "resource", ("google_cloudbuild_trigger", "this"), "modules/cloudbuild")[
        "substitutions"
    ]
    call = _block(root, "module", ("cloudbuild",))
    output = _block(root, "output", ("dag_gcs_prefix",), "modules/composer")["value"]
    wiring = {  # where: (value, expected): the triggers pass the environment's own DAG folder, name and region
        "modules/cloudbuild trigger substitutions._DAGS_PREFIX": (
            substitutions["_DAGS_PREFIX"],
            "${var.dag_gcs_prefix}",
        ),
        "module.cloudbuild dag_gcs_prefix": (call["dag_gcs_prefix"], "${module.composer.dag_gcs_prefix}"),
        "modules/composer output dag_gcs_prefix": (
            output,
            "${google_composer_environment.this.config[0].dag_gcs_prefix}",
        ),
        "modules/cloudbuild trigger substitutions._COMPOSER_ENV": (
            substitutions["_COMPOSER_ENV"],
            "${var.composer_environment_name}",
        ),
        "module.cloudbuild composer_environment_name": (call["composer_environment_name"], "${module.composer.name}"),
        "module.cloudbuild composer_region": (call["composer_region"], _block(root, "module", ("composer",))["region"]),
    }
    for where, (value, expected) in wiring.items():
        if value != expected:
            problems.append(f"terraform {where} is {value!r}; expected {expected!r}")

    if not deploy_accepts(root, COMPOSER_DAG_PREFIX, scratch / "accepted"):
        problems.append(
            f"scripts/deploy/deploy_dags.py refuses {COMPOSER_DAG_PREFIX}, the shape of the prefix the triggers pass"
        )
    for i, other in enumerate(OTHER_PREFIXES):
        if deploy_accepts(root, other, scratch / f"other-{i}"):
            problems.append(f"scripts/deploy/deploy_dags.py accepts {other}, which is not the environment's DAG folder")
    (prefix_variable,) = [
        b.body for b in blocks("variable", _terraform(root, "modules/cloudbuild")) if b.labels == ("dag_gcs_prefix",)
    ]
    condition = prefix_variable["validation"][0]["condition"]
    pattern = re.search(r'regex\("([^"]+)"', condition).group(1).replace("\\\\", "\\")
    if not re.search(pattern, COMPOSER_DAG_PREFIX):
        problems.append(f"terraform/modules/cloudbuild rejects {COMPOSER_DAG_PREFIX} ({pattern})")

    body = next(s for s in yaml.safe_load((root / "cloudbuild.yaml").read_text())["steps"] if s["id"] == "deploy-dags")
    if "DAGS_PREFIX=$_DAGS_PREFIX" not in body.get("env", []) or not re.search(
        r'scripts/deploy/deploy_dags\.py [^\n]*(\\\n[^\n]*)*"\$\$DAGS_PREFIX"', body["args"][1]
    ):
        problems.append("the deploy-dags step must pass $_DAGS_PREFIX to scripts/deploy/deploy_dags.py")
    return problems


def _resolve(expression: str, root: Path) -> str:
    """A storage module expression with its `${var.X}` replaced by what the root passes, down to root defaults."""
    call = _block(root, "module", ("storage",))

    def value(match: re.Match) -> str:
        passed = call[match.group(1)]
        root_variable = re.fullmatch(r"\$\{var\.(\w+)\}", passed)
        return str(variable_default(root_variable.group(1), _terraform(root))) if root_variable else passed

    return re.sub(r"\$\{var\.(\w+)\}", value, expression)


def lifecycle_problems(root: Path) -> list[str]:
    settings = load_config(root).SETTINGS
    reports = settings["GENOPS_REPORTS_PREFIX"].default + "/"
    training = settings["GENOPS_TRAINING_DATA_OBJECT"].default
    bucket = _block(root, "resource", ("google_storage_bucket", "data"), "modules/storage")
    problems, nearline = [], []
    for rule in bucket["lifecycle_rule"]:
        (condition,), (action,) = rule["condition"], rule["action"]
        prefixes = [_resolve(p, root) for p in condition.get("matches_prefix", [])]
        if action.get("storage_class") == "NEARLINE":
            nearline.extend(prefixes)
        live = condition.get("with_state") != "ARCHIVED" and "days_since_noncurrent_time" not in condition
        if live and (not prefixes or any(training.startswith(p) for p in prefixes)):
            problems.append(
                f"a data bucket lifecycle rule ({action['type']}, prefixes {prefixes or 'all'}) reaches the "
                f"training data {training} (GENOPS_TRAINING_DATA_OBJECT), which tuning jobs read"
            )
    if nearline != [reports]:
        problems.append(
            f"evaluation reports are written under {reports} (GENOPS_REPORTS_PREFIX default) but the data "
            f"bucket moves {nearline} to NEARLINE"
        )
    return problems


# --- The real tree keeps the contract ------------------------------------------------------------------------------


def test_dag_code_reads_exactly_the_genops_settings_composer_sets():
    problems = genops_problems(REPO)
    assert not problems, "\n".join(problems)


def test_every_substitution_the_build_uses_is_declared_and_every_declared_one_is_used():
    problems = substitution_problems(REPO)
    assert not problems, "\n".join(problems)


def test_only_the_deploy_trigger_deploys_from_the_refs_it_fires_on():
    problems = deploy_branch_problems(REPO)
    assert not problems, "\n".join(problems)


def test_the_table_and_the_dags_use_one_schema_file():
    dag_schema_file = results.SCHEMA_FILE.resolve()
    assert dag_schema_file.is_relative_to(REPO / "dags")
    problems = schema_problems(REPO, dag_schema_file)
    assert not problems, "\n".join(problems)


def test_the_dag_prefix_the_triggers_pass_is_the_one_deploy_dags_accepts(tmp_path):
    problems = dag_prefix_problems(REPO, tmp_path)
    assert not problems, "\n".join(problems)


def test_report_and_training_prefixes_match_the_lifecycle_rules():
    problems = lifecycle_problems(REPO)
    assert not problems, "\n".join(problems)


# --- Breaking the contract in any one place fails it ---------------------------------------------------------------


@pytest.fixture
def tree(tmp_path) -> Path:
    return scratch_copy(tmp_path)


def scratch_copy(tmp_path: Path) -> Path:
    """A scratch copy of everything the contract reads (tests/terraform/test_platform.py breaks copies too)."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".terraform", ".terraform.lock.hcl", "*.tfstate*", "*.tfplan")
    shutil.copytree(REPO / "terraform", root / "terraform", ignore=ignore)
    shutil.copytree(REPO / "dags", root / "dags", ignore=ignore)
    (root / "scripts" / "deploy").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "deploy" / "deploy_dags.py", root / "scripts" / "deploy")
    shutil.copytree(REPO / "scripts" / "deploy" / "delivery", root / "scripts" / "deploy" / "delivery", ignore=ignore)
    shutil.copy(REPO / "cloudbuild.yaml", root)
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text, f"{relative} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, 1))
    hcl_tree.load.cache_clear()  # parsed files are cached by path


SCHEMA_FILE_IN_TREE = results.SCHEMA_FILE.resolve().relative_to(REPO)
CHECKS = {
    "genops": genops_problems,
    "substitutions": substitution_problems,
    "deploy_branch": deploy_branch_problems,
    "schema": lambda tree: schema_problems(tree, tree / SCHEMA_FILE_IN_TREE),
    "dag_prefix": lambda tree: dag_prefix_problems(tree, Path(tempfile.mkdtemp(dir=tree.parent))),
    "lifecycle": lifecycle_problems,
}
COMPOSER_MAIN = "terraform/modules/composer/main.tf"
CLOUDBUILD_MAIN = "terraform/modules/cloudbuild/main.tf"
# (what breaks, file, text, replacement, check, problems it must report)
BREAKAGES = [
    (
        "composer renames a variable",
        COMPOSER_MAIN,
        "GENOPS_TOKEN_BUDGET ",
        "GENOPS_TOKEN_LIMIT ",
        "genops",
        [
            "DAG code reads GENOPS_TOKEN_BUDGET, which terraform/modules/composer (env_variables) does not set",
            "terraform/modules/composer (env_variables) sets GENOPS_TOKEN_LIMIT, "
            "which dags/genops/core/config.py does not declare",
        ],
    ),
    (
        "config.py renames a variable",
        "dags/genops/core/config.py",
        '"GENOPS_EXPERIMENT_NAME"',
        '"GENOPS_EXPERIMENT"',
        "genops",
        [
            "DAG code reads GENOPS_EXPERIMENT_NAME, which dags/genops/core/config.py does not declare",
            "dags/genops/core/config.py declares GENOPS_EXPERIMENT, "
            "which terraform/modules/composer (env_variables) does not set",
        ],
    ),
    (
        "a DAG reads an undeclared variable",
        "dags/count_tokens.py",
        "",
        'import os\nZONE = os.environ["GENOPS_ZONE"]\n',
        "genops",
        ["DAG code reads GENOPS_ZONE, which dags/genops/core/config.py does not declare"],
    ),
    (
        "the triggers drop a substitution",
        CLOUDBUILD_MAIN,
        "    _COMPOSER_REGION = var.composer_region\n",
        "",
        "substitutions",
        [
            "cloudbuild.yaml uses $_COMPOSER_REGION, which neither the triggers (terraform/modules/cloudbuild) "
            "nor its substitutions: declare"
        ],
    ),
    (
        "the triggers pass an unused substitution",
        CLOUDBUILD_MAIN,
        "    _DEPLOY ",
        '    _EXTRA = "x"\n    _DEPLOY ',
        "substitutions",
        ["the triggers pass _EXTRA but cloudbuild.yaml never uses it"],
    ),
    (
        "the build uses an unescaped shell variable",
        "cloudbuild.yaml",
        '--build-id "$$BUILD" "$$DAGS_PREFIX"',
        '--build-id "$$BUILD" "$DAGS_PREFIX"',
        "substitutions",
        [
            "cloudbuild.yaml uses $DAGS_PREFIX, which is not a Cloud Build substitution "
            "(a shell variable is written $$DAGS_PREFIX)"
        ],
    ),
    (
        "the guard stops reading the trigger's ref pattern",
        "cloudbuild.yaml",
        "DEPLOY_REF=$_DEPLOY_REF",
        "DEPLOY_REF=^main$",
        "deploy_branch",
        ["the deploy-guard step must pass DEPLOY_REF=$_DEPLOY_REF (has '^main$')"],
    ),
    (
        "the deploy trigger passes a fixed ref",
        CLOUDBUILD_MAIN,
        "_DEPLOY_REF      = local.deploy_ref",
        '_DEPLOY_REF      = "^main$"',
        "deploy_branch",
        [
            "the triggers pass _DEPLOY_REF='^main$' "
            "(local.deploy_ref='${coalesce(var.deploy.branch, var.deploy.tag)}'); "
            "it must be the branch or tag regex the deploy trigger fires on"
        ],
    ),
    (
        "pull requests run as the deploy account",
        CLOUDBUILD_MAIN,
        "service_account  = var.service_accounts.test",
        "service_account  = var.service_accounts.deploy",
        "deploy_branch",
        [
            "pull requests must run as the test account and deploys as the deploy account; got "
            "{'test': '${var.service_accounts.deploy}', 'deploy': '${var.service_accounts.deploy}'}"
        ],
    ),
    (
        "the table uses another schema file",
        "terraform/locals.tf",
        "schemas/model_evaluations.json",
        "schemas/customer_feedback.json",
        "schema",
        [
            "the BigQuery table is defined by dags/genops/schemas/customer_feedback.json but the DAGs validate rows "
            "against dags/genops/schemas/model_evaluations.json"
        ],
    ),
    (
        "deploy_dags.py refuses the Composer prefix",
        "scripts/deploy/delivery/release.py",
        '/dags/?$")',
        '/dag-files/?$")',
        "dag_prefix",
        [f"scripts/deploy/deploy_dags.py refuses {COMPOSER_DAG_PREFIX}, the shape of the prefix the triggers pass"],
    ),
    (
        "deploy_dags.py accepts any prefix",
        "scripts/deploy/delivery/release.py",
        '/dags/?$")',
        '/.*$")',
        "dag_prefix",
        [
            f"scripts/deploy/deploy_dags.py accepts {p}, which is not the environment's DAG folder"
            for p in OTHER_PREFIXES[1:]
        ],
    ),
    (
        "the triggers pass another prefix",
        CLOUDBUILD_MAIN,
        "_DAGS_PREFIX     = var.dag_gcs_prefix",
        '_DAGS_PREFIX     = "gs://${local.dags_bucket}/data"',
        "dag_prefix",
        [
            "terraform modules/cloudbuild trigger substitutions._DAGS_PREFIX is 'gs://${local.dags_bucket}/data'; "
            "expected '${var.dag_gcs_prefix}'"
        ],
    ),
    (
        "reports are written outside the NEARLINE prefix",
        "dags/genops/core/config.py",
        '"Object prefix for evaluation reports in the data bucket.", "reports"',
        '"Object prefix for evaluation reports in the data bucket.", "eval-reports"',
        "lifecycle",
        [
            "evaluation reports are written under eval-reports/ (GENOPS_REPORTS_PREFIX default) but the data bucket "
            "moves ['reports/'] to NEARLINE"
        ],
    ),
    (
        "a lifecycle rule reaches the training data",
        "terraform/modules/storage/main.tf",
        'matches_prefix        = ["${var.reports_prefix}/"]',
        'matches_prefix        = ["${var.reports_prefix}/", "training/"]',
        "lifecycle",
        [
            "a data bucket lifecycle rule (SetStorageClass, prefixes ['reports/', 'training/']) reaches the training "
            "data training/sft_train.jsonl (GENOPS_TRAINING_DATA_OBJECT), which tuning jobs read"
        ],
    ),
]


@pytest.mark.parametrize(
    ("relative", "old", "new", "check", "expected"), [b[1:] for b in BREAKAGES], ids=[b[0] for b in BREAKAGES]
)
def test_breaking_the_contract_in_one_place_fails_it(tree, relative, old, new, check, expected):
    before = CHECKS[check](tree)
    assert not set(expected) & set(before), "the copy reports these problems before it is broken"
    edit(tree, relative, old, new)
    problems = CHECKS[check](tree)
    for problem in expected:
        assert problem in problems, "\n".join(problems)

"""Refresh terraform/iam/roles.json, the predefined roles the blueprint grants or may grant, from the full data set.

The full data set (`roles.json.gz`: every predefined role as Google's roles.get returns it, from the MIT-licensed
iann0036/iam-dataset) is large; the project keeps the roles it needs so that the IAM proof and the local
permission-checking front run in any clone and in Cloud Build:

- every `roles/...` named in terraform/ (the grants, the service agents' roles);
- REVIEWED: broader roles a change might reach for, which the over-privilege review must be able to expand.

    python -m scripts.iam.refresh_roles --from /path/to/roles.json.gz [--check]

`--check` fails when the committed subset differs from what the data set gives (a role's contents changed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / "terraform" / "iam" / "roles.json"
LICENSE = REPO / "terraform" / "iam" / "LICENSE-iam-dataset"
DEFAULT_SOURCE = REPO.parent / "shared" / "gcp-iam" / "roles.json.gz"
ROLE = re.compile(r"roles/[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")
REVIEWED = {
    "roles/aiplatform.admin": "the admin role next to aiplatform.user",
    "roles/storage.admin": "project-wide Cloud Storage administration",
    "roles/storage.objectUser": "a narrower alternative to objectAdmin",
    "roles/storage.objectViewer": "read-only objects",
    "roles/iam.serviceAccountTokenCreator": "impersonation",
    "roles/iam.serviceAccountUser": "actAs",
    "roles/secretmanager.secretAccessor": "reading secrets",
    "roles/composer.user": "Composer's user role (environments.get and list)",
    "roles/composer.environmentAndStorageObjectViewer": "Composer's read-only role",
    "roles/composer.environmentAndStorageObjectAdmin": "Composer's environment and bucket admin role",
    "roles/bigquery.dataEditor": "dataset-wide table writes",
    "roles/bigquery.dataViewer": "dataset-wide reads",
    "roles/bigquery.user": "the broader BigQuery job role",
    "roles/cloudbuild.builds.editor": "starting builds",
}


def granted_roles(root: Path = REPO / "terraform") -> set[str]:
    roles = set()
    for path in root.rglob("*.tf"):
        if ".terraform" not in path.parts:
            roles |= set(ROLE.findall(path.read_text()))
    return roles


def subset(source: Path) -> dict:
    with gzip.open(source) as handle:
        everything = json.load(handle)
    wanted = sorted(granted_roles() | set(REVIEWED))
    missing = [role for role in wanted if role not in everything]
    if missing:
        raise SystemExit(f"refresh_roles: {', '.join(missing)} not in {source}: a misspelt or withdrawn role")
    return {
        "source": "iann0036/iam-dataset gcp/roles (what Google's IAM roles.get returns), MIT: see LICENSE-iam-dataset",
        "refresh": "python -m scripts.iam.refresh_roles --from <roles.json.gz>",
        "roles": {
            role: {"title": everything[role]["title"], "permissions": everything[role]["permissions"]}
            for role in wanted
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = json.dumps(subset(args.source), indent=1, sort_keys=False) + "\n"
    if args.check:
        if not TARGET.is_file() or TARGET.read_text() != text:
            print(
                f"{TARGET.relative_to(REPO)} is out of date: run python -m scripts.iam.refresh_roles", file=sys.stderr
            )
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    licence = args.source.parent / "LICENSE-iam-dataset"
    if licence.is_file():
        shutil.copyfile(licence, LICENSE)
    print(f"wrote {TARGET.relative_to(REPO)}: {len(json.loads(text)['roles'])} roles")
    return 0


if __name__ == "__main__":
    sys.exit(main())

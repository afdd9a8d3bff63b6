#!/usr/bin/env bash
# Run a tool of the project venv for a pre-commit hook, building .venv first when a fresh clone lacks it:
#   bash scripts/dev/precommit_tool.sh TOOL [ARGS...]      (TOOL: a program in .venv/bin, e.g. ruff, python)
# So every hook runs from pinned packages already resolved in requirements/ (make setup), and nothing is
# installed by pre-commit itself.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -f "$repo/.venv/.installed" ]; then
  echo "precommit_tool: no project venv yet: running make setup (once)" >&2
  make --no-print-directory -C "$repo" setup >&2
fi
tool="$1"
shift
exec "$repo/.venv/bin/$tool" "$@"

"""Work that must run when a task ends, whatever its outcome: the DAG defaults' task callbacks run these hooks.

Higher layers register a hook when they are first imported in the task's process (the usage ledger writes
the rows its task's Gemini calls left); genops.core.dag_factory installs `run` as the success, failure,
retry and skip callback of every task. A hook that raises is logged and never changes the task's outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_HOOKS: list[Callable[[Any], Any]] = []


def on_task_end(hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Run `hook(context)` when each task of this process ends (registered once, however often called)."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def run(context: Any = None) -> None:
    """The task callback: every registered hook, in registration order."""
    for hook in list(_HOOKS):
        try:
            hook(context)
        except Exception:
            log.exception("task-end hook %s failed; the task's outcome is unchanged", getattr(hook, "__name__", hook))

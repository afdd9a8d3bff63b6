"""Optional features: a GENOPS_ setting that is empty by default. Unset, the DAG skips that branch and says why;
set but malformed, the task fails naming the setting and the form it needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genops.core import config


@dataclass(frozen=True)
class OptionalSetting:
    name: str  # a GENOPS_ setting declared with default "" in genops/core/config.py
    pattern: str  # what a usable value looks like (a full match)
    form: str  # that shape in words, e.g. <project>.<dataset>.<table>
    example: str
    skips: str  # what is skipped while it is unset

    def value(self) -> str | None:
        """The configured value, None when unset, or InvalidSettingError naming the setting and its form."""
        value = config.optional(self.name)
        if value is not None and not re.fullmatch(self.pattern, value):
            raise config.InvalidSettingError(
                f"{self.name}={value!r} is not {self.form}; set it to e.g. {self.example}, or leave it empty to "
                f"skip {self.skips}."
            )
        return value

    def gate(self, task_id: str):
        """A short-circuit task: skips everything downstream while the setting is unset, with one log line."""
        from genops.core.compat import task

        @task.short_circuit(task_id=task_id)
        def configured() -> bool:
            value = self.value()
            if value is None:
                print(f"{self.name} is not set: skipping {self.skips}. Set it to e.g. {self.example} to run it.")
                return False
            print(f"{self.name}={value}")
            return True

        return configured()

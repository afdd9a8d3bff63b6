"""Gates that really stop a run: decisions as plain data (`decisions`), the settings preflight
(`preflight`) and the tasks that record and enforce them (`tasks`). Imports genops.core, and genops.gemini
for the preflight's `models.get`."""

"""Gates that really stop a run: decisions as plain data (`decisions`) and the short-circuit tasks that
record and enforce them (`tasks`). Imports only genops.core."""

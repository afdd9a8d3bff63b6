"""The model table (models.json): the one place a Gemini model fact lives, and what follows from it.

- `table`: the parsed table; `facts(model)` one model's facts (ids as requests name them, or publisher paths).
- `lifecycle(model, today)`: where a model stands on a day (current, retiring within the warning window, retired),
  naming its retirement date and replacements. Preflight, the model_lifecycle DAG and the docs read it.

This package imports nothing else from genops: configuration, prices and Terraform read it, never the reverse.
"""

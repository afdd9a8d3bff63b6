"""Evaluating a model: answers online or from a batch prediction job (`answers`, `batch`), scored by the Gen AI
evaluation service (`scoring`), one configuration's whole evaluation (`model_evaluation`), checked
`model_evaluations` rows (`results`) and the comparison report (`reports`). Imports genops.core, usage, gemini
and gates."""

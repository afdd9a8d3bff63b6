"""Evaluating a model: answers scored by the Gen AI evaluation service (`scoring`), one configuration's
whole evaluation (`model_evaluation`), checked `model_evaluations` rows (`results`) and the comparison
report (`reports`). Imports genops.core and genops.gemini."""

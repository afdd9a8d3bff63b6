"""Supervised fine-tuning: the training-data validator and the tasks that start and wait for a tuning job.
Imports genops.core and genops.gemini."""

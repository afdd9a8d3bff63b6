"""Calling Gemini: the generation profiles the lab compares, the prompts and evaluation dataset, and the
tasks that send them. Imports only genops.core."""

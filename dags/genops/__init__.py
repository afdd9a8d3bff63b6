"""Shared code for the GenOps DAGs: config contract, prompts and datasets, gates and helpers.

Nothing here imports Google SDKs at module level: DAG parsing stays fast and offline.
"""
